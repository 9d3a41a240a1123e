"""Levenberg-Marquardt polishing of a network to a critical point of L at high precision (mpmath)."""

from __future__ import annotations

import mpmath
import numpy as np

from numerics.gd import mp_precision, to_kind, vector_norm
from numerics.hessian import KinkError
from numerics.hessian import gradient as _gradient
from numerics.hessian import jacobian as _jacobian
from numerics.hessian import loss as _loss
from numerics.network import Dataset, ReluNetwork

__all__ = ["polish_minimum"]


def polish_minimum(
    net: ReluNetwork, data: Dataset, *, dps: int = 50, max_iter: int = 100, tol=None, max_params: int = 80
) -> tuple[ReluNetwork, dict]:
    """Return (net at ``dps`` digits polished to a critical point, info) by Levenberg-Marquardt.

    theta <- theta - (J^T J / n + mu I)^{-1} grad L, with J = numerics.hessian.jacobian (proofs_notes/theory.md
    §3), mu divided by 10 after a step that lowers L and multiplied by 10 otherwise; stops
    when ||grad L|| <= tol (default 10^-(dps - 10)).  Near a zero-residual minimum this is
    Gauss-Newton and converges quadratically, which turns a float64 GD end point into a minimum to
    ~dps digits; with nonzero residuals it converges linearly.  The result is a numerically
    polished point (an estimate), not an exact minimum: ``info`` reports ||grad L|| and L.
    Dense mpmath solves: P <= ``max_params``.

    >>> from fractions import Fraction
    >>> from numerics.stability_cases import interpolating_case
    >>> net, data = interpolating_case()
    >>> bumped = ReluNetwork.from_vector(net.to_vector() + Fraction(1, 1000), net.K, net.d)
    >>> pol, info = polish_minimum(bumped, data, dps=30)
    >>> info["converged"], info["gradient_norm"] < 1e-20
    (True, True)
    """
    if net.num_params > max_params:
        raise ValueError(f"polish_minimum uses dense mpmath solves: P = {net.num_params} > {max_params}")
    with mp_precision(dps):
        tol_m = mpmath.mpf(10) ** (-(int(dps) - 10)) if tol is None else mpmath.mpf(tol)
        cur, dm = to_kind(net, data, "mpmath")
        P, n = net.num_params, data.n
        cur_loss = _loss(cur, dm)
        g = _gradient(cur, dm)
        gn = vector_norm(g)
        mu = None
        it = 0
        while gn > tol_m and it < max_iter:
            it += 1
            J = _jacobian(cur, dm.X)
            G = J.T.dot(J) / n
            if mu is None:
                mu = mpmath.mpf("1e-3") * max(abs(G[i, i]) for i in range(P))
            A = mpmath.matrix([[G[i, j] + (mu if i == j else 0) for j in range(P)] for i in range(P)])
            step = mpmath.lu_solve(A, mpmath.matrix([g[i] for i in range(P)]))
            trial = ReluNetwork.from_vector(cur.to_vector() - np.array([step[i] for i in range(P)], dtype=object),
                                            net.K, net.d)
            try:
                trial_loss = _loss(trial, dm)
            except KinkError:
                trial_loss = None
            if trial_loss is not None and trial_loss < cur_loss:
                cur, cur_loss = trial, trial_loss
                g = _gradient(cur, dm)
                gn = vector_norm(g)
                mu = max(mu / 10, mpmath.mpf(10) ** (-2 * int(dps)))
            else:
                mu *= 10
        info = {"iterations": it, "converged": bool(gn <= tol_m), "gradient_norm": float(gn),
                "loss": float(cur_loss), "dps": int(dps)}
    return cur, info
