"""Power laws up to constants and the "balance these terms" step every rate proof in the paper uses.

A term of a bound such as ``M**2 * eps`` or ``(C/t)**(alpha/2) * n**(-1/2)`` is a product of powers of
positive symbols; constants are dropped because every statement is only up to ``≍``.  Balancing two
terms in a free scale (``eps``, a covering radius ``t``, a critical radius ``delta``) solves a LINEAR
equation in the exponents, so the answer is exact for symbolic ``d`` and never typed in by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import sympy as sp

__all__ = ["PowerLaw", "balance", "rate_exponent", "minimize_sum"]


def _clean(e):
    """Canonical form of an exponent: a rational function of d, cancelled (cheap, and zero iff zero)."""
    return sp.factor(sp.cancel(sp.together(sp.sympify(e))))


@dataclass(frozen=True)
class PowerLaw:
    """A monomial prod_s s**e_s in positive symbols, constant factors dropped (statements hold up to ≍).

    >>> from bounds._symbols import n, eps
    >>> PowerLaw.of(3 * eps**2 / n).exponent(eps)
    2
    """

    exps: tuple  # sorted tuple of (symbol, exponent) with nonzero exponents

    @classmethod
    def from_map(cls, m: Mapping) -> "PowerLaw":
        """Return the power law with exponent map ``m`` (zero exponents dropped)."""
        items = []
        for s, e in m.items():
            e = _clean(e)
            if e != 0:
                items.append((s, e))
        return cls(tuple(sorted(items, key=lambda p: p[0].name)))

    @classmethod
    def of(cls, expr, params=None) -> "PowerLaw":
        """Parse a product of powers of positive symbols; a constant factor is dropped.

        The exponent of each symbol s is read off as the coefficient of log(s) in log(expr), which is
        exact for symbolic exponents.  ``params`` (default d and alpha) are parameters: they may appear
        in exponents and in the dropped constant, never as bases.  A non-monomial raises ValueError.

        >>> from bounds._symbols import n, t, alpha
        >>> PowerLaw.of((1/t)**(alpha/2) / sp.sqrt(n)).exponent(t)
        -alpha/2
        """
        from ._symbols import alpha, d

        expr = sp.sympify(expr)
        params = {d, alpha} if params is None else set(params)
        syms = sorted(expr.free_symbols - params, key=lambda s: s.name)
        L = sp.expand_log(sp.log(expr), force=True)
        dummies = {s: sp.Dummy("log_" + s.name) for s in syms}
        Ld = sp.expand(L.subs({sp.log(s): dummies[s] for s in syms}))
        m = {}
        rest = Ld
        for s, ds in dummies.items():
            c = sp.expand(Ld).coeff(ds)
            m[s] = c
            rest = sp.expand(rest - c * ds)
        # what remains must be log of a constant - otherwise the term was not a monomial
        if rest.free_symbols - params:
            raise ValueError(f"not a power law in positive symbols: {expr}")
        for s, c in m.items():
            if set(dummies.values()) & c.free_symbols:
                raise ValueError(f"not a power law (exponent depends on a log): {expr}")
        # symbols that appear only inside exponents (d, alpha) are parameters, not bases
        m = {s: c for s, c in m.items() if c != 0}
        return cls.from_map(m)

    def as_map(self) -> dict:
        """Return the exponent map {symbol: exponent}."""
        return dict(self.exps)

    def exponent(self, s):
        """Return the exponent of symbol ``s`` (0 when absent)."""
        return self.as_map().get(s, sp.Integer(0))

    def __mul__(self, other: "PowerLaw") -> "PowerLaw":
        m = self.as_map()
        for s, e in other.exps:
            m[s] = m.get(s, 0) + e
        return PowerLaw.from_map(m)

    def __truediv__(self, other: "PowerLaw") -> "PowerLaw":
        return self * other ** -1

    def __pow__(self, k) -> "PowerLaw":
        return PowerLaw.from_map({s: e * k for s, e in self.exps})

    def subs(self, s, value: "PowerLaw") -> "PowerLaw":
        """Return this power law with symbol ``s`` replaced by the power law ``value``."""
        m = self.as_map()
        e = m.pop(s, None)
        if e is None:
            return self
        return PowerLaw.from_map(m) * value ** e

    def subs_param(self, p, value) -> "PowerLaw":
        """Return this power law with the parameter ``p`` (e.g. alpha) replaced in every exponent."""
        return PowerLaw.from_map({s: e.subs(p, value) for s, e in self.exps})

    def as_expr(self):
        """Return the sympy product prod s**e (for printing)."""
        return sp.Mul(*[s ** e for s, e in self.exps])

    def __str__(self) -> str:
        return sp.sstr(self.as_expr())


def balance(a: PowerLaw, b: PowerLaw, var) -> PowerLaw:
    """Return the value of ``var`` (as a power law in the other symbols) at which terms a ≍ b.

    Solves e_a(var) x + sum_s a_s log s = e_b(var) x + sum_s b_s log s for x = log var: the exponents of
    every other symbol s in the answer are (b_s - a_s) / (e_a - e_b).  This is the step "balance the
    covering radius against the union bound" (Lemma F.5), "balance the annulus against the interior"
    (Thm 3.5) and "balance KL against log|Xi|" (Fano, Thm 3.7).

    >>> from bounds._symbols import n, t
    >>> str(balance(PowerLaw.of(t), PowerLaw.of(t**-1 / sp.sqrt(n)), t))
    'n**(-1/4)'
    """
    ea, eb = a.exponent(var), b.exponent(var)
    den = _clean(ea - eb)
    if den == 0:
        raise ValueError(f"{a} and {b} have the same power of {var}: nothing to balance")
    m = {}
    for s in set(a.as_map()) | set(b.as_map()):
        if s == var:
            continue
        m[s] = (b.exponent(s) - a.exponent(s)) / den
    return PowerLaw.from_map(m)


def rate_exponent(term: PowerLaw, n):
    """Return p with term ≍ n**(-p) (other symbols are constants or log factors).

    >>> from bounds._symbols import n
    >>> rate_exponent(PowerLaw.of(n**sp.Rational(-1, 3)), n)
    1/3
    """
    return _clean(-term.exponent(n))


@dataclass(frozen=True)
class Optimum:
    """Result of :func:`minimize_sum`: the chosen scale, which condition fixed it, and each term there."""

    var: object
    unconstrained: PowerLaw
    chosen: PowerLaw
    binding: str  # "balance" or "constraint"
    terms_at_choice: tuple
    verdict: object  # the prover's Verdict deciding which of balance / constraint is larger


def minimize_sum(increasing: PowerLaw, decreasing: PowerLaw, var, n, lower: PowerLaw | None = None,
                 d_min=1) -> Optimum:
    """Return the minimiser (up to ≍) of increasing(var) + decreasing(var) over var ≳ lower.

    A sum a·var^p + b·var^(-q) (p, q > 0) is unimodal, so without a constraint the minimum is at the
    balance point; with var ≳ lower (a power law in n) the minimiser is the LARGER of the two, i.e. the
    one with the smaller exponent r in var = n^(-r).  Which one that is, for every real d ≥ d_min, is
    decided by :func:`bounds.prover.prove_positive` — if it cannot be decided uniformly, ValueError.
    The monotonicity of both terms in ``var`` is also proved, not assumed.

    >>> from bounds._symbols import n, eps
    >>> o = minimize_sum(PowerLaw.of(eps), PowerLaw.of(1 / (eps * n)), eps, n)
    >>> str(o.chosen), o.binding
    ('1/sqrt(n)', 'balance')
    """
    from .prover import prove_positive

    for term, sign, what in ((increasing, 1, "increasing"), (decreasing, -1, "decreasing")):
        v = prove_positive(sign * term.exponent(var), d_min=d_min)
        if not v.proved:
            raise ValueError(f"term {term} is not provably {what} in {var}: {v.witness}")
    bal = balance(increasing, decreasing, var)
    chosen, binding, verdict = bal, "balance", None
    if lower is not None:
        r_bal = -bal.exponent(n)
        r_low = -lower.exponent(n)
        # constraint binds iff lower > balance point iff r_low < r_bal
        verdict = prove_positive(r_bal - r_low, d_min=d_min)
        if verdict.proved:
            chosen, binding = lower, "constraint"
        else:
            opposite = prove_positive(r_low - r_bal, d_min=d_min, strict=False)
            if not opposite.proved:
                raise ValueError(f"neither balance nor constraint binds uniformly in d: {verdict.witness}")
            verdict = opposite
    terms = tuple(x.subs(var, chosen) for x in (increasing, decreasing))
    return Optimum(var, bal, chosen, binding, terms, verdict)
