"""Full-batch gradient descent for two-layer networks in torch float64, with analytic gradients.

Network (proofs_notes/theory.md §1): f(x) = sum_k v_k act(w_k.x - b_k) + beta, act = relu (or gelu for the
variant).  Loss L = (1/(2n)) sum_i (f(x_i) - y_i)^2 ("half-mse", the theory's) or torch's
``nn.MSELoss`` L = (1/n) sum_i (f(x_i) - y_i)^2 ("mse"; conventions in numerics.loss).  One GD step,
matching torch.optim.SGD with ``weight_decay`` after ``clip_grad_norm_`` on the chosen loss:

    g = grad L(theta);  g <- g * min(1, clip / (||g|| + 1e-6));  theta <- theta - eta (g + wd * theta).

The gradient is written with two matrix products instead of autograd (``benchmarks/bench_trainer.py``
measures the gain): with Z = X W^T - b, D = act'(Z), r = f - y,

    dL/dv = act(Z)^T r / n,  dL/dbeta = mean(r),
    [dL/db, dL/dW]_k = (v_k / n) * (D^T [-r, r * X])_k         (one (K,n)@(n,d+1) product).

At a ReLU kink (z = 0) the derivative is taken as 0, as torch's relu backward does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from numerics.loss import convention

__all__ = ["Params", "Workspace", "init_params", "predict", "loss_and_gradient", "train_step", "params_to_vector"]

DTYPE = torch.float64
CLIP_EPS = 1e-6  # torch.nn.utils.clip_grad_norm_ adds this to the norm


@dataclass
class Params:
    """Parameters of f(x) = sum_k v_k act(w_k.x - b_k) + beta: W (K,d), b (K,), v (K,), beta (0-dim)."""

    W: torch.Tensor
    b: torch.Tensor
    v: torch.Tensor
    beta: torch.Tensor

    def tensors(self):
        """Return (W, b, v, beta)."""
        return (self.W, self.b, self.v, self.beta)

    def clone(self) -> "Params":
        """Return a deep copy."""
        return Params(*(t.clone() for t in self.tensors()))

    def numpy(self):
        """Return (W, b, v, beta) as float64 numpy arrays / float."""
        return tuple(t.detach().cpu().numpy().copy() for t in (self.W, self.b, self.v)) + (float(self.beta),)


def init_params(d: int, width: int, seed: int, device=None) -> Params:
    """Return Kaiming-initialised parameters (float64) for input dimension d and K = width neurons.

    W_kj ~ N(0, 2/d) (Kaiming normal, fan-in, ReLU gain); b_k ~ U(-1/sqrt(d), 1/sqrt(d)) (torch's
    default bias init); v_k ~ N(0, 1/K) (Kaiming normal, fan-in K, linear gain); beta = 0.
    Drawn on the CPU (the same numbers for a seed on every device), then moved to ``device``
    (numerics.device; default the CPU).

    >>> p = init_params(3, 5, seed=0)
    >>> tuple(p.W.shape), tuple(p.v.shape), p.W.dtype
    ((5, 3), (5,), torch.float64)
    """
    if d < 1 or width < 1:
        raise ValueError("need d >= 1 and width >= 1")
    g = torch.Generator().manual_seed(int(seed))
    W = torch.randn(width, d, generator=g, dtype=DTYPE) * math.sqrt(2.0 / d)
    b = (torch.rand(width, generator=g, dtype=DTYPE) * 2 - 1) / math.sqrt(d)
    v = torch.randn(width, generator=g, dtype=DTYPE) / math.sqrt(width)
    p = Params(W, b, v, torch.zeros((), dtype=DTYPE))
    return p if device is None else Params(*(t.to(device) for t in p.tensors()))


def _act(Z: torch.Tensor, activation: str):
    """Return (act(Z), act'(Z)); relu'(0) = 0 (torch's convention)."""
    if activation == "relu":
        D = (Z > 0).to(Z.dtype)
        return Z * D, D
    if activation == "gelu":
        cdf = 0.5 * (1.0 + torch.erf(Z * (1.0 / math.sqrt(2.0))))
        pdf = torch.exp(-0.5 * Z * Z) * (1.0 / math.sqrt(2.0 * math.pi))
        return Z * cdf, cdf + Z * pdf
    raise ValueError(f"unknown activation {activation!r}")


def predict(p: Params, X: torch.Tensor, activation: str = "relu") -> torch.Tensor:
    """Return f(X) = act(X W^T - b) v + beta, shape (n,).

    >>> p = Params(torch.eye(2, dtype=DTYPE), torch.zeros(2, dtype=DTYPE),
    ...            torch.tensor([1.0, -1.0], dtype=DTYPE), torch.tensor(0.5, dtype=DTYPE))
    >>> predict(p, torch.tensor([[1.0, 2.0]], dtype=DTYPE)).tolist()
    [-0.5]
    """
    Z = torch.addmm(-p.b, X, p.W.T)
    A = torch.relu(Z) if activation == "relu" else _act(Z, activation)[0]
    return A @ p.v + p.beta


class Workspace:
    """Preallocated (n,K) buffers: fresh 8 MB temporaries per step cost page faults that dominate."""

    def __init__(self, n: int, K: int, d: int, device=None):
        self.Z = torch.empty(n, K, dtype=DTYPE, device=device)
        self.D = torch.empty(n, K, dtype=DTYPE, device=device)
        self.G = torch.empty(d + 1, K, dtype=DTYPE, device=device)

    def fits(self, n: int, K: int, d: int) -> bool:
        """Return True if the buffers have the shapes for (n, K, d)."""
        return tuple(self.Z.shape) == (n, K) and self.G.shape[0] == d + 1


def loss_and_gradient(p: Params, X: torch.Tensor, y: torch.Tensor, activation: str = "relu",
                      work: Workspace | None = None, loss: str = "half-mse"):
    """Return (L, grad L as Params) for L = (s/(2n)) sum (f(x_i) - y_i)^2, computed analytically.

    s = 1 for ``loss="half-mse"`` (the theory's L), s = 2 for ``loss="mse"`` (torch's nn.MSELoss); see
    numerics.loss.  See the module docstring for the formulas (chain rule through Z = X W^T - b).
    ``work`` holds reusable buffers (the returned gradient does not alias them, except through G which
    is copied).

    >>> p = init_params(2, 3, seed=1); X = torch.rand(4, 2, dtype=DTYPE); y = torch.zeros(4, dtype=DTYPE)
    >>> L, g = loss_and_gradient(p, X, y)
    >>> bool(L >= 0), tuple(g.W.shape)
    (True, (3, 2))
    """
    scale = convention(loss).hessian_scale
    n, d = X.shape
    K = p.W.shape[0]
    if work is None or not work.fits(n, K, d):
        work = Workspace(n, K, d)
    Z, D, G = work.Z, work.D, work.G
    torch.addmm(-p.b, X, p.W.T, out=Z)
    if activation == "relu":
        A = Z.clamp_min_(0.0)  # in place: Z now holds relu(Z)
        torch.sign(A, out=D)  # 1[z > 0] (0 at the kink, like torch's relu backward)
    else:
        A, Dg = _act(Z, activation)
        D.copy_(Dg)
    r = torch.addmv(p.beta - y, A, p.v)  # f - y
    value = (0.5 * scale) * torch.dot(r, r) / n
    rs = r * (scale / n) if scale != 1 else r / n
    g_v = torch.mv(A.T, rs)
    RXt = torch.cat([-rs[None, :], rs[None, :] * X.T], dim=0)  # (d+1, n)
    torch.mm(RXt, D, out=G)  # (d+1, K): row 0 is sum_i D_ik (-r_i)/n, rows 1.. sum_i D_ik r_i x_i / n
    G.mul_(p.v[None, :])
    return value, Params(G[1:].T.contiguous(), G[0].clone(), g_v, rs.sum())


def train_step(p: Params, X, y, eta: float, weight_decay: float = 0.0, clip: float | None = 50.0,
            activation: str = "relu", work: Workspace | None = None, loss: str = "half-mse"):
    """Apply one full-batch GD step in place; return (loss before the step, gradient norm before clipping).

    theta <- theta - eta (c * grad L + wd * theta), c = min(1, clip / (||grad L|| + 1e-6)), exactly the
    order of ``clip_grad_norm_`` followed by ``torch.optim.SGD(lr=eta, weight_decay=wd).step()``.
    L is the loss of convention ``loss`` ("half-mse" or "mse" = nn.MSELoss); eta, wd and clip are read
    in that convention (numerics.loss).

    >>> p = init_params(2, 3, seed=1); X = torch.rand(4, 2, dtype=DTYPE); y = torch.ones(4, dtype=DTYPE)
    >>> L0, _ = train_step(p, X, y, eta=0.1); L1, _ = train_step(p, X, y, eta=0.1)
    >>> bool(L1 < L0)
    True
    """
    value, g = loss_and_gradient(p, X, y, activation, work, loss)
    gnorm = math.sqrt(sum(float(torch.dot(t.reshape(-1), t.reshape(-1))) for t in g.tensors()))
    coef = 1.0
    if clip is not None and gnorm > clip:
        coef = clip / (gnorm + CLIP_EPS)
    for t, gt in zip(p.tensors(), g.tensors()):
        if weight_decay:
            t.mul_(1.0 - eta * weight_decay)
        t.add_(gt, alpha=-eta * coef)
    return float(value), gnorm


def params_to_vector(p: Params) -> np.ndarray:
    """Return theta in the numerics layout [v | W row-major | b | beta] (numerics_api), float64.

    >>> p = init_params(2, 3, seed=0)
    >>> params_to_vector(p).shape
    (13,)
    """
    W, b, v, beta = p.numpy()
    return np.concatenate([v, W.reshape(-1), b, [beta]])
