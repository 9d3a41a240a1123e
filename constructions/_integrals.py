"""Exact integrals of p(s) (1 - s^2)^{m/2} over [a, 1], and certified evaluation (private).

Every exact quantity of the construction (cap masses, atom norms, the population weight, surface
fractions of caps) is of this form. For even m the integrand is a polynomial and the integral is
rational. For odd m write the integrand as q(s) / sqrt(1 - s^2) with q = p (1 - s^2)^{(m+1)/2} and use

    J_0 = acos(a),  J_1 = sqrt(1 - a^2),
    j J_j = (j - 1) J_{j-2} + a^{j-1} sqrt(1 - a^2),      J_j = int_a^1 s^j / sqrt(1 - s^2) ds,

(differentiate -s^{j-1} sqrt(1 - s^2)), so the integral is  A acos(a) + B sqrt(1 - a^2)  with A, B rational.
"""

from __future__ import annotations

from fractions import Fraction

import flint
import sympy as sp


def _polymul(p, q):
    out = [Fraction(0)] * (len(p) + len(q) - 1)
    for i, x in enumerate(p):
        if x:
            for j, y in enumerate(q):
                out[i + j] += x * y
    return out


def _polypow(p, k):
    out = [Fraction(1)]
    for _ in range(k):
        out = _polymul(out, p)
    return out


def integral_parts(p, m: int, a: Fraction) -> tuple[Fraction, Fraction, Fraction]:
    """Return (R, A, B) with  int_a^1 p(s) (1-s^2)^{m/2} ds = R + A acos(a) + B sqrt(1-a^2)  exactly.

    ``p`` is a coefficient list (constant term first) of rationals; m >= -1; -1 <= a <= 1.
    """
    a = Fraction(a)
    p = [Fraction(c) for c in p]
    if m < -1:
        raise ValueError("need m >= -1")
    if m % 2 == 0:
        q = _polymul(p, _polypow([Fraction(1), Fraction(0), Fraction(-1)], m // 2))
        # antiderivative evaluated between a and 1
        R = sum(c * (1 - a ** (j + 1)) / (j + 1) for j, c in enumerate(q))
        return R, Fraction(0), Fraction(0)
    q = _polymul(p, _polypow([Fraction(1), Fraction(0), Fraction(-1)], (m + 1) // 2))
    # J_j = alpha_j acos(a) + beta_j sqrt(1 - a^2)
    alpha, beta = [Fraction(1), Fraction(0)], [Fraction(0), Fraction(1)]
    for j in range(2, len(q)):
        alpha.append(Fraction(j - 1, j) * alpha[j - 2])
        beta.append(Fraction(j - 1, j) * beta[j - 2] + a ** (j - 1) / j)
    A = sum(c * alpha[j] for j, c in enumerate(q))
    B = sum(c * beta[j] for j, c in enumerate(q))
    return Fraction(0), A, B


def integral_expr(p, m: int, a) -> sp.Expr:
    """Sympy exact expression of int_a^1 p(s) (1-s^2)^{m/2} ds (see integral_parts)."""
    a = Fraction(a)
    R, A, B = integral_parts(p, m, a)
    aq = sp.Rational(a.numerator, a.denominator)
    return (sp.Rational(R.numerator, R.denominator)
            + sp.Rational(A.numerator, A.denominator) * sp.acos(aq)
            + sp.Rational(B.numerator, B.denominator) * sp.sqrt(1 - aq ** 2))


def arb_eval(expr, prec: int = 200) -> flint.arb:
    """Rigorous ball enclosure (python-flint arb) of a sympy expression built from rationals, pi, +, *,
    rational powers, sqrt, acos, asin, gamma of half-integers (evaluated exactly by sympy first).

    Raises ValueError for anything else, so an uncertified number can never pass as certified.
    """
    old = flint.ctx.prec
    flint.ctx.prec = prec
    try:
        return _arb(sp.sympify(expr))
    finally:
        flint.ctx.prec = old


def _arb(e) -> flint.arb:
    if e.is_Rational:
        return flint.arb(flint.fmpq(int(e.p), int(e.q)))
    if e is sp.pi:
        return flint.arb.pi()
    if e.is_Add:
        out = flint.arb(0)
        for t in e.args:
            out += _arb(t)
        return out
    if e.is_Mul:
        out = flint.arb(1)
        for t in e.args:
            out *= _arb(t)
        return out
    if e.is_Pow and e.exp.is_Rational:
        base = _arb(e.base)
        if e.exp.is_Integer:
            return base ** int(e.exp)
        if e.exp == sp.Rational(1, 2):
            return base.sqrt()
        if e.exp == sp.Rational(-1, 2):
            return 1 / base.sqrt()
        return (base.log() * _arb(e.exp)).exp()
    if isinstance(e, sp.acos):
        return _arb(e.args[0]).acos()
    if isinstance(e, sp.asin):
        return _arb(e.args[0]).asin()
    raise ValueError(f"cannot evaluate rigorously: {e}")
