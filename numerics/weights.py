"""CLI: |f|_{V_g}, Term-A and Theorem 3.2 checks for a network and data file (numerics.variation).

python -m numerics.weights --network NET --data DATA [--R 1] [--float] [--json]
"""

from __future__ import annotations

import json
import math
import sys
from fractions import Fraction

import mpmath

from bounds._cli import guarded
from numerics._cli import finish_parser, parse_and_apply_threads, reading_options
from numerics.hessian import KinkError
from numerics.network import to_fraction
from numerics.variation import _to_float, term_a_check, theorem_3_2_check, vg_norm

__all__ = ["main"]


def _fmt(x) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, Fraction) and not math.isfinite(_to_float(x)):  # beyond float64: mpmath has no range limit
        return mpmath.nstr(mpmath.mpf(x.numerator) / x.denominator, 12)
    return f"{float(x):.12g}"


def _down(x):
    """A finite float <= x (rigorous outward rounding of a rational lower bound), or None."""
    if x is None or _to_float(x) == -math.inf:
        return None
    return min(math.nextafter(_to_float(x), -math.inf), sys.float_info.max)


def _up(x):
    """A finite float >= x (rigorous outward rounding of a rational upper bound), or None."""
    if x is None or _to_float(x) == math.inf:
        return None
    return max(math.nextafter(_to_float(x), math.inf), -sys.float_info.max)


def _json_safe(obj):
    """obj with every non-finite float replaced by None (JSON has no inf or NaN)."""
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


@guarded("python -m numerics.weights")
def main(argv=None) -> int:
    """CLI: |f|_{V_g}, Term-A and Theorem 3.2 checks for a network and data file; exit 2 on bad input.

    python -m numerics.weights --network NET --data DATA [--R 1] [--float] [--json]
    Exit 0 if every certified verdict holds (or is undecided), 1 if one is certified violated.
    """
    import argparse

    from numerics.io import InputError, load_data, load_network

    ap = argparse.ArgumentParser(prog="python -m numerics.weights",
                                 description="weighted variation |f|_Vg (empirical weight, reconstructed) "
                                             "and the Term-A / Theorem 3.2 inequalities")
    ap.add_argument("--network", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--R", default="1", help="data radius (exact, e.g. 1 or 3/2; default: %(default)s)")
    ap.add_argument("--float", action="store_true", help="float64 estimates only (for large networks)")
    ap.add_argument("--loss", choices=["half-mse", "mse"], default="half-mse",
                    help="convention in which Thm 3.2 is printed (mse: torch's nn.MSELoss, L_mse = 2L; default: %(default)s)")
    ap.add_argument("--json", action="store_true")
    finish_parser(ap, {0: "no inequality certified violated (each holds, is undecided or an estimate)",
                    1: "an inequality is certified VIOLATED"})
    args, rc = parse_and_apply_threads(ap, argv)
    if rc is not None:
        return rc
    try:
        try:
            R = to_fraction(args.R)
        except ValueError:
            raise InputError(f"--R must be a number, got {args.R!r}") from None
        if R <= 0:
            raise InputError(f"--R must be positive, got {args.R}")
        kind = "float" if args.float else "exact"
        net = load_network(args.network, kind=kind, **reading_options(args))
        data = load_data(args.data, kind=kind, **reading_options(args))
        if net.d != data.d:
            raise InputError(f"network has input dimension {net.d} but data have dimension {data.d}")
        print(f"checking: K={net.K}, d={net.d}, n={data.n}, {kind} arithmetic", file=sys.stderr)
        vg = vg_norm(net, data.X, R=R)
        ta = term_a_check(net, data, R=R)
        t32 = theorem_3_2_check(net, data, R=R)
    except (InputError, KinkError, ValueError) as exc:
        print(f"error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    # JSON bounds are floats rounded outward, so they stay rigorous
    res = {"vg_norm": vg.value, "vg_norm_lower": _down(vg.lower), "vg_norm_upper": _up(vg.upper),
           "vg_norm_certified": vg.certified, "weight": "empirical (reconstructed)",
           "num_atoms": vg.num_atoms, "num_dropped": vg.num_dropped, "loss": args.loss,
           "theorem_3_2_form": ("|f|_Vg <= lambda_max(grad^2 L)/2 - 1/2 + (R+1) sqrt(2L), L = (1/2n) sum r^2"
                                if args.loss == "half-mse" else
                                "|f|_Vg <= lambda_max(grad^2 L_mse)/4 - 1/2 + (R+1) sqrt(L_mse), "
                                "L_mse = (1/n) sum r^2 (the same inequality)")}
    for c in (ta, t32):
        res[c.name] = {"margin": c.margin, "margin_lower": _down(c.margin_lower),
                       "margin_upper": _up(c.margin_upper), "holds": c.holds, "certified": c.certified,
                       "method": c.method}
    if args.json:
        print(json.dumps(_json_safe(res)))
    else:
        tag = "certified bounds" if vg.certified else "estimate"
        print(f"|f|_Vg (empirical weight, reconstructed) = {vg.value:.12g}  [{_fmt(vg.lower)}, "
              f"{_fmt(vg.upper)}] ({tag}); {vg.num_atoms} atoms, {vg.num_dropped} neurons dropped as affine")
        for c, what in ((ta, "Term-A  lambda_max(J^T J/n) >= 1 + 2|f|_Vg"),
                        (t32, "Thm 3.2 |f|_Vg <= lambda_max/2 - 1/2 + (R+1) sqrt(2L)" if args.loss == "half-mse"
                         else "Thm 3.2 |f|_Vg <= lambda_max(grad^2 L_mse)/4 - 1/2 + (R+1) sqrt(L_mse)")):
            o = c.outcome
            verdict = o.verdict("HOLDS (certified)", "VIOLATED (certified)",
                                "undecided" if o.quantities and o.quantities[0].certified else "estimate only")
            print(f"{what}: margin {c.margin:.6g} (estimate), certified range [{_fmt(c.margin_lower)}, "
                  f"{_fmt(c.margin_upper)}]: {verdict}")
    return 1 if False in (ta.holds, t32.holds) else 0


if __name__ == "__main__":
    raise SystemExit(main())
