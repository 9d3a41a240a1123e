"""CLI: redraw the figures of results folders from their summary.json (numerics.experiments.plots).

python -m numerics.experiments.figures FOLDER [FOLDER ...]
"""

from __future__ import annotations

import sys

from .plots import replot

__all__ = ["main"]


EXIT_CODES = {0: "every folder's figures redrawn", 2: "bad input: a folder without a usable summary.json"}


def _main(argv=None) -> int:
    """CLI: ``python -m numerics.experiments.figures FOLDER [FOLDER ...]`` redraws figures from summaries."""
    from bounds._cli import add_common, parser

    ap = parser("python -m numerics.experiments.figures",
                "Redraw the figures of results folders from their summary.json (no training)")
    ap.add_argument("folders", nargs="+", help="results folders, e.g. results/underparam")
    add_common(ap, EXIT_CODES)
    args = ap.parse_args(argv)
    rc = 0
    for f in args.folders:
        try:
            for p in replot(f):
                print(f"wrote {p}")
        except BrokenPipeError:  # the runner turns a closed stdout into its own quiet exit code
            raise
        except (ValueError, OSError, KeyError) as exc:
            print(f"error: {str(exc).splitlines()[0]}", file=sys.stderr)
            rc = 2
    return rc


def main(argv=None) -> int:
    """CLI entry point through the project's runner (bounds._cli.guarded: exit 4 / 130 / 141)."""
    from bounds._cli import guarded

    return guarded("python -m numerics.experiments.figures")(_main)(argv)


if __name__ == "__main__":
    raise SystemExit(main())
