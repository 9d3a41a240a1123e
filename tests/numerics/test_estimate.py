"""lambda_max estimates (Lanczos, power iteration) against dense eigenvalues; labelled as estimates."""

from __future__ import annotations

import numpy as np
import pytest

from numerics.lambda_estimate import (hessian_operator, lambda_max_estimate, lambda_max_estimate_detail,
                               power_lambda_max)
from numerics.hessian import KinkError, hessian
from numerics.network import Dataset, ReluNetwork
from numerics.sampling import sample_ball


def _problem(seed, K=12, d=3, n=20):
    rng = np.random.default_rng(seed)
    X = sample_ball(n, d, seed)
    net = ReluNetwork.from_float(rng.normal(size=(K, d)), rng.normal(size=K) * 0.3,
                                 rng.normal(size=K), 0.1)
    return net, Dataset.from_float(X, rng.normal(size=n))


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("method", ["lanczos", "power"])
def test_estimate_matches_dense_and_is_lower_bound(seed, method):
    net, data = _problem(seed)
    lam = np.linalg.eigvalsh(hessian(net, data))[-1]
    e = lambda_max_estimate_detail(net, data, method=method, tol=1e-12, maxiter=20000)
    assert not e.certified and "estimate" in str(e)
    assert e.value <= lam * (1 + 1e-12) + 1e-12          # Rayleigh quotient: below lambda_max
    assert e.value == pytest.approx(lam, rel=1e-6)
    assert np.linalg.norm(e.vector) == pytest.approx(1.0)


def test_power_iteration_finds_lambda_max_when_lambda_min_dominates():
    A = np.diag([-5.0, 3.0, 1.0, -0.5])
    value, vec, converged = power_lambda_max(lambda x: A @ x, np.ones(4), tol=1e-14, maxiter=10 ** 5)
    assert converged and value == pytest.approx(3.0, rel=1e-10)
    # an all-negative spectrum: lambda_max = -0.5 (shifted iteration still converges to it)
    B = np.diag([-5.0, -3.0, -0.5])
    assert power_lambda_max(lambda x: B @ x, np.ones(3), tol=1e-15, maxiter=10 ** 5)[0] == \
        pytest.approx(-0.5, rel=1e-6)


def test_operator_and_exact_input():
    net, data = _problem(0, K=3, d=2, n=5)
    A = hessian_operator(net.as_exact(), data.as_exact())
    H = hessian(net, data)
    u = np.arange(net.num_params, dtype=float)
    assert np.allclose(A @ u, H @ u, rtol=1e-13, atol=1e-13)
    assert lambda_max_estimate(net.as_exact(), data.as_exact()) == pytest.approx(np.linalg.eigvalsh(H)[-1])


def test_bad_method_and_kink_refused():
    net, data = _problem(1, K=3, d=2, n=5)
    with pytest.raises(ValueError, match="unknown method"):
        lambda_max_estimate(net, data, method="qr")
    kinked = ReluNetwork.from_float([[1.0, 0.0]], [0.25], [1.0], 0.0)
    with pytest.raises(KinkError):
        lambda_max_estimate(kinked, Dataset.from_float([[0.25, 0.5]], [0.0]))


@pytest.mark.parametrize("seed", range(3))
def test_warm_start_v0_matches_dense_with_fewer_hvps(seed):
    """v0 = a nearby top eigenvector (of a perturbed network): same lambda_max as dense eigvalsh, fewer HVPs."""
    net, data = _problem(seed)
    H = hessian(net, data)
    w, V = np.linalg.eigh(H)
    cold = lambda_max_estimate_detail(net, data, tol=1e-12)
    rng = np.random.default_rng(seed)
    near = V[:, -1] + 1e-3 * rng.standard_normal(net.num_params)
    e = lambda_max_estimate_detail(net, data, tol=1e-12, v0=near, ncv=6)
    assert not e.certified and "warm start" in e.method and "estimate" in str(e)
    assert e.converged and e.value <= w[-1] * (1 + 1e-12) + 1e-12
    assert e.value == pytest.approx(w[-1], rel=1e-8)
    assert e.matvecs < cold.matvecs
    p = lambda_max_estimate_detail(net, data, method="power", tol=1e-13, maxiter=20000, v0=V[:, -1])
    assert p.value == pytest.approx(w[-1], rel=1e-8) and p.matvecs <= 5 and "warm start" in p.method


def test_warm_start_from_a_wrong_vector_is_still_a_lower_bound():
    """A v0 orthogonal-ish to the top eigenvector (the bottom one): Lanczos still finds lambda_max (no
    claim is weakened by the start: always a Rayleigh quotient, below the dense value)."""
    net, data = _problem(5)
    w, V = np.linalg.eigh(hessian(net, data))
    e = lambda_max_estimate_detail(net, data, tol=1e-12, v0=V[:, 0] + 1e-6 * V[:, -1])
    assert e.value <= w[-1] * (1 + 1e-12) + 1e-12 and e.value == pytest.approx(w[-1], rel=1e-8)


def test_bad_v0_and_ncv_refused():
    net, data = _problem(1, K=3, d=2, n=5)
    P = net.num_params
    for bad in (np.zeros(P), np.ones(P + 1), np.full(P, np.nan)):
        with pytest.raises(ValueError, match="v0"):
            lambda_max_estimate(net, data, v0=bad)
    with pytest.raises(ValueError, match="ncv"):
        lambda_max_estimate(net, data, ncv=P + 1)
    kinked = ReluNetwork.from_float([[1.0, 0.0]], [0.25], [1.0], 0.0)
    with pytest.raises(KinkError):   # a warm start never bypasses the kink refusal
        lambda_max_estimate(kinked, Dataset.from_float([[0.25, 0.5]], [0.0]), v0=np.ones(4))
