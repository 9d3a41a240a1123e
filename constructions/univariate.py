"""The d = 1 lower-bound construction: smooth bumps near the boundary (App. H: the paper's Construction H.7 / Prop. H.8).

Toolkit's reading of Construction H.7 / Prop. H.8 (statement reconstructed): in d = 1, |f|_{V_g} =
int |f''(x)| (1 - |x|)^3 dx; K = floor(1/eps) smooth bumps of width eps^2 with disjoint supports fit in
[1 - eps, 1]; each has V_g cost O(eps) and L2 norm of order eps, giving the rate (sigma^2/n)^{1/2}.

The toolkit's bump is the cubic B-spline M4 (C^2, piecewise cubic, knots 0..4, peak M4(2) = 2/3)
rescaled to width eps^2 and height h:  phi(x) = h (3/2) M4(4 (x - x0) / eps^2).  M4'' is piecewise linear
with values 0, 1, -2, 1, 0 at the knots and changes sign at the rational points 4/3 and 8/3, so every
quantity below is an exact rational. With h = 1/16 each bump costs <= 16 h eps = eps and the whole family
costs <= K eps <= 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from .caps import validate_eps

__all__ = ["BUMP_HEIGHT", "bump_positions", "bump_vg_cost", "bump_l2_sq", "bump_sup_norm", "UnivariateFamily",
           "univariate_family"]

BUMP_HEIGHT = Fraction(1, 16)
_t = sp.Symbol("t")
_x = sp.Symbol("x")
# cubic B-spline pieces on [k, k+1], k = 0..3
_M4 = [_t ** 3 / 6,
       (-3 * _t ** 3 + 12 * _t ** 2 - 12 * _t + 4) / 6,
       (3 * _t ** 3 - 24 * _t ** 2 + 60 * _t - 44) / 6,
       (4 - _t) ** 3 / 6]


def _q(x) -> sp.Rational:
    x = Fraction(x)
    return sp.Rational(x.numerator, x.denominator)


def bump_positions(eps) -> list[Fraction]:
    """Return the left ends x0_j = 1 - eps + j eps^2, j < K = floor(1/eps), of the bump supports.

    >>> bump_positions("1/4")
    [Fraction(3, 4), Fraction(13, 16), Fraction(7, 8), Fraction(15, 16)]
    """
    e = validate_eps(eps)
    K = int(1 / e)
    return [1 - e + j * e * e for j in range(K)]


# M4'' on [k, k+1] as (constant, slope): t, 4 - 3t, 3t - 8, 4 - t
_M4PP = [(0, 1), (4, -3), (-8, 3), (4, -1)]
_SIGN_CUTS = [(Fraction(0), Fraction(1), 0), (Fraction(1), Fraction(4, 3), 1), (Fraction(4, 3), Fraction(2), 1),
              (Fraction(2), Fraction(8, 3), 2), (Fraction(8, 3), Fraction(3), 2), (Fraction(3), Fraction(4), 3)]


def _poly_mul(p, q):
    out = [Fraction(0)] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        for j, b in enumerate(q):
            out[i + j] += a * b
    return out


def _poly_int(p, lo, hi):
    return sum(c * (hi ** (k + 1) - lo ** (k + 1)) / (k + 1) for k, c in enumerate(p))


def bump_vg_cost(x0, eps, height=BUMP_HEIGHT) -> sp.Rational:
    """Return int |phi''(x)| (1 - |x|)^3 dx for the bump on [x0, x0 + eps^2], exactly (Construction H.7).

    phi''(x) = h (3/2) s^2 M4''(t) with t = s (x - x0), s = 4 / eps^2; on each interval where M4'' has
    one sign the integrand is a polynomial in t (exact Fraction arithmetic). Requires x0 >= 0 (|x| = x).

    >>> bump_vg_cost(Fraction(3, 4), "1/4") <= Fraction(1, 4)
    True
    """
    e, x0, h = validate_eps(eps), Fraction(x0), Fraction(height)
    if x0 < 0:
        raise ValueError("x0 must be >= 0")
    s = 4 / (e * e)
    lin = [1 - x0, -1 / s]  # 1 - x as a polynomial in t
    cube = _poly_mul(_poly_mul(lin, lin), lin)
    total = Fraction(0)
    for lo, hi, k in _SIGN_CUTS:
        c0, c1 = _M4PP[k]
        # dx = dt / s, so the factor is h (3/2) s
        total += abs(h * Fraction(3, 2) * s * _poly_int(_poly_mul([Fraction(c0), Fraction(c1)], cube), lo, hi))
    return sp.Rational(total.numerator, total.denominator)


def bump_l2_sq(eps, height=BUMP_HEIGHT, measure: str = "lebesgue") -> sp.Rational:
    """Return ||phi||^2_{L2} exactly: h^2 (9/4) (eps^2/4) int M4^2 = h^2 (9/16) eps^2 (151/315).

    measure="uniform" divides by 2 (Uniform[-1, 1]).

    >>> bump_l2_sq("1/2", height=1)
    151/2240
    """
    e, h = _q(validate_eps(eps)), _q(height)
    m2 = sum(sp.integrate(sp.expand(p ** 2), (_t, k, k + 1)) for k, p in enumerate(_M4))
    val = h ** 2 * sp.Rational(9, 4) * e ** 2 / 4 * m2
    return val / 2 if measure == "uniform" else val


def bump_sup_norm(height=BUMP_HEIGHT) -> sp.Rational:
    """Return sup |phi| = h (3/2) M4(2) = h exactly.

    >>> bump_sup_norm()
    1/16
    """
    return _q(height) * sp.Rational(3, 2) * _M4[1].subs(_t, 2)


@dataclass
class UnivariateFamily:
    """The d = 1 family: bump positions, exact per-bump costs, total cost, L2 norm and checks."""

    eps: Fraction
    K: int
    positions: list
    costs: list
    total_cost: sp.Rational
    l2_sq: sp.Rational
    sup_norm: sp.Rational
    inside: bool
    disjoint: bool


def univariate_family(eps, height=BUMP_HEIGHT) -> UnivariateFamily:
    """Return the exact d = 1 construction for eps: K = floor(1/eps) bumps inside [1 - eps, 1].

    >>> fam = univariate_family("1/8"); fam.K, fam.inside, fam.disjoint, fam.total_cost < 1
    (8, True, True, True)
    """
    e = validate_eps(eps)
    xs = bump_positions(e)
    w = e * e
    inside = all(1 - e <= x and x + w <= 1 for x in xs)
    disjoint = all(xs[i] + w <= xs[i + 1] for i in range(len(xs) - 1))
    costs = [bump_vg_cost(x, e, height) for x in xs]
    return UnivariateFamily(e, len(xs), xs, costs, sum(costs, sp.Integer(0)), bump_l2_sq(e, height),
                            bump_sup_norm(height), inside, disjoint)
