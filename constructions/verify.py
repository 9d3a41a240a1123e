"""``python -m constructions.verify``: build the App. H/I lower-bound construction and certify it.

The CLI over :mod:`constructions.checks` (the caps family) and :mod:`constructions.verify_ridge` (the
ridge families).  It prints one line per check saying PASS/FAIL and whether the check is [certified]
(exact or rigorous arithmetic) or an [estimate].  Exit status: 0 iff every check passed, 1 if any
failed, 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from fractions import Fraction

from bounds._cli import guarded, int_at_least
from numerics._cli import apply_threads_option, certificate_written, finish_parser, write_certificate_file
from numerics.network import to_fraction
from numerics.outcome import Outcome

from ._rational import fmt
from .checks import K_MAX_CERTIFY, Context, InputError, _progress, coupled_eps, coupled_n, load_direction_file, run

__all__ = ["main", "ridge_report"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        print(f"constructions.verify: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _frac_arg(s: str) -> Fraction:
    try:
        return to_fraction(s)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parse(argv):
    p = _Parser(prog="python -m constructions.verify", description=__doc__.splitlines()[0])
    p.add_argument("--d", type=int_at_least(1), default=None, help="dimension (default 3)")
    p.add_argument("--eps", type=_frac_arg, default=None, help="cap parameter, rational, e.g. 1/8 (default)")
    p.add_argument("--n", type=int_at_least(1), default=None,
                   help="sample size for App. I and Fano (default: coupled to eps)")
    p.add_argument("--eta", type=_frac_arg, default=Fraction(1), help="GD step size (default 1)")
    p.add_argument("--sigma", type=_frac_arg, default=Fraction(1), help="noise level (default 1)")
    p.add_argument("--seed", type=int_at_least(0), default=0,
                   help="seed of the packing candidates and of the App. I sample (default: 0)")
    p.add_argument("--directions", metavar="FILE", default=None,
                   help='JSON {"d": .., "eps": "1/8", "directions": [[..], ..]} to verify instead of the built packing')
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--certificate-out", metavar="FILE", default=None,
                   help="also write the certified properties with their witnesses to FILE, re-checkable by "
                        "python -m numerics.check_certificate FILE")
    p.add_argument("--family", choices=("caps", "ridge", "ridge-multi"), default="caps",
                   help="packing family: the paper's caps (default) or the ridge-bump families derived here")
    p.add_argument("--bumps", type=int_at_least(1), default=None, help="ridge families: tents per direction")
    p.add_argument("--height", type=_frac_arg, default=None, help="ridge families: tent height (default: largest in F)")
    finish_parser(p, {0: "every check passed", 1: "some check failed"}, reading=False)
    a = p.parse_args(argv)
    if a.family == "caps" and (a.bumps is not None or a.height is not None):
        p.error("--bumps/--height are for --family ridge|ridge-multi")
    if a.family != "caps" and (a.directions is not None or a.certificate_out is not None):
        p.error("--directions and --certificate-out are for --family caps")
    if a.height is not None and not 0 < a.height <= 1:
        p.error(f"--height must be in (0, 1], got {a.height}")
    if a.eta <= 0:
        p.error("--eta must be > 0")
    if a.sigma <= 0:
        p.error("--sigma must be > 0")
    if a.eps is not None and not (0 < a.eps <= Fraction(1, 2)):
        p.error(f"--eps must be in (0, 1/2] (Lemma H.1's range), got {a.eps}")
    return p, a


def _context(p, a) -> Context:
    user = None
    d, eps = a.d, a.eps
    if a.directions is not None:
        fd, feps, user = load_direction_file(a.directions)
        if d is not None and d != fd:
            raise InputError(f"--d {d} contradicts d = {fd} in {a.directions}")
        if eps is not None and eps != feps:
            raise InputError(f"--eps {eps} contradicts eps = {feps} in {a.directions}")
        d, eps = fd, feps
        if fd < 2:
            raise InputError("direction files need d >= 2 (d = 1 uses the bump construction)")
    d = 3 if d is None else d
    if d > 12:
        raise InputError("--d above 12 is not supported by the default run's time budget")
    n = a.n
    if eps is None:
        eps = Fraction(1, 8) if n is None else coupled_eps(d, n, a.sigma)
    if n is None and not 0 < eps <= Fraction(1, 2):
        n = 1000
    ctx = Context(d=d, eps=eps, n=n or 1, eta=a.eta, sigma=a.sigma, seed=a.seed, user_directions=user)
    if n is None and 0 < eps <= Fraction(1, 2):
        ctx.n = coupled_n(d, eps, a.sigma, ctx.N)
    return ctx


_SUMMARY_KEYS = ("num_caps", "cap_mass", "atom_l2_sq", "vg_cost", "packing_size", "min_hamming",
                 "fano_lower_bound", "empty_caps", "lambda_max")


def _report(ctx, results: list[Outcome], secs: float, as_json: bool, header: dict, title: str,
            extra: dict | None = None) -> str:
    """Return the human or JSON report of a run: ``header`` fields, the summary values, every check."""
    ok = all(r.holds for r in results)
    if not as_json:
        lines = [title] + [f"{r.verdict()} {'[certified]' if r.certified else '[estimate] '} {r.name}: {r.detail}"
                           for r in results]
        lines.append(f"{sum(r.holds is True for r in results)}/{len(results)} checks passed in {secs:.1f} s")
        return "\n".join(lines)
    out = dict(header)
    for key in _SUMMARY_KEYS:
        out[key] = ctx.values.get(key)
    out["extra"] = {k: v for k, v in ctx.values.items() if k not in out}
    out["extra"].update(extra or {})
    out["checks"] = [r.as_check() for r in results]
    out["passed"] = ok
    out["seconds"] = round(secs, 2)
    return json.dumps(out, indent=2, default=str)


@guarded("python -m constructions.verify")
def main(argv=None) -> int:
    """Run the verification CLI; return 0 iff every check passed, 1 if any failed, 2 for bad input.

    >>> main(["--eps", "2"])
    2
    """
    try:
        p, a = _parse(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    rc = apply_threads_option(a.threads, prefix="constructions.verify: error")
    if rc is not None:
        return rc
    if a.family != "caps":
        if a.d is not None and a.d > 12:
            print("constructions.verify: error: --d above 12 is not supported by the default run's time budget",
                  file=sys.stderr)
            return 2
        return _main_family(a)
    t0 = time.time()
    try:
        ctx = _context(p, a)
        results = run(ctx)
    except InputError as exc:
        print(f"constructions.verify: error: {exc}", file=sys.stderr)
        return 2
    secs = time.time() - t0
    ok = all(r.holds for r in results)
    if a.certificate_out:
        from .certificate_file import construction_document

        size = write_certificate_file(lambda: construction_document(ctx, results, K_MAX_CERTIFY), a.certificate_out,
                                      prefix="constructions.verify: error")
        if size is None:
            return 2
        ctx.values["certificate_file"] = a.certificate_out
        _progress(certificate_written(a.certificate_out, size))
    if ctx.d == 1:  # the bump construction has K bumps, reported as its "caps"
        ctx.values["num_caps"] = ctx.N if ctx.eps_ok else None
    header = {"d": ctx.d, "eps": fmt(ctx.eps), "n": ctx.n, "eta": fmt(ctx.eta), "sigma": fmt(ctx.sigma),
              "seed": ctx.seed}
    print(_report(ctx, results, secs, a.json, header,
                  f"constructions.verify: d={ctx.d} eps={ctx.eps} n={ctx.n} eta={ctx.eta} sigma={ctx.sigma} seed={ctx.seed}"))
    return 0 if ok else 1


def ridge_report(ctx, results: list[Outcome], secs: float, as_json: bool) -> str:
    """Return the human or JSON report of a ridge family run (same keys as the caps family, plus ``family``)."""
    header = {"family": ctx.family, "d": ctx.d, "eps": fmt(ctx.eps), "n": ctx.n, "eta": fmt(ctx.eta),
              "sigma": fmt(ctx.sigma), "seed": ctx.seed}
    title = (f"constructions.verify: family={ctx.family} d={ctx.d} eps={ctx.eps} K={ctx.K} h={ctx.fam.height} "
             f"n={ctx.n} sigma={ctx.sigma} seed={ctx.seed} (ridge families: derived here, not from the paper)")
    extra = dict(bumps_per_direction=ctx.K, height=fmt(ctx.fam.height), width=fmt(ctx.fam.width), num_bumps=ctx.T)
    return _report(ctx, results, secs, as_json, header, title, extra)


def _main_family(a) -> int:
    """Run a ridge family from parsed verify arguments; return 0 iff every check passed, 1 otherwise."""
    t0 = time.time()
    from .verify_ridge import default_context, run_family

    ctx = default_context(a.family, 3 if a.d is None else a.d, a.eps, a.bumps, a.height, a.n, a.sigma, a.seed, a.eta)
    results = run_family(ctx)
    print(ridge_report(ctx, results, time.time() - t0, a.json))
    return 0 if all(r.holds for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
