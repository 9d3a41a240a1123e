"""The registered exponents as plain data, and a sympy-free exact evaluator for them.

Single source of truth for id, quantity, kind, regime, source, role, dims and the exponent formula.
:mod:`bounds.registry` turns each row into a sympy :class:`bounds.Rate`; :mod:`bounds.table` and
:mod:`bounds.plot` evaluate the same formulas with :class:`fractions.Fraction` so they never import
sympy (the table and plot for d = 1..100 must take well under 2 s end to end).

Formulas use only d, integer literals and + - * / (parentheses); ``d1`` overrides the value at d = 1.

Every row states its domain: ``d_min`` (the rate is stated for integers d >= d_min; default 1) or
``dims`` (an explicit tuple).  ``flag`` marks what is not read from the paper: "exponent reconstructed"
(recalled, not read), "prefactor reconstructed", "derived here" (the toolkit's own result, not the
paper's); tables print it.
"""

from __future__ import annotations

import ast
from fractions import Fraction

__all__ = ["RATE_DATA", "LightRate", "light_rates", "domain_text"]

RATE_DATA = (
    dict(id="gap_upper", quantity="gap", kind="upper", regime="stable minima", source="Thm 3.5 (upper)",
         exponent="1/(2*d + 4)", flag="prefactor reconstructed"),
    dict(id="gap_lower", quantity="gap", kind="lower", regime="stable minima", source="Thm 3.5 (lower)",
         exponent="2/(d + 1)", d_min=2),
    dict(id="mse_upper", quantity="mse", kind="upper", regime="stable minima", source="Thm 3.6",
         exponent="1/(2*d + 4)", flag="prefactor reconstructed"),
    dict(id="minimax_mse_lower", quantity="mse", kind="lower", regime="stable minima", source="Thm 3.7",
         exponent="2/(d + 1)", d1="1/2"),
    dict(id="lownorm_gap", quantity="gap", kind="upper", regime="low-norm / weight decay",
         source="Bach 2017; Parhi-Nowak 2023", exponent="1/4"),
    dict(id="lownorm_mse", quantity="mse", kind="upper", regime="low-norm / weight decay",
         source="Parhi-Nowak 2023", exponent="(d + 3)/(2*d + 3)", flag="exponent reconstructed"),
    dict(id="univariate_interior_mse", quantity="mse", kind="upper", regime="univariate interior",
         source="Qiao et al. 2024", exponent="4/5", dims=(1,)),
    dict(id="gap_upper_unconstrained", quantity="gap", kind="upper", regime="unconstrained balance",
         source="proof of Thm 3.5 (balance without the validity constraint)", exponent="1/(2*d + 2)", role="term"),
    dict(id="gap_interior_term", quantity="gap", kind="upper", regime="stable minima",
         source="proof of Thm 3.5 (interior term at eps = n^(-1/(2d+4)))", exponent="3/(4*d + 6)", role="term"),
    dict(id="mse_interior_term", quantity="mse", kind="upper", regime="stable minima",
         source="proof of Thm 3.6 (interior term at eps = n^(-1/(2d+4)))", exponent="3/(2*d + 3)", role="term"),
    dict(id="uniform_deviation", quantity="gap", kind="upper", regime="low-norm / weight decay",
         source="Lemma F.5 (entropy exponent 2d/(d+3), Prop. F.4)", exponent="(d + 3)/(4*d + 6)", role="ingredient",
         flag="prefactor reconstructed"),
    dict(id="ridge_mse_lower", quantity="mse", kind="lower", regime="packing family",
         source="derived here: ridge bumps on one direction (not from the paper)", exponent="1/2",
         flag="derived here"),
    dict(id="ridge_multi_mse_lower", quantity="mse", kind="lower", regime="packing family",
         source="derived here: ridge bumps on a packing of disjoint caps (not from the paper)",
         exponent="4/(3*d + 5)", flag="derived here"),
)

def domain_text(d_min: int = 1, dims=None) -> str:
    """Return the domain of a rate as text.

    >>> domain_text(2), domain_text(1, (1,))
    ('d >= 2', 'd = 1')
    """
    if dims is not None:
        return "d = " + ", ".join(str(k) for k in dims if k >= d_min)
    return f"d >= {d_min}"


_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Name, ast.Load, ast.Add, ast.Sub,
            ast.Mult, ast.Div, ast.USub, ast.UAdd)


class _IntsToFractions(ast.NodeTransformer):
    def visit_Constant(self, node):
        return ast.copy_location(ast.Call(ast.Name("F", ast.Load()), [node], []), node)


def _compile(src: str):
    tree = ast.parse(src, mode="eval")
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED) or (isinstance(node, ast.Name) and node.id != "d") or \
                (isinstance(node, ast.Constant) and type(node.value) is not int):
            raise ValueError(f"unsupported rate formula {src!r}")
    # integer literals become Fractions so 1/4 stays exact (never a float)
    tree = ast.fix_missing_locations(_IntsToFractions().visit(tree))
    return compile(tree, f"<rate {src}>", "eval")


class LightRate:
    """A registered rate without sympy: metadata plus an exact Fraction evaluator of p(d).

    >>> r = light_rates()["minimax_mse_lower"]
    >>> r.exponent_at(1), r.exponent_at(3)
    (Fraction(1, 2), Fraction(1, 2))
    """

    def __init__(self, row: dict):
        self.id, self.quantity, self.kind = row["id"], row["quantity"], row["kind"]
        self.regime, self.source = row["regime"], row["source"]
        self.role, self.dims = row.get("role", "rate"), row.get("dims")
        self.d_min, self.flag = row.get("d_min", 1), row.get("flag", "")
        self.formula, self.d1_formula = row["exponent"], row.get("d1")
        self._code = _compile(self.formula)
        self._code1 = None if self.d1_formula is None else _compile(self.d1_formula)

    def applies(self, dim: int) -> bool:
        """Return True if the rate is stated for dimension ``dim`` (its domain)."""
        return dim >= self.d_min and (self.dims is None or dim in self.dims)

    @property
    def domain(self) -> str:
        """The domain as text: 'd >= 2', 'd = 1', ..."""
        return domain_text(self.d_min, self.dims)

    def exponent_at(self, dim) -> Fraction:
        """Return p(dim) exactly."""
        x = Fraction(dim)
        code = self._code1 if (self._code1 is not None and x == 1) else self._code
        return Fraction(eval(code, {"F": Fraction, "__builtins__": {}}, {"d": x}))  # noqa: S307 - vetted AST

    def exponent_float(self, dim) -> float:
        """Return p(dim) as a float (rounded from the exact value)."""
        return float(self.exponent_at(dim))


_CACHE: dict = {}


def light_rates() -> dict:
    """Return {id: LightRate} for every row of RATE_DATA (compiled once)."""
    if not _CACHE:
        _CACHE.update({row["id"]: LightRate(row) for row in RATE_DATA})
    return _CACHE
