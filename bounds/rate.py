"""`Rate`: one rate statement of the paper (or the literature it compares with) as a structured object."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

import sympy as sp
from sympy.printing.pycode import PythonCodePrinter

from ._symbols import d

__all__ = ["Rate", "QUANTITIES", "KINDS", "REGIMES", "ROLES"]

QUANTITIES = ("gap", "mse")
KINDS = ("upper", "lower")
REGIMES = ("stable minima", "low-norm / weight decay", "univariate interior", "unconstrained balance",
           "packing family")
#: "rate": a row of the table of proofs_notes/theory.md §6.4; "term": a lower-order term of a proof; "ingredient": a lemma's rate
ROLES = ("rate", "term", "ingredient")


class _ExactPrinter(PythonCodePrinter):
    """Prints rationals as Fraction(p, q) so a compiled exponent evaluates exactly on int/Fraction d."""

    def _print_Rational(self, expr):
        return f"Fraction({expr.p}, {expr.q})"

    def _print_Half(self, expr):
        return "Fraction(1, 2)"


def _compile_exact(expr):
    # cheap exact evaluation (no sympy per call): the table needs ~1000 values in well under a second
    code = _ExactPrinter({"fully_qualified_modules": False}).doprint(expr)
    fn = eval(f"lambda d: {code}", {"Fraction": Fraction})  # noqa: S307 - code printed from our own exprs
    return fn, code


@dataclass(frozen=True)
class Rate:
    """A rate error ≍ n^(-p(d)): what is bounded, which way, for which solutions, with its provenance.

    Fields: ``id``; ``quantity`` ('gap' = generalisation gap, 'mse'); ``kind`` ('upper'/'lower');
    ``regime`` (one of REGIMES); ``exponent`` p(d), an exact sympy expression, Piecewise where d = 1
    differs; ``log_factor`` (sympy expr in n, or None when the source leaves the logs unspecified);
    ``prefactor`` (sympy expr in eta, M, sigma, B, C, or None when unknown) and
    ``prefactor_reconstructed``; ``source`` (the result number); ``assumptions``; ``role`` (one of
    ROLES); ``dims`` (None: every d >= d_min, else the tuple of d it is stated for); ``d_min`` (the
    smallest d the source states the rate for); ``flag`` ('' when read from the source, else
    'exponent reconstructed', 'prefactor reconstructed' or 'derived here'); ``note``.

    >>> r = Rate("x", "gap", "upper", "stable minima", 1 / (2 * d + 4), source="Thm 3.5")
    >>> r.exponent_at(3), r.exponent_float(3)
    (Fraction(1, 10), 0.1)
    """

    id: str
    quantity: str
    kind: str
    regime: str
    exponent: sp.Expr
    source: str = ""
    log_factor: sp.Expr | None = None
    prefactor: sp.Expr | None = None
    prefactor_reconstructed: bool = False
    assumptions: tuple = ()
    role: str = "rate"
    dims: tuple | None = None
    note: str = ""
    d_min: int = 1
    flag: str = ""

    def __post_init__(self):
        if self.quantity not in QUANTITIES or self.kind not in KINDS or self.regime not in REGIMES \
                or self.role not in ROLES:
            raise ValueError(f"bad Rate fields for {self.id}: {self.quantity}/{self.kind}/{self.regime}/{self.role}")
        object.__setattr__(self, "exponent", sp.sympify(self.exponent))
        if self.exponent.free_symbols - {d}:
            raise ValueError(f"exponent of {self.id} depends on more than d: {self.exponent}")

    def applies(self, dim: int) -> bool:
        """Return True if the rate is stated for dimension ``dim``.

        >>> Rate("x", "mse", "upper", "univariate interior", 4 / d, dims=(1,)).applies(2)
        False
        """
        return dim >= self.d_min and (self.dims is None or dim in self.dims)

    @property
    def domain(self) -> str:
        """Return the domain as text, e.g. 'd >= 2'."""
        from ._rates_data import domain_text

        return domain_text(self.d_min, self.dims)

    @cached_property
    def _exact(self):
        return _compile_exact(self.exponent)

    def exponent_at(self, dim) -> Fraction:
        """Return p(dim) exactly (int or Fraction dim), via a compiled Fraction-arithmetic function."""
        v = self._exact[0](Fraction(dim))
        return Fraction(v)

    def exponent_float(self, dim) -> float:
        """Return p(dim) as a float (rounded from the exact value)."""
        return float(self.exponent_at(dim))

    def exponent_str(self, dim) -> str:
        """Return p(dim) as an exact string such as '1/10'."""
        return str(self.exponent_at(dim))

    def sample_exponent(self):
        """Return 1/p(d): error eps needs n ≍ eps^(-1/p) samples (the sample-complexity exponent).

        >>> Rate("x", "gap", "upper", "stable minima", 1 / (2 * d + 4)).sample_exponent()
        2*d + 4
        """
        return sp.piecewise_fold(1 / self.exponent)

    def describe(self) -> str:
        """Return a one-line human description."""
        pref = "" if self.prefactor is None else f", prefactor {self.prefactor}" + \
            (" (reconstructed)" if self.prefactor_reconstructed else "")
        logs = "" if self.log_factor is None else f", log factor {self.log_factor}"
        flag = f" [{self.flag}]" if self.flag else ""
        return (f"{self.id}: {self.quantity} {self.kind} [{self.regime}] n^-({sp.sstr(self.exponent)}) on "
                f"{self.domain}{logs}{pref} - {self.source}{flag}")
