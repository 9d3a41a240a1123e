"""ESTIMATES of lambda_max(grad^2 L) from the analytic Hessian-vector product (never certificates).

Every value returned here is the Rayleigh quotient of some vector, so (up to float64 rounding in the
product) it is a LOWER bound on lambda_max: it can show instability (lambda_max > 2/eta) only once
confirmed in exact arithmetic (numerics.certify), and it can never show stability (proofs_notes/theory.md §4).

* ``method="lanczos"``: scipy ``eigsh(which="LA")`` (implicitly restarted Lanczos, ARPACK) on a
  float64 :class:`scipy.sparse.linalg.LinearOperator` of :class:`numerics.curvature.HessianOperator`.
* ``method="power"``: power iteration baseline; when the dominant eigenvalue is negative it restarts on
  H + |mu| I so that it converges to lambda_max rather than to lambda_min.

CLI: ``python -m numerics.estimate`` (numerics/estimate.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse.linalg import ArpackNoConvergence, LinearOperator, eigsh

from numerics.curvature import HessianOperator
from numerics.loss import convention
from numerics.network import Dataset, ReluNetwork
from numerics.outcome import Quantity

__all__ = ["LambdaEstimate", "lambda_max_estimate", "lambda_max_estimate_detail", "hessian_operator",
           "power_lambda_max"]


def hessian_operator(net: ReluNetwork, data: Dataset) -> LinearOperator:
    """Return grad^2 L as a float64 scipy LinearOperator (P x P) using the analytic O(nKd) HVP.

    Exact/mpmath inputs are rounded to float64 first.  Raises KinkError at a kink.

    >>> net = ReluNetwork.from_float([[1.0]], [0.0], [1.0], 0.0)
    >>> hessian_operator(net, Dataset.from_float([[2.0]], [1.0])).shape
    (4, 4)
    """
    return HessianOperator(net, data).to_scipy()


@dataclass(frozen=True)
class LambdaEstimate:
    """An ESTIMATE of lambda_max (a lower bound up to float64 rounding); ``certified`` is always False."""

    value: float
    vector: np.ndarray
    method: str
    matvecs: int
    converged: bool
    certified: bool = False

    @property
    def quantity(self) -> Quantity:
        """This estimate in the shared vocabulary (numerics.outcome): an uncertified Quantity.

        >>> net = ReluNetwork.from_float([[1.0]], [0.0], [1.0], 0.0)
        >>> lambda_max_estimate_detail(net, Dataset.from_float([[2.0]], [1.0])).quantity.status
        'estimate'
        """
        return Quantity("lambda_max", value=float(self.value), method=f"{self.method}, {self.matvecs} HVPs",
                        detail="loss convention half-mse; a lower bound up to rounding"
                        + ("" if self.converged else "; NOT converged"))

    def __str__(self) -> str:
        return (f"lambda_max ~ {self.value:.10g} (estimate, lower bound; {self.method}, "
                f"{self.matvecs} HVPs{'' if self.converged else ', NOT converged'})")


def lambda_max_estimate_detail(net: ReluNetwork, data: Dataset, method: str = "lanczos",
                               tol: float = 1e-10, maxiter: int | None = None,
                               seed: int = 0, v0: np.ndarray | None = None,
                               ncv: int | None = None, device: str | None = None) -> LambdaEstimate:
    """Return a :class:`LambdaEstimate` of lambda_max(grad^2 L) (Prop. 2.1's quantity); an ESTIMATE.

    Args:
        net, data: network and data (any kind; computed in float64).
        method: "lanczos" (eigsh, which="LA") or "power".
        tol: relative tolerance; maxiter: iteration cap (default 10 P for Lanczos, 5000 for power).
        seed: seed of the random starting vector (used when ``v0`` is None).
        v0: optional starting vector of length P (e.g. the previous top eigenvector when tracking
            lambda_max along training: a warm start needs far fewer HVPs when it is close to the new
            one).  Only the cost changes: the result is still a Rayleigh quotient, a lower bound.
        ncv: Lanczos basis size (eigsh's ``ncv``; default scipy's, min(P, 20)); a small one (e.g. 6)
            with a warm ``v0`` stops after about ncv HVPs when the start is already good.
        device: None (numpy HVP) or a torch device name ("cpu" tested; "cuda" untested) for the HVP
            (numerics.device.torch_hvp_operator); the Lanczos/power iteration itself stays in numpy.

    >>> net = ReluNetwork.from_float([[1.0]], [0.0], [1.0], 0.0)
    >>> e = lambda_max_estimate_detail(net, Dataset.from_float([[2.0]], [1.0]))
    >>> e.certified, round(e.value, 6)
    (False, 12.041646)
    """
    A = HessianOperator(net, data).to_scipy(device)
    P = A.shape[0]
    count = [0]

    def mv(x):
        count[0] += 1
        return A.matvec(x)

    warm = v0 is not None
    if warm:
        v0 = np.asarray(v0, dtype=np.float64)
        if v0.shape != (P,) or not np.all(np.isfinite(v0)) or not np.linalg.norm(v0) > 0:
            raise ValueError(f"v0 must be a finite nonzero vector of shape ({P},), got shape {v0.shape}")
    else:
        v0 = np.random.default_rng(seed).standard_normal(P)
    start = ", warm start" if warm else ""
    if method == "lanczos":
        if P <= 2:
            # ARPACK needs k < P; for tiny problems one dense solve is the honest Lanczos limit
            H = np.column_stack([mv(e) for e in np.eye(P)])
            w, V = np.linalg.eigh(0.5 * (H + H.T))
            return LambdaEstimate(float(w[-1]), V[:, -1], "dense eigh (P <= 2)", count[0], True)
        op = LinearOperator((P, P), matvec=mv, dtype=np.float64)
        try:
            if ncv is not None and not 1 < ncv <= P:
                raise ValueError(f"ncv must satisfy 1 < ncv <= P = {P}, got {ncv}")
            w, V = eigsh(op, k=1, which="LA", tol=tol, v0=v0, ncv=ncv, maxiter=maxiter or 10 * P)
            vec, converged = V[:, 0], True
        except ArpackNoConvergence as exc:
            if len(exc.eigenvalues) == 0:
                raise
            vec, converged = exc.eigenvectors[:, 0], False
        # report the Rayleigh quotient of the returned vector: a lower bound by construction
        vec = vec / np.linalg.norm(vec)
        return LambdaEstimate(float(vec @ mv(vec)), vec, f"lanczos (scipy eigsh, which='LA'{start})",
                              count[0], converged)
    if method == "power":
        value, vec, converged = power_lambda_max(mv, v0, tol=tol, maxiter=maxiter or 5000)
        return LambdaEstimate(value, vec, f"power iteration{start}", count[0], converged)
    raise ValueError(f"unknown method {method!r}; expected 'lanczos' or 'power'")


def power_lambda_max(matvec, v0, tol: float = 1e-10, maxiter: int = 5000):
    """Return (Rayleigh quotient, vector, converged) of power iteration aimed at lambda_max (ESTIMATE).

    Plain power iteration converges to the eigenvalue of largest modulus; if that is negative
    (lambda_min dominates), it restarts on A + |mu| I, whose dominant eigenvalue is lambda_max + |mu|.

    >>> A = np.diag([-5.0, 3.0, 1.0])
    >>> round(power_lambda_max(lambda x: A @ x, np.ones(3), tol=1e-14, maxiter=10**5)[0], 8)
    3.0
    """
    value, vec, converged = _power(matvec, v0, 0.0, tol, maxiter)
    if value < 0:
        value, vec, converged = _power(matvec, v0, abs(value), tol, maxiter)
    return value, vec, converged


def _power(mv, v0, shift, tol, maxiter):
    x = v0 / np.linalg.norm(v0)
    rq_prev = None
    for _ in range(maxiter):
        y = mv(x)
        rq = float(x @ y)
        y = y + shift * x
        nrm = np.linalg.norm(y)
        if nrm == 0:
            return rq, x, True
        x = y / nrm
        if rq_prev is not None and abs(rq - rq_prev) <= tol * max(1.0, abs(rq)):
            break
        rq_prev = rq
    else:
        return float(x @ mv(x)), x, False
    return float(x @ mv(x)), x, True


def lambda_max_estimate(net: ReluNetwork, data: Dataset, method: str = "lanczos",
                        return_vector: bool = False, loss: str = "half-mse", **kwargs):
    """Return an ESTIMATE (lower bound) of lambda_max(grad^2 L) as a float (and the vector if asked).

    See :func:`lambda_max_estimate_detail` for arguments.  Never a certificate.  ``loss`` is the
    convention of L (numerics.loss): under "mse" (torch's nn.MSELoss) the value is 2 lambda_max(H).

    >>> net = ReluNetwork.from_float([[1.0]], [5.0], [1.0], 0.0)   # no neuron active: lambda_max = 1
    >>> round(lambda_max_estimate(net, Dataset.from_float([[1.0], [0.5]], [0.0, 0.0])), 12)
    1.0
    """
    e = lambda_max_estimate_detail(net, data, method=method, **kwargs)
    value = convention(loss).hessian_scale * e.value
    return (value, e.vector) if return_vector else value
