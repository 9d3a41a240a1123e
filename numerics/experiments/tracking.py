"""Quantities tracked along training: fit, per-neuron activity, sharpness, V_g and margin.

Definitions used in every table and figure:
- train MSE vs f_0: (1/n) sum_i (f(x_i) - f_0(x_i))^2 on the training inputs (in-sample, noise-free
  target: the quantity of Thm 3.6); test MSE vs f_0: the same on a fresh sample of inputs.
- active fraction of neuron k: #{i : w_k.x_i - b_k > 0} / n on the training inputs (strict: a point on
  the kink counts as inactive, like relu'(0) = 0).
- weight norm of neuron k: |v_k| * ||w_k||_2, the coefficient |a_k| of the neuron written as
  a_k relu(u_k^T x - t_k) with ||u_k|| = 1 (proofs_notes/theory.md §5, Example 3.1); invariant under the rescaling
  (c w, c b, v / c).
- lambda_max: ``numerics.lambda_estimate.lambda_max_estimate`` (Lanczos on the analytic HVP): an ESTIMATE, a
  lower bound on lambda_max(grad^2 L), never a certificate.  It is of the unregularised loss L, also
  when training with weight decay (whose GD Hessian is grad^2 L + wd I).
- |f|_{V_g} and the Thm 3.2 margin: ``numerics.variation.vg_norm`` / ``theorem_3_2_margin`` on the
  float network (the margin uses the lambda_max estimate, so it is an estimate too).
"""

from __future__ import annotations

import base64
import math

import numpy as np
import torch

from numerics.loss import convention
from numerics.network import Dataset, ReluNetwork
from numerics.variation import theorem_3_2_margin, vg_norm

from .trainer import Params, predict

__all__ = ["neuron_stats", "activation_distribution", "mse_vs_target", "encode_params", "decode_params", "core_metrics",
           "relu_network", "SharpnessTracker"]


def neuron_stats(p: Params, X: torch.Tensor):
    """Return (active_fraction (K,), weight_norm (K,)) as numpy float64 arrays (definitions above).

    >>> from numerics.experiments.trainer import DTYPE
    >>> p = Params(torch.tensor([[1.0], [-2.0]], dtype=DTYPE), torch.tensor([0.0, 0.0], dtype=DTYPE),
    ...            torch.tensor([3.0, 0.5], dtype=DTYPE), torch.tensor(0.0, dtype=DTYPE))
    >>> frac, norm = neuron_stats(p, torch.tensor([[-1.0], [0.0], [0.5], [2.0]], dtype=DTYPE))
    >>> frac.tolist(), norm.tolist()
    ([0.5, 0.25], [3.0, 1.0])
    """
    Z = torch.addmm(-p.b, X, p.W.T)
    frac = (Z > 0).sum(dim=0).to(torch.float64) / X.shape[0]
    norm = p.v.abs() * torch.linalg.vector_norm(p.W, dim=1)
    return frac.cpu().numpy().copy(), norm.detach().cpu().numpy().copy()


def activation_distribution(active_fraction) -> dict:
    """Return the distribution of per-neuron active fractions over ACTIVE neurons (fraction > 0).

    Keys: ``max``, ``p90`` (90th percentile, numpy's linear interpolation), ``median`` of the active
    fractions of the neurons active on at least one training input, and ``share_active`` (fraction of
    neurons active on at least one input); the first three are None when no neuron is active.

    >>> activation_distribution([0.0, 0.1, 0.2, 0.3, 0.4, 0.5])
    {'max': 0.5, 'p90': 0.46, 'median': 0.3, 'share_active': 0.8333333333333334}
    >>> activation_distribution([0.0, 0.0])["max"] is None
    True
    """
    frac = np.asarray(active_fraction, dtype=np.float64)
    act = frac[frac > 0]
    if not len(act):
        return {"max": None, "p90": None, "median": None, "share_active": 0.0 if len(frac) else None}
    return {"max": float(act.max()), "p90": float(np.quantile(act, 0.9)), "median": float(np.median(act)),
            "share_active": float(len(act) / len(frac))}


def mse_vs_target(p: Params, X: torch.Tensor, f0: torch.Tensor, activation: str = "relu") -> float:
    """Return (1/m) sum_i (f(x_i) - f_0(x_i))^2.

    >>> from numerics.experiments.trainer import init_params, DTYPE
    >>> p = init_params(1, 2, 0); X = torch.zeros(3, 1, dtype=DTYPE)
    >>> mse_vs_target(p, X, predict(p, X)) == 0.0
    True
    """
    e = predict(p, X, activation) - f0
    return float(torch.dot(e, e)) / X.shape[0]


def encode_params(p: Params) -> dict:
    """Return the parameters as exact float64 bytes in base64 (JSON-able, lossless)."""
    W, b, v, beta = p.numpy()
    return {"K": int(W.shape[0]), "d": int(W.shape[1]),
            "theta_b64": base64.b64encode(np.concatenate([v, W.reshape(-1), b, [beta]]).astype("<f8").tobytes()).decode()}


def decode_params(blob: dict):
    """Return (W, b, v, beta) numpy float64 from ``encode_params`` output (layout [v | W | b | beta]).

    >>> from numerics.experiments.trainer import init_params
    >>> p = init_params(2, 3, 0); W, b, v, beta = decode_params(encode_params(p))
    >>> bool((W == p.W.numpy()).all()) and beta == 0.0
    True
    """
    K, d = blob["K"], blob["d"]
    theta = np.frombuffer(base64.b64decode(blob["theta_b64"]), dtype="<f8").astype(np.float64)
    v, W, b, beta = theta[:K], theta[K:K + K * d].reshape(K, d), theta[K + K * d:K + K * d + K], float(theta[-1])
    return W, b, v, beta


def relu_network(W, b, v, beta):
    """Return the numerics core's float ``ReluNetwork`` for (W, b, v, beta) (same sign convention)."""
    return ReluNetwork.from_float(W, b, v, beta)


class SharpnessTracker:
    """lambda_max ESTIMATES along training, optionally warm-started (both are lower bounds).

    method 'lanczos': every call is ``numerics.lambda_estimate.lambda_max_estimate`` (eigsh, which='LA', seeded
    random start, tol 1e-10), run with a basis of ``cold_ncv`` vectors (default 8; scipy's default 20
    spends ~22 HVPs where 8 converges in ~10-14 at the experiments' sizes, to the same eigenvalue up to
    rounding, since both stop at the same tolerance); if that does not converge within ``cold_maxiter``
    restarts, the call is repeated with scipy's default basis.  method 'warm': the first call and every ``cold_every``-th are Lanczos; the others
    run ``numerics.lambda_estimate.power_lambda_max`` on ``numerics.lambda_estimate.hessian_operator`` started from the
    previous top eigenvector (a few HVPs when the top eigenvector moves slowly, as between nearby GD
    iterates).  method 'warm-lanczos': as 'warm', but the warm calls are Lanczos (eigsh, which='LA')
    started from the previous top eigenvector with a small basis (``ncv``, default 4) via
    ``lambda_max_estimate(..., v0=previous, ncv=ncv, tol=tol)`` (power iteration when P <= ncv, where
    eigsh cannot run): its Krylov space contains the power
    iterates, and it targets the algebraically largest eigenvalue directly.  The returned value is
    always a Rayleigh quotient, hence a lower bound on lambda_max; a warm start can miss a NEW sharper
    direction until the next cold call.

    >>> from numerics.network import Dataset
    >>> tr = SharpnessTracker("warm", cold_every=3)
    >>> net = relu_network(np.array([[1.0]]), np.array([0.0]), np.array([1.0]), 0.0)
    >>> data = Dataset.from_float(np.array([[0.5], [-0.5]]), np.array([0.0, 1.0]))
    >>> a = tr.estimate(net, data); b = tr.estimate(net, data); abs(a - b) < 1e-6, tr.methods
    (True, ['lanczos', 'power (warm start)'])
    """

    def __init__(self, method: str = "lanczos", cold_every: int = 10, tol: float = 1e-4, maxiter: int = 60,
                 ncv: int = 4, cold_ncv: int = 8, cold_maxiter: int = 20):
        if method not in ("lanczos", "warm", "warm-lanczos"):
            raise ValueError(f"sharpness method must be 'lanczos', 'warm' or 'warm-lanczos', not {method!r}")
        self.method, self.cold_every, self.tol, self.maxiter = method, cold_every, tol, maxiter
        self.ncv = ncv
        self.cold_ncv, self.cold_maxiter = cold_ncv, cold_maxiter
        self.vector = None
        self.calls = 0
        self.methods = []
        self.hvps = []  # HVPs per call (a failed warm attempt's HVPs are added to the cold call's)

    def estimate(self, net, data) -> float:
        """Return a lambda_max estimate (lower bound) at (net, data)."""
        from numerics.lambda_estimate import hessian_operator, lambda_max_estimate_detail, power_lambda_max

        cold = self.method == "lanczos" or self.vector is None or self.calls % self.cold_every == 0
        self.calls += 1
        spent = 0
        if not cold and self.method == "warm-lanczos" and net.num_params > self.ncv:
            from scipy.sparse.linalg import ArpackNoConvergence

            try:
                e = lambda_max_estimate_detail(net, data, v0=self.vector, ncv=self.ncv, tol=self.tol,
                                               maxiter=self.maxiter)
            except ArpackNoConvergence:  # nothing usable from the warm start: fall back to a cold call
                e = None
            spent = e.matvecs if e is not None else 0
            if e is not None and e.converged:
                self.vector = e.vector
                self.methods.append("lanczos (warm start)")
                self.hvps.append(e.matvecs)
                return float(e.value)
        elif not cold:
            A = hessian_operator(net, data)
            count = [0]

            def mv(x):
                count[0] += 1
                return A.matvec(x)

            value, vec, converged = power_lambda_max(mv, self.vector, tol=self.tol, maxiter=self.maxiter)
            spent = count[0]
            if converged:
                self.vector = vec
                self.methods.append("power (warm start)")
                self.hvps.append(spent)
                return float(value)
        e = None
        if net.num_params > self.cold_ncv + 1:  # eigsh needs ncv < P
            from scipy.sparse.linalg import ArpackNoConvergence

            try:
                e = lambda_max_estimate_detail(net, data, ncv=self.cold_ncv, maxiter=self.cold_maxiter)
            except ArpackNoConvergence:
                e = None
            if e is not None and not e.converged:
                spent, e = spent + e.matvecs, None
        if e is None:  # scipy's default basis
            e = lambda_max_estimate_detail(net, data)
        value, vec = e.value, e.vector
        self.hvps.append(spent + e.matvecs)
        self.vector = vec
        self.methods.append("lanczos")
        return float(value)


def core_metrics(W, b, v, beta, X, y, eta: float, sharpness: bool = True, vg: bool = True,
                 tracker: SharpnessTracker | None = None, loss: str = "half-mse") -> dict:
    """Return the numerics core's estimates for a ReLU network on (X, y).

    Keys: lambda_max_estimate (Lanczos lower bound on lambda_max(grad^2 L) for L of convention ``loss``,
    numerics.loss: s times that of the half-mse loss, s = 1 or 2), two_over_eta, vg_norm
    (|f|_{V_g}, float), thm32_margin (Theorem 3.2 margin evaluated with the lambda_max estimate,
    converted back to the half-mse Hessian), loss (the convention), and ``error`` when the core refused
    (e.g. a data point exactly on a kink).
    """
    scale = convention(loss).hessian_scale
    out = {"two_over_eta": 2.0 / eta, "loss": convention(loss).name}
    net = relu_network(W, b, v, beta)
    data = Dataset.from_float(np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64))
    try:
        lam = None
        if sharpness:
            if tracker is not None:
                lam = tracker.estimate(net, data)
            else:
                from numerics.lambda_estimate import lambda_max_estimate

                lam = float(lambda_max_estimate(net, data))
            out["lambda_max_estimate"] = scale * lam
        if vg:
            out["vg_norm"] = float(vg_norm(net, data.X).value)
            if lam is not None:
                out["thm32_margin"] = _as_float(theorem_3_2_margin(net, data, lam))
    except (ValueError, ArithmeticError) as exc:  # KinkError is a ValueError
        out["error"] = f"{type(exc).__name__}: {exc}"
    return out


def _as_float(x):
    """Return a float from a number or from a result object carrying ``margin``."""
    if hasattr(x, "margin"):
        x = x.margin
    try:
        return float(x)
    except TypeError:
        return math.nan
