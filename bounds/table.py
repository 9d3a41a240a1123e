"""CLI: the rate table for a range of dimensions.

    python -m bounds.table --d 1:10 --format markdown|latex|csv|json [--quantity gap|mse] [--ids a,b] [--json]

Each row is one registered rate at one d: id, quantity, kind, regime, source, d, the exact exponent
p(d) (e.g. "1/10"), its float, the rate's domain (e.g. "d >= 2": no row outside it) and its flag
("" when read from the source; "exponent reconstructed", "prefactor reconstructed" or "derived here"
otherwise).  Exponents are evaluated exactly in Fractions from :mod:`bounds._rates_data` (no sympy import, no
simplification per row), so d = 1..100 takes milliseconds.

The rows and their rendering: :mod:`bounds.rate_table`.
"""

from __future__ import annotations

import sys

from ._cli import add_common, d_range, fail, guarded, parser
from .rate_table import FORMATS, render, rows

__all__ = ["main"]


@guarded("python -m bounds.table")
def main(argv=None) -> int:
    """Print the rate table; return 0, or 2 on bad input (one-line error on stderr).

    >>> main(["--d", "4", "--ids", "gap_upper,minimax_mse_lower", "--format", "csv"])
    id,quantity,kind,regime,source,d,exponent,exponent_float,domain,flag
    gap_upper,gap,upper,stable minima,Thm 3.5 (upper),4,1/12,0.08333333333333333,d >= 1,prefactor reconstructed
    minimax_mse_lower,mse,lower,stable minima,Thm 3.7,4,2/5,0.4,d >= 1,
    0
    """
    ap = parser("python -m bounds.table", "Exponents p(d) of every registered rate (error ≍ n^-p).")
    add_common(ap, {0: "table printed"})
    ap.add_argument("--d", type=d_range, default=d_range("1:10"), help="dimension D or range A:B (default 1:10)")
    ap.add_argument("--format", choices=FORMATS, default="markdown",
                    help="output format (default: %(default)s)")
    ap.add_argument("--json", action="store_true", help="same as --format json")
    ap.add_argument("--quantity", choices=("gap", "mse"), default=None)
    ap.add_argument("--ids", default=None, help="comma-separated rate ids (default: all)")
    args = ap.parse_args(argv)
    from ._rates_data import light_rates

    known = light_rates()
    ids = None
    if args.ids is not None:
        ids = [s.strip() for s in args.ids.split(",") if s.strip()]
        unknown = [i for i in ids if i not in known]
        if unknown or not ids:
            return fail(ap.prog, f"unknown rate id(s) {unknown}; known: {', '.join(known)}")
    print(render(rows(args.d, args.quantity, ids), "json" if args.json else args.format))
    return 0


if __name__ == "__main__":
    sys.exit(main())
