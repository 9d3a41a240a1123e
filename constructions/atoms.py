"""The atoms Phi_u of the lower-bound construction and their exact norms, masses and costs (App. H).

Toolkit's reading of the atom of App. H (its cost is the paper's Lemma H.2; statement reconstructed, the paper's display was not
available): for u in S^{d-1} and 0 < eps <= 1/2 the atom Phi_u(x) = eps^{-2} relu(u.x - (1 - eps^2)) is a
single neuron (w = u, b = 1 - eps^2, v = eps^{-2}) with
  sup_{B^d_1} Phi_u = 1,
  ||Phi_u||^2_{L2(B, Lebesgue)} = eps^{-4} V_{d-1} int_0^{eps^2} (eps^2 - delta)^2 (2 delta - delta^2)^{(d-1)/2} d delta,
  P(X in C(u)) = c1(d) int_{1-eps^2}^1 (1 - s^2)^{(d-1)/2} ds  for X ~ Uniform(B^d_1)  (= Theta(eps^{d+1})),
  |Phi_u|_{V_g} = eps^{-2} (eps^2)^{d+2} = eps^{2d+2}  under the canonical weight (1 - |t|)^{d+2}.
All closed forms here are exact (sympy expressions; rational for odd d, rational combinations of
acos(1 - eps^2) and sqrt(2 eps^2 - eps^4) times powers of pi for even d), with certified arb enclosures.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import sympy as sp

from ._integrals import arb_eval, integral_expr
from .caps import validate_eps
from .sphere import is_unit

__all__ = [
    "atom_neuron",
    "atom_sup_norm",
    "cap_mass",
    "relu_l2_sq",
    "atom_l2_sq",
    "canonical_cost",
    "population_weight_exact",
    "population_cost",
    "certified_value",
    "cap_mass_quad",
    "atom_l2_sq_quad",
    "atom_monte_carlo",
]


def _q(x: Fraction) -> sp.Rational:
    return sp.Rational(x.numerator, x.denominator)


def _c1(d: int) -> sp.Expr:
    return sp.gamma(sp.Rational(d, 2) + 1) / (sp.sqrt(sp.pi) * sp.gamma(sp.Rational(d + 1, 2)))


def _ball_volume(d: int) -> sp.Expr:
    return sp.pi ** sp.Rational(d, 2) / sp.gamma(sp.Rational(d, 2) + 1)


def atom_neuron(u, eps) -> tuple[tuple[Fraction, ...], Fraction, Fraction]:
    """Return the exact neuron (w, b, v) = (u, 1 - eps^2, eps^{-2}) of the atom Phi_u (App. H).

    >>> atom_neuron(["3/5", "4/5"], "1/2")
    ((Fraction(3, 5), Fraction(4, 5)), Fraction(3, 4), Fraction(4, 1))
    """
    e = validate_eps(eps)
    return tuple(Fraction(c) for c in u), 1 - e * e, 1 / (e * e)


def atom_sup_norm(u, eps) -> Fraction:
    """Return sup_{x in B^d_1} |Phi_u(x)| exactly: v (|w| - b) = eps^{-2} (1 - (1 - eps^2)) = 1 (App. H).

    The supremum of u.x over the ball is |u| (Cauchy-Schwarz, attained at x = u), so the value needs
    |u| = 1 exactly; a direction off the sphere raises ValueError.

    >>> atom_sup_norm(["3/5", "4/5"], "1/8")
    Fraction(1, 1)
    """
    w, b, v = atom_neuron(u, eps)
    if not is_unit(w):
        raise ValueError("direction is not exactly on the unit sphere")
    return v * max(Fraction(0), 1 - b)


def cap_mass(d: int, eps) -> sp.Expr:
    """Return P(u.X > 1 - eps^2) for X ~ Uniform(B^d_1), exactly (sympy).

    = c1(d) int_{1-eps^2}^1 (1 - s^2)^{(d-1)/2} ds = I_{2eps^2 - eps^4}((d+1)/2, 1/2) / 2,
    c1 = Gamma(d/2 + 1) / (sqrt(pi) Gamma((d+1)/2)). Theta(eps^{d+1}).

    >>> cap_mass(1, "1/2"), cap_mass(3, "1/2")
    (1/8, 11/256)
    """
    e = validate_eps(eps)
    return sp.nsimplify(sp.expand(_c1(d) * integral_expr([1], d - 1, 1 - e * e)), rational=False) \
        if d % 2 else sp.expand(_c1(d) * integral_expr([1], d - 1, 1 - e * e))


def relu_l2_sq(d: int, eps) -> sp.Expr:
    """Return int_{B^d_1} relu(u.x - (1 - eps^2))^2 dx (Lebesgue), exactly (sympy).

    = V_{d-1} int_a^1 (s - a)^2 (1 - s^2)^{(d-1)/2} ds, a = 1 - eps^2, V_{d-1} = pi^{(d-1)/2} / Gamma((d+1)/2)
    (the (d-1)-volume of the slice at height s is V_{d-1} (1 - s^2)^{(d-1)/2}).

    >>> relu_l2_sq(1, "1/2")
    1/192
    """
    e = validate_eps(eps)
    a = 1 - e * e
    vol = _ball_volume(d - 1)
    return sp.expand(vol * integral_expr([a * a, -2 * a, 1], d - 1, a))


def atom_l2_sq(d: int, eps, measure: str = "lebesgue") -> sp.Expr:
    """Return ||Phi_u||^2 in L2(B^d_1) exactly: eps^{-4} relu_l2_sq (App. H).

    measure="lebesgue" (proofs_notes/theory.md §7's display) or "uniform" (L2(P_X), P_X = Uniform(B^d_1): divide by the
    ball volume; this is the norm in the KL of the Fano step).

    >>> atom_l2_sq(1, "1/2"), atom_l2_sq(1, "1/2", "uniform")
    (1/12, 1/24)
    """
    e = validate_eps(eps)
    val = relu_l2_sq(d, e) / _q(e) ** 4
    if measure == "uniform":
        val = val / _ball_volume(d)
    elif measure != "lebesgue":
        raise ValueError("measure must be 'lebesgue' or 'uniform'")
    return sp.expand(sp.simplify(val)) if d % 2 == 0 else sp.nsimplify(val)


def canonical_cost(d: int, eps) -> Fraction:
    """Return |Phi_u|_{V_g} under the canonical weight (1 - |t|)^{d+2}: eps^{-2} (eps^2)^{d+2} = eps^{2d+2}.

    (Example 3.1: a = v |w| = eps^{-2}, t = b / |w| = 1 - eps^2.)

    >>> canonical_cost(3, "1/2")
    Fraction(1, 256)
    """
    e = validate_eps(eps)
    a, t = 1 / (e * e), 1 - e * e
    return a * (1 - abs(t)) ** (d + 2)


def population_weight_exact(d: int, t) -> sp.Expr:
    """Return G(t) = Q(t) S(t) sqrt(1 + m(t)^2) for X ~ Uniform(B^d_1), 0 <= t < 1, exactly (sympy).

    Q = c1 int_t^1 w, S = c1 int_t^1 (s - t) w, m = c1 int_t^1 s w / Q, w = (1 - s^2)^{(d-1)/2}
    (proofs_notes/theory.md §5, reconstructed weight).

    >>> population_weight_exact(1, 0)
    sqrt(5)/16
    """
    t = Fraction(t)
    if not (0 <= t < 1):
        raise ValueError("need 0 <= t < 1")
    c1 = _c1(d)
    Q = sp.expand(c1 * integral_expr([1], d - 1, t))
    S = sp.expand(c1 * integral_expr([-t, 1], d - 1, t))
    m = sp.expand(c1 * integral_expr([0, 1], d - 1, t)) / Q
    return sp.simplify(Q * S * sp.sqrt(1 + m ** 2)) if d % 2 else Q * S * sp.sqrt(1 + m ** 2)


def population_cost(d: int, eps) -> sp.Expr:
    """Return |Phi_u|_{V_g} under the population weight: eps^{-2} G(1 - eps^2), exactly (sympy).

    >>> population_cost(1, "1/2")
    sqrt(113)/1024
    """
    e = validate_eps(eps)
    return population_weight_exact(d, 1 - e * e) / _q(e) ** 2


def certified_value(expr, rel: float = 1e-25):
    """Return ``(mid, radius)`` floats of a certified arb enclosure of an exact sympy value.

    The precision is raised until the relative radius is below ``rel`` (even-d closed forms cancel
    catastrophically for small eps).

    >>> m, r = certified_value(sp.sqrt(2)); round(m, 12), r < 1e-25
    (1.414213562373, True)
    """
    x = None
    for prec in (128, 256, 1024, 4096, 16384):
        x = arb_eval(expr, prec)
        if float(x.rad()) <= rel * abs(float(x.mid())) or x.rad() == 0:
            break
    return float(x.mid()), float(x.rad())


def cap_mass_quad(d: int, eps, dps: int = 30):
    """Return the cap mass by mpmath quadrature of the marginal density (independent numeric reference).

    >>> abs(cap_mass_quad(3, "1/2") - mpmath.mpf(11) / 256) < 1e-14
    True
    """
    e = validate_eps(eps)
    with mpmath.workdps(dps):
        a = mpmath.mpf(e.numerator) / e.denominator
        a = 1 - a * a
        c1 = mpmath.gamma(mpmath.mpf(d) / 2 + 1) / (mpmath.sqrt(mpmath.pi) * mpmath.gamma(mpmath.mpf(d + 1) / 2))
        return +(c1 * mpmath.quad(lambda s: (1 - s * s) ** (mpmath.mpf(d - 1) / 2), [a, 1]))


def atom_l2_sq_quad(d: int, eps, dps: int = 30):
    """Return ||Phi_u||^2_{L2(B, Lebesgue)} by mpmath quadrature in delta = 1 - s (proofs_notes/theory.md §7's display).

    >>> abs(atom_l2_sq_quad(1, "1/2") - mpmath.mpf(1) / 12) < 1e-14
    True
    """
    e = validate_eps(eps)
    with mpmath.workdps(dps):
        e2 = (mpmath.mpf(e.numerator) / e.denominator) ** 2
        vol = mpmath.pi ** (mpmath.mpf(d - 1) / 2) / mpmath.gamma(mpmath.mpf(d + 1) / 2)
        f = lambda dl: (e2 - dl) ** 2 * (2 * dl - dl * dl) ** (mpmath.mpf(d - 1) / 2)  # noqa: E731
        return +(vol * mpmath.quad(f, [0, e2]) / e2 ** 2)


def atom_monte_carlo(d: int, eps, samples: int = 200_000, seed: int = 0) -> dict:
    """Return Monte Carlo ESTIMATES of the cap volume and of ||Phi_u||^2 (Lebesgue), with standard errors.

    Samples uniformly in the box [a, 1] x [-r, r]^{d-1} (a = 1 - eps^2, r = sqrt(1 - a^2)) that contains
    the cap C(e_1), keeps points in the ball; independent of the closed forms.

    >>> mc = atom_monte_carlo(2, "1/2", samples=20000)
    >>> sorted(mc)
    ['cap_volume', 'cap_volume_se', 'l2_sq', 'l2_sq_se']
    """
    e = float(validate_eps(eps))
    a = 1 - e * e
    r = np.sqrt(1 - a * a)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-r, r, size=(samples, d))
    X[:, 0] = rng.uniform(a, 1, size=samples)
    inside = (X * X).sum(1) < 1
    box = (1 - a) * (2 * r) ** (d - 1)
    ind = inside.astype(float)
    val = np.where(inside, (X[:, 0] - a) ** 2, 0.0) / e ** 4
    sq = np.sqrt(samples)
    return {
        "cap_volume": box * ind.mean(), "cap_volume_se": box * ind.std() / sq,
        "l2_sq": box * val.mean(), "l2_sq_se": box * val.std() / sq,
    }
