"""``python -m constructions.tightness``: which packing family gives the largest Fano lower bound (Thm 3.7 probe).

    python -m constructions.tightness [--d 2:5] [--n 1e6,1e9,1e12] [--fit] [--json]

For each d and n: the CERTIFIED Fano lower bounds (arb) of the caps family (the paper's), the
one-direction ridge family and the multi-direction ridge family (both derived here, not from the
paper), each at the parameters its float64 optimiser picks, and which is largest.  With ``--fit``, also
the fitted exponents (ESTIMATES: least-squares slopes of the optimised float64 bounds over
n in [1e6, 1e12]) against the paper's 2/(d+1) and the exponents derived here.  Exit 0, or 2 on bad
input.  Noise level sigma = 1.
"""

from __future__ import annotations

import argparse
import json
import sys

from bounds._cli import add_common, guarded, parser

__all__ = ["main"]


def _dims(s: str) -> list[int]:
    try:
        a, _, b = s.partition(":")
        lo, hi = int(a), int(b or a)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected D or A:B, got {s!r}") from None
    if not 1 <= lo <= hi <= 8:
        raise argparse.ArgumentTypeError(f"dimensions must satisfy 1 <= A <= B <= 8, got {s!r}")
    return list(range(lo, hi + 1))


def _ns(s: str) -> list[int]:
    try:
        ns = [int(float(x)) for x in s.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated sample sizes, got {s!r}") from None
    if not ns or min(ns) < 100:
        raise argparse.ArgumentTypeError("sample sizes must be >= 100")
    return ns


@guarded("python -m constructions.tightness")
def main(argv=None) -> int:
    """Print the comparison; return 0, or 2 on bad input."""
    p = parser("python -m constructions.tightness", __doc__.splitlines()[0])
    p.add_argument("--d", type=_dims, default=_dims("2:5"), help="dimension D or range A:B (default 2:5)")
    p.add_argument("--n", type=_ns, default=_ns("1e6,1e9,1e12"), help="sample sizes (default 1e6,1e9,1e12)")
    p.add_argument("--fit", action="store_true", help="also fit exponents over n in [1e6, 1e12] (estimates)")
    p.add_argument("--json", action="store_true")
    add_common(p, {0: "the comparison was printed"})
    try:
        a = p.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    from . import fano, ridge_fano

    out = []
    for d in a.d:
        print(f"constructions.tightness: d = {d}", file=sys.stderr, flush=True)
        entry = {"d": d, "paper_exponent": str(fano.paper_exponent(d)),
                 "derived_exponents": {"ridge": str(ridge_fano.derived_exponent(d, False)),
                                       "ridge-multi": str(ridge_fano.derived_exponent(d, True))},
                 "rows": []}
        for row in ridge_fano.certified_comparison(d, a.n):
            entry["rows"].append({"n": row["n"], "largest": row["largest"],
                                  **{k: {"certified_bound": row[k]["bound"], "eps": str(row[k]["eps"]),
                                         "K": row[k]["K"], "N": row[k]["N"], "T": row[k]["T"],
                                         "h": str(row[k]["h"]), "cost_upper": row[k].get("cost_upper")}
                                     for k in ("caps", "ridge", "ridge-multi") if k in row}})
        if a.fit:
            fits = {"ridge": ridge_fano.fitted_exponent(d, False)[0],
                    "ridge-multi": ridge_fano.fitted_exponent(d, True)[0]}
            if d >= 2:
                fits["caps"] = fano.fitted_exponent(d)[0]
            entry["fitted_exponents_estimate"] = fits
        out.append(entry)
    if a.json:
        print(json.dumps(out, indent=1))
        return 0
    for e in out:
        print(f"d = {e['d']}: paper's exponent 2/(d+1) -> {e['paper_exponent']}; derived here: ridge "
              f"{e['derived_exponents']['ridge']}, ridge-multi {e['derived_exponents']['ridge-multi']}")
        if "fitted_exponents_estimate" in e:
            print("  fitted exponents (estimate): " + ", ".join(f"{k} {v:.4f}"
                                                               for k, v in e["fitted_exponents_estimate"].items()))
        for r in e["rows"]:
            cells = ", ".join(f"{k} {r[k]['certified_bound']:.3g}" for k in ("caps", "ridge", "ridge-multi") if k in r)
            print(f"  n = {r['n']:.0e}: certified Fano lower bounds {cells}; largest: {r['largest']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
