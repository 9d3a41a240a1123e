"""CLI: prove every derivation and claim about the rates; exit 0 iff all hold, 1 if any fails.

    python -m bounds.check [--json] [--verbose]

Human output: one line per claim (PASS/FAIL), each sub-proof with its witness (simplified difference
and why its sign is fixed).  Everything is exact (sympy rational functions of d); nothing is sampled.
"""

from __future__ import annotations

import json
import sys
import time

from ._cli import add_common, guarded, parser

__all__ = ["run", "main"]


def run(registry=None) -> list:
    """Return the ClaimResults of :func:`bounds.claims.prove_all` for ``registry`` (default REGISTRY).

    >>> all(r.holds for r in run())
    True
    """
    from .claims import prove_all

    return prove_all(registry)


def _human(results, verbose, elapsed) -> str:
    lines = []
    for r in results:
        lines.append(f"[{'PASS' if r.holds else 'FAIL'}] {r.name}: {r.statement}")
        for i in r.info:
            lines.append(f"    . {i}")
        for v in r.verdicts:
            if verbose or not v.proved:
                w = v.witness
            else:
                w = v.witness if len(v.witness) < 400 else v.witness[:400] + " ..."
            cex = f" [counterexample d = {v.counterexample}]" if v.counterexample else ""
            lines.append(f"    {v.status:>8}: {v.statement}{cex}")
            lines.append(f"              witness: {w}")
    ok = sum(r.holds for r in results)
    lines.append(f"{ok}/{len(results)} claims proved (exact symbolic proofs, {elapsed:.1f} s)"
                 + ("" if ok == len(results) else " - FAILED"))
    return "\n".join(lines)


@guarded("python -m bounds.check")
def main(argv=None, registry=None) -> int:
    """Run every proof; print the report; return 0 if all hold, 1 if any fails, 2 on bad input.

    ``registry`` (a {id: Rate} mapping) replaces the built-in registry - the tests use it to show that a
    wrong entry makes the check fail.

    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()) as out:
    ...     rc = main([])
    >>> rc, out.getvalue().splitlines()[-1].startswith("16/16 claims proved")
    (0, True)
    """
    ap = parser("python -m bounds.check", "Prove every derivation and claim about the registered rates.")
    add_common(ap, {0: "every derivation and claim proved", 1: "some derivation or claim not proved"})
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    ap.add_argument("--verbose", action="store_true", help="print witnesses in full")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    print("bounds.check: proving derivations and claims ...", file=sys.stderr)
    results = run(registry)
    elapsed = time.perf_counter() - t0
    if args.json:
        print(json.dumps({"all_hold": all(r.holds for r in results), "seconds": round(elapsed, 3),
                          "results": [r.as_dict() for r in results]}, indent=1))
    else:
        print(_human(results, args.verbose, elapsed))
    return 0 if all(r.holds for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
