"""CLI: ``python -m numerics.flat`` (parsing, printing and exit codes; the work is numerics.flat_points).

    python -m numerics.flat --network NET --data DATA --eta ETA [--loss half-mse|mse] [--json]
                            [--certificate-out FILE]
    python -m numerics.flat --store runs.sqlite --run KEY [--eta ETA] [--loss ...] [--json]

Polishes the network (GD with a decreasing step, numerics.flat_points.polish) and certifies the polished point a
member of Theta_flat(eta) = {lambda_max(grad^2 L) <= 2/eta}.  Exit 0: certified flat at eta; 1: certified
not flat at eta; 3: undecided; 2: bad input (one line on stderr).
"""

from __future__ import annotations

import json
import sys
from fractions import Fraction
from pathlib import Path

from bounds._cli import guarded
from numerics._cli import (apply_threads_option, certificate_written, finish_parser, reading_options, report_error,
                           write_certificate_file)
from numerics.hessian import KinkError
from numerics.certificates import exact_eta

__all__ = ["main"]

EXIT_CODES = {0: "certified flat at eta (lambda_max <= 2/eta)", 1: "certified NOT flat at eta",
              2: "bad input, or a data point on a kink (no Hessian)", 3: "undecided"}


def _parser():
    from bounds._cli import parser

    ap = parser("python -m numerics.flat",
                "polish a trained ReLU network and certify it flat: lambda_max <= 2/eta")
    ap.add_argument("--network", help="network file (.json, .npz, .pt state_dict of Linear-ReLU-Linear)")
    ap.add_argument("--data", help="training data file (.json, .npz)")
    ap.add_argument("--store", help="a numerics.reproduce run store (runs.sqlite); use with --run")
    ap.add_argument("--run", help="run key in --store (its network, data and target are rebuilt)")
    ap.add_argument("--eta", help="step size (exact, e.g. 0.2 or 1/5) in the chosen convention; "
                                  "default for --run: the run's eta")
    ap.add_argument("--loss", choices=["half-mse", "mse"], default=None,
                    help="loss convention (default half-mse, or the run's); mse = torch's nn.MSELoss, eta = lr")
    ap.add_argument("--steps", type=int, default=20000, help="maximal polishing GD steps (0: certify as given; default: %(default)s)")
    ap.add_argument("--gtol", type=float, default=1e-7, help="stop polishing at ||grad L|| <= GTOL (default: %(default)s)")
    ap.add_argument("--target", choices=["linear", "holder"], default=None,
                    help="noise-free target f_0 of the data (for train / test MSE; files only)")
    ap.add_argument("--n-test", type=int, default=2000, help="test inputs drawn uniformly in the unit ball (default: %(default)s)")
    ap.add_argument("--test-seed", type=int, default=0, help="seed of the test inputs (default: %(default)s)")
    ap.add_argument("--out", help="folder: network.json (exact strings), data.json, flat.json")
    ap.add_argument("--certificate-out", metavar="FILE", default=None,
                    help="also write the certified point's claim with a witness to FILE, re-checkable by "
                         "python -m numerics.check_certificate FILE")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    ap.add_argument("--quiet", action="store_true", help="no progress on stderr")
    finish_parser(ap, EXIT_CODES)
    return ap


def _inputs(args):
    import numpy as np

    from numerics.io import load_data, load_network

    if args.store or args.run:
        if not (args.store and args.run) or args.network or args.data:
            raise ValueError("give --store with --run, or --network with --data")
        from numerics.flat_points import load_stored_run

        if not Path(args.store).is_file():
            raise ValueError(f"no such run store: {args.store}")
        net, data, f0, Xt, f0t, cfg = load_stored_run(args.store, args.run)
        # default: the step GD actually used, i.e. the exact dyadic value of the stored float
        eta = args.eta if args.eta is not None else str(Fraction(float(cfg["eta"])))
        loss = args.loss or cfg.get("loss", "half-mse")
        return net, data, f0, Xt, f0t, eta, loss
    if not (args.network and args.data):
        raise ValueError("give --network and --data (or --store and --run)")
    if args.eta is None:
        raise ValueError("--eta is required with --network")
    net, data = load_network(args.network, **reading_options(args)), load_data(args.data, **reading_options(args))
    if net.d != data.d:
        raise ValueError(f"network expects inputs of dimension {net.d}, data have {data.d}")
    f0 = Xt = f0t = None
    if args.target:
        from numerics.experiments.data import sample_unit_ball, target_function

        if args.n_test < 1:
            raise ValueError("--n-test must be >= 1")
        fun = target_function(args.target, data.d)
        f0 = fun(np.asarray(data.as_float().X, dtype=np.float64))
        Xt = sample_unit_ball(args.n_test, data.d, np.random.default_rng(args.test_seed))
        f0t = fun(Xt)
    return net, data, f0, Xt, f0t, args.eta, args.loss or "half-mse"


def _human(rep: dict) -> str:
    verdict = {True: "CERTIFIED FLAT", False: "CERTIFIED NOT FLAT", None: "UNDECIDED"}[rep["certified_flat_at_eta"]]
    pol = rep.get("polish")
    lines = [f"{verdict} at eta = {rep['eta']} (loss convention {rep['loss']}; 2/eta = {rep['two_over_eta']})"]
    if pol:
        lines.append(f"  polishing: {pol['steps']} GD steps ({pol['status']}): ||grad L|| {pol['grad_norm_start']:.3g} "
                     f"-> {pol['grad_norm_end']:.3g}; reported point after {rep['point_polish_step']} steps")

    def fl(x):
        return "n/a" if x is None else f"{x:.12g}"

    lines += [
        f"  lambda_max in [{fl(rep['lambda_max_lower_float'])}, {fl(rep['lambda_max_upper_float'])}]  (certified); "
        f"estimate {rep['lambda_max_estimate']:.12g} (estimate)",
        f"  eta* = 2/lambda_upper = {fl(rep['eta_star_float'])}  (certified); eta <= eta*: {rep['eta_train_le_eta_star']}",
        f"  L = {rep['loss_float']:.12g}  (exact: {rep['loss_exact'][:60]}{'...' if len(rep['loss_exact']) > 60 else ''})",
        f"  ||grad L|| <= {fl(rep['grad_norm_upper_float'])}  (certified)",
        f"  |f|_Vg = {rep['vg_norm']:.12g}  ({rep['vg_norm_status']}); Thm 3.2 bound |f|_Vg <= "
        f"{fl(rep['thm32_upper_float'])}  (certified, R = {rep['R']})",
        f"  train MSE vs f0 = {fl(rep['train_mse'])}, test MSE vs f0 = {fl(rep['test_mse'])}  (estimates)",
    ]
    return "\n".join(lines)


def _run(argv=None) -> int:
    """Parse argv, run numerics.flat_points.flat_point, print the report; return the exit code (module doc)."""
    args = _parser().parse_args(argv)
    from numerics.flat_points import flat_point, flat_report
    from numerics.io import InputError

    def progress(msg):
        if not args.quiet:
            print(f"[flat] {msg}", file=sys.stderr, flush=True)

    rc = apply_threads_option(args.threads)
    if rc is not None:
        return rc

    try:
        if args.steps < 0 or not args.gtol > 0:
            raise ValueError("--steps must be >= 0 and --gtol > 0")
        net, data, f0, Xt, f0t, eta, loss = _inputs(args)

        eta = exact_eta(eta)
        r = flat_point(net, data, eta, loss=loss, polish_steps=args.steps, gtol=args.gtol, f0=f0, X_test=Xt,
                       f0_test=f0t, progress=progress)
    except KinkError as exc:
        print(f"error: not twice differentiable (a data point on a kink): {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    except (InputError, ValueError, OSError) as exc:
        return report_error(exc)
    rep = flat_report(r)
    if args.certificate_out:
        from numerics.flat_points import certificate_document

        size = write_certificate_file(lambda: certificate_document(r, data, progress=progress), args.certificate_out)
        if size is None:
            return 2
        rep["certificate_file"], rep["certificate_file_bytes"] = args.certificate_out, size
    if args.out:
        from numerics.io import save_data, save_network

        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        save_network(r.network.as_exact(), out / "network.json")
        save_data(data.as_exact(), out / "data.json")
        (out / "flat.json").write_text(json.dumps(rep, indent=2))
    print(json.dumps(rep, indent=2) if args.json else _human(rep))
    if args.certificate_out and not args.json:
        print(f"  {certificate_written(args.certificate_out, rep['certificate_file_bytes'])}")
    return {True: 0, False: 1, None: 3}[r.stable]


@guarded("python -m numerics.flat")
def main(argv=None) -> int:
    """CLI ``python -m numerics.flat``; returns the exit code (module doc)."""
    return _run(argv)


if __name__ == "__main__":
    raise SystemExit(main())
