"""Empirical / population / canonical weights, |f|_{V_g}, and the Term-A / Theorem 3.2 checkers."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import assume, example, given, settings, strategies as st

from numerics.hessian import forward
from numerics.network import Dataset, ReluNetwork
from numerics.sampling import sample_ball, sample_ball_exact
from numerics.exact_sqrt import SqrtSum, sqrt_bounds
from numerics.variation import (K_d, K_d_sympy, canonical_weight, empirical_weight, empirical_weight_tilde,
                                neuron_atoms, population_weight, population_weight_parts, term_a_check,
                                term_a_margin, theorem_3_2_check, theorem_3_2_margin, vg_norm)
from tests.numerics._random import fast_exact_path, kink_free_net_and_data, net_and_data


def _gtilde_reference(u, t, X):
    """Float64 g~ straight from the definition (proofs_notes/theory.md §5), with u normalised."""
    u = np.asarray(u, dtype=float)
    nu = np.linalg.norm(u)
    u, t = u / nu, float(t) / nu
    proj = X @ u
    sel = proj > t
    if not sel.any():
        return 0.0
    p = sel.mean()
    return p ** 2 * np.mean(proj[sel] - t) * np.sqrt(1 + np.sum(X[sel].mean(axis=0) ** 2))


@given(st.integers(0, 10 ** 6), st.integers(1, 4))
def test_empirical_weight_matches_definition(seed, d):
    X = sample_ball_exact(9, d, seed, denominator=64)
    Xf = X.astype(float)
    rng = np.random.default_rng(seed)
    u = [Fraction(int(c), 5) for c in rng.integers(-5, 6, size=d)]
    assume(any(u))
    t = Fraction(int(rng.integers(-6, 7)), 8)
    gt_p = float(empirical_weight_tilde(u, t, X))
    gt_m = float(empirical_weight_tilde([-c for c in u], -t, X))
    assert np.isclose(gt_p, _gtilde_reference(u, t, Xf), rtol=1e-12, atol=1e-15)
    assert np.isclose(gt_m, _gtilde_reference([-c for c in u], -t, Xf), rtol=1e-12, atol=1e-15)
    g = empirical_weight(u, t, X)
    assert np.isclose(float(g), min(gt_p, gt_m), rtol=1e-12, atol=1e-15)
    # symmetric in (u, t) -> (-u, -t), invariant under positive scaling, exactly
    assert empirical_weight([-c for c in u], -t, X).sympy() == g.sympy()
    assert empirical_weight([3 * c for c in u], 3 * t, X).sympy() == g.sympy()


def test_weight_vanishes_when_hyperplane_misses_data():
    X = np.array([[Fraction(1, 2), 0], [0, Fraction(-3, 4)]], dtype=object)
    assert empirical_weight([1, 0], Fraction(3, 5), X).terms == ()       # nothing above
    assert empirical_weight([1, 0], Fraction(-4, 5), X).terms == ()      # nothing below
    assert float(empirical_weight([1, 0], Fraction(1, 4), X)) > 0


def test_sqrt_bounds_rigorous():
    for r in [Fraction(2), Fraction(1, 3), Fraction(10 ** 30 + 7, 3 ** 40), Fraction(0), Fraction(49, 4)]:
        lo, hi = sqrt_bounds(r, bits=50)
        assert lo * lo <= r <= hi * hi and hi - lo <= Fraction(1, 2 ** 50 * r.denominator)
    assert sqrt_bounds(Fraction(49, 4)) == (Fraction(7, 2), Fraction(7, 2))
    with pytest.raises(ValueError):
        sqrt_bounds(Fraction(-1))


def test_vg_norm_merges_and_drops():
    X = np.array([[Fraction(1, 2), 0], [Fraction(-1, 3), Fraction(1, 4)], [0, Fraction(-1, 2)]],
                 dtype=object)
    base = ReluNetwork.exact([[1, 1]], ["1/5"], [3], 0)
    ref = vg_norm(base, X)
    # the same function split into two proportional neurons: merged, same value exactly
    split = ReluNetwork.exact([[1, 1], [2, 2]], ["1/5", "2/5"], [1, 1], 0)
    assert (forward(split, X) == forward(base, X)).all()
    assert vg_norm(split, X).exact.sympy() == ref.exact.sympy()
    assert vg_norm(split, X).num_atoms == 1
    # cancelling neurons cost nothing; without merging the sum would be positive
    cancel = ReluNetwork.exact([[1, 1], [2, 2]], ["1/5", "2/5"], [2, -1], 0)
    assert vg_norm(cancel, X).value == 0
    # a neuron with |t| >= R is affine on the ball: dropped, counted, and costs nothing
    far = ReluNetwork.exact([[1, 1], [3, 4], [0, 0]], ["1/5", 5, 1], [3, 100, 7], 0)
    r = vg_norm(far, X)
    assert r.num_dropped == 2 and r.exact.sympy() == ref.exact.sympy()
    assert len(neuron_atoms(far, include_affine=True)) == 3
    # opposite normals are one hyperplane: relu(x1) + relu(-x1) = 2 relu(x1) - x1, one atom, coef 2
    (atom,) = neuron_atoms(ReluNetwork.exact([[1, 0], [-1, 0]], [0, 0], [1, 1], 0))
    assert atom.neurons == (0, 1) and atom.coef == 2


def _affine_pair(scale_neg=1):
    """x -> relu(x) - relu(-x) = x on the ball (the second neuron optionally rescaled by scale_neg > 0)."""
    return ReluNetwork.exact([[1], [-scale_neg]], [0, 0], [1, Fraction(-1, scale_neg)], 0)


@pytest.mark.parametrize("scale_neg", [1, 3, Fraction(1, 7)])
def test_affine_pair_has_zero_vg_norm(scale_neg):
    """relu(z) - relu(-z) = z is affine, so |f|_{V_g} = 0 for every weight (was 0.28 before merging)."""
    X = np.array([[Fraction(k, 8)] for k in range(-8, 9)], dtype=object)
    net = _affine_pair(scale_neg)
    # independent check that the function really is x on the data (exact)
    assert all(forward(net, X)[i] == X[i, 0] for i in range(X.shape[0]))
    exact = vg_norm(net, X)
    assert exact.certified and exact.value == 0 and exact.upper == 0
    # float path: the weights are rounded to float64, so 0 up to rounding of v2 * scale
    assert vg_norm(net.as_float(), X.astype(float), exact=False).value == pytest.approx(0, abs=1e-15)
    for w in ("canonical", "population", "path"):
        assert vg_norm(net, X, weight=w).value == 0
    # charging each neuron separately would give |1| g(1, 0) + |-1| g(-1, 0) = 2 g(1, 0) > 0.25
    assert 2 * float(empirical_weight([1], 0, X)) > 0.25


@settings(max_examples=30)
@given(st.fractions(-3, 3), st.fractions(-3, 3), st.fractions(Fraction(1, 4), 4), st.fractions(Fraction(-1, 2), Fraction(1, 2)))
@example(Fraction(1), Fraction(-1), Fraction(1), Fraction(0))
def test_opposite_pair_merges_to_sum_of_coefficients(v1, v2, c, t):
    """v1 relu(x - t) + v2 relu(-c (x - t)) = (v1 + c v2) relu(x - t) - c v2 (x - t): the pair has the
    exact |f|_{V_g} of the single neuron (v1 + c v2) relu(x - t)."""
    X = np.array([[Fraction(k, 10)] for k in range(-10, 11)], dtype=object)
    pair = ReluNetwork.exact([[1], [-c]], [t, -c * t], [v1, v2], 0)
    single = ReluNetwork.exact([[1]], [t], [v1 + c * v2], 0)
    # the two networks differ by an affine function on the data: second differences agree exactly
    diff = [forward(pair, X)[i] - forward(single, X)[i] for i in range(X.shape[0])]
    assert all(diff[i + 1] - 2 * diff[i] + diff[i - 1] == 0 for i in range(1, len(diff) - 1))
    assert vg_norm(pair, X).exact.sympy() == vg_norm(single, X).exact.sympy()


def test_vg_norm_refuses_data_outside_radius():
    X = np.array([[Fraction(3, 2)]], dtype=object)
    with pytest.raises(ValueError, match="outside the ball"):
        vg_norm(ReluNetwork.exact([[1]], [0], [1], 0), X)
    assert vg_norm(ReluNetwork.exact([[1]], [0], [1], 0), X, R=2).certified


@settings(max_examples=20)
@given(net_and_data())
def test_vg_exact_float_and_bounds_agree(nd):
    net, data = nd
    r = vg_norm(net, data.X)
    assert r.certified and r.lower <= r.upper
    assert float(r.lower) <= r.value <= float(r.upper) + 1e-15
    f = vg_norm(net.as_float(), data.X.astype(float))
    assert not f.certified
    assert np.isclose(f.value, r.value, rtol=1e-12, atol=1e-14)
    assert mpmath.almosteq(r.exact.mpf(40), mpmath.mpf(float(r.exact.sympy().evalf(40))), 1e-14)


@settings(max_examples=20)
@given(net_and_data(), st.fractions(min_value=Fraction(1, 7), max_value=7, max_denominator=9))
@example(None, Fraction(3))
def test_rescaling_leaves_f_and_vg_unchanged(nd, c):
    if nd is None:
        nd = (ReluNetwork.exact([[1, 2]], ["1/3"], [5], 1), Dataset.exact([["1/2", 0], [0, "1/2"]], [0, 1]))
    net, data = nd
    scaled = ReluNetwork.exact(net.W * c, net.b * c, net.v / c, net.beta)
    assert (forward(scaled, data.X) == forward(net, data.X)).all()
    assert vg_norm(scaled, data.X).exact.terms == vg_norm(net, data.X).exact.terms


@settings(max_examples=20)
@given(kink_free_net_and_data())
def test_term_a_and_theorem_3_2_hold(nd):
    net, data = nd
    a = term_a_check(net, data)
    assert a.certified and a.holds is not False
    assert a.margin >= -1e-12 and a.margin_lower <= a.margin + 1e-12 <= float(a.margin_upper) + 2e-12
    t = theorem_3_2_check(net, data)
    assert t.holds is not False and t.margin >= -1e-12
    assert t.margin_lower is not None and float(t.margin_lower) <= t.margin + 1e-12


def test_term_a_equality_when_no_neuron_active():
    # proofs_notes/theory.md §6.1: equality when no neuron is active on the data (lambda = 1, |f|_Vg = 0)
    net = ReluNetwork.exact([[1, 0], [0, -1]], ["9/10", "9/10"], [5, -3], 0)
    data = Dataset.exact([["1/2", 0], [0, "1/3"], ["-1/4", "1/4"]], [0, 1, 2])
    c = term_a_check(net, data)
    assert c.margin_lower == 0 and c.holds is True and abs(c.margin) < 1e-15


def test_checkers_reject_violations():
    net = ReluNetwork.exact([[1]], ["1/4"], [2], 0)
    data = Dataset.exact([[1], ["1/2"], [0]], [0, 0, 0])
    assert term_a_check(net, data).holds is True
    # an inflated weight (g = 1, the path norm, far larger here) breaks Term-A: certified refusal
    big = ReluNetwork.exact([[40]], [39], [2], 0)   # barely active: small curvature, path norm 80
    bad = term_a_check(big, data, weight="path")
    assert bad.holds is False and bad.margin_upper < 0 and bad.certified
    # Theorem 3.2 with a certified lambda_max enclosure that is too small (interpolating data, L = 0,
    # so the right side is lambda/2 - 1/2 < 0 <= |f|): certified refusal
    fit = Dataset.exact(data.X, forward(net, data.X))
    t = theorem_3_2_check(net, fit, lambda_max=(Fraction(0), Fraction(0)))
    assert t.holds is False and t.margin_upper < 0
    t_ok = theorem_3_2_check(net, fit, lambda_max=(Fraction(100), Fraction(101)))
    assert t_ok.holds is True
    # float path: estimates only, never 'holds'
    e = theorem_3_2_check(net.as_float(), data.as_float())
    assert e.holds is None and not e.certified and e.margin > 0
    assert term_a_margin(net.as_float(), data.as_float()) == pytest.approx(term_a_check(net, data).margin)
    assert theorem_3_2_margin(net.as_float(), data.as_float()) == pytest.approx(e.margin)


def test_term_a_refuses_a_kink():
    """A data point on a kink leaves grad f undefined: term_a_check refuses, as theorem_3_2_check does."""
    from numerics.hessian import KinkError

    net = ReluNetwork.exact([[1]], ["1/2"], [1], 0)
    data = Dataset.exact([[1], ["1/2"], [0]], [0, 0, 0])   # x = 1/2 sits on the kink
    with pytest.raises(KinkError):
        term_a_check(net, data)
    with pytest.raises(KinkError):
        term_a_check(net.as_float(), data.as_float())
    with pytest.raises(KinkError):
        theorem_3_2_check(net, data)


def test_population_weight_closed_form_d1():
    # d = 1: X ~ U[-1, 1]: Q = (1-t)/2, S = (1-t)^2/4, m = (1+t)/2
    for t in [-0.9, -0.3, 0, 0.25, 0.8]:
        Q, S, m = population_weight_parts(t, 1)
        assert mpmath.almosteq(Q, (1 - t) / 2.0, 1e-14)
        assert mpmath.almosteq(S, (1 - t) ** 2 / 4.0, 1e-14)
        assert mpmath.almosteq(m, (1 + t) / 2.0, 1e-14)


@pytest.mark.parametrize("d", [2, 3, 5])
def test_population_parts_against_quadrature(d):
    c1 = mpmath.gamma(d / 2 + 1) / (mpmath.sqrt(mpmath.pi) * mpmath.gamma((d + 1) / 2))
    dens = lambda s: c1 * (1 - s * s) ** (mpmath.mpf(d - 1) / 2)  # noqa: E731
    assert mpmath.almosteq(mpmath.quad(dens, [-1, 1]), 1, 1e-12)
    for t in [-0.5, 0.1, 0.7]:
        Q = mpmath.quad(dens, [t, 1])
        S = mpmath.quad(lambda s: (s - t) * dens(s), [t, 1])
        m = mpmath.quad(lambda s: s * dens(s), [t, 1]) / Q
        q2, s2, m2 = population_weight_parts(t, d)
        assert mpmath.almosteq(Q, q2, 1e-12) and mpmath.almosteq(S, s2, 1e-12)
        assert mpmath.almosteq(m, m2, 1e-12)


@pytest.mark.parametrize("d", [1, 2, 3, 4, 6, 10])
def test_K_d_is_the_asymptotic_constant(d):
    with mpmath.workdps(40):
        Kd = K_d(d)
        assert mpmath.almosteq(Kd, mpmath.mpf(str(K_d_sympy(d).evalf(40))), 1e-30)
        ratios = [population_weight(1 - delta, d) / mpmath.mpf(delta) ** (d + 2)
                  for delta in (mpmath.mpf("1e-4"), mpmath.mpf("1e-6"))]
        # relative error O(delta): shrinking by 100x with delta
        e1, e2 = (abs(r / Kd - 1) for r in ratios)
        assert e2 < 1e-4 and e2 < e1 / 50
    assert not mpmath.almosteq(K_d(d), K_d(d + 1), 1e-3)


def test_population_weight_is_the_large_sample_empirical_weight():
    # Monte Carlo with n = 40000 points: |g~_emp - G| = O(n^-1/2) (Thm E.5); tolerance 5e-3
    d = 2
    X = sample_ball(40000, d, seed=11)
    for t in (0.0, 0.3, 0.6):
        emp = _gtilde_reference([1.0, 0.0], t, X)
        assert abs(emp - float(population_weight(t, d))) < 5e-3


def test_canonical_weight():
    assert canonical_weight(Fraction(1, 2), 2) == Fraction(1, 16)
    assert canonical_weight(Fraction(-1, 2), 2) == Fraction(1, 16)
    assert canonical_weight(Fraction(3, 2), 2) == 0
    assert mpmath.almosteq(canonical_weight(0.25, 1), 0.75 ** 3)
    # the canonical weight of an atom: the construction's cost eps^-2 * (eps^2)^(d+2) = eps^(2d+2)
    eps, d = Fraction(1, 4), 3
    net = ReluNetwork.exact([[1, 0, 0]], [1 - eps ** 2], [eps ** -2], 0)
    X = sample_ball(5, d, seed=0)
    assert vg_norm(net, X, weight="canonical").value == pytest.approx(float(eps ** (2 * d + 2)), rel=1e-12)


def test_sqrtsum_exact_value():
    s = SqrtSum(((Fraction(1, 2), Fraction(8)), (Fraction(1), Fraction(9, 4))))
    assert str(s.sympy()) == "sqrt(2) + 3/2"
    lo, hi = s.bounds(30)
    assert lo <= Fraction(29142135623, 10 ** 10) <= hi


@pytest.mark.slow
def test_term_a_and_theorem_3_2_random_float_sweep():
    # the sweep quoted in proofs_notes/thm_3_2_flatness_regularity.md (300 random float networks)
    rng = np.random.default_rng(0)
    worst = np.inf
    for _ in range(300):
        K, d, n = rng.integers(1, 5), rng.integers(1, 4), rng.integers(1, 7)
        net = ReluNetwork.from_float(rng.normal(size=(K, d)), rng.normal(size=K) * 0.5,
                                     rng.normal(size=K) * rng.choice([0.1, 1, 10]), rng.normal())
        X = rng.uniform(-1, 1, size=(n, d))
        X /= np.maximum(1, np.linalg.norm(X, axis=1))[:, None] * 1.01
        data = Dataset.from_float(X, rng.normal(size=n))
        worst = min(worst, term_a_margin(net, data), theorem_3_2_margin(net, data))
    assert worst >= -1e-9


def test_gershgorin_bound_exact():
    from numerics.variation import _gershgorin
    M = np.array([[Fraction(2), Fraction(-1), 0], [Fraction(-1), Fraction(-3), Fraction(1, 2)],
                  [0, Fraction(1, 2), Fraction(1)]], dtype=object)
    # rows: 2 + 1, -3 + 3/2, 1 + 1/2  -> max 3
    assert _gershgorin(M) == 3
    assert _gershgorin(M) >= max(np.linalg.eigvalsh(M.astype(float)))


@settings(max_examples=20)
@given(net_and_data())
def test_vg_fast_exact_path_equals_plain_path(nd):
    net, data = nd
    slow = vg_norm(net, data.X)
    with fast_exact_path():
        fast = vg_norm(net, data.X)
    assert [c * c * r for c, r in fast.exact.terms] == [c * c * r for c, r in slow.exact.terms]
    assert fast.lower == slow.lower and fast.upper == slow.upper
