"""Ridge-bump packing families: a probe of Thm 3.7's lower bound (derived here, not from the paper).

A ridge bump is a piecewise-linear "tent" in one direction u: with height h and width w placed at
offset a (its support is a <= u.x <= a + w),

    phi_{u,a}(x) = (2h/w) [relu(u.x - a) - 2 relu(u.x - a - w/2) + relu(u.x - a - w)],

three neurons with kinks t = a, a + w/2, a + w and slope jumps c = 2h/w, -4h/w, 2h/w; sup phi = h.
A family puts K bumps side by side in the boundary slab 1 - delta <= u.x <= 1 (delta = eps^2, so the
slab is exactly the cap C(u) of the caps construction, w = delta / K), on one direction ("ridge") or on
every direction of a packing of disjoint caps ("ridge-multi": different directions then have disjoint
supports), and f_xi = sum xi_j phi_j for signs xi.

Membership in F = {||f||_inf <= 1, |f|_{V_g} <= 1} (population weight G of Uniform(B^d_1)) is exact:
supports are pairwise disjoint, so ||f_xi||_inf = h; and since V_g is a seminorm,
|f_xi|_{V_g} <= sum over bumps of |phi|_{V_g} = sum over bumps and kinks of |c_i| G(t_i) (Example 3.1:
a ridge whose kinks are distinct costs exactly sum_i |c_i| G(|t_i|)), evaluated exactly (sympy) and
enclosed in arb.  L2(P_X) norms of slab functions are closed forms: P_X's marginal along u has density
c1 (1 - s^2)^{(d-1)/2}, and phi^2 is a quadratic polynomial on each half of the tent, so
||phi||^2 = c1 int phi(s)^2 (1 - s^2)^{(d-1)/2} ds is a rational combination of acos and square roots
(:func:`constructions._integrals.integral_expr`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from numerics.network import ReluNetwork

from . import atoms as _atoms
from ._integrals import arb_eval, integral_expr
from .caps import validate_eps, verify_packing

__all__ = ["bump_kinks", "ridge_kinks", "slab_l2_sq", "bump_l2_sq", "bump_cost", "ridge_cost", "RidgeFamily",
           "ridge_family", "family_network", "family_values", "upper_bound"]


def _q(x) -> sp.Rational:
    x = Fraction(x)
    return sp.Rational(x.numerator, x.denominator)


def bump_kinks(a, w, h) -> list[tuple[Fraction, Fraction]]:
    """Return the kinks [(t, c)] of the tent of height h on [a, a + w]: slope jumps 2h/w, -4h/w, 2h/w.

    >>> bump_kinks(Fraction(1, 2), Fraction(1, 4), 1)
    [(Fraction(1, 2), Fraction(8, 1)), (Fraction(5, 8), Fraction(-16, 1)), (Fraction(3, 4), Fraction(8, 1))]
    """
    a, w, h = Fraction(a), Fraction(w), Fraction(h)
    if w <= 0:
        raise ValueError(f"width must be positive, got {w}")
    s = 2 * h / w
    return [(a, s), (a + w / 2, -2 * s), (a + w, s)]


def ridge_kinks(positions, w, h, signs=None) -> list[tuple[Fraction, Fraction]]:
    """Return the kinks of sum_j xi_j phi_{a_j} on one direction, merged where two tents share a kink.

    Adjacent tents share an end point; there the slope jumps add (and may cancel).  Sorted by t; zero
    jumps are dropped.

    >>> ridge_kinks([0, Fraction(1, 2)], Fraction(1, 2), 1, [1, 1])
    [(Fraction(0, 1), Fraction(4, 1)), (Fraction(1, 4), Fraction(-8, 1)), (Fraction(1, 2), Fraction(8, 1)), (Fraction(3, 4), Fraction(-8, 1)), (Fraction(1, 1), Fraction(4, 1))]
    """
    signs = [1] * len(positions) if signs is None else signs
    acc: dict = {}
    for a, xi in zip(positions, signs):
        for t, c in bump_kinks(a, w, h):
            acc[t] = acc.get(t, Fraction(0)) + xi * c
    return sorted((t, c) for t, c in acc.items() if c != 0)


def slab_l2_sq(d: int, a, w, h) -> sp.Expr:
    """Return ||phi_{u,a}||^2 in L2(P_X), X ~ Uniform(B^d_1), exactly (sympy): a slab function's norm.

    = c1(d) int_a^{a+w} phi(s)^2 (1 - s^2)^{(d-1)/2} ds with phi the tent of height h; each half of the
    tent is a quadratic polynomial, integrated in closed form by ``integral_expr`` (int_lo^hi = I(lo) -
    I(hi), I(x) = int_x^1).  Requires -1 <= a and a + w <= 1.

    >>> slab_l2_sq(1, 0, 1, 1)   # d = 1: (1/2) int_0^1 tent^2 = (1/2)(1/3)
    1/6
    """
    a, w, h = Fraction(a), Fraction(w), Fraction(h)
    if not (-1 <= a and a + w <= 1 and w > 0):
        raise ValueError(f"the slab [{a}, {a + w}] must lie in [-1, 1]")
    s = 2 * h / w
    m = a + w / 2
    # (s (x - a))^2 on [a, m]; (s (a + w - x))^2 on [m, a + w]: coefficient lists, constant term first
    left = [s * s * a * a, -2 * s * s * a, s * s]
    e = a + w
    right = [s * s * e * e, -2 * s * s * e, s * s]
    total = (integral_expr(left, d - 1, a) - integral_expr(left, d - 1, m)
             + integral_expr(right, d - 1, m) - integral_expr(right, d - 1, e))
    val = _atoms._c1(d) * total
    return sp.nsimplify(sp.expand(val)) if d % 2 else sp.expand(val)


def bump_l2_sq(d: int, a, w, h) -> sp.Expr:
    """Alias of :func:`slab_l2_sq` (the tent is the only slab function used here).

    >>> bump_l2_sq(3, Fraction(1, 2), Fraction(1, 2), 1) == slab_l2_sq(3, Fraction(1, 2), Fraction(1, 2), 1)
    True
    """
    return slab_l2_sq(d, a, w, h)


def ridge_cost(d: int, kinks) -> sp.Expr:
    """Return sum_i |c_i| G(|t_i|): |x -> sum_i c_i relu(u.x - t_i)|_{V_g} for distinct kinks t_i (population
    weight G of Uniform(B^d_1), Example 3.1), exactly (sympy); kinks with |t| >= 1 cost 0.

    >>> ridge_cost(1, [(Fraction(0), Fraction(1))])
    sqrt(5)/16
    """
    total = sp.Integer(0)
    for t, c in kinks:
        t = abs(Fraction(t))
        if t < 1 and c != 0:
            total += _q(abs(Fraction(c))) * _atoms.population_weight_exact(d, t)
    return total


def bump_cost(d: int, a, w, h) -> sp.Expr:
    """Return |phi_{u,a}|_{V_g} = (2h/w) (G(a) + 2 G(a + w/2) + G(a + w)) exactly (population weight).

    >>> bump_cost(1, Fraction(3, 4), Fraction(1, 8), 1) < 1
    True
    """
    return ridge_cost(d, bump_kinks(a, w, h))


def upper_bound(expr, prec: int = 256) -> float:
    """Return a float >= the exact value of ``expr`` (arb enclosure, rounded outward).

    >>> upper_bound(sp.sqrt(2)) >= 2 ** 0.5
    True
    """
    x = arb_eval(expr, prec)
    return math.nextafter(float(x.upper()), math.inf)


@dataclass
class RidgeFamily:
    """One ridge-bump family: d, eps (delta = eps^2), K bumps per direction of width w and height h, the
    exact directions (one, or a verified packing of disjoint caps) and the bump offsets."""

    d: int
    eps: Fraction
    K: int
    height: Fraction
    directions: list
    positions: list
    how: str

    @property
    def delta(self) -> Fraction:
        return self.eps * self.eps

    @property
    def width(self) -> Fraction:
        return self.delta / self.K

    @property
    def num_bumps(self) -> int:
        """The number of coordinates of the sign vector: directions x bumps."""
        return len(self.directions) * self.K


def ridge_family(d: int, eps, K: int, height, multi: bool = False, seed: int = 0, directions=None) -> RidgeFamily:
    """Return the family with K tents of height ``height`` side by side in 1 - eps^2 <= u.x <= 1.

    ``multi``: on every direction of the toolkit's exact packing of disjoint caps C(u) = {u.x > 1 - eps^2}
    (:func:`constructions.packing.cap_packing`), or on ``directions``; else on e_1 only.

    >>> f = ridge_family(2, "1/2", 4, "1/2"); f.positions[:2], f.width, f.num_bumps
    ([Fraction(3, 4), Fraction(13, 16)], Fraction(1, 16), 4)
    """
    e = validate_eps(eps)
    if K < 1:
        raise ValueError(f"need at least one bump per direction, got K = {K}")
    h = Fraction(height)
    if h <= 0:
        raise ValueError(f"height must be positive, got {h}")
    if directions is not None:
        dirs, how = [tuple(Fraction(c) for c in u) for u in directions], "user-supplied directions"
    elif multi:
        from .packing import cap_packing

        dirs, how = cap_packing(d, e, seed)
    else:
        dirs, how = [tuple([Fraction(1)] + [Fraction(0)] * (d - 1))], "one direction e_1"
    delta = e * e
    w = delta / K
    return RidgeFamily(d, e, K, h, dirs, [1 - delta + j * w for j in range(K)], how)


def family_values(fam: RidgeFamily) -> dict:
    """Return the exact membership and Fano ingredients of a family (sympy / Fractions).

    Keys: ``disjoint`` (tents inside the slab with disjoint open supports, and the directions' caps
    pairwise disjoint - exact), ``packing_report``, ``sup_norm`` (= h: supports disjoint),
    ``bump_costs`` (exact |phi_j|_{V_g} per position), ``cost_bound`` (number of directions x sum of
    those: >= |f_xi|_{V_g} for every xi), ``l2_sq`` (exact ||phi_j||^2_{L2(P_X)} per position, the same
    on every direction by rotation invariance).

    >>> v = family_values(ridge_family(2, "1/2", 4, "1/8")); v["disjoint"], v["sup_norm"]
    (True, Fraction(1, 8))
    """
    d, w, h = fam.d, fam.width, fam.height
    inside = all(1 - fam.delta <= a and a + w <= 1 for a in fam.positions)
    apart = all(fam.positions[i] + w <= fam.positions[i + 1] for i in range(len(fam.positions) - 1))
    rep = None
    if len(fam.directions) > 1:
        rep = verify_packing(fam.directions, fam.eps, d)
        caps_ok = rep.passed
    else:
        caps_ok = all(sum(c * c for c in u) == 1 for u in fam.directions) and all(len(u) == d for u in fam.directions)
    costs = [bump_cost(d, a, w, h) for a in fam.positions]
    l2 = [slab_l2_sq(d, a, w, h) for a in fam.positions]
    return {"disjoint": inside and apart and caps_ok, "packing_report": rep, "sup_norm": h, "bump_costs": costs,
            "cost_bound": len(fam.directions) * sum(costs, sp.Integer(0)), "l2_sq": l2}


def family_network(fam: RidgeFamily, signs):
    """Return the exact numerics ReluNetwork of f_xi: three neurons (w = u, b = t, v = c) per tent.

    ``signs``: one +-1 per coordinate, direction-major (len = num_bumps).

    >>> net = family_network(ridge_family(1, "1/2", 2, 1), [1, -1]); net.K
    6
    """
    if len(signs) != fam.num_bumps:
        raise ValueError(f"need {fam.num_bumps} signs, got {len(signs)}")
    W, b, v = [], [], []
    for k, u in enumerate(fam.directions):
        for j, a in enumerate(fam.positions):
            xi = signs[k * fam.K + j]
            for t, c in bump_kinks(a, fam.width, fam.height):
                W.append(list(u))
                b.append(t)
                v.append(xi * c)
    return ReluNetwork.exact(W, b, v, 0)
