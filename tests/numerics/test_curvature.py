"""numerics.curvature: each curvature operator against its dense matrix (exact) and finite differences."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from numerics.curvature import GaussNewtonOperator, HessianOperator, ResidualOperator
from numerics.hessian import KinkError, gradient, jacobian
from numerics.lambda_estimate import hessian_operator
from numerics.network import Dataset, ReluNetwork
from tests.numerics._random import fvec, net_and_data, small_q

OPERATORS = (HessianOperator, GaussNewtonOperator, ResidualOperator)


@given(nd=net_and_data(), data=st.data())
def test_products_equal_the_dense_matrices_exactly_and_add_up(nd, data):
    net, ds = nd
    u = np.array([data.draw(small_q) for _ in range(net.num_params)], dtype=object)
    H, G, B = (op(net, ds) for op in OPERATORS)
    try:
        Hd = H.to_dense()
    except KinkError:
        for op in (H, G, B):  # every operator refuses a kink, in the product and the dense form
            with pytest.raises(KinkError):
                op @ u
            with pytest.raises(KinkError):
                op.to_dense()
        return
    Gd, Bd = G.to_dense(), B.to_dense()
    assert ((H @ u) == Hd.dot(u)).all() and ((G @ u) == Gd.dot(u)).all() and ((B @ u) == Bd.dot(u)).all()
    assert ((H @ u) == (G @ u) + (B @ u)).all()
    # independent reference for G: (1/n) J^T J from the Jacobian, entry by entry
    J = jacobian(net, ds.X)
    assert (Gd == (J.T.dot(J)) * Fraction(1, ds.n)).all()
    assert H.quadratic_form(u) == u.dot(Hd.dot(u)) and G.quadratic_form(u) >= 0  # G is PSD


@given(nd=net_and_data(max_K=3, max_d=2, max_n=4), seed=st.integers(0, 2 ** 16))
def test_float_operator_matches_finite_differences_of_the_gradient(nd, seed):
    net, ds = nd
    nf, df = net.as_float(), ds.as_float()
    try:
        A = hessian_operator(net, ds)  # the float64 operator Lanczos uses
    except KinkError:
        assume(False)
    rng = np.random.default_rng(seed)
    u = rng.standard_normal(net.num_params)
    theta = nf.to_vector()
    h = 1e-6
    # central difference of the exact-formula gradient (no HVP code involved)
    gp = fvec(gradient(ReluNetwork.from_vector(theta + h * u, net.K, net.d), df))
    gm = fvec(gradient(ReluNetwork.from_vector(theta - h * u, net.K, net.d), df))
    fd = (gp - gm) / (2 * h)
    assume(all(abs(float(z)) > 1e-4 for z in np.asarray(nf.W @ df.X.T - nf.b[:, None]).ravel()))  # no kink crossed
    Au = A.matvec(u)
    assert np.allclose(Au, fd, rtol=1e-5, atol=1e-6 * max(1.0, np.max(np.abs(Au))))
    assert A.dtype == np.float64 and A.shape == (net.num_params,) * 2


def test_operators_refuse_bad_inputs():
    net = ReluNetwork.exact([[1]], [0], [1], 0)
    ds = Dataset.exact([[2]], [1])
    for op in OPERATORS:
        with pytest.raises(ValueError, match="shape"):
            op(net, ds) @ np.zeros(3, dtype=object)  # P = 4
    with pytest.raises(ValueError):
        HessianOperator(net, Dataset.exact([[2, 1]], [1]))  # d mismatch
    with pytest.raises(ValueError):
        HessianOperator(net, ds.as_float())  # kinds differ
    on_kink = Dataset.exact([[0]], [1])  # w x - b = 0
    with pytest.raises(KinkError):
        HessianOperator(net, on_kink).to_scipy()  # raised when built, not inside the eigen-solver
    assert repr(HessianOperator(net, ds)) == "HessianOperator(P=4, kind='exact')"


@pytest.mark.torch
def test_torch_device_products_equal_the_numpy_operator():
    pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    net = ReluNetwork.from_float(rng.standard_normal((5, 2)), rng.standard_normal(5), rng.standard_normal(5), 0.2)
    ds = Dataset.from_float(rng.uniform(-0.5, 0.5, (9, 2)), rng.standard_normal(9))
    H = HessianOperator(net, ds)
    u = rng.standard_normal(net.num_params)
    assert np.allclose(H.to_scipy("cpu").matvec(u), H @ u, rtol=1e-12, atol=1e-14)
    with pytest.raises(ValueError, match="no torch device"):
        GaussNewtonOperator(net, ds).to_scipy("cpu")
