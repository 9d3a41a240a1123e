"""Rigorous arithmetic with square roots of rationals: bounds from integer square roots, exact sums.

Used by the weighted variation (numerics.variation: |a_j| g~(u_j, t_j) is a rational times the square
root of a rational) and by the structured certificate (numerics._structured_cert).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import mpmath

from numerics.network import to_fraction

__all__ = ["sqrt_bounds", "SqrtSum"]


def sqrt_bounds(r, bits: int = 64) -> tuple[Fraction, Fraction]:
    """Return rational (lo, hi) with lo <= sqrt(r) <= hi and hi - lo <= 2^-bits / q (r = p/q >= 0).

    Uses integer square roots only, so the bounds are rigorous.

    >>> lo, hi = sqrt_bounds(Fraction(2), bits=20)
    >>> lo <= Fraction(14142135623, 10**10) <= hi, float(hi - lo) < 1e-6
    (True, True)
    """
    r = to_fraction(r)
    if r < 0:
        raise ValueError(f"sqrt of negative {r}")
    p, q = r.numerator, r.denominator
    # sqrt(p/q) = sqrt(p q) / q
    s = math.isqrt(p * q * 4 ** bits)
    lo = Fraction(s, q * 2 ** bits)
    hi = lo if s * s == p * q * 4 ** bits else Fraction(s + 1, q * 2 ** bits)
    return lo, hi


@dataclass(frozen=True)
class SqrtSum:
    """An exact nonnegative real sum_j c_j sqrt(r_j) with rational c_j >= 0, r_j >= 0.

    >>> s = SqrtSum(((Fraction(1), Fraction(2)), (Fraction(3), Fraction(4))))
    >>> round(float(s), 6), s.sympy()
    (7.414214, sqrt(2) + 6)
    """

    terms: tuple = ()

    def __float__(self) -> float:
        return float(self.mpf(30))

    def mpf(self, dps: int | None = None):
        """Return the value as an mpf (rounded at ``dps`` digits, default current precision)."""
        with mpmath.workdps(dps or mpmath.mp.dps):
            return mpmath.fsum(mpmath.mpf(c.numerator) / c.denominator
                               * mpmath.sqrt(mpmath.mpf(r.numerator) / r.denominator)
                               for c, r in self.terms)

    def bounds(self, bits: int = 64) -> tuple[Fraction, Fraction]:
        """Return rigorous rational (lower, upper) bounds on the value."""
        lo = hi = Fraction(0)
        for c, r in self.terms:
            a, b = sqrt_bounds(r, bits)
            lo += c * a
            hi += c * b
        return lo, hi

    def sympy(self):
        """Return the exact value as a sympy expression."""
        import sympy

        return sympy.Add(*[sympy.Rational(c.numerator, c.denominator)
                           * sympy.sqrt(sympy.Rational(r.numerator, r.denominator))
                           for c, r in self.terms])

    def __add__(self, other: "SqrtSum") -> "SqrtSum":
        return SqrtSum(self.terms + other.terms)


def _cmp_csqrt(c1: Fraction, r1: Fraction, c2: Fraction, r2: Fraction) -> int:
    """Exact sign of c1 sqrt(r1) - c2 sqrt(r2) for c, r >= 0."""
    a, b = c1 * c1 * r1, c2 * c2 * r2
    return (a > b) - (a < b)
