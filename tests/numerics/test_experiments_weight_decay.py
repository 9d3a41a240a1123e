"""The weight-decay collapse threshold 1/(d+2) (numerics.experiments.weight_decay; proofs_notes/experiments.md)."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from numerics.experiments.weight_decay import (collapse_threshold, forces_constant_fit, lipschitz_bound,
                                               reflection_correlation)


def _random_case(seed, d, K, n=40):
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((K, d)) * rng.uniform(0.1, 3.0)
    b = rng.uniform(-1.5, 1.5, K)
    v = rng.standard_normal(K) * rng.uniform(0.1, 3.0)
    u = rng.standard_normal(d)
    u /= np.linalg.norm(u)
    g = rng.standard_normal((n, d))
    X = g / np.linalg.norm(g, axis=1, keepdims=True) * rng.random(n)[:, None] ** (1.0 / d)
    return W, b, v, u, X


def test_second_moment_of_a_coordinate_of_the_uniform_ball_is_one_over_d_plus_2():
    # Exact, symbolic d: |x| has density d r^(d-1) on [0, 1] and E (u.x)^2 = E|x|^2 / d.
    d, r = sp.symbols("d r", positive=True)
    moment = sp.integrate(d * r ** (d - 1) * r ** 2, (r, 0, 1)) / d
    assert sp.simplify(moment - 1 / (d + 2)) == 0
    assert all(collapse_threshold(k) == Fraction(1, k + 2) for k in range(1, 30))


@given(seed=st.integers(0, 10_000), d=st.integers(1, 6), K=st.integers(1, 8))
def test_reflection_bound_holds_on_every_symmetrised_sample(seed, d, K):
    W, b, v, u, X = _random_case(seed, d, K)
    corr, m = reflection_correlation(W, b, v, u, X)
    lip = lipschitz_bound(W, v)
    assert corr <= lip * m + 1e-12 * (1 + lip)


@given(seed=st.integers(0, 10_000), d=st.integers(1, 6), K=st.integers(1, 8),
       wd=st.floats(0.0, 1.0), beta=st.floats(-2.0, 2.0))
def test_regularised_objective_is_at_least_zero_networks_plus_lip_times_margin(seed, d, K, wd, beta):
    # On the symmetrised sample with y = u.x:  F(theta) >= F(0) + Lip * (wd - E (u.x)^2).
    W, b, v, u, X = _random_case(seed, d, K)
    t = X @ u
    S = np.vstack([X, X - 2.0 * t[:, None] * u[None, :]])
    s = S @ u
    f = np.maximum(S @ W.T - b[None, :], 0.0) @ v + beta
    theta_sq = (W ** 2).sum() + (b ** 2).sum() + (v ** 2).sum() + beta ** 2
    F = 0.5 * np.mean((f - s) ** 2) + 0.5 * wd * theta_sq
    F0 = 0.5 * np.mean(s ** 2)
    lip = lipschitz_bound(W, v)
    assert F >= F0 + lip * (wd - np.mean(s ** 2)) - 1e-10 * (1 + F + lip)


@pytest.mark.parametrize("d", [1, 3, 10])
def test_the_bound_is_attained_by_a_neuron_linear_on_the_ball_so_it_cannot_be_lowered(d):
    rng = np.random.default_rng(d)
    u = rng.standard_normal(d)
    u /= np.linalg.norm(u)
    X = rng.uniform(-1, 1, (50, d)) / np.sqrt(d)
    c = 2.5
    W, b, v = u[None, :], np.array([-1.0]), np.array([c])      # h(x) = c relu(u.x + 1) = c (u.x + 1) on the ball
    corr, m = reflection_correlation(W, b, v, u, X)
    lip = lipschitz_bound(W, v)
    assert corr == pytest.approx(lip * m, rel=1e-12)
    assert corr > 0.99 * lip * m          # a 1 % smaller Lipschitz factor would be refuted


def test_forces_constant_fit_compares_exactly_and_rejects_bad_dimensions():
    assert forces_constant_fit(10, 0.1) and not forces_constant_fit(5, 0.1)   # 1/12 < 0.1 < 1/7
    assert forces_constant_fit(4, Fraction(1, 6)) and not forces_constant_fit(4, 0.16)
    for bad in (0, -1, 2.5):
        with pytest.raises(ValueError):
            collapse_threshold(bad)


def test_threshold_in_torch_mse_convention_is_two_over_d_plus_2():
    """torch's MSELoss has no 1/2: its (lr, wd) are (2 lr, wd/2) in the half-mse convention (numerics.loss),
    so the collapse threshold on torch's wd is 2/(d+2); the decision agrees with converting wd first."""
    from numerics.loss import half_mse_hyperparameters

    for d in range(1, 20):
        assert collapse_threshold(d, "mse") == Fraction(2, d + 2) == 2 * collapse_threshold(d)
        for wd in (Fraction(1, 20), Fraction(1, 10), Fraction(1, 6), Fraction(1, 3)):
            half = half_mse_hyperparameters(Fraction(1), wd, loss="mse")[1]
            assert forces_constant_fit(d, wd, loss="mse") == (half >= Fraction(1, d + 2)) == (wd >= Fraction(2, d + 2))
    # the paper's shattering run (d = 10, wd = 0.1): collapse forced under half-mse, not under torch's mse
    assert forces_constant_fit(10, 0.1) and not forces_constant_fit(10, 0.1, loss="mse")
    with pytest.raises(ValueError):
        collapse_threshold(3, "l1")
