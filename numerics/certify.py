"""Certificates of linear stability lambda_max(grad^2 L) <= 2/eta (Prop. 2.1, proofs_notes/theory.md §4).

The command-line interface (the first line above is its --help description).

The certificate methods are numerics.certificates (dense, schur, structured; proofs and assumptions:
proofs_notes/stability_certificates.md).  Float estimates (Lanczos, numerics.lambda_estimate) are
reported as estimates only.

    python -m numerics.certify --network NET --data DATA --eta ETA [--json] [--method auto|dense|schur|structured]
        [--loss half-mse|mse]

With ``--loss mse`` (torch's nn.MSELoss, L = (1/n) sum r^2) eta is torch's lr and lambda_max is that of
grad^2 L_mse = 2 H; the decision is the half-mse one at threshold (2/eta)/2 (numerics.loss).

exit 0 certified stable, 1 certified not stable, 2 bad input / not twice differentiable, 3 undecided.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from fractions import Fraction

import numpy as np

from bounds._cli import guarded
from numerics.hessian import KinkError
from numerics._cli import (certificate_written, finish_parser, parse_and_apply_threads, reading_options, report_error,
                           write_certificate_file)
from numerics.certificates import (METHODS, StabilityCertificate,
                                  exact_eta, _float_or_none, _half_mse_view, _sci, certify_stability)
from numerics.loss import convention
from numerics._progress import Reporter

__all__ = ["main"]


# ---------------------------------------------------------------------------- CLI
def _q(x):
    """The exact value "p/q" of x (None stays None), however many digits it has."""
    if x is None:
        return None
    limit = sys.get_int_max_str_digits()
    try:  # Python refuses int -> decimal conversions beyond 4300 digits by default (a DoS guard for input)
        sys.set_int_max_str_digits(0)
        return str(Fraction(x))
    finally:
        sys.set_int_max_str_digits(limit)


def _f(x):
    """The float64 of x, or None when x is None or float64 cannot carry it (beyond its range, or rounded to
    0); the exact value is always reported beside it."""
    return _float_or_none(None if x is None else Fraction(x))


def _report(cert: StabilityCertificate, net, data) -> dict:
    out = {
        "lambda_max_lower": _q(cert.lambda_max_lower), "lambda_max_lower_float": _f(cert.lambda_max_lower),
        "lambda_max_upper": _q(cert.lambda_max_upper), "lambda_max_upper_float": _f(cert.lambda_max_upper),
        "two_over_eta": _q(cert.two_over_eta), "two_over_eta_float": _f(cert.two_over_eta),
        "stable": cert.stable, "certified": cert.certified, "method": cert.method, "detail": cert.detail,
        "num_params": cert.num_params, "multiplicity": cert.multiplicity,
        "lambda_max_estimate": cert.estimate, "seconds": round(cert.seconds, 3),
        "loss": cert.loss,
    }
    for key in ("auto", "handover"):  # which method ran and why (cost model, magnitudes)
        if key in cert.extra:
            out[key] = cert.extra[key]
    # weighted-variation quantities, computed once (numerics._weights_fast): |f|_Vg as a rigorous ball
    # enclosure [vg_norm_lower, vg_norm_upper]; the margins are float64 ESTIMATES
    from numerics._weights_fast import certify_extras

    lam = cert.estimate if cert.estimate is not None else _f(cert.lambda_max_upper)
    lam = None if lam is None else lam / convention(cert.loss).hessian_scale  # Thm 3.2 reads H's
    keys = ("vg_norm", "vg_norm_lower", "vg_norm_upper", "term_a_margin", "theorem_3_2_margin")
    try:
        with np.errstate(all="ignore"):
            ex = certify_extras(net, data, lambda_max=lam, lambda_gn=cert.work.get("gauss_newton_lambda_estimate"),
                                pattern=cert.work.get("pattern"), loss=cert.work.get("half_mse_loss"))
        if any(ex.get(k) is not None and not math.isfinite(ex[k]) for k in keys):
            raise ValueError("float64 overflow")
        for key in keys:
            out[key] = ex.get(key)
    except Exception as exc:  # e.g. data outside the unit ball, or beyond float64's range: reported, not fatal
        for key in ("vg_norm", "term_a_margin", "theorem_3_2_margin"):
            out[key] = None
            out[key + "_error"] = " ".join(str(exc).split()) or type(exc).__name__
    out["estimates_note"] = ("term_a_margin, theorem_3_2_margin, vg_norm (midpoint) and lambda_max_estimate are "
                             "float64 ESTIMATES (not certified); [vg_norm_lower, vg_norm_upper] is a rigorously "
                             "rounded enclosure of |f|_Vg (empirical weight)")
    return out


@guarded("python -m numerics.certify")
def main(argv=None) -> int:
    """CLI: certify lambda_max(grad^2 L) <= 2/eta for a network and data file (exit codes in module doc).

    >>> main(["--network", "missing.json", "--data", "missing.json", "--eta", "1"])
    2
    """
    ap = argparse.ArgumentParser(prog="python -m numerics.certify", description=__doc__.splitlines()[0])
    ap.add_argument("--network", required=True, help="network file (.json, .npz, .pt)")
    ap.add_argument("--data", required=True, help="data file (.json, .npz, .csv, .pt, or X.npy,y.npy)")
    ap.add_argument("--eta", required=True, help="step size, e.g. 0.9 or 9/10 (read exactly)")
    ap.add_argument("--method", default="auto", choices=list(METHODS),
                    help="certificate method (default: %(default)s: dense for small P, else schur or structured)")
    ap.add_argument("--refine", type=int, default=0, metavar="STEPS",
                    help="structured method: bisection steps tightening the certified upper bound "
                         "(default: %(default)s)")
    ap.add_argument("--loss", default="half-mse", choices=["half-mse", "mse"],
                    help="loss convention of eta and lambda_max: half-mse (theory, default) or mse "
                         "(torch's nn.MSELoss; eta = torch's lr)")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    ap.add_argument("--quiet", action="store_true", help="no progress on stderr")
    ap.add_argument("--certificate-out", metavar="FILE", default=None,
                    help="also write the claim with a witness to FILE, re-checkable by "
                         "python -m numerics.check_certificate FILE")
    from numerics.io import InputError, load_data, load_network

    finish_parser(ap, {0: "certified stable", 1: "certified NOT stable",
                    2: "bad input, or a data point on a kink (no Hessian)", 3: "undecided"})
    args, rc = parse_and_apply_threads(ap, argv)
    if rc is not None:
        return rc

    progress = Reporter("[certify]", enabled=not args.quiet)

    try:
        eta = exact_eta(args.eta)
        net = load_network(args.network, **reading_options(args))
        data = load_data(args.data, **reading_options(args))
        if net.d != data.d:
            raise ValueError(f"network expects inputs of dimension {net.d}, data have {data.d}")
        if args.refine < 0:
            raise ValueError("--refine must be >= 0")
        cert = certify_stability(net, data, eta, method=args.method, progress=progress,
                                 refine_steps=args.refine, loss=args.loss)
    except KinkError as exc:
        print(f"error: not twice differentiable: {exc}", file=sys.stderr)
        return 2
    except (InputError, ValueError, OSError) as exc:
        return report_error(exc)
    rep = _report(cert, net, data)
    # Prop. 2.1 speaks about critical points: say how far from one the given point is (certified bound)
    from numerics.model_api import gradient_norm_upper

    g_up, g2 = gradient_norm_upper(net, data, args.loss)
    rep["grad_norm_upper"] = g_up if g_up != float("inf") else None  # None: beyond float64's range
    rep["critical_point"] = g2 == 0
    if args.certificate_out:
        from numerics.certificate_file import stability_document

        size = write_certificate_file(lambda: stability_document(net, data, eta, _half_mse_view(cert), loss=args.loss,
                                                                 progress=progress), args.certificate_out)
        if size is None:
            return 2
        rep["certificate_file"], rep["certificate_file_bytes"] = args.certificate_out, size
    if args.json:
        print(json.dumps(rep, indent=2))
    else:
        verdict = cert.outcome
        status = verdict.verdict("STABLE", "NOT STABLE")
        tag = "certified" if verdict.certified else "not certified"
        print(f"{status} ({tag}, method {cert.method}, P = {cert.num_params}, {cert.seconds:.2f} s, "
              f"loss convention {cert.loss})")
        exact_c = rep["two_over_eta"] if len(rep["two_over_eta"]) <= 60 else "(exact value in --json)"
        print(f"  2/eta            = {exact_c} ~ {_sci(cert.two_over_eta)}")
        print(f"  lambda_max lower = {_sci(cert.lambda_max_lower)}  (certified)" if cert.lambda_max_lower
              is not None else "  lambda_max lower = n/a")
        print(f"  lambda_max upper = {_sci(cert.lambda_max_upper)}  (certified)" if cert.lambda_max_upper
              is not None else "  lambda_max upper = n/a")
        if cert.multiplicity is not None:
            print(f"  multiplicity of lambda_max = {cert.multiplicity} (exact)")
        if cert.estimate is not None:
            print(f"  lambda_max estimate = {cert.estimate:.12g}  (ESTIMATE)")
        if rep["critical_point"]:
            print("  grad L = 0 exactly: a critical point (certified)")
        else:
            bound = "beyond float64" if rep["grad_norm_upper"] is None else f"<= {rep['grad_norm_upper']:.3g}"
            print(f"  ||grad L||        {bound}  (certified): NOT a critical point; "
                  "linear stability (Prop. 2.1) speaks about minima")
        if rep.get("vg_norm_lower") is not None:
            print(f"  vg_norm in [{rep['vg_norm_lower']!r}, {rep['vg_norm_upper']!r}]  (certified enclosure)")
        else:
            print(f"  vg_norm = n/a ({rep.get('vg_norm_error', 'unavailable')})")
        for key in ("term_a_margin", "theorem_3_2_margin"):
            value = rep[key] if rep[key] is not None else f"n/a ({rep.get(key + '_error', 'unavailable')})"
            print(f"  {key} = {value}  (ESTIMATE)")
        print(f"  {cert.detail}")
        if "auto" in cert.extra:
            print(f"  auto chose {cert.extra['auto']['method'] or 'no method'}: {cert.extra['auto']['why']}")
        if args.certificate_out:
            print(f"  {certificate_written(args.certificate_out, rep['certificate_file_bytes'])}")
    return {True: 0, False: 1, None: 3}[cert.stable]


if __name__ == "__main__":
    sys.exit(main())
