"""Formatting of exact rationals shared by the construction modules (private).

Parsing is numerics.network.to_fraction, the one conversion of user-given numbers to exact rationals.
"""

from __future__ import annotations

from fractions import Fraction

import sympy as sp


def fmt(x) -> str:
    """Format an exact value: ``"p/q"`` for rationals, sympy's string form otherwise."""
    if isinstance(x, (int, Fraction)):
        x = Fraction(x)
        return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"
    if isinstance(x, sp.Basic):
        if x.is_Rational:
            return fmt(Fraction(int(x.p), int(x.q)))
        return str(x)
    return str(x)
