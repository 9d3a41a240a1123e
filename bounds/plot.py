"""CLI: plot the exponents against d and the sample-complexity comparison.

    python -m bounds.plot --out rates.png|rates.pdf [--d 1:100] [--json]

Left: p(d) for stable minima (band between the upper exponent 1/(2d+4) and the lower exponent
2/(d+1), Thm 3.5-3.7) and for low-norm solutions (1/4, (d+3)/(2d+3), Lemma F.5's (d+3)/(4d+6)).
Right: the sample-complexity exponent 1/p (n ≍ eps^(-1/p) samples for error eps), log scale: stable
minima need >= eps^-(d+1)/2, low-norm solutions <= eps^-4.  matplotlib Agg, no pyplot import.

The figure itself: :mod:`bounds.rate_figure`.
"""

from __future__ import annotations

import json
import os
import sys
import time

from ._cli import add_common, d_range, fail, guarded, parser
from .rate_figure import SUFFIXES, make_figure

__all__ = ["main"]


@guarded("python -m bounds.plot")
def main(argv=None) -> int:
    """Write the figure to --out (.png or .pdf); return 0, or 2 on bad input (one-line error).

    >>> import os, tempfile
    >>> main(["--out", os.path.join(tempfile.mkdtemp(), "rates.png"), "--d", "1:5"])
    wrote ...rates.png (d = 1..5, ... s)
    0
    """
    ap = parser("python -m bounds.plot", "Plot rate exponents and sample complexities against d.")
    add_common(ap, {0: "figure written"})
    ap.add_argument("--out", required=True, help="output file, .png or .pdf")
    ap.add_argument("--d", type=d_range, default=d_range("1:100"), help="dimension range A:B (default 1:100)")
    ap.add_argument("--json", action="store_true", help="print a JSON summary instead of a sentence")
    args = ap.parse_args(argv)
    suffix = os.path.splitext(args.out)[1].lower()
    if suffix not in SUFFIXES:
        return fail(ap.prog, f"--out must end in .png or .pdf, got {args.out!r}")
    parent = os.path.dirname(os.path.abspath(args.out))
    if not os.path.isdir(parent):
        return fail(ap.prog, f"directory {parent!r} does not exist")
    t0 = time.perf_counter()
    try:
        make_figure(args.d).savefig(args.out, dpi=120)
    except OSError as e:
        return fail(ap.prog, f"cannot write {args.out!r}: {e}")
    dt = time.perf_counter() - t0
    if args.json:
        print(json.dumps({"out": args.out, "d": [args.d[0], args.d[-1]], "seconds": round(dt, 3)}))
    else:
        print(f"wrote {args.out} (d = {args.d[0]}..{args.d[-1]}, {dt:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
