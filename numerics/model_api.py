"""Certify or estimate the linear stability of your own torch model, in torch's conventions.

The notebook entry points:

* :func:`certify_model` -- a CERTIFICATE of lambda_max(Hessian of the training objective) <= 2/lr
  (Prop. 2.1), for ``nn.Sequential(nn.Linear(d, K), nn.ReLU(), nn.Linear(K, 1))`` trained with
  ``nn.MSELoss`` (default ``loss="mse"``) or the theory's half-mse, with or without SGD's
  ``weight_decay``;
* :func:`estimate_model` -- a float64 ESTIMATE (a lower bound) of the same lambda_max;
* :func:`weighted_variation_model` -- the weighted variation |f|_{V_g} of the model (Example 3.1).

The model's parameters (any dtype, any device) are copied to CPU float64, which is exact for every
torch floating dtype, and certified as the exact dyadic rationals they are: the certificate speaks
about the very point the model holds.  torch computes relu(W x + bias), the theory relu(w.x - b), so
b = -bias (an exact negation).

Conventions (numerics.loss is their single definition): under ``loss`` with scale s (1 for half-mse,
2 for mse) and weight decay wd, the objective's Hessian is s H + wd I with H the half-mse Hessian,
and GD with step lr is linearly stable iff lambda_max(s H + wd I) <= 2/lr, i.e. iff
lambda_max(H) <= numerics.loss.half_mse_threshold(lr, loss, wd).  The result reports lambda_max and
the threshold 2/lr in the chosen convention and, under ``half_mse``, the same numbers for H.

>>> import torch
>>> _ = torch.manual_seed(0)
>>> model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
>>> X, y = torch.rand(8, 2) - 0.5, torch.zeros(8, 1)
>>> res = certify_model(model, X, y, lr=0.1)
>>> res.certified, res.stable, res.threshold
(True, True, 20.0)
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from mpmath import libmp

from numerics.certificates import certify_stability, _positive_fraction, _tensor_item
from numerics.hessian import gradient
from numerics.loss import _nonnegative, convention, half_mse_threshold
from numerics.network import Dataset, ReluNetwork, to_fraction
from numerics.outcome import Outcome, Quantity
from numerics.variation import vg_norm

__all__ = ["ModelCertificate", "ModelEstimate", "certify_model", "estimate_model",
           "weighted_variation_model", "network_from_model", "dataset_from_arrays",
           "gradient_norm_upper"]

_ARCH = "nn.Sequential(nn.Linear(d, K), nn.ReLU(), nn.Linear(K, 1)) with biases"


# ------------------------------------------------------------------------------ inputs
def _is_tensor(x) -> bool:
    return type(x).__module__.startswith("torch") and hasattr(x, "detach")


def _float64_array(x, what: str) -> np.ndarray:
    """Return x (tensor on any device, array, nested list) as a float64 array; exact for float dtypes."""
    if isinstance(x, tuple) and not x:
        raise ValueError(f"{what} is an empty tuple")
    if isinstance(x, (str, bytes, dict, set)):
        raise ValueError(f"{what} must be a tensor or an array of numbers, got a {type(x).__name__}")
    if _is_tensor(x):
        import torch

        if x.is_complex():
            raise ValueError(f"{what} is a complex tensor")
        # float16/bfloat16/float32 -> float64 is exact; .cpu() copies from any device
        x = x.detach().to(device="cpu", dtype=torch.float64).numpy()
    try:
        a = np.asarray(x)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{what} is not a rectangular array of numbers ({exc})") from None
    if a.dtype == object or a.dtype.kind not in "iuf":
        raise ValueError(f"{what} must hold real numbers, got dtype {a.dtype}")
    a = a.astype(np.float64)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{what} contains non-finite values")
    return a


def network_from_model(model) -> ReluNetwork:
    """Return the exact float64 ReluNetwork of ``nn.Sequential(Linear(d, K), ReLU(), Linear(K, 1))``.

    Refuses (ValueError naming the layer) any other module: another activation, a missing bias, more
    or fewer layers, an output width other than 1.  A :class:`ReluNetwork` is returned unchanged.
    b = -bias (torch computes relu(W x + bias)); every entry is copied exactly to float64.

    >>> import torch
    >>> m = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
    >>> network_from_model(m)
    Traceback (most recent call last):
    ...
    ValueError: layer 1 of the model is Tanh(), expected ReLU(): only nn.Sequential(nn.Linear(d, K), nn.ReLU(), nn.Linear(K, 1)) with biases is supported
    """
    if isinstance(model, ReluNetwork):
        return model
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - torch is a dependency
        raise ValueError("certifying a torch model needs torch installed") from exc
    nn = torch.nn
    if isinstance(model, tuple):
        raise ValueError(f"model is a tuple of {len(model)} items; pass the nn.Sequential itself (for arrays "
                         "(W, b, v, beta) in the theory's convention use numerics.ReluNetwork.from_float)")
    if isinstance(model, dict):
        raise ValueError("model is a dict (a state_dict?); load it into "
                         f"{_ARCH} first, or save it to a .pt file for numerics.certify --network")
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be {_ARCH}, got a {type(model).__name__}")
    if not isinstance(model, nn.Sequential):
        raise ValueError(f"model is a {type(model).__name__}, not nn.Sequential: only {_ARCH} is supported")
    layers = list(model.children())
    if len(layers) != 3:
        names = ", ".join(type(m).__name__ for m in layers)
        raise ValueError(f"model has {len(layers)} layers ({names}), expected 3: only {_ARCH} is supported")
    first, act, last = layers
    expected = (("0", first, nn.Linear, "Linear(d, K)"), ("1", act, nn.ReLU, "ReLU()"),
                ("2", last, nn.Linear, "Linear(K, 1)"))
    for idx, layer, cls, text in expected:
        if type(layer) is not cls:  # exact type: a subclass may change forward()
            raise ValueError(f"layer {idx} of the model is {layer!r}, expected {text}: only {_ARCH} "
                             "is supported")
        if cls is nn.Linear and layer.bias is None:
            raise ValueError(f"layer {idx} of the model is {layer!r} without bias: only {_ARCH} is supported")
    if last.in_features != first.out_features:
        raise ValueError(f"layer 2 of the model is {last!r}, but layer 0 has {first.out_features} outputs")
    if last.out_features != 1:
        raise ValueError(f"layer 2 of the model is {last!r}, expected Linear({first.out_features}, 1): "
                         "the network must have one output")
    W = _float64_array(first.weight, "layer 0 weight")
    bias = _float64_array(first.bias, "layer 0 bias")
    v = _float64_array(last.weight, "layer 2 weight")[0]
    beta = float(_float64_array(last.bias, "layer 2 bias")[0])
    return ReluNetwork.from_float(W, -bias, v, beta)


def dataset_from_arrays(X, y, d: int | None = None) -> Dataset:
    """Return the float64 Dataset of inputs X (n, d) and labels y of shape (n,) or (n, 1).

    X and y may be torch tensors (any dtype or device; copied exactly to float64), numpy arrays or lists.

    >>> dataset_from_arrays([[0.5], [0.25]], [[1.0], [2.0]]).y
    array([1., 2.])
    """
    Xa = _float64_array(X, "X")
    ya = _float64_array(y, "y")
    if Xa.ndim != 2:
        raise ValueError(f"X must have shape (n, d), got shape {Xa.shape}")
    n = Xa.shape[0]
    if n == 0:
        raise ValueError("X has no rows")
    if ya.shape == (n, 1):
        ya = ya[:, 0]
    if ya.shape != (n,):
        raise ValueError(f"y must have shape ({n},) or ({n}, 1) to match X {Xa.shape}, got shape {ya.shape}")
    if d is not None and Xa.shape[1] != d:
        raise ValueError(f"the model expects inputs of dimension {d}, X has {Xa.shape[1]} columns")
    return Dataset.from_float(Xa, ya)


def _exact_lr(lr, what: str = "lr") -> Fraction:
    lr = _tensor_item(lr, what)
    if isinstance(lr, (tuple, list, np.ndarray)) and not np.ndim(lr) == 0:
        raise ValueError(f"{what} must be a number, got a {type(lr).__name__}")
    if isinstance(lr, np.ndarray):
        lr = lr.item()
    return _positive_fraction(lr, what)


# ------------------------------------------------------------------------------ rigorous rounding
def _nearest(q: Fraction) -> float:
    """Nearest float to q, or +-inf beyond float64's range."""
    try:
        return float(q)
    except OverflowError:
        return math.inf if q > 0 else -math.inf


def _down(q: Fraction) -> float:
    """Largest float <= q (q exact; -inf or the largest float beyond the range)."""
    x = _nearest(q)
    if math.isinf(x):
        return -math.inf if x < 0 else sys.float_info.max
    return x if Fraction(x) <= q else math.nextafter(x, -math.inf)


def _up(q: Fraction) -> float:
    """Smallest float >= q (q exact; inf or the most negative float beyond the range)."""
    x = _nearest(q)
    if math.isinf(x):
        return math.inf if x > 0 else -sys.float_info.max
    return x if Fraction(x) >= q else math.nextafter(x, math.inf)


def _sqrt_up(q: Fraction) -> float:
    """A float u >= sqrt(q), q >= 0 exact, of any magnitude (inf beyond float64; checked: u^2 >= q).

    >>> _sqrt_up(Fraction(2)) ** 2 >= 2, _sqrt_up(Fraction(10) ** 700), _sqrt_up(Fraction(1, 10 ** 700)) > 0
    (True, inf, True)
    """
    if q <= 0:
        return 0.0
    # sqrt rounded upward at 80 bits, then to float64 upward (mpmath's directed rounding)
    x = libmp.mpf_sqrt(libmp.from_rational(q.numerator, q.denominator, 80, "u"), 80, "u")
    u = libmp.to_float(x, rnd="u")
    if u == math.inf:
        return u
    u = max(u, math.ulp(0.0))  # below the smallest subnormal: round up to it
    while Fraction(u) ** 2 < q:  # exact check; a step or none
        u = math.nextafter(u, math.inf)
    return u


def gradient_norm_upper(net: ReluNetwork, data: Dataset, loss: str = "half-mse",
                        weight_decay=0) -> tuple[float, Fraction]:
    """Return (u, g2): g2 = ||grad (L_loss + (wd/2)||theta||^2)||^2 exactly, u >= sqrt(g2) a float.

    The gradient is evaluated in exact rationals (numerics.hessian.gradient of the half-mse loss,
    scaled by the convention's factor, plus wd theta as SGD's weight_decay adds), so ``u`` is a
    rigorous upper bound on the gradient norm at the exact point; u = 0 iff theta is an exact
    critical point.  Linear stability (Prop. 2.1) is a statement about critical points.

    >>> net, data = ReluNetwork.exact([[1]], [0], [1], 0), Dataset.exact([[2]], [1])
    >>> gradient_norm_upper(net, data)[1]        # grad = (2, 2, -1, 1)
    Fraction(10, 1)
    """
    s = convention(loss).hessian_scale
    wd = to_fraction(weight_decay)
    ne, de = net.as_exact(), data.as_exact()
    g = gradient(ne, de)
    theta = ne.to_vector()
    g2 = sum(((s * gi + wd * ti) ** 2 for gi, ti in zip(g, theta)), Fraction(0))
    return _sqrt_up(g2), g2


# ------------------------------------------------------------------------------ results
def _fmt(x) -> str:
    return "n/a" if x is None else f"{x:.10g}"


def _end(x: float | None) -> Fraction | None:
    """The exact value of a finite float bound; None (an open end) for None or +-inf."""
    return None if x is None or not math.isfinite(x) else Fraction(x)


@dataclass
class ModelCertificate:
    """Result of :func:`certify_model`; every bound is certified when ``certified`` is True.

    lambda_max_lower / lambda_max_upper: rigorous float bounds (rounded outward) on lambda_max of the
    Hessian of the training objective in the chosen ``loss`` convention (s H + wd I), or None.
    threshold: 2/lr (nearest float); stable iff lambda_max <= threshold.  grad_norm_upper: rigorous
    upper bound on the norm of the objective's gradient (0 only at an exact critical point).
    half_mse: the same bounds for the theory's half-mse Hessian H and its threshold.  exact: the
    exact rationals behind the floats, as "p/q" strings.
    """

    stable: bool | None
    certified: bool
    lambda_max_lower: float | None
    lambda_max_upper: float | None
    threshold: float
    grad_norm_upper: float
    loss: str
    lr: float
    weight_decay: float
    method: str
    detail: str
    num_params: int
    lambda_max_estimate: float | None = None
    seconds: float = 0.0
    half_mse: dict = field(default_factory=dict)
    exact: dict = field(default_factory=dict)

    @property
    def critical_point(self) -> bool:
        """True iff the gradient is exactly zero (the point is an exact critical point)."""
        return self.grad_norm_upper == 0.0

    @property
    def outcome(self) -> Outcome:
        """The verdict lambda_max <= 2/lr in the shared vocabulary (numerics.outcome).

        The float bounds are rounded outward, so their exact values enclose lambda_max (convention
        ``loss``, with weight decay); "||grad||" is a certified upper bound.
        """
        where = f"loss convention {self.loss}" + (f", weight_decay {self.weight_decay:g}" if self.weight_decay else "")
        lam = Quantity.of("lambda_max", _end(self.lambda_max_lower), _end(self.lambda_max_upper),
                          self.lambda_max_estimate, self.method, where)
        qs = [lam] if lam else []
        if math.isfinite(self.grad_norm_upper):
            qs.append(Quantity("||grad||", upper=Fraction(self.grad_norm_upper), certified=True,
                               method="exact gradient, rounded up", detail=where))
        return Outcome("lambda_max <= 2/lr", self.stable, self.certified,
                       self.method, self.detail, tuple(qs))

    def to_dict(self) -> dict:
        """Return the result as a JSON-able dict."""
        out = {k: getattr(self, k) for k in (
            "stable", "certified", "lambda_max_lower", "lambda_max_upper", "threshold", "grad_norm_upper",
            "loss", "lr", "weight_decay", "method", "detail", "num_params", "lambda_max_estimate",
            "seconds", "half_mse", "exact")}
        out["critical_point"] = self.critical_point
        out["convention"] = convention(self.loss).formula
        out["note"] = ("lambda_max bounds, threshold and grad_norm_upper are certified (rigorous); "
                       "lambda_max_estimate is a float64 ESTIMATE")
        return out

    def to_json(self, **kwargs) -> str:
        """Return :meth:`to_dict` as a JSON string (keyword arguments go to json.dumps)."""
        return json.dumps(self.to_dict(), **kwargs)

    def __repr__(self) -> str:
        o = self.outcome
        verdict = o.verdict("STABLE", "NOT STABLE")
        tag = "certified" if o.certified else "not certified"
        wd = f", weight_decay={self.weight_decay:g}" if self.weight_decay else ""
        lines = [f"ModelCertificate: {verdict} ({tag}) at lr={self.lr:.10g}, loss={self.loss!r}{wd}",
                 f"  objective  {convention(self.loss).formula}"
                 + (" + (wd/2)||theta||^2" if self.weight_decay else ""),
                 f"  lambda_max in [{_fmt(self.lambda_max_lower)}, {_fmt(self.lambda_max_upper)}]  (certified)",
                 f"  threshold  2/lr = {self.threshold:.10g}",
                 f"  ||grad||  <= {self.grad_norm_upper:.3g}  (certified)"
                 + ("  exact critical point" if self.critical_point else
                    "  NOT a critical point: linear stability speaks about minima"),
                 f"  method {self.method}, P = {self.num_params}, {self.seconds:.2f} s"]
        if self.lambda_max_estimate is not None:
            lines.insert(3, f"  lambda_max ~ {self.lambda_max_estimate:.10g}  (ESTIMATE)")
        return "\n".join(lines)


@dataclass
class ModelEstimate:
    """Result of :func:`estimate_model`: an ESTIMATE (lower bound up to rounding), never a certificate."""

    lambda_max_estimate: float
    loss: str
    weight_decay: float
    method: str
    hvps: int
    converged: bool
    threshold: float | None = None
    lr: float | None = None
    certified: bool = False

    @property
    def exceeds_threshold(self) -> bool | None:
        """True if the estimate exceeds 2/lr (suggests NOT stable; confirm with certify_model)."""
        return None if self.threshold is None else self.lambda_max_estimate > self.threshold

    @property
    def outcome(self) -> Outcome:
        """lambda_max <= 2/lr judged from the estimate (numerics.outcome): never certified; undecided
        without a learning rate."""
        q = Quantity("lambda_max", value=float(self.lambda_max_estimate), method=f"{self.method}, {self.hvps} HVPs",
                     detail=f"loss convention {self.loss}; a lower bound up to rounding"
                     + ("" if self.converged else "; NOT converged"))
        holds = None if self.exceeds_threshold is None else not self.exceeds_threshold
        return Outcome("lambda_max <= 2/lr", holds, False, self.method, "estimate: confirm with certify_model", (q,))

    def to_dict(self) -> dict:
        """Return the result as a JSON-able dict."""
        out = {k: getattr(self, k) for k in ("lambda_max_estimate", "loss", "weight_decay", "method", "hvps",
                                             "converged", "threshold", "lr", "certified")}
        out["exceeds_threshold"] = self.exceeds_threshold
        out["kind"] = "estimate (lower bound), not a certificate"
        return out

    def to_json(self, **kwargs) -> str:
        """Return :meth:`to_dict` as a JSON string."""
        return json.dumps(self.to_dict(), **kwargs)

    def __repr__(self) -> str:
        s = (f"ModelEstimate: lambda_max ~ {self.lambda_max_estimate:.10g} (ESTIMATE, lower bound; "
             f"loss={self.loss!r}, {self.method}, {self.hvps} HVPs"
             f"{'' if self.converged else ', NOT converged'})")
        if self.threshold is not None:
            s += (f"\n  2/lr = {self.threshold:.10g}: "
                  + ("the estimate exceeds it: suggests NOT stable (confirm with certify_model)"
                     if self.exceeds_threshold else "the estimate is below it: says nothing about stability"))
        return s


# ------------------------------------------------------------------------------ entry points
def _inputs(model, X, y, loss, weight_decay):
    conv = convention(loss)

    wd = _nonnegative(_tensor_item(weight_decay, "weight_decay"), "weight_decay", "a number >= 0")
    net = network_from_model(model)
    data = dataset_from_arrays(X, y, net.d)
    return conv, wd, net, data


def certify_model(model, X, y, lr, loss: str = "mse", weight_decay=0.0, method: str = "auto",
                  progress=None) -> ModelCertificate:
    """Return a :class:`ModelCertificate` deciding whether GD at step ``lr`` is linearly stable at ``model``.

    Maths: GD on L_loss + (wd/2)||theta||^2 at step lr is linearly stable at a minimum iff
    lambda_max(s H + wd I) <= 2/lr (Prop. 2.1), with H the half-mse Hessian and s the convention's
    scale; numerics.loss.half_mse_threshold turns this into lambda_max(H) <= c, which
    numerics.certificates.certify_stability decides exactly (dense charpoly, exact Schur complement, or
    rigorously rounded structured reduction).  The gradient norm is bounded rigorously as well.

    Args:
        model: ``nn.Sequential(nn.Linear(d, K), nn.ReLU(), nn.Linear(K, 1))`` with biases, any dtype or
            device (copied exactly to CPU float64); or a numerics.ReluNetwork.
        X: inputs, shape (n, d); y: labels, shape (n,) or (n, 1); tensors, arrays or lists.
        lr: step size, a number, a "p/q" string or a 0-dim tensor.
        loss: "mse" (torch's nn.MSELoss, default) or "half-mse" (the theory's (1/2n) sum r^2).
        weight_decay: SGD's weight_decay (adds wd I to the objective's Hessian).
        method: "auto" | "dense" | "schur" | "structured" (see numerics.certify).
        progress: optional callable(str) receiving progress messages.

    Raises ValueError for an unsupported model or malformed inputs, numerics.KinkError when a data point
    lies on a kink of some neuron (no Hessian there).

    >>> import torch
    >>> _ = torch.manual_seed(1)
    >>> m = torch.nn.Sequential(torch.nn.Linear(1, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1))
    >>> r = certify_model(m, torch.tensor([[0.5], [-0.25]]), torch.tensor([0.0, 1.0]), lr=torch.tensor(10.0))
    >>> r.stable, r.certified, r.threshold
    (False, True, 0.2)
    """
    import time

    t0 = time.perf_counter()
    conv, wd, net, data = _inputs(model, X, y, loss, weight_decay)
    lr_q = _exact_lr(lr)
    s = conv.hessian_scale
    c = half_mse_threshold(lr_q, conv.name, wd)   # stable iff lambda_max(H) <= c
    two_over_lr = 2 / lr_q
    if c <= 0:
        # lambda_max(H) >= H_{beta beta} = 1 > 0 >= c: no point is stable at this lr and weight decay
        lo_h, hi_h, stable, est = Fraction(1), None, False, None
        meth, detail = "threshold", (f"2/lr - weight_decay = {_nearest(s * c):.6g} <= 0 while lambda_max(H) >= "
                                     "H_(beta,beta) = 1: not stable at any point")
        P = net.num_params
    else:
        cert = certify_stability(net, data, 2 / c, method=method, progress=progress)
        lo_h, hi_h, stable, est = cert.lambda_max_lower, cert.lambda_max_upper, cert.stable, cert.estimate
        meth, detail, P = cert.method, cert.detail, cert.num_params
    g_up, g2 = gradient_norm_upper(net, data, conv.name, wd)

    def conv_of(q):  # lambda_max of s H + wd I from lambda_max of H
        return None if q is None else s * q + wd

    lo, hi = conv_of(lo_h), conv_of(hi_h)
    half = {"lambda_max_lower": None if lo_h is None else _down(lo_h),
            "lambda_max_upper": None if hi_h is None else _up(hi_h),
            "threshold": _nearest(c), "formula": convention("half-mse").formula}
    exact = {"lambda_max_lower": None if lo is None else str(lo),
             "lambda_max_upper": None if hi is None else str(hi),
             "threshold": str(two_over_lr), "lr": str(lr_q), "grad_norm_squared": str(g2),
             "half_mse_threshold": str(c)}
    return ModelCertificate(
        stable=stable, certified=True if c <= 0 else cert.certified,
        lambda_max_lower=None if lo is None else _down(lo),
        lambda_max_upper=None if hi is None else _up(hi),
        threshold=_nearest(two_over_lr), grad_norm_upper=g_up, loss=conv.name, lr=_nearest(lr_q),
        weight_decay=_nearest(wd), method=meth, detail=detail, num_params=P,
        lambda_max_estimate=None if est is None else s * est + _nearest(wd),
        seconds=time.perf_counter() - t0, half_mse=half, exact=exact)


def estimate_model(model, X, y, lr=None, loss: str = "mse", weight_decay=0.0,
                   method: str = "lanczos") -> ModelEstimate:
    """Return a :class:`ModelEstimate` of lambda_max(s H + wd I) -- an ESTIMATE, never a certificate.

    Maths: the Lanczos (or power) Rayleigh quotient of numerics.estimate on the half-mse Hessian H,
    mapped to the objective of ``loss`` as s lambda + wd (numerics.loss).  A Rayleigh quotient is a
    lower bound: exceeding 2/lr suggests instability (confirm with :func:`certify_model`); staying
    below says nothing.

    Args: as :func:`certify_model`; ``lr`` optional (then no threshold); method "lanczos" or "power".

    >>> import torch
    >>> m = torch.nn.Sequential(torch.nn.Linear(1, 1), torch.nn.ReLU(), torch.nn.Linear(1, 1))
    >>> with torch.no_grad():
    ...     _ = m[0].weight.fill_(1.0), m[0].bias.fill_(-5.0), m[2].weight.fill_(1.0), m[2].bias.fill_(0.0)
    >>> round(estimate_model(m, [[1.0], [0.5]], [0.0, 0.0]).lambda_max_estimate, 9)   # 2 H_bb = 2
    2.0
    """
    from numerics.lambda_estimate import lambda_max_estimate_detail

    conv, wd, net, data = _inputs(model, X, y, loss, weight_decay)
    e = lambda_max_estimate_detail(net, data, method=method)
    s = conv.hessian_scale
    thr = lr_f = None
    if lr is not None:
        lr_q = _exact_lr(lr)
        thr, lr_f = _nearest(2 / lr_q), _nearest(lr_q)
    return ModelEstimate(s * e.value + _nearest(wd), conv.name, _nearest(wd), e.method, e.matvecs, e.converged,
                         thr, lr_f)


def weighted_variation_model(model, X, R=1, exact: bool = False):
    """Return the weighted variation |f|_{V_g} of the model's function (numerics.variation.vg_norm).

    Maths: |f|_{V_g} = sum_j |a_j| g(u_j, t_j) over the merged atoms of the network with the
    empirical weight g of X (Example 3.1); it does not depend on the loss convention.  ``exact=True``
    gives the exact sum of rational square roots with certified bounds (slower); the default is a
    float64 ESTIMATE.  Inputs must lie in the ball of radius R.

    >>> import torch
    >>> m = torch.nn.Sequential(torch.nn.Linear(1, 1), torch.nn.ReLU(), torch.nn.Linear(1, 1))
    >>> with torch.no_grad():
    ...     _ = m[0].weight.fill_(1.0), m[0].bias.fill_(0.0), m[2].weight.fill_(2.0)
    >>> r = weighted_variation_model(m, [[1.0], [-1.0]], exact=True)
    >>> r.certified, r.exact.sympy()
    (True, sqrt(2)/2)
    """
    net = network_from_model(model)
    Xa = _float64_array(X, "X")
    if Xa.ndim != 2 or Xa.shape[1] != net.d:
        raise ValueError(f"X must have shape (n, {net.d}), got shape {Xa.shape}")
    if exact:
        return vg_norm(net.as_exact(), Dataset.from_float(Xa, np.zeros(len(Xa))).as_exact().X, R=R, exact=True)
    return vg_norm(net, Xa, R=R, exact=False)
