"""The d = 1 lower-bound construction: smooth bumps near the boundary (App. H, Lemma H.3).

Toolkit's reading of Lemma H.3 (theory.md section 3; reconstructed): in d = 1, |f|_{V_g} =
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

from .caps import check_eps

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
# intervals of constant sign of M4'' (breakpoints 4/3 and 8/3)
_SIGN_PIECES = [(0, 1, 0), (1, sp.Rational(4, 3), 1), (sp.Rational(4, 3), 2, 1), (2, sp.Rational(8, 3), 2),
                (sp.Rational(8, 3), 3, 2), (3, 4, 3)]


def _q(x) -> sp.Rational:
    x = Fraction(x)
    return sp.Rational(x.numerator, x.denominator)


def bump_positions(eps) -> list[Fraction]:
    """Return the left ends x0_j = 1 - eps + j eps^2, j < K = floor(1/eps), of the bump supports.

    >>> bump_positions("1/4")
    [Fraction(3, 4), Fraction(13, 16), Fraction(7, 8), Fraction(15, 16)]
    """
    e = check_eps(eps)
    K = int(1 / e)
    return [1 - e + j * e * e for j in range(K)]


def bump_vg_cost(x0, eps, height=BUMP_HEIGHT) -> sp.Rational:
    """Return int |phi''(x)| (1 - |x|)^3 dx for the bump on [x0, x0 + eps^2], exactly (Lemma H.3).

    Requires x0 >= 0 (the bumps sit near x = 1, so |x| = x).

    >>> bump_vg_cost(Fraction(3, 4), "1/4") <= Fraction(1, 4)
    True
    """
    e, x0, h = _q(check_eps(eps)), _q(x0), _q(height)
    if x0 < 0:
        raise ValueError("x0 must be >= 0")
    scale = 4 / e ** 2  # t = scale (x - x0)
    total = sp.Integer(0)
    for lo, hi, k in _SIGN_PIECES:
        d2 = sp.diff(_M4[k], _t, 2)
        # phi''(x) = h (3/2) scale^2 M4''(t);  dx = dt / scale
        integrand = h * sp.Rational(3, 2) * scale * d2 * (1 - (x0 + _t / scale)) ** 3
        total += sp.Abs(sp.integrate(sp.expand(integrand), (_t, lo, hi)))
    return sp.nsimplify(total)


def bump_l2_sq(eps, height=BUMP_HEIGHT, measure: str = "lebesgue") -> sp.Rational:
    """Return ||phi||^2_{L2} exactly: h^2 (9/4) (eps^2/4) int M4^2 = h^2 (9/16) eps^2 (151/315).

    measure="uniform" divides by 2 (Uniform[-1, 1]).

    >>> bump_l2_sq("1/2", height=1)
    151/2240
    """
    e, h = _q(check_eps(eps)), _q(height)
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
    e = check_eps(eps)
    xs = bump_positions(e)
    w = e * e
    inside = all(1 - e <= x and x + w <= 1 for x in xs)
    disjoint = all(xs[i] + w <= xs[i + 1] for i in range(len(xs) - 1))
    costs = [bump_vg_cost(x, e, height) for x in xs]
    return UnivariateFamily(e, len(xs), xs, costs, sum(costs, sp.Integer(0)), bump_l2_sq(e, height),
                            bump_sup_norm(height), inside, disjoint)
