"""CLI: GD dynamics near a minimum against linear stability (Prop. 2.1), at high precision.

The analysis is numerics.linear_stability (NUMERICAL EVIDENCE, never a certificate; the certificate of
numerics.certify is reported separately), the example cases numerics.stability_cases, the polishing
numerics.polish.

CLI: python -m numerics.stability (--network NET --data DATA [--polish] | --construction |
     --interpolating | --gd-endpoint) (--eta ETA | --eta-factor F) [--dps 50] [--steps T]
     [--sizes S ...] [--float64] [--no-certify] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys

from bounds._cli import guarded, int_at_least
from numerics.hessian import KinkError
from numerics.linear_stability import DEFAULT_SIZES, stability_experiment
from numerics.network import to_fraction
from numerics.polish import polish_minimum
from numerics.stability_cases import construction_case, gd_endpoint_case, interpolating_case
from numerics._cli import finish_parser, parse_and_apply_threads, reading_options

__all__ = ["main"]


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # main() turns this into one line on stderr and exit code 2
        raise _UsageError(f"{self.prog}: error: {message}")


_positive_int = int_at_least(1)


def _positive_fraction(s):
    try:
        v = to_fraction(s)  # exact; a decimal exponent beyond +-10000 is refused, not expanded
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc) if "exponent" in str(exc) else f"not a number: {s!r}") from None
    if v <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {s}")
    return v


def _size(s):
    v = _positive_fraction(s)
    if v > 1:
        raise argparse.ArgumentTypeError(f"perturbation size must be <= 1, got {s}")
    return s


def _human(r: dict, label: str) -> str:
    lines = [
        f"stability of GD near a minimum ({label}); all numbers below are ESTIMATES unless marked certified",
        f"  loss convention: {r.get('loss', 'half-mse')} (eta and lambda's in it)",
        f"  parameters P = {r['num_params']}, flat (null) directions = {r['null_dim']}, "
        f"eigen-decomposition: {r['eig_method']}",
        f"  grad L(theta*) = 0 exactly: {r['gradient_exactly_zero']}   (||grad L|| at working precision "
        f"{r['gradient_norm']:.3g})",
    ]
    if not r["critical_point"]:
        lines.append("  WARNING: theta* is NOT a critical point; the linear analysis below does not describe the "
                     "dynamics (polish first: --polish)")
    lines += [
        f"  lambda_max ~ {r['lambda_max_digits']}   lambda_min ~ {r['lambda_min']:.3g}",
        f"  eta = {r['eta_digits']}   threshold 2/lambda_max ~ {r['eta_threshold']:.12g}   "
        f"linearly stable (predicted): {r['linearly_stable_predicted']}",
        f"  predicted rate |1 - eta lambda_max| = {r['predicted_rate']:.12g}; spectral radius of I - eta H "
        f"= {r['spectral_radius']:.12g} (on range(H): {r['spectral_radius_on_range']:.12g})",
        f"  kink margin {r['kink_margin']:.3g}: perturbations < {r['linear_region_radius']:.3g} cross no kink",
        f"  certificate (numerics.certify): certified={r['certified']}: {r['certificate'].get('detail', '')}",
        f"  GD runs at {'%s digits' % r['dps'] if r['dps'] else 'float64'}, up to {r['steps']} steps:",
        "    direction  size     steps  window  observed rate     rel.err    lin.pred.err  max dist    outcome",
    ]
    for run in r["runs"]:
        obs = "-" if run["observed_rate"] is None else f"{run['observed_rate']:.12f}"
        err = "-" if run["rate_rel_error"] is None else f"{run['rate_rel_error']:.1e}"
        lpe = "-" if run["linear_prediction_rel_error"] is None else f"{run['linear_prediction_rel_error']:.1e}"
        md = "overflow" if run["max_distance"] is None else f"{run['max_distance']:.2e}"
        out = "stayed" if run["stayed"] else "ESCAPED"
        if run["may_have_crossed_kink"]:
            out += " (left the kink-free ball"
            out += f"; bounded, final {run['final_distance']:.2e})" if run["bounded_after_escape"] else ")"
        lines.append(f"    {run['direction']:<9}  {run['size']:<7.0e}  {run['steps_run']:>5}  {run['linear_window']:>6}  "
                     f"{obs:<16}  {err:<9}  {lpe:<12}  {md:<10}  {out}")
    lines.append(f"  observed rate (top direction, smallest size) = {r['observed_rate']}; "
                 f"stable observed: {r['stable_observed']}")
    if r["certificate_agrees_with_dynamics"] is not None:
        lines.append(f"  certified verdict agrees with the GD dynamics: {r['certificate_agrees_with_dynamics']}")
    return "\n".join(lines)


@guarded("python -m numerics.stability")
def main(argv=None) -> int:
    """Run the GD stability experiment from the command line; return the exit code (0 ok, 2 bad input).

    >>> main(["--construction", "--eta", "0", "--json"])
    2
    """
    p = _Parser(prog="python -m numerics.stability",
                description="GD at high precision near a minimum vs linear stability (Prop. 2.1).")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--network", help="network file (JSON/.npz/.pt, see numerics.io); needs --data")
    src.add_argument("--construction", action="store_true",
                     help="atoms on empty caps, labels 0 (App. I; lambda_max = 1, threshold 2)")
    src.add_argument("--interpolating", action="store_true",
                     help="small exactly interpolating network with active neurons (threshold != 2)")
    src.add_argument("--gd-endpoint", action="store_true",
                     help="float64 GD end point (n=6, d=2, K=4) polished to a minimum at --dps digits")
    p.add_argument("--data", help="data file (JSON/.npz) for --network")
    e = p.add_mutually_exclusive_group(required=True)
    e.add_argument("--eta", type=_positive_fraction, help="step size, e.g. 1.8 or 9/5")
    e.add_argument("--eta-factor", type=_positive_fraction, help="step = FACTOR * 2/lambda_max, e.g. 0.9")
    p.add_argument("--dps", type=_positive_int, default=50, help="mpmath digits (default 50)")
    p.add_argument("--float64", action="store_true", help="run GD in float64 instead of mpmath")
    p.add_argument("--steps", type=_positive_int, default=200, help="GD steps per run (default 200)")
    p.add_argument("--sizes", type=_size, nargs="+", default=list(DEFAULT_SIZES),
                   help="perturbation sizes (default 1e-12 1e-8 1e-4)")
    p.add_argument("--seed", type=int, default=0,
                   help="seed for the random direction and the cases (--gd-endpoint: 0 means its default 3)")
    p.add_argument("--n", type=_positive_int, default=12, help="data points for --construction/--interpolating (default: %(default)s)")
    p.add_argument("--no-certify", action="store_true", help="skip numerics.certify")
    p.add_argument("--loss", choices=["half-mse", "mse"], default="half-mse",
                   help="loss convention of eta and lambda (mse: torch's nn.MSELoss; lr eta = half-mse 2 eta; default: %(default)s)")
    p.add_argument("--polish", action="store_true",
                   help="with --network: polish to a critical point at --dps digits first (Levenberg-Marquardt)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    finish_parser(p, {0: "experiment run and reported"})
    try:
        return _run(p, argv)
    except _UsageError as exc:
        print(str(exc).replace("\n", " "), file=sys.stderr)
        return 2


def _run(p: argparse.ArgumentParser, argv) -> int:
    args, rc = parse_and_apply_threads(p, argv)
    if rc is not None:
        return rc
    if args.network is not None and args.data is None:
        p.error("--network needs --data")
    if args.data is not None and args.network is None:
        p.error("--data needs --network")
    if args.polish and args.network is None:
        p.error("--polish applies to --network")
    try:
        if args.construction:
            net, data = construction_case(n=args.n, seed=args.seed)
            label = f"construction: atoms on empty caps, d=2, eps=1/2, n={args.n}"
        elif args.interpolating:
            net, data = interpolating_case(n=args.n, seed=args.seed)
            label = f"exactly interpolating network, K=3, d=2, n={args.n}"
        elif args.gd_endpoint:
            seed = 3 if args.seed == 0 else args.seed
            if not args.json:
                print("training float64 GD and polishing at high precision ...", file=sys.stderr)
            net, data, info = gd_endpoint_case(seed=seed, dps=args.dps)
            label = (f"float64 GD end point (seed {seed}, {info['gd_steps']} steps) polished by "
                     f"Levenberg-Marquardt at {args.dps} digits: ||grad L|| = {info['gradient_norm']:.2g}")
        else:
            from numerics.io import InputError, load_data, load_network
            try:
                net = load_network(args.network, **reading_options(args))
                data = load_data(args.data, **reading_options(args))
            except (InputError, OSError, ValueError) as exc:
                print(f"error: {exc}".replace("\n", " "), file=sys.stderr)
                return 2
            if net.d != data.d:
                print(f"error: network input dimension {net.d} != data dimension {data.d}", file=sys.stderr)
                return 2
            label = f"{args.network} on {args.data}"
            if args.polish:
                net, info = polish_minimum(net, data, dps=args.dps)
                if not info["converged"]:
                    print(f"error: polishing did not reach a critical point (||grad L|| = "
                          f"{info['gradient_norm']:.3g} after {info['iterations']} iterations)", file=sys.stderr)
                    return 2
                label += f", polished at {args.dps} digits: ||grad L|| = {info['gradient_norm']:.2g}"
        progress = None if args.json else (lambda m: print(m, file=sys.stderr))
        r = stability_experiment(
            net, data, eta=args.eta, eta_factor=args.eta_factor, dps=args.dps,
            kind="float" if args.float64 else "mpmath", steps=args.steps, sizes=tuple(args.sizes),
            seed=args.seed, certify=not args.no_certify, progress=progress, loss=args.loss,
        )
    except KinkError as exc:
        print(f"error: no Hessian at this point (data point on a kink): {exc}".replace("\n", " "), file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"error: {exc}".replace("\n", " "), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(r, default=str))
    else:
        print(_human(r, label))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
