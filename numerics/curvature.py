"""Curvature matrices of the training loss as operators: one class per matrix, on one base.

At a point where no sample lies on a kink, the Hessian of L(theta) = (1/2n) sum_i (f(x_i) - y_i)^2
splits as grad^2 L = G + B (proofs_notes/theory.md §3):

* :class:`GaussNewtonOperator` -- G = (1/n) J^T J, positive semidefinite;
* :class:`ResidualOperator` -- B = (1/n) sum_i r_i grad^2 f(x_i), one rank-2 block [[0, a_k^T], [a_k, 0]]
  per neuron;
* :class:`HessianOperator` -- grad^2 L = G + B.

Each operator gives the product ``op @ u`` (matrix-free, O(nKd) per product, in the network's number
kind: exact for exact networks), its dense form ``op.to_dense()`` (the P x P matrix of
:mod:`numerics.hessian`), and ``op.to_scipy()`` (a float64 :class:`scipy.sparse.linalg.LinearOperator`
on the float64 copy of the point, for Lanczos).  The factors are computed on the first product and
reused.  The first product, ``to_scipy()`` or the dense form raises KinkError at a kink.

The loss convention is the theory's half-mse; torch's nn.MSELoss has twice this Hessian
(:mod:`numerics.loss`).  The structured certificate (:mod:`numerics._structured_cert`) works on the same
split G + B but in rigorously rounded ball arithmetic, which these float/exact operators do not provide.

>>> from fractions import Fraction
>>> from numerics.network import Dataset, ReluNetwork
>>> net, data = ReluNetwork.exact([[1]], [0], [1], 0), Dataset.exact([[2]], [1])
>>> H, G, B = HessianOperator(net, data), GaussNewtonOperator(net, data), ResidualOperator(net, data)
>>> u = np.array([Fraction(1), 0, 0, 0], dtype=object)
>>> bool(((H @ u) == (G @ u) + (B @ u)).all()), bool(((H @ u) == H.to_dense() @ u).all())
(True, True)
"""

from __future__ import annotations

import numpy as np
from scipy.sparse.linalg import LinearOperator

from numerics import hessian as _hessian
from numerics.network import Dataset, ReluNetwork, number_kind

__all__ = ["CurvatureOperator", "HessianOperator", "GaussNewtonOperator", "ResidualOperator"]


class CurvatureOperator:
    """A symmetric P x P curvature matrix of L at (``net``, ``data``) (P = net.num_params).

    Subclasses name the matrix and say which part of :func:`numerics.hessian.hvp_parts` it applies and
    which dense form it has.

    Args:
        net, data: the point and the training set, of one number kind (as everywhere in numerics).

    Raises:
        ValueError: ``net`` and ``data`` of different kinds or dimensions (at construction).
    """

    name = ""

    def __init__(self, net: ReluNetwork, data: Dataset):
        _hessian._check_pair(net, data)
        self.net, self.data = net, data
        self.shape = (net.num_params, net.num_params)
        self._apply = None

    @property
    def kind(self) -> str:
        """The number kind the products are computed in ("float", "exact" or "mpmath")."""
        return self.net.kind

    def _select(self, gauss_newton, residual):
        raise NotImplementedError

    def _product(self):
        """The product function, built (and the point checked for kinks) on first use."""
        if self._apply is None:
            self._apply = self._select(*_hessian.hvp_parts(self.net, self.data))
        return self._apply

    def matvec(self, u) -> np.ndarray:
        """Return op @ u in the operator's number kind; ValueError for a vector of the wrong length."""
        return self._product()(u)

    def __matmul__(self, u) -> np.ndarray:
        return self.matvec(u)

    def quadratic_form(self, u):
        """Return u . (op @ u) (exact for exact kinds)."""
        return np.asarray(u) @ self.matvec(u)

    def to_dense(self) -> np.ndarray:
        """Return the P x P matrix (numerics.hessian's dense formula, in the operator's kind)."""
        raise NotImplementedError

    def _device_product(self, device: str):
        raise ValueError(f"{type(self).__name__} has no torch device implementation; use device=None")

    def to_scipy(self, device: str | None = None) -> LinearOperator:
        """Return a float64 scipy LinearOperator of the same matrix at the float64 copy of the point.

        For a float network this is the operator itself; otherwise its inputs are rounded to float64 once
        (an ESTIMATE of the exact matrix, as every float computation is).  ``device`` (a torch device name,
        Hessian only) computes the products with torch on that device (numerics.device).
        """
        if device is not None:
            mv = self._device_product(device)
        else:
            op = self if number_kind(self.kind).is_float else type(self)(self.net.as_float(), self.data.as_float())
            mv = op._product()  # built now: a kink raises KinkError here, not inside the eigen-solver
        return LinearOperator(self.shape, matvec=mv, rmatvec=mv, dtype=np.float64)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(P={self.shape[0]}, kind={self.kind!r})"


class HessianOperator(CurvatureOperator):
    """grad^2 L = G + B, the Hessian of the half-mse loss (Prop. 2.1's matrix).

    >>> from numerics.network import Dataset, ReluNetwork
    >>> op = HessianOperator(ReluNetwork.from_float([[1.0]], [0.0], [1.0], 0.0), Dataset.from_float([[2.0]], [1.0]))
    >>> op @ np.array([1.0, 0, 0, 0])
    array([ 4.,  6., -3.,  2.])
    """

    name = "hessian"

    def _device_product(self, device: str):
        from numerics.device import torch_hvp_operator

        return torch_hvp_operator(self.net, self.data, device)

    def _select(self, gauss_newton, residual):
        def apply(u):
            out = gauss_newton(u)
            out += residual(u)
            return out

        return apply

    def to_dense(self) -> np.ndarray:
        return _hessian.hessian(self.net, self.data)


class GaussNewtonOperator(CurvatureOperator):
    """G = (1/n) J^T J, the Gauss-Newton part (positive semidefinite; the NTK Gram matrix's partner).

    >>> from numerics.network import Dataset, ReluNetwork
    >>> G = GaussNewtonOperator(ReluNetwork.exact([[1]], [0], [1], 0), Dataset.exact([[1]], [0]))
    >>> G.to_dense()[-1, -1]
    Fraction(1, 1)
    """

    name = "gauss-newton"

    def _select(self, gauss_newton, residual):
        return gauss_newton

    def to_dense(self) -> np.ndarray:
        _hessian._require_smooth(self.net, self.data.X)  # the operator is defined off the kinks only
        return _hessian.gauss_newton(self.net, self.data)


class ResidualOperator(CurvatureOperator):
    """B = (1/n) sum_i r_i grad^2 f(x_i): per neuron the block [[0, a_k^T], [a_k, 0]] (eigenvalues +-||a_k||).

    >>> from numerics.network import Dataset, ReluNetwork
    >>> B = ResidualOperator(ReluNetwork.exact([[1]], [0], [1], 0), Dataset.exact([[2]], [1]))
    >>> B.to_dense()[0, 1]
    Fraction(2, 1)
    """

    name = "residual"

    def _select(self, gauss_newton, residual):
        return residual

    def to_dense(self) -> np.ndarray:
        return _hessian.residual_hessian(self.net, self.data)
