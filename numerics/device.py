"""Optional torch device for the FLOAT work: the trainer's GD steps and the HVP behind lambda_max estimates.

Certificates never use it: they stay on the CPU in exact or rigorously rounded arithmetic.  Only
"cpu" is tested; "cuda" (or "cuda:N", "mps") is passed to torch unchanged and is UNTESTED here (no GPU
was available): results are estimates either way, and float64 is kept on every device.

The device comes from ``--device`` on the CLIs that do float work (``numerics.estimate``,
``numerics.reproduce``), else the environment variable ``NSC_DEVICE``, else "cpu".

>>> resolve_device(None)
'cpu'
"""

from __future__ import annotations

import os

import numpy as np

from numerics.hessian import KinkError, find_kinks

__all__ = ["ENV_VAR", "resolve_device", "torch_hvp_operator"]

ENV_VAR = "NSC_DEVICE"


def resolve_device(requested: str | None = None) -> str:
    """Return the torch device name to use: ``requested``, else ``$NSC_DEVICE``, else "cpu".

    Raises ValueError if torch does not know the device or it is not available.

    >>> resolve_device("cpu")
    'cpu'
    """
    name = requested or os.environ.get(ENV_VAR, "").strip() or "cpu"
    import torch

    try:
        dev = torch.device(name)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"unknown torch device {name!r}") from exc
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {name!r} requested but torch sees no CUDA device")
    if dev.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(f"device {name!r} requested but MPS is not available")
    return str(dev)


def torch_hvp_operator(net, data, device: str = "cpu"):
    """Return u -> grad^2 L @ u (numpy float64 in and out) evaluated with torch float64 on ``device``.

    The same analytic HVP as :func:`numerics.hessian.hvp_operator` (proofs_notes/theory.md §3: the
    Gauss-Newton part (1/n) J^T J u plus the rank-2 residual blocks [[0, a_k^T], [a_k, 0]]), with the
    per-point factors computed once on the device.  Raises KinkError at a kink (checked on the CPU,
    exactly, before anything moves).

    >>> from numerics.network import ReluNetwork, Dataset
    >>> op = torch_hvp_operator(ReluNetwork.from_float([[1.0]], [0.0], [1.0], 0.0), Dataset.from_float([[2.0]], [1.0]))
    >>> op(np.array([1.0, 0, 0, 0]))
    array([ 4.,  6., -3.,  2.])
    """
    import torch

    nf, df = net.as_float(), data.as_float()
    kinks = find_kinks(nf, df.X)
    if kinks:
        raise KinkError(kinks)
    dev = torch.device(device)
    t = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float64), dtype=torch.float64, device=dev)  # noqa: E731
    X, y, W, b, v = t(df.X), t(df.y), t(nf.W), t(nf.b), t(nf.v)
    K, d, n = nf.K, nf.d, df.n
    P = K * (d + 2) + 1
    Z = X @ W.T - b[None, :]
    D = (Z > 0).to(torch.float64)
    A = Z * D
    DV = D * v[None, :]
    r = (A @ v + float(nf.beta) - y) / n
    Dr = D * r[:, None]
    aW, ab = Dr.T @ X, -Dr.sum(dim=0)
    Xa = torch.cat([X, torch.ones(n, 1, dtype=torch.float64, device=dev)], dim=1)

    def apply(vec) -> np.ndarray:
        u = np.asarray(vec, dtype=np.float64)
        if u.shape != (P,):
            raise ValueError(f"vector has shape {u.shape}, expected ({P},)")
        ut = t(u)
        uv, uW, ub, ubeta = ut[:K], ut[K:K + K * d].reshape(K, d), ut[K + K * d:K * (d + 2)], ut[-1]
        T = DV @ torch.cat([uW, ub[:, None]], dim=1)
        s = (A @ uv + (T[:, :-1] * X).sum(dim=1) - T[:, -1] + ubeta) / n  # J u / n
        Ws = DV.T @ (Xa * s[:, None])
        out = torch.cat([A.T @ s + (aW * uW).sum(dim=1) + ab * ub,
                         (Ws[:, :-1] + aW * uv[:, None]).reshape(-1),
                         -Ws[:, -1] + ab * uv, s.sum()[None]])
        return out.cpu().numpy()

    return apply
