"""Analytic loss / gradient / Hessian / HVP against independent references."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

from numerics.hessian import (KinkError, activation_pattern, find_kinks, forward, gauss_newton,
                              gradient, hessian, hvp, hvp_operator, jacobian, jacobian_gram, loss,
                              residual_hessian, residuals)
from numerics.network import Dataset, ReluNetwork
from tests.numerics._random import fast_exact_path, fvec, kink_free_net_and_data, net_and_data


def _loop_forward(net, x):
    """Reference f(x) by plain Python loops over exact Fractions."""
    total = Fraction(net.beta)
    for k in range(net.K):
        z = sum((Fraction(net.W[k, j]) * Fraction(x[j]) for j in range(net.d)), Fraction(0)) - net.b[k]
        total += net.v[k] * max(z, Fraction(0))
    return total


def _random_float(seed, K=4, d=3, n=6):
    rng = np.random.default_rng(seed)
    net = ReluNetwork.from_float(rng.normal(size=(K, d)), rng.normal(size=K) * 0.3,
                                 rng.normal(size=K), rng.normal())
    X = rng.uniform(-0.5, 0.5, size=(n, d))
    return net, Dataset.from_float(X, rng.normal(size=n))


@settings(max_examples=20)
@given(net_and_data())
def test_forward_and_loss_match_loops(nd):
    net, data = nd
    ref = [_loop_forward(net, data.X[i]) for i in range(data.n)]
    assert list(forward(net, data.X)) == ref
    assert loss(net, data) == sum((f - y) ** 2 for f, y in zip(ref, data.y)) / (2 * data.n)


@settings(max_examples=20)
@given(kink_free_net_and_data())
def test_exact_hessian_symmetric_and_hvp_matches_dense(nd):
    net, data = nd
    H = hessian(net, data)
    assert (H == H.T).all()
    assert (H == gauss_newton(net, data) + residual_hessian(net, data)).all()
    rng = np.random.default_rng(0)
    u = np.array([Fraction(int(z), 7) for z in rng.integers(-9, 10, size=net.num_params)], dtype=object)
    assert (hvp(net, data, u) == H @ u).all()


@settings(max_examples=20)
@given(net_and_data())
def test_gradient_equals_jt_r_and_gram(nd):
    net, data = nd
    J = jacobian(net, data.X)
    assert (gradient(net, data) == J.T @ residuals(net, data) / data.n).all()
    assert (jacobian_gram(net, data.X) == J @ J.T).all()
    assert np.allclose(jacobian_gram(net.as_float(), data.as_float().X), fvec(J @ J.T), rtol=1e-12,
                       atol=1e-12)


@settings(max_examples=20)
@given(kink_free_net_and_data())
def test_exact_float_mpmath_agree(nd):
    net, data = nd
    H = fvec(hessian(net, data))
    Hf = hessian(net.as_float(), data.as_float())
    assert np.allclose(Hf, H, rtol=1e-12, atol=1e-12)
    with mpmath.workdps(40):
        Hm = hessian(net.as_mpmath(), data.as_mpmath())
        assert Hm[0, 0].__class__ is mpmath.mpf
        assert np.allclose(fvec(Hm), H, rtol=1e-14, atol=1e-14)
        u = np.arange(net.num_params) % 3 - 1
        assert np.allclose(fvec(hvp(net.as_mpmath(), data.as_mpmath(), u)), H @ u, rtol=1e-14, atol=1e-14)
        assert np.allclose(fvec(gradient(net.as_mpmath(), data.as_mpmath())),
                           fvec(gradient(net, data)), rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("seed", range(4))
def test_gradient_and_hessian_against_central_differences(seed):
    net, data = _random_float(seed)
    theta = net.to_vector()
    P, h = net.num_params, 1e-6

    def L(t):
        return loss(ReluNetwork.from_vector(t, net.K, net.d), data)

    def g(t):
        return gradient(ReluNetwork.from_vector(t, net.K, net.d), data)

    E = np.eye(P)
    fd_grad = np.array([(L(theta + h * E[p]) - L(theta - h * E[p])) / (2 * h) for p in range(P)])
    fd_hess = np.array([(g(theta + h * E[p]) - g(theta - h * E[p])) / (2 * h) for p in range(P)])
    assert np.allclose(gradient(net, data), fd_grad, atol=1e-7)
    assert np.allclose(hessian(net, data), fd_hess, atol=1e-6)
    assert np.allclose(fd_hess, fd_hess.T, atol=1e-6)


@pytest.mark.torch
@pytest.mark.parametrize("seed", range(3))
def test_against_torch_func_hessian(seed):
    import torch
    from torch.func import hessian as thessian

    net, data = _random_float(seed, K=5, d=2, n=7)
    X = torch.from_numpy(data.X)
    y = torch.from_numpy(data.y)
    K, d = net.K, net.d

    def L(t):
        v, W, b, beta = t[:K], t[K:K + K * d].reshape(K, d), t[K + K * d:K * (d + 2)], t[-1]
        f = torch.relu(X @ W.T - b) @ v + beta
        return ((f - y) ** 2).sum() / (2 * len(y))

    theta = torch.from_numpy(net.to_vector())
    Ht = thessian(L)(theta).numpy()
    assert np.allclose(hessian(net, data), Ht, rtol=1e-12, atol=1e-12)
    # and the torch module built by to_torch computes the same function
    m = net.to_torch()
    assert np.allclose(m(X).detach().numpy()[:, 0], forward(net, data.X), rtol=1e-14, atol=1e-14)
    assert ReluNetwork.from_torch(m).to_vector().tolist() == net.to_vector().tolist()


@pytest.mark.parametrize("seed", range(3))
def test_float_hvp_matches_dense(seed):
    net, data = _random_float(seed, K=7, d=4, n=9)
    H = hessian(net, data)
    op = hvp_operator(net, data)
    rng = np.random.default_rng(seed)
    for _ in range(3):
        u = rng.normal(size=net.num_params)
        assert np.allclose(op(u), H @ u, rtol=1e-12, atol=1e-12)


@settings(max_examples=20)
@given(net_and_data(), st.fractions(min_value=Fraction(1, 5), max_value=5, max_denominator=9))
def test_rescaling_leaves_function_unchanged(nd, c):
    net, data = nd
    scaled = ReluNetwork.exact(net.W * c, net.b * c, net.v / c, net.beta)
    assert (forward(scaled, data.X) == forward(net, data.X)).all()


def test_kink_refused_naming_i_and_k():
    net = ReluNetwork.exact([[1, 0], [0, 1]], [5, "1/3"], [1, 1], 0)
    data = Dataset.exact([[0, 0], [0, "1/3"]], [0, 1])
    assert find_kinks(net, data.X) == [(1, 1)]
    for fn in (hessian, residual_hessian, lambda n_, d_: hvp(n_, d_, np.zeros(9, dtype=object))):
        with pytest.raises(KinkError, match=r"i=1 .*neuron k=1"):
            fn(net, data)
    # first-order quantities are still defined (one-sided choice 1[z>0])
    assert loss(net, data) == Fraction(1, 4)


def test_float_kink_detected_exactly():
    # 0.5 is exact in binary, so x = 0.5 sits exactly on the kink of relu(x - 0.5)
    net = ReluNetwork.from_float([[1.0]], [0.5], [1.0], 0.0)
    with pytest.raises(KinkError, match="i=0"):
        hessian(net, Dataset.from_float([[0.5]], [0.0]))
    # 0.1 + 0.2 - 0.30000000000000004 rounds to 0.0 in float64 but is exactly -2^-55 * ...: no kink
    near = ReluNetwork.from_float([[0.1, 0.2]], [0.30000000000000004], [1.0], 0.0)
    Xn = np.array([[1.0, 1.0]])
    assert find_kinks(near, Xn) == []
    assert not activation_pattern(near, Xn)[0, 0]
    hessian(near, Dataset.from_float(Xn, [0.0]))  # must not raise


def test_mpmath_kink_detected():
    with mpmath.workdps(30):
        net = ReluNetwork.exact([[1, 1]], ["3/4"], [1], 0).as_mpmath()
        data = Dataset.exact([["1/2", "1/4"]], [0]).as_mpmath()
        assert find_kinks(net, data.X) == [(0, 0)]
        with pytest.raises(KinkError):
            hessian(net, data)


def test_mismatched_kinds_refused():
    net = ReluNetwork.exact([[1]], [0], [1], 0)
    with pytest.raises(ValueError, match="convert"):
        loss(net, Dataset.from_float([[1.0]], [0.0]))
    with pytest.raises(ValueError, match="expects"):
        forward(net, np.zeros((2, 3), dtype=object))


@example(0)
@given(st.integers(0, 50))
def test_no_neuron_active_gives_rank_one_hessian(seed):
    # proofs_notes/theory.md §3: with no neuron active, only df/dbeta = 1 survives and lambda_max = 1
    rng = np.random.default_rng(seed)
    K, d = 3, 2
    net = ReluNetwork.exact([[int(z) for z in row] for row in rng.integers(-3, 4, size=(K, d))],
                            [Fraction(3) + int(z) for z in rng.integers(0, 3, size=K)],
                            [int(z) for z in rng.integers(-5, 5, size=K)], 0)
    data = Dataset.exact([["1/2", "-1/3"], [0, "1/5"]], [0, 0])
    H = hessian(net, data)
    nz = [(p, q) for p in range(net.num_params) for q in range(net.num_params) if H[p, q] != 0]
    assert nz == [(net.num_params - 1, net.num_params - 1)]
    assert H[-1, -1] == 1


@settings(max_examples=20)
@given(net_and_data())
def test_fast_exact_path_equals_object_path(nd):
    # the flint path (float pattern + exact rechecks + flint products) against the plain object path
    import numerics.hessian as nh
    net, data = nd
    slow = (forward(net, data.X), find_kinks(net, data.X), activation_pattern(net, data.X))
    smooth = not slow[1]
    if smooth:
        slow += (gradient(net, data), nh.residual_vectors(net, data))
    with fast_exact_path():
        fast = (forward(net, data.X), find_kinks(net, data.X), activation_pattern(net, data.X))
        if smooth:
            fast += (gradient(net, data), nh.residual_vectors(net, data))
    assert fast[0].tolist() == slow[0].tolist() and fast[1] == slow[1]
    assert (fast[2] == slow[2]).all()
    if smooth:
        assert fast[3].tolist() == slow[3].tolist() and fast[4].tolist() == slow[4].tolist()


def test_fast_exact_path_finds_kinks_hidden_by_rounding():
    # z = 1/3 + 1/6 - 1/2 = 0 exactly, while the float64 evaluation gives a tiny nonzero or zero
    net = ReluNetwork.exact([[Fraction(1, 3), Fraction(1, 6)], [1, 1]], [Fraction(1, 2), 5], [1, 1], 0)
    X = np.array([[Fraction(1), Fraction(1)], [Fraction(1, 10), Fraction(1, 5)]], dtype=object)
    with fast_exact_path():
        assert find_kinks(net, X) == [(0, 0)]
        with pytest.raises(KinkError, match="i=0"):
            hessian(net, Dataset.exact(X, [0, 0]))


@settings(max_examples=20)
@given(kink_free_net_and_data(), st.lists(st.integers(-5, 5), min_size=40, max_size=40))
def test_quadratic_form_fast_and_plain_equal_dense(nd, coeffs):
    from numerics.hessian import quadratic_form
    net, data = nd
    u = np.array([Fraction(c, 3) for c in coeffs[:net.num_params]], dtype=object)
    ref = u @ hessian(net, data) @ u
    assert quadratic_form(net, data, u) == ref
    with fast_exact_path():
        assert quadratic_form(net, data, u) == ref


@settings(max_examples=20)
@given(net_and_data(), st.lists(st.integers(-5, 5), min_size=5, max_size=5))
def test_gram_quadratic_form_fast_and_plain(nd, coeffs):
    from numerics.hessian import gram_quadratic_form
    net, data = nd
    s = np.array([Fraction(c, 2) for c in coeffs[:data.n]], dtype=object)
    J = jacobian(net, data.X)
    ref = s @ (J @ J.T) @ s
    assert gram_quadratic_form(net, data.X, s) == ref
    with fast_exact_path():
        assert gram_quadratic_form(net, data.X, s) == ref
