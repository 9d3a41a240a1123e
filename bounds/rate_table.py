"""The rate table: one row per registered rate and dimension d, rendered as markdown, LaTeX, CSV or JSON.

Exponents are evaluated exactly in Fractions from :mod:`bounds._rates_data` (no sympy import).  CLI:
``python -m bounds.table``.
"""

from __future__ import annotations

import csv
import io
import json

__all__ = ["FORMATS", "COLUMNS", "rows", "render"]

FORMATS = ("markdown", "latex", "csv", "json")
COLUMNS = ("id", "quantity", "kind", "regime", "source", "d", "exponent", "exponent_float", "domain", "flag")


def rows(dims, quantity=None, ids=None, registry=None) -> list:
    """Return the table rows (dicts with COLUMNS) for every registered rate and every d in ``dims``.

    Rates appear only on their domain (univariate_interior_mse: d = 1; gap_lower: d >= 2).

    >>> [r["exponent"] for r in rows([3], quantity="gap", ids=["gap_upper", "gap_lower"])]
    ['1/10', '1/2']
    """
    # no sympy on the default path: the same formulas, evaluated in Fractions
    from ._rates_data import light_rates

    reg = light_rates() if registry is None else registry
    chosen = [r for r in reg.values() if (quantity is None or r.quantity == quantity) and (ids is None or r.id in ids)]
    out = []
    for r in chosen:
        for dim in dims:
            if not r.applies(dim):
                continue
            p = r.exponent_at(dim)
            out.append({"id": r.id, "quantity": r.quantity, "kind": r.kind, "regime": r.regime, "source": r.source,
                        "d": dim, "exponent": str(p), "exponent_float": float(p), "domain": r.domain,
                        "flag": r.flag})
    return out


def _latex_frac(s: str) -> str:
    if "/" in s:
        a, b = s.split("/")
        return f"$\\frac{{{a}}}{{{b}}}$"
    return f"${s}$"


def render(table_rows, fmt: str) -> str:
    """Return the rows rendered as markdown, latex, csv or json (json: a list of row objects).

    >>> print(render(rows([2], ids=["gap_upper"]), "csv").splitlines()[1])
    gap_upper,gap,upper,stable minima,Thm 3.5 (upper),2,1/8,0.125,d >= 1,prefactor reconstructed
    """
    if fmt == "json":
        return json.dumps(table_rows, indent=1)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(table_rows)
        return buf.getvalue().rstrip("\n")
    if fmt == "markdown":
        head = "| " + " | ".join(COLUMNS) + " |\n|" + "---|" * len(COLUMNS)
        body = ["| " + " | ".join(f"{r[c]:.6g}" if c == "exponent_float" else str(r[c]) for c in COLUMNS) + " |"
                for r in table_rows]
        return "\n".join([head] + body)
    if fmt == "latex":
        esc = lambda s: str(s).replace("_", "\\_").replace("&", "\\&").replace("%", "\\%")  # noqa: E731
        lines = ["\\begin{tabular}{lllllrrrll}", "\\hline",
                 " & ".join(esc(c) for c in COLUMNS) + " \\\\", "\\hline"]
        for r in table_rows:
            lines.append(" & ".join([esc(r["id"]), r["quantity"], r["kind"], esc(r["regime"]), esc(r["source"]),
                                     str(r["d"]), _latex_frac(r["exponent"]), f"{r['exponent_float']:.6g}",
                                     esc(r["domain"]).replace(">=", "$\\geq$"), esc(r["flag"])]) + " \\\\")
        lines += ["\\hline", "\\end{tabular}"]
        return "\n".join(lines)
    raise ValueError(f"unknown format {fmt!r}")
