"""Exact sphere points and the cap-packing verifier (number of caps: Lemma H.3): invariants, Monte Carlo agreement, rejects."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from constructions.caps import (area_upper_bound, cap_surface_fraction, cap_threshold, caps_disjoint,
                                maximal_packing_lower_bound, verify_packing)
from constructions.packing import cap_packing, greedy_packing, polygon_packing
from constructions.sphere import integer_form, is_unit, sphere_point, sphere_point_near

fracs = st.fractions(min_value=-50, max_value=50, max_denominator=10**6)


@given(st.lists(fracs, min_size=1, max_size=6))
@example([Fraction(0)])
@example([Fraction(10**9, 3), Fraction(-1, 10**9)])
def test_sphere_point_has_norm_exactly_one(t):
    u = sphere_point(t)
    assert len(u) == len(t) + 1
    assert sum(c * c for c in u) == 1
    A, D = integer_form([u])
    assert sum(int(a) ** 2 for a in A[0]) == int(D[0]) ** 2


@given(st.lists(st.floats(-1, 1), min_size=2, max_size=6).filter(lambda x: np.linalg.norm(x) > 1e-3))
def test_sphere_point_near_is_exact_and_close(x):
    u = sphere_point_near(x, 10**7)
    assert is_unit(u)
    ref = np.asarray(x) / np.linalg.norm(x)
    assert np.abs(np.array([float(c) for c in u]) - ref).max() < 1e-5


def test_verifier_rejects_overlap_offsphere_bad_eps_and_dimension():
    good = [[1, 0], [0, 1], [-1, 0], [0, -1]]
    assert verify_packing(good, "1/2").passed
    over = verify_packing(good + [["3/5", "4/5"]], "1/2")
    assert not over.passed and "overlap" in over.problems[0]
    off = verify_packing([[1, 0], ["1/2", "1/2"]], "1/8")
    assert not off.passed and "not on the unit sphere" in off.problems[0]
    assert not verify_packing([[1, 0], [0.6, 0.8]], "1/8").passed  # 0.6 is read as its dyadic value
    big = verify_packing(good, "3/4")
    assert not big.passed and "outside (0, 1/2]" in big.problems[0]
    assert not verify_packing([[1, 0], [0, 1, 0]], "1/8").passed
    assert not verify_packing([], "1/8").passed


def test_threshold_is_exactly_the_boundary():
    # eps = 1/5: cos(theta) = 24/25, sin(theta) = 7/25, so the direction at angle exactly 2 theta is rational
    e = Fraction(1, 5)
    w = (Fraction(527, 625), Fraction(336, 625))
    assert is_unit(w) and w[0] == cap_threshold(e)
    assert caps_disjoint((1, 0), w, e)  # touching caps: disjoint open caps
    t = Fraction(336, 625) / (1 + Fraction(527, 625))  # stereographic parameter of w from (-1, 0)
    nudged = ((1 - (t - Fraction(1, 10**6)) ** 2) / (1 + (t - Fraction(1, 10**6)) ** 2),
              2 * (t - Fraction(1, 10**6)) / (1 + (t - Fraction(1, 10**6)) ** 2))
    assert is_unit(nudged) and not caps_disjoint((1, 0), nudged, e)
    assert verify_packing([(1, 0), w], e).passed and not verify_packing([(1, 0), nudged], e).passed


def _box_sample(u, eps, m, rng):
    """Uniform points of the ball cap C(u), u a float unit vector (box rejection in a rotated frame)."""
    d = len(u)
    a = 1 - eps ** 2
    r = np.sqrt(1 - a * a)
    Q, _ = np.linalg.qr(np.column_stack([u] + [rng.standard_normal(d) for _ in range(d - 1)]))
    if Q[:, 0] @ u < 0:
        Q[:, 0] *= -1
    Y = rng.uniform(-r, r, size=(m, d))
    Y[:, 0] = rng.uniform(a, 1, size=m)
    Y = Y[(Y * Y).sum(1) < 1]
    X = Y @ Q.T
    return X[X @ u > a]


@settings(max_examples=30)
@given(st.integers(2, 4), st.integers(2, 10), st.lists(st.fractions(-3, 3, max_denominator=50), min_size=6, max_size=6))
def test_cap_disjointness_agrees_with_monte_carlo(d, k, ts):
    eps = Fraction(1, k)
    u = sphere_point(ts[:d - 1])
    w = sphere_point(ts[3:3 + d - 1])
    uf = np.array([float(c) for c in u])
    wf = np.array([float(c) for c in w])
    X = _box_sample(uf, float(eps), 20000, np.random.default_rng(0))
    in_both = int((X @ wf > 1 - float(eps) ** 2).sum())
    angle = np.arccos(np.clip(uf @ wf, -1, 1))
    theta = np.arccos(1 - float(eps) ** 2)
    if caps_disjoint(u, w, eps):
        assert in_both == 0
    elif angle < 1.5 * theta:  # a deep overlap must be seen by 20000 samples of C(u)
        assert in_both > 0


@pytest.mark.parametrize("eps", ["1/2", "1/3", "1/8", "1/64"])
def test_polygon_is_optimal_in_d2(eps):
    pts = polygon_packing(eps)
    N = area_upper_bound(2, eps)
    assert len(pts) == N and verify_packing(pts, eps, 2).passed
    # N + 1 caps cannot be disjoint: equally spaced points already fail the exact check
    more = [sphere_point_near([np.cos(2 * np.pi * k / (N + 1)), np.sin(2 * np.pi * k / (N + 1))], 10**9)
            for k in range(N + 1)]
    assert not verify_packing(more, eps, 2).passed


def test_surface_fraction_and_bounds():
    assert cap_surface_fraction(3, "1/8") == Fraction(1, 128)  # Archimedes: eps^2 / 2
    for d, e in [(3, "1/4"), (4, "1/4"), (5, "1/2")]:
        assert maximal_packing_lower_bound(d, e) <= area_upper_bound(d, e)


@pytest.mark.parametrize("d,eps", [(3, "1/4"), (4, "1/2"), (5, "1/2")])
def test_greedy_packing_verifies_and_meets_maximal_guarantee(d, eps):
    pts = greedy_packing(d, eps, seed=1, optimise=False)
    assert verify_packing(pts, eps, d).passed
    assert maximal_packing_lower_bound(d, eps) <= len(pts) <= area_upper_bound(d, eps)


def test_cap_packing_is_deterministic():
    a, _ = cap_packing(3, "1/4", seed=3)
    b, _ = cap_packing(3, "1/4", seed=3)
    assert a == b
