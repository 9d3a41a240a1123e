"""Parsing and formatting of exact rationals shared by the construction modules (private)."""

from __future__ import annotations

from fractions import Fraction
from numbers import Rational

import sympy as sp


def to_fraction(x) -> Fraction:
    """Return ``x`` as an exact Fraction.

    Accepts int, Fraction, sympy Rational, strings such as ``"3/7"`` or ``"0.125"`` (read as exact
    decimals) and floats (converted to the exact dyadic rational the float represents).
    Raises ValueError for anything else (including nan/inf and booleans, and decimal exponents beyond
    +-10000, whose exact value would exhaust memory).
    """
    if isinstance(x, bool):
        raise ValueError(f"not a number: {x!r}")
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, float):
        if x != x or x in (float("inf"), float("-inf")):
            raise ValueError(f"not a finite number: {x!r}")
        return Fraction(x)
    if isinstance(x, sp.Rational):
        return Fraction(int(x.p), int(x.q))
    if isinstance(x, Rational):
        return Fraction(x.numerator, x.denominator)
    if isinstance(x, str):
        exp = x.strip().lower().partition("e")[2]
        if exp.lstrip("+-").isdigit() and abs(int(exp)) > 10_000:
            raise ValueError(f"exponent beyond +-10000: {x[:40]!r}")
        try:
            return Fraction(x.strip())
        except (ValueError, ZeroDivisionError) as exc:
            raise ValueError(f"not an exact rational: {x!r}") from exc
    raise ValueError(f"not a number: {x!r}")


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
