"""CLI: print an ESTIMATE (a lower bound, never a certificate) of lambda_max(grad^2 L) (numerics.lambda_estimate).

python -m numerics.estimate --network NET --data DATA [--method lanczos|power] [--eta ETA] [--json]
"""

from __future__ import annotations

import json
import sys

import numpy as np

from bounds._cli import guarded
from numerics._cli import finish_parser, parse_and_apply_threads, reading_options
from numerics.hessian import KinkError, find_kinks
from numerics.lambda_estimate import lambda_max_estimate_detail
from numerics.loss import convention

__all__ = ["main"]


@guarded("python -m numerics.estimate")
def main(argv=None) -> int:
    """CLI: print a lambda_max ESTIMATE (lower bound) for a network and data file; exit 2 on bad input.

    python -m numerics.estimate --network NET --data DATA [--method lanczos|power] [--eta ETA] [--json]
    """
    import argparse

    from numerics.io import InputError, load_data, load_network

    ap = argparse.ArgumentParser(prog="python -m numerics.estimate",
                                 description="lambda_max(grad^2 L) ESTIMATE (a lower bound, never a certificate)")
    ap.add_argument("--network", required=True, help="network file (.json, .npz, .pt)")
    ap.add_argument("--data", required=True, help="data file (.json, .npz, .csv, .pt, or X.npy,y.npy)")
    ap.add_argument("--method", choices=["lanczos", "power"], default="lanczos",
                    help="eigensolver (default: %(default)s)")
    ap.add_argument("--eta", type=float, default=None, help="step size: also compare with 2/eta")
    ap.add_argument("--tol", type=float, default=1e-10,
                    help="relative tolerance of the eigensolver, in [0, 1) (default: %(default)s)")
    ap.add_argument("--loss", choices=["half-mse", "mse"], default="half-mse",
                    help="loss convention of lambda_max and eta (mse: torch's nn.MSELoss, 2x the Hessian; default: %(default)s)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--device", default=None,
                    help="torch device for the HVP (default numpy on the CPU; 'cpu' tested, 'cuda' untested)")
    finish_parser(ap, {0: "estimate printed (never a certificate)",
                    3: "no estimate: float64 overflows at these magnitudes (numerics.certify works exactly)"})
    args, rc = parse_and_apply_threads(ap, argv)
    if rc is not None:
        return rc

    scale = convention(args.loss).hessian_scale
    try:
        if args.eta is not None and not args.eta > 0:
            raise InputError(f"--eta must be positive, got {args.eta}")
        if not 0 <= args.tol < 1:  # eigsh: tol = 0 means machine precision; NaN fails this test too
            raise InputError(f"--tol must be in [0, 1), got {args.tol}")
        net, data = (load_network(args.network, **reading_options(args)),
                     load_data(args.data, **reading_options(args)))
        if net.d != data.d:
            raise InputError(f"network has input dimension {net.d} but data have dimension {data.d}")
        print(f"estimating lambda_max: P={net.num_params}, n={data.n} ({args.method})", file=sys.stderr)
        device = None
        if args.device is not None:
            from numerics.device import resolve_device

            device = resolve_device(args.device)
        try:
            nf, df = net.as_float(), data.as_float()
        except OverflowError as exc:  # an exact value beyond float64's range
            raise FloatingPointError(str(exc)) from None
        with np.errstate(over="raise", invalid="raise"):  # an overflowed estimate would be meaningless
            e = lambda_max_estimate_detail(nf, df, method=args.method, tol=args.tol, device=device)
    except FloatingPointError as exc:
        print(f"no estimate: float64 overflows at these magnitudes ({exc}); numerics.certify works exactly",
              file=sys.stderr)
        return 3
    except KinkError as exc:  # raised on the float64 copy: say whether the exact point is on a kink too

        exact = find_kinks(net.as_exact(), data.as_exact().X)
        print("error: not twice differentiable: " + (f"{exc}" if exact else "the float64 copy of the point "
              "lies on a kink (the exact point does not); use numerics.certify, which works exactly"),
              file=sys.stderr)
        return 2
    except (InputError, ValueError) as exc:  # incl. an unknown or unavailable --device
        print(f"error: {exc}", file=sys.stderr)
        return 2
    value = scale * e.value
    res = {"lambda_max_estimate": value, "certified": False, "kind": "estimate (lower bound)",
           "method": e.method, "hvps": e.matvecs, "converged": e.converged, "num_params": net.num_params,
           "loss": args.loss}
    if args.eta is not None:
        res["two_over_eta"] = 2 / args.eta
        res["estimate_exceeds_two_over_eta"] = value > 2 / args.eta
    if args.json:
        print(json.dumps(res))
    else:
        print(str(e) if scale == 1 else f"lambda_max ~ {value:.10g} (estimate, lower bound; {args.loss} "
              f"convention = {scale} x the half-mse {e.value:.10g}; {e.method}, {e.matvecs} HVPs)")
        print(f"loss convention: {convention(args.loss).formula}")
        if args.eta is not None:
            verdict = ("exceeds 2/eta: suggests NOT stable (confirm with numerics.certify)"
                       if value > 2 / args.eta else
                       "is below 2/eta: says nothing about stability (an estimate is a lower bound)")
            print(f"2/eta = {2 / args.eta:.10g}; the estimate {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
