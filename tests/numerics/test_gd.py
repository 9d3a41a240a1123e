"""Tests for numerics.gd: one GD update for float64, exact rationals and mpmath; precision hygiene."""

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from numerics.gd import gd_step, mp_precision, run_gd, vector_norm
from numerics.network import scalar as scalar_of_kind
from numerics.hessian import loss
from numerics.network import Dataset, ReluNetwork


def _beta_only(beta0, labels):
    """One dead neuron (never active on data in [-1, 1]^1): only beta moves, in closed form."""
    net = ReluNetwork.exact([[1]], [2], [3], beta0)
    data = Dataset.exact([[Fraction(i, len(labels))] for i in range(len(labels))], labels)
    return net, data


# --- mp_precision --------------------------------------------------------------------------------


@given(st.integers(min_value=1, max_value=200), st.integers(min_value=10, max_value=400))
def test_mp_precision_restores_exact_bit_precision(dps, prec_before):
    mpmath.mp.prec = prec_before
    with mp_precision(dps):
        assert mpmath.mp.dps == dps
    assert mpmath.mp.prec == prec_before


def test_mp_precision_restores_after_exception_and_nesting():
    mpmath.mp.dps = 20
    with pytest.raises(RuntimeError):
        with mp_precision(60):
            with mp_precision(80):
                assert mpmath.mp.dps == 80
            assert mpmath.mp.dps == 60
            raise RuntimeError("boom")
    assert mpmath.mp.dps == 20
    with mp_precision(None):
        assert mpmath.mp.dps == 20


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "x"])
def test_mp_precision_rejects_bad_dps(bad):
    with pytest.raises((ValueError, TypeError)):
        with mp_precision(bad):
            pass
    assert mpmath.mp.dps == 15


def test_eta_strings_are_exact_at_working_precision():
    with mp_precision(50):
        x = scalar_of_kind("9/10", "mpmath")
        assert abs(x * 10 - 9) < mpmath.mpf(10) ** -48  # not the float 0.9 (error 2e-17)
    assert scalar_of_kind(0.1, "exact") == Fraction(0.1)  # exact dyadic value of the float


# --- the update rule against closed forms and finite differences ---------------------------------


@given(
    st.fractions(min_value=-4, max_value=4, max_denominator=16),
    st.fractions(min_value=Fraction(1, 16), max_value=Fraction(3), max_denominator=16),
    st.lists(st.fractions(min_value=-2, max_value=2, max_denominator=8), min_size=1, max_size=5),
)
@example(Fraction(1), Fraction(2), [Fraction(0)])  # eta = 2: beta oscillates with rate exactly 1
def test_exact_gd_beta_closed_form(beta0, eta, labels):
    # Only dL/dbeta = mean(beta - y) is nonzero, so beta_t = ybar + (beta0 - ybar)(1 - eta)^t.
    net, data = _beta_only(beta0, labels)
    ybar = sum(labels, Fraction(0)) / len(labels)
    traj = run_gd(net, data, eta, 4, kind="exact")
    for t, theta in enumerate(traj.thetas):
        assert theta[-1] == ybar + (beta0 - ybar) * (1 - eta) ** t
        assert all(a == b for a, b in zip(theta[:-1], traj.thetas[0][:-1]))  # dead neuron frozen


def _active_case():
    rng = np.random.default_rng(3)
    W, b, v = rng.standard_normal((4, 3)), 0.1 * rng.standard_normal(4), rng.standard_normal(4)
    X = rng.uniform(-1, 1, (7, 3))
    y = rng.standard_normal(7)
    return ReluNetwork.from_float(W, b, v, 0.3), Dataset.from_float(X, y)


def test_float_step_matches_finite_difference_of_loss():
    # Reference: central differences of L (not the analytic gradient the step uses).
    net, data = _active_case()
    eta, h = 0.05, 1e-6
    theta = net.to_vector()
    fd = np.empty_like(theta)
    for j in range(theta.size):
        e = np.zeros_like(theta)
        e[j] = h
        lp = loss(ReluNetwork.from_vector(theta + e, net.K, net.d), data)
        lm = loss(ReluNetwork.from_vector(theta - e, net.K, net.d), data)
        fd[j] = (lp - lm) / (2 * h)
    stepped = gd_step(net, data, eta).to_vector()
    np.testing.assert_allclose(stepped, theta - eta * fd, rtol=0, atol=1e-8)


def test_three_kinds_share_one_update():
    net, data = _active_case()
    eta = Fraction(1, 20)
    exact = run_gd(net, data, eta, 3, kind="exact").thetas[-1]
    flo = run_gd(net, data, eta, 3, kind="float").thetas[-1]
    before = mpmath.mp.prec
    mp = run_gd(net, data, eta, 3, kind="mpmath", dps=50).thetas[-1]
    assert mpmath.mp.prec == before
    assert all(isinstance(x, mpmath.mpf) for x in mp)
    with mp_precision(60):
        err = max(abs(mpmath.mpf(a.numerator) / a.denominator - b) for a, b in zip(exact, mp))
    assert err < mpmath.mpf(10) ** -45
    np.testing.assert_allclose(flo, [float(a) for a in exact], rtol=0, atol=1e-13)


def test_run_gd_stop_rule_and_overflow():
    net, data = _beta_only(Fraction(1), [Fraction(0)])
    traj = run_gd(net, data, 3.0, 50, kind="float", stop=lambda t, th: abs(th[-1]) > 100)
    # beta_t = (-2)^t: |beta| first exceeds 100 at t = 7
    assert traj.steps_done == 7 and traj.stopped_early and traj.thetas[-1][-1] == -128.0
    huge = run_gd(net, data, 1e100, 10, kind="float")
    assert huge.nonfinite and huge.stopped_early and huge.steps_done < 10


def test_run_gd_records_and_rejects():
    net, data = _beta_only(Fraction(1), [Fraction(0)])
    traj = run_gd(net, data, "1/2", 10, kind="exact", record_every=4)
    assert traj.recorded == [0, 4, 8, 10]
    assert traj.final.beta == Fraction(1, 1024)
    with pytest.raises(ValueError):
        run_gd(net, data, "1/2", -1)
    with pytest.raises(ValueError):
        run_gd(net, data, "1/2", 1, kind="double")


def test_vector_norm_kinds():
    assert vector_norm(np.array([3.0, 4.0])) == 5.0
    with mp_precision(40):
        n = vector_norm(np.array([Fraction(1), Fraction(1)], dtype=object))
        assert abs(n - mpmath.sqrt(2)) < mpmath.mpf(10) ** -38
