"""Fano bound (App. H) and the d = 1 bump construction (Construction H.7 / Prop. H.8): exact values vs quadrature."""

from fractions import Fraction
from math import log

import mpmath
import pytest
import sympy as sp

from constructions.fano import fano_bound, fano_bound_certified, fitted_exponent, minimax_lower_bound, paper_exponent
from constructions.univariate import bump_l2_sq, bump_positions, bump_sup_norm, bump_vg_cost, univariate_family


def test_fano_float_and_certified_agree():
    for n, N, phi, D, M in [(100, 64, Fraction(1, 10**4), 8, 256), (712, 105, Fraction(3, 10**5), 25, 8934)]:
        lo, hi = fano_bound_certified(n, 1, N, phi, D, M)
        f = fano_bound(n, 1.0, N, float(phi), D, log(M))
        assert lo <= f * (1 + 1e-12) and f <= hi * (1 + 1e-12)


def test_fano_bound_vanishes_when_kl_exceeds_log_m():
    assert fano_bound(10**9, 1.0, 64, 1e-4, 8, 8 * log(2)) == 0.0
    assert fano_bound_certified(10**9, 1, 64, Fraction(1, 10**4), 8, 256)[0] == 0.0
    assert fano_bound(10, 1.0, 8, 1e-4, 1, log(2)) == 0.0  # M = 2: Fano gives nothing


@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_fitted_exponent_matches_bounds(d):
    p, rows = fitted_exponent(d)
    assert abs(p - float(paper_exponent(d))) < 0.05 * float(paper_exponent(d))
    assert all(r["bound"] > 0 for r in rows)


def test_fitted_exponent_is_not_the_wrong_rate():
    # a check that can fail: the d = 3 slope is far from the upper-bound exponent 1/(2d+4) = 0.1
    p, _ = fitted_exponent(3)
    assert abs(p - 0.1) > 0.3


def test_optimal_eps_scales_like_n_to_minus_one_over_d_plus_one():
    e1 = minimax_lower_bound(1e8, 1.0, 3)["eps"]
    e2 = minimax_lower_bound(1e12, 1.0, 3)["eps"]
    assert abs(log(e1 / e2) / log(1e4) - 0.25) < 0.03


def _bump_numeric(x0, eps, h):
    e2 = eps ** 2
    s = 4 / e2

    def m4pp(t):
        if t < 0 or t > 4:
            return 0
        return t if t < 1 else (1 - 3 * (t - 1) if t < 2 else (-2 + 3 * (t - 2) if t < 3 else 4 - t))

    knots = [x0 + k * e2 / 12 for k in range(13)]
    cost = mpmath.quad(lambda x: abs(h * 1.5 * s * s * m4pp(s * (x - x0))) * (1 - x) ** 3, knots)
    return cost


@pytest.mark.parametrize("eps", ["1/2", "1/4", "1/8"])
def test_bump_cost_and_norm_vs_quadrature(eps):
    e = Fraction(eps)
    h = Fraction(1, 16)
    for x0 in bump_positions(e)[:3]:
        exact = float(bump_vg_cost(x0, e, h))
        num = float(_bump_numeric(mpmath.mpf(x0.numerator) / x0.denominator, mpmath.mpf(e.numerator) / e.denominator,
                                  mpmath.mpf(1) / 16))
        assert abs(exact - num) <= 1e-10 * exact
        assert exact <= e  # each bump costs at most eps (Construction H.7, toolkit's reading)
    # L2 norm by quadrature of the spline itself
    t = sp.Symbol("t")
    pieces = [t ** 3 / 6, (-3 * t ** 3 + 12 * t ** 2 - 12 * t + 4) / 6, (3 * t ** 3 - 24 * t ** 2 + 60 * t - 44) / 6,
              (4 - t) ** 3 / 6]
    f = [sp.lambdify(t, p, "mpmath") for p in pieces]
    m2 = sum(mpmath.quad(lambda x, k=k: f[k](x) ** 2, [k, k + 1]) for k in range(4))
    num = float(h) ** 2 * 2.25 * float(e) ** 2 / 4 * m2
    assert abs(float(bump_l2_sq(e, h)) - num) <= 1e-12 * num


def test_univariate_family_checks_and_rejects():
    fam = univariate_family("1/8")
    assert fam.K == 8 and fam.inside and fam.disjoint and fam.total_cost < 1
    assert bump_sup_norm() == Fraction(1, 16)
    assert not univariate_family("1/8", height=16).total_cost < 1  # too tall: cost exceeds the class
    with pytest.raises(ValueError):
        univariate_family("3/4")
