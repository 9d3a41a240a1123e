"""Certified flat points from training: polish a GD end point, then certify it a member of Theta_flat(eta).

Theta_flat(eta) = {theta : lambda_max(grad^2 L(theta)) <= 2/eta} is the set the theorems speak about
(Prop. 2.1: the points at which GD with step eta is linearly stable; Thm 3.2 bounds |f_theta|_{V_g} on it).
:func:`flat_point` takes a network (e.g. the end point of a training run), continues full-batch GD on L with
a decreasing step until ||grad L|| is small (:func:`polish`), certifies the checkpoints of that path from
the most polished backwards, and reports for the first one certified flat at eta (else the most polished):

* certified: an enclosure [lower, upper] of lambda_max(grad^2 L) (structured Schur certificate of
  numerics._structured_cert: ``upper`` is the smallest of a few thresholds t at which lambda_max <= t is
  certified, ``lower`` a rigorous Rayleigh quotient); eta* = 2/upper (the point is certified flat for
  every step eta <= eta*); the verdict at the requested eta; the exact loss L (rational); a rigorous
  upper bound on ||grad L|| (the exact squared norm, then a rational square-root bound); the certified
  Theorem 3.2 upper bound lambda_upper/2 - 1/2 + (R+1) sqrt(2 L) on |f|_{V_g};
* |f|_{V_g} itself (certified bounds when computed exactly, else a float64 estimate, labelled);
* estimates: train / test MSE against the noise-free target f_0 when it is known.

Loss convention (numerics.loss): with ``loss="mse"`` (torch's nn.MSELoss) eta is torch's lr, L, grad L
and lambda_max are those of L_mse = 2 L, and eta* = 2/lambda_upper(grad^2 L_mse).  The definitions and
the justification of the polishing method: proofs_notes/flat_minima.md.

CLI: ``python -m numerics.flat`` (numerics/flat.py).

>>> from numerics.network import Dataset, ReluNetwork
>>> net = ReluNetwork.from_float([[1.0]], [0.0], [0.5], 0.0)
>>> data = Dataset.from_float([[0.5], [-0.5], [1.0]], [0.2, 0.1, 0.6])
>>> r = flat_point(net, data, eta=1.0, polish_steps=2000)
>>> r.stable, r.certified, r.eta_star >= 1
(True, True, True)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from math import lcm

import numpy as np

from numerics.certificates import StabilityCertificate, _half_mse_view
from numerics.exact_sqrt import sqrt_bounds
from numerics.hessian import KinkError
from numerics.loss import convention, half_mse_threshold
from numerics.network import Dataset, ReluNetwork, to_fraction
from numerics.outcome import Outcome, Quantity
from numerics.variation import theorem_3_2_upper, vg_norm

__all__ = ["PolishInfo", "FlatResult", "polish", "exact_loss_and_gradient", "lambda_max_enclosure",
           "flat_point", "certify_flatness", "certificate_document", "load_stored_run", "flat_report"]


# ---------------------------------------------------------------------------- polishing (estimates)
@dataclass
class PolishInfo:
    """What :func:`polish` did: steps taken, the last step size, and float64 loss / ||grad L|| before and after.

    ``checkpoints`` holds (step, loss, ||grad L||, network) at steps 0, 1, 2, 4, 8, ... and at the end
    (float64 estimates; the networks are exact float64 points).
    """

    steps: int
    final_step_size: float
    loss_start: float
    loss_end: float
    grad_norm_start: float
    grad_norm_end: float
    reached_tolerance: bool
    halvings: int
    seconds: float
    stopped: str = ""
    checkpoints: list = field(default_factory=list, repr=False)


def polish(net: ReluNetwork, data: Dataset, eta, loss: str = "half-mse", gtol: float = 1e-7,
           max_steps: int = 20000, start_factor: float = 0.5, stage_steps: int = 2000,
           decay: float = 0.5) -> tuple[ReluNetwork, PolishInfo]:
    """Return (polished float network, PolishInfo): full-batch GD on L with a decreasing step.

    The nominal step starts at ``start_factor * eta`` and is multiplied by ``decay`` every
    ``stage_steps`` steps; a step that would raise L is retried with the step times ``decay`` (up to 12
    times), so L never increases.  Stops when ||grad L|| <= gtol, after ``max_steps`` steps, or when no
    step size lowers L (the iterate sits next to a kink of the ReLU loss, where the gradient cannot
    vanish: see proofs_notes/flat_minima.md).  No clipping and no weight decay: the flat set is defined
    by the Hessian of L alone.  Everything here is float64 (an estimate); the certificate is made
    afterwards on the exact point the floats represent.

    >>> net = ReluNetwork.from_float([[1.0]], [0.0], [0.5], 0.0)
    >>> data = Dataset.from_float([[0.5], [-0.5], [1.0]], [0.2, 0.1, 0.6])
    >>> p, info = polish(net, data, eta=1.0, gtol=1e-9)
    >>> info.reached_tolerance, info.loss_end <= info.loss_start
    (True, True)
    """
    import torch

    from numerics.experiments.trainer import DTYPE, Params, Workspace, loss_and_gradient

    conv = convention(loss)
    eta = float(eta)
    if not eta > 0 or not gtol > 0 or max_steps < 0 or not 0 < decay < 1 or stage_steps < 1:
        raise ValueError("need eta > 0, gtol > 0, max_steps >= 0, 0 < decay < 1, stage_steps >= 1")
    t0 = time.perf_counter()
    nf, df = net.as_float(), data.as_float()
    p = Params(*(torch.tensor(np.asarray(a, dtype=np.float64), dtype=DTYPE)
                 for a in (nf.W, nf.b, nf.v, float(nf.beta))))
    X, y = torch.from_numpy(np.asarray(df.X, dtype=np.float64)), torch.from_numpy(np.asarray(df.y, dtype=np.float64))
    work = Workspace(df.n, nf.K, nf.d)

    def evaluate(q):
        value, g = loss_and_gradient(q, X, y, "relu", work, conv.name)
        gn = math.sqrt(sum(float(torch.dot(t.reshape(-1), t.reshape(-1))) for t in g.tensors()))
        return float(value), g, gn

    def snapshot(q):
        W, b, v, beta = q.numpy()
        return ReluNetwork.from_float(W, b, v, beta)

    nominal = step = start_factor * eta
    value, g, gn = evaluate(p)
    loss0, gn0 = value, gn
    checkpoints = [(0, value, gn, snapshot(p))]
    steps = halvings = 0
    stopped = "gradient tolerance reached"
    while gn > gtol:
        if steps >= max_steps:
            stopped = "step budget exhausted"
            break
        step = nominal
        for _ in range(12):
            trial = Params(*(t - step * gt for t, gt in zip(p.tensors(), g.tensors())))
            v2, g2, gn2 = evaluate(trial)
            if math.isfinite(v2) and v2 <= value:
                break
            step *= decay
            halvings += 1
        else:
            stopped = "no step size lowers L (next to a kink)"
            break
        p, value, g, gn = trial, v2, g2, gn2
        steps += 1
        if steps % stage_steps == 0:
            nominal *= decay
        if steps & (steps - 1) == 0:
            checkpoints.append((steps, value, gn, snapshot(p)))
    if checkpoints[-1][0] != steps:
        checkpoints.append((steps, value, gn, snapshot(p)))
    return checkpoints[-1][3], PolishInfo(steps, step, loss0, value, gn0, gn, gn <= gtol, halvings,
                                          time.perf_counter() - t0, stopped, checkpoints)


# ---------------------------------------------------------------------------- exact loss and gradient
def _scaled_ints(values) -> tuple[list, int]:
    """Return (integers m_i, common denominator q) with values_i = m_i / q exactly."""
    fr = [to_fraction(x) for x in np.asarray(values, dtype=object).ravel()]
    q = 1
    for x in fr:
        q = lcm(q, x.denominator)
    return [x.numerator * (q // x.denominator) for x in fr], q


def exact_loss_and_gradient(net: ReluNetwork, data: Dataset, mask: np.ndarray | None = None):
    """Return (L, ||grad L||^2) as exact Fractions for L = (1/2n) sum_i (f(x_i) - y_i)^2 (half-mse).

    The point is read exactly (floats are dyadic rationals).  With D the exact activation pattern
    1[w_k.x_i - b_k > 0] (``mask``, decided exactly when not given; a point on a kink raises KinkError),
    r = f - y and xi_i = (x_i, -1):

        f_i = x_i . (sum_k D_ik v_k w_k) - sum_k D_ik v_k b_k + beta,
        a_k = (1/n) sum_i r_i D_ik xi_i,   dL/d(w_k, b_k) = v_k a_k,
        dL/dv_k = (1/n) sum_i r_i D_ik (w_k.x_i - b_k) = (w_k, b_k) . a_k,   dL/dbeta = (1/n) sum_i r_i,

    the sums over i and k being two integer matrix products (python-flint fmpz_mat) after scaling every
    array to integers by its common denominator.  Independent of the float code paths (checked against
    numerics.hessian's exact loss and gradient in the tests).

    >>> net = ReluNetwork.exact([[1]], [0], [2], 0)
    >>> data = Dataset.exact([[1], [-1]], [1, 0])
    >>> exact_loss_and_gradient(net, data)    # r = (1, 0): L = 1/4; grad = (v: 1/2, w: 1, b: -1, beta: 1/2)
    (Fraction(1, 4), Fraction(5, 2))
    """
    import flint

    ne, de = net.as_exact(), data.as_exact()
    n, K, d = de.n, ne.K, ne.d
    if ne.d != de.d:
        raise ValueError(f"network expects inputs of dimension {ne.d}, data have {de.d}")
    if mask is None:
        from numerics._structured_cert import StructuredParts

        mask = StructuredParts(ne, de).mask
    Xi, dx = _scaled_ints(de.X)
    Wi, dw = _scaled_ints(ne.W)
    bi, db = _scaled_ints(ne.b)
    vi, dv = _scaled_ints(ne.v)
    beta = to_fraction(ne.beta)
    Dm = flint.fmpz_mat(n, K, np.asarray(mask, dtype=np.int64).ravel().tolist())
    # M_k = v_k (w_k db, b_k dx dw): D @ M gives sum_k D_ik v_k (w_k, b_k) over dv dw db (and dx)
    M = []
    for k in range(K):
        M.extend(vi[k] * Wi[k * d + j] * db for j in range(d))
        M.append(vi[k] * bi[k] * dx * dw)
    U = (Dm * flint.fmpz_mat(K, d + 1, M)).tolist()
    den_f = dx * dw * db * dv
    f = [Fraction(sum(int(U[i][j]) * Xi[i * d + j] for j in range(d)) - int(U[i][d]), den_f) + beta
         for i in range(n)]
    r = [fi - to_fraction(yi) for fi, yi in zip(f, de.y)]
    L = sum((ri * ri for ri in r), Fraction(0)) / (2 * n)
    Ri, dr = _scaled_ints(r)
    N = []
    for i in range(n):
        N.extend(Ri[i] * Xi[i * d + j] for j in range(d))
        N.append(-Ri[i] * dx)
    T = (Dm.transpose() * flint.fmpz_mat(n, d + 1, N)).tolist()  # T / (dr dx) = sum_i r_i D_ik xi_i
    den_a = n * dr * dx  # a_k = T_k / den_a
    # ||grad||^2 * den^2 as integers: v-part (w_k.T_k[:d] + b_k T_k[d]) / (den_a dw db) with w = Wi/dw, b = bi/db
    sq_v = sq_wb = 0
    for k in range(K):
        Tk = [int(t) for t in T[k]]
        gv = sum(Wi[k * d + j] * Tk[j] for j in range(d)) * db + bi[k] * Tk[d] * dw
        sq_v += gv * gv
        sq_wb += vi[k] * vi[k] * sum(t * t for t in Tk)
    g_beta = sum(r, Fraction(0)) / n
    grad_sq = (Fraction(sq_v, (den_a * dw * db) ** 2) + Fraction(sq_wb, (dv * den_a) ** 2) + g_beta * g_beta)
    return L, grad_sq


# ---------------------------------------------------------------------------- the lambda_max enclosure
def lambda_max_enclosure(net: ReluNetwork, data: Dataset, parts=None, rel_gaps=(2 ** -20, 2 ** -14, 2 ** -8,
                         2 ** -4, 2 ** -1, 1, 3, 15)):
    """Return (lower, upper, estimate, detail): certified bounds on lambda_max(H), H the half-mse Hessian.

    lower: rigorous Rayleigh quotient of H at the Lanczos vector (numerics._structured_cert.rayleigh_lower);
    upper: the first t = lower (1 + gap) for which lambda_max(H) <= t is certified by the structured
    Schur certificate (M(t) = tI - B > 0 and S(t) >= 0 by verified Cholesky), or None if none is;
    estimate: the float64 Lanczos value (an ESTIMATE).  Raises KinkError on a kink.

    >>> lo, hi, est, _ = lambda_max_enclosure(ReluNetwork.exact([[1]], [5], [1], 0), Dataset.exact([[1]], [0]))
    >>> lo <= 1 <= hi, float(hi) < 1.001
    (True, True)
    """
    from numerics._structured_cert import StructuredParts, certified_upper, rayleigh_lower
    from numerics.lambda_estimate import lambda_max_estimate

    ne, de = net.as_exact(), data.as_exact()
    parts = parts or StructuredParts(ne, de)
    est, vec = lambda_max_estimate(ne.as_float(), de.as_float(), return_vector=True)
    lower = rayleigh_lower(parts, np.asarray(vec, dtype=np.float64))
    base = lower if lower is not None else Fraction(max(est, 1.0))
    upper = None
    tried = []
    for gap in rel_gaps:
        t = Fraction(float(base * (1 + Fraction(gap))))  # a short dyadic threshold
        tried.append(float(t))
        if certified_upper(parts, t):
            upper = t
            break
    detail = (f"lower: rigorous Rayleigh quotient of the Lanczos vector; upper: structured Schur certificate "
              f"at t = {float(upper):.17g}" if upper is not None else
              f"no certified upper bound at t in {tried}")
    return lower, upper, float(est), detail


# ---------------------------------------------------------------------------- the report
@dataclass
class FlatResult:
    """Outcome of :func:`flat_point`; Fractions are certified, floats marked ``*_estimate`` are not.

    All lambda's, losses and gradients are in convention ``loss`` (numerics.loss).  stable: True when
    lambda_upper <= 2/eta (certified flat at eta), False when lambda_lower > 2/eta (certified not),
    None when undecided.  eta_star = 2/lambda_upper (certified: flat for every step <= eta_star).
    """

    loss: str
    eta: Fraction
    two_over_eta: Fraction
    lambda_lower: Fraction | None
    lambda_upper: Fraction | None
    lambda_estimate: float
    stable: bool | None
    certified: bool
    eta_star: Fraction | None
    loss_exact: Fraction
    grad_norm_upper: Fraction
    grad_norm_sq_exact: Fraction
    R: Fraction
    vg_norm: float
    vg_lower: Fraction | None
    vg_upper: Fraction | None
    vg_certified: bool
    thm32_upper: Fraction | None
    train_mse_estimate: float | None
    test_mse_estimate: float | None
    polish: PolishInfo | None
    network: ReluNetwork
    detail: str
    seconds: dict = field(default_factory=dict)
    polish_step: int = 0  # polishing steps taken to reach the reported point
    candidates: list = field(default_factory=list)  # the checkpoints certified, most polished first

    @property
    def outcome(self) -> Outcome:
        """The verdict "flat at eta" (lambda_max <= 2/eta) in the shared vocabulary (numerics.outcome).

        Quantities (convention ``loss``): "lambda_max" (certified enclosure with the Lanczos value as
        display, or the estimate alone), "loss" (exact), "||grad||" (certified upper bound), "|f|_Vg"
        (certified enclosure or estimate).
        """
        where = f"loss convention {self.loss}"
        qs = [Quantity("loss", lower=self.loss_exact, upper=self.loss_exact, certified=True, method="exact",
                       detail=where),
              Quantity("||grad||", upper=self.grad_norm_upper, certified=True, method="exact gradient, rounded up",
                       detail=where)]
        lam = Quantity.of("lambda_max", self.lambda_lower, self.lambda_upper, self.lambda_estimate,
                          "Rayleigh quotient / structured Schur", where)
        vg = Quantity.of("|f|_Vg", self.vg_lower if self.vg_certified else None,
                         self.vg_upper if self.vg_certified else None, self.vg_norm, "empirical weight")
        qs = ([lam] if lam else []) + qs + ([vg] if vg else [])
        return Outcome("lambda_max <= 2/eta (flat at eta)", self.stable, self.certified,
                       "flat_point", self.detail, tuple(qs))


def _round_up(q: Fraction) -> Fraction:
    """The smallest float64 >= q, as an exact Fraction (a short rigorous upper bound).

    >>> _round_up(Fraction(1, 3)) >= Fraction(1, 3) > _round_up(Fraction(1, 3)) - Fraction(1, 2 ** 53)
    True
    """
    f = float(q)
    while Fraction(f) < q:
        f = math.nextafter(f, math.inf)
    return Fraction(f)


def _radius(de: Dataset) -> Fraction:
    """Smallest R we use for Thm 3.2: 1 if every ||x_i|| <= 1 (exactly), else a rational upper bound of max ||x_i||."""
    m = max(sum((to_fraction(x) ** 2 for x in row), Fraction(0)) for row in de.X)
    return Fraction(1) if m <= 1 else _round_up(sqrt_bounds(m)[1])


def _certify_point(ne: ReluNetwork, de: Dataset, c: Fraction):
    """(parts, lower, upper, estimate, stable, detail) for H at the exact point ne: enclosure and verdict at c."""
    from numerics._structured_cert import StructuredParts, structured_certificate

    parts = StructuredParts(ne, de)
    lo, hi, est, detail = lambda_max_enclosure(ne, de, parts=parts)
    if hi is not None and hi <= c:
        return parts, lo, hi, est, True, detail
    if lo is not None and lo > c:
        return parts, lo, hi, est, False, detail
    r = structured_certificate(ne, de, c, parts=parts)  # the enclosure straddles c: decide at c itself
    stable = r["stable"] if r["certified"] else None
    if stable is True:
        hi = c
    elif stable is False and r["lower"] is not None and (lo is None or r["lower"] > lo):
        lo = r["lower"]
    return parts, lo, hi, est, stable, detail + "; verdict at 2/eta: " + r["detail"]


def certify_flatness(net: ReluNetwork, data: Dataset, eta, loss: str = "half-mse") -> dict:
    """Return the certified status of ``net`` itself (no polishing) w.r.t. Theta_flat(eta) (Prop. 2.1).

    Keys: ``verdict`` ("flat", "not flat", "undecided", or "no Hessian (kink)"), ``lambda_max_lower`` /
    ``lambda_max_upper`` (certified bounds on lambda_max of the Hessian of L in convention ``loss``, as
    floats rounded outward, or None), ``eta_star`` (2/upper rounded down, or None), ``loss``.
    For the final-state tables of the experiments.

    >>> certify_flatness(ReluNetwork.exact([[1]], [5], [1], 0), Dataset.exact([[1]], [0]), 1)["verdict"]
    'flat'
    """
    conv = convention(loss)
    s = conv.hessian_scale
    c = half_mse_threshold(to_fraction(eta), conv.name)
    try:
        _, lo, hi, _, stable, _ = _certify_point(net.as_exact(), data.as_exact(), c)
    except KinkError:
        return {"verdict": "no Hessian (kink)", "lambda_max_lower": None, "lambda_max_upper": None,
                "eta_star": None, "loss": conv.name}
    down = None if lo is None else math.nextafter(float(s * lo), -math.inf)
    up = None if hi is None else float(_round_up(s * hi))
    return {"verdict": {True: "flat", False: "not flat", None: "undecided"}[stable], "lambda_max_lower": down,
            "lambda_max_upper": up, "eta_star": None if hi is None else math.nextafter(float(2 / (s * hi)), -math.inf),
            "loss": conv.name}


def flat_point(net: ReluNetwork, data: Dataset, eta, loss: str = "half-mse", polish_steps: int = 20000,
               gtol: float = 1e-7, f0=None, X_test=None, f0_test=None, vg_exact: bool | None = None,
               progress=None, max_candidates: int = 20, **polish_kwargs) -> FlatResult:
    """Return the :class:`FlatResult` of polishing ``net`` (:func:`polish`) and certifying the polished point.

    Maths: Prop. 2.1 (Theta_flat(eta) = {lambda_max(grad^2 L) <= 2/eta}) and Theorem 3.2
    (|f|_{V_g} <= lambda_max/2 - 1/2 + (R+1) sqrt(2L)); see the module docstring for what is certified.

    Args:
        net, data: the starting point and the training data (any number kind).
        eta: the step (exact; number or "p/q" string) in convention ``loss``: the verdict is about it.
        polish_steps: maximal GD steps (0: certify ``net`` itself); gtol: stop at ||grad L|| <= gtol.
        f0: the noise-free target values on the training inputs (n,), or None;
        X_test, f0_test: test inputs and target values, or None (the MSEs are then None).
        vg_exact: compute |f|_{V_g} exactly (certified bounds); default when K n <= 2e5.
        progress: optional callable(str).
        max_candidates: polishing checkpoints certified at most (most polished first).

    >>> net = ReluNetwork.from_float([[1.0]], [0.0], [0.5], 0.0)
    >>> data = Dataset.from_float([[0.5], [-0.5], [1.0]], [0.2, 0.1, 0.6])
    >>> r = flat_point(net, data, eta="1/4", loss="mse", polish_steps=0)
    >>> r.loss, r.two_over_eta, r.stable
    ('mse', Fraction(8, 1), True)
    """
    say = progress or (lambda msg: None)
    conv = convention(loss)
    s = conv.hessian_scale
    eta_q = to_fraction(eta)
    c = half_mse_threshold(eta_q, conv.name)  # threshold on H
    de = data.as_exact()
    if net.d != de.d:
        raise ValueError(f"network expects inputs of dimension {net.d}, data have {de.d}")
    secs = {}
    t0 = time.perf_counter()
    info = None
    if polish_steps:
        say(f"polishing: GD with a decreasing step from {float(eta_q)}/2 ({conv.name})")
        net, info = polish(net, data, eta_q, conv.name, gtol=gtol, max_steps=polish_steps, **polish_kwargs)
    secs["polish"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    # Candidates: the polishing checkpoints, most polished first; the first certified flat at eta is
    # kept (the smallest gradient among certified members of Theta_flat(eta) on the path), else the
    # most polished point is reported with its verdict.
    cands = [(st, cn) for st, _, _, cn in reversed(info.checkpoints)] if info else [(0, net)]
    # the unpolished end point (step 0) is always among the candidates: its verdict is reported too
    cands = cands[:max(1, max_candidates - 1)] + ([cands[-1]] if len(cands) > max(1, max_candidates - 1) else [])
    tried = []
    chosen = None
    for st, cn in cands:
        say(f"certifying the point after {st} polishing steps (structured certificate)")
        cert = _certify_point(cn.as_exact(), de, c)
        tried.append((st, cert))
        if cert[4] is True:
            chosen = (st, cn, cert)
            break
    if chosen is None:
        chosen = (cands[0][0], cands[0][1], tried[0][1])
    point_step, net, (parts, lo, hi, est, stable, detail) = chosen
    ne = net.as_exact()
    candidates = [{"polish_step": st, "lambda_max_lower": _f(cr[1]), "lambda_max_upper": _f(cr[2]),
                   "certified_flat_at_eta": cr[4]} for st, cr in tried]
    secs["certificate"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    say("exact loss and gradient")
    L, gsq = exact_loss_and_gradient(ne, de, mask=parts.mask)
    secs["exact_loss_gradient"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    R = _radius(de)
    if vg_exact is None:
        vg_exact = ne.K * de.n <= 200_000
    say(f"|f|_Vg ({'exact' if vg_exact else 'float64 estimate'})")
    vg = vg_norm(ne if vg_exact else ne.as_float(), de.X if vg_exact else de.as_float().X, R=R, exact=vg_exact)
    secs["vg_norm"] = time.perf_counter() - t0
    hi_conv = None if hi is None else s * hi
    res = FlatResult(
        loss=conv.name, eta=eta_q, two_over_eta=2 / eta_q,
        lambda_lower=None if lo is None else s * lo, lambda_upper=hi_conv, lambda_estimate=s * est,
        stable=stable, certified=stable is not None,
        eta_star=None if hi_conv is None else 2 / hi_conv,
        loss_exact=s * L, grad_norm_upper=_round_up(s * sqrt_bounds(gsq)[1]), grad_norm_sq_exact=s * s * gsq, R=R,
        vg_norm=float(vg.value), vg_lower=getattr(vg, "lower", None) if vg.certified else None,
        vg_upper=getattr(vg, "upper", None) if vg.certified else None, vg_certified=bool(vg.certified),
        thm32_upper=None if hi is None else _round_up(theorem_3_2_upper(hi, L, R)),
        train_mse_estimate=None, test_mse_estimate=None, polish=info, network=net, detail=detail, seconds=secs,
        polish_step=point_step, candidates=candidates)
    nf = net.as_float()
    if f0 is not None:
        res.train_mse_estimate = float(np.mean((_forward(nf, de.as_float().X) - np.asarray(f0, dtype=np.float64)) ** 2))
    if X_test is not None and f0_test is not None:
        res.test_mse_estimate = float(np.mean((_forward(nf, np.asarray(X_test, dtype=np.float64))
                                               - np.asarray(f0_test, dtype=np.float64)) ** 2))
    return res


def certificate_document(r: FlatResult, data: Dataset, progress=None) -> dict:
    """Return the certificate file document (numerics.certificate_file) of the point reported in ``r``.

    The claim is the verdict of ``r`` at its step (Prop. 2.1: lambda_max(grad^2 L) <= 2/eta, stable /
    not stable / undecided), on ``r.network`` (the certified point, exactly) and ``data``, in the loss
    convention ``r.loss``; the witnesses are built by numerics.certificate_file.stability_document
    independently of the structured certificate, and ``python -m numerics.check_certificate`` re-checks
    the file.  Raises numerics.certificate_file.CertificateError when no witness of the claim is found.

    Args:
        r: a :func:`flat_point` result.  data: the training data it was computed on.
        progress: optional callable(str).

    >>> net = ReluNetwork.from_float([[1.0]], [0.0], [0.5], 0.0)
    >>> data = Dataset.from_float([[0.5], [-0.5], [1.0]], [0.2, 0.1, 0.6])
    >>> doc = certificate_document(flat_point(net, data, eta="1/4", loss="mse", polish_steps=0), data)
    >>> doc["problem"]["loss"], doc["claim"]["stable"], doc["claim"]["threshold"]   # threshold on H: 2/(2 eta)
    ('mse', True, '0x1.0000000000000p+2')
    """
    from numerics.certificate_file import stability_document

    # r's lambda's are in units of the Hessian of r.loss's L; the document is written in units of H
    # (the half-mse Hessian), as numerics.certify does for --certificate-out.
    cert = StabilityCertificate(lambda_max_lower=r.lambda_lower, lambda_max_upper=r.lambda_upper,
                                two_over_eta=r.two_over_eta, stable=r.stable, certified=r.certified,
                                method="structured (numerics.flat)", detail=r.detail, num_params=r.network.num_params,
                                estimate=r.lambda_estimate, loss=convention(r.loss).name)
    return stability_document(r.network, data, r.eta, _half_mse_view(cert), loss=r.loss, progress=progress)


def _forward(nf: ReluNetwork, X: np.ndarray) -> np.ndarray:
    W, b, v = (np.asarray(a, dtype=np.float64) for a in (nf.W, nf.b, nf.v))
    return np.maximum(np.asarray(X, dtype=np.float64) @ W.T - b, 0.0) @ v + float(nf.beta)


def load_stored_run(store_path, key: str):
    """Return (network, data, f0_train, X_test, f0_test, config) of a run in a numerics.reproduce store.

    The data are re-drawn from the run's seed (numerics.experiments.data.make_task), the network is the
    stored final parameters (lossless float64).  Raises ValueError for an unknown key or a run without
    parameters.
    """
    from numerics.experiments.summary import _final_network
    from numerics.experiments.sweep import RunStore

    store = RunStore(store_path)
    try:
        row = store.row(key)
    finally:
        store.close()
    if row is None:
        raise ValueError(f"no run with key {key!r} in {store_path}")
    cfg, res = row[0], row[1]
    if "params" not in res:
        raise ValueError(f"run {key} stored no parameters")
    if cfg.get("activation", "relu") != "relu":
        raise ValueError(f"run {key} is not a ReLU network")
    c, task, (W, b, v, beta) = _final_network(cfg, res)
    return (ReluNetwork.from_float(W, b, v, beta), Dataset.from_float(task.X, task.y), task.f0_train,
            task.X_test, task.f0_test, c)


def _q(x):
    return None if x is None else str(Fraction(x))


def _f(x):
    return None if x is None else float(x)


def flat_report(r: FlatResult) -> dict:
    """Return a JSON-able dict of a FlatResult: exact values as strings, floats beside, each with its status."""
    out = {
        "loss": r.loss, "eta": _q(r.eta), "two_over_eta": _q(r.two_over_eta),
        "certified_flat_at_eta": r.stable, "certified": r.certified,
        "lambda_max_lower": _q(r.lambda_lower), "lambda_max_lower_float": _f(r.lambda_lower),
        "lambda_max_upper": _q(r.lambda_upper), "lambda_max_upper_float": _f(r.lambda_upper),
        "lambda_max_status": "certified enclosure (structured Schur certificate; rigorous Rayleigh quotient)",
        "lambda_max_estimate": r.lambda_estimate, "lambda_max_estimate_status": "estimate (Lanczos)",
        "eta_star": _q(r.eta_star), "eta_star_float": _f(r.eta_star), "eta_star_status": "certified",
        "eta_train_le_eta_star": None if r.eta_star is None else r.eta <= r.eta_star,
        "loss_exact": _q(r.loss_exact), "loss_float": float(r.loss_exact), "loss_status": "exact",
        "grad_norm_upper": _q(r.grad_norm_upper), "grad_norm_upper_float": _f(r.grad_norm_upper),
        "grad_norm_status": "certified upper bound (exact squared norm, rational sqrt bound)",
        "R": _q(r.R),
        "vg_norm": r.vg_norm, "vg_norm_lower": _f(r.vg_lower), "vg_norm_upper": _f(r.vg_upper),
        "vg_norm_status": "certified bounds (exact)" if r.vg_certified else "estimate (float64)",
        "thm32_upper": _q(r.thm32_upper), "thm32_upper_float": _f(r.thm32_upper),
        "thm32_status": "certified upper bound on |f|_Vg: lambda_upper(H)/2 - 1/2 + (R+1) sqrt(2L)",
        "train_mse": r.train_mse_estimate, "test_mse": r.test_mse_estimate,
        "mse_status": "estimate (float64, against the noise-free target f_0)",
        "num_params": r.network.num_params, "detail": r.detail,
        "point_polish_step": r.polish_step, "candidates_certified": r.candidates,
        "seconds": {k: round(v, 3) for k, v in r.seconds.items()},
    }
    if r.polish is not None:
        p = r.polish
        out["polish"] = {"steps": p.steps, "final_step_size": p.final_step_size, "halvings": p.halvings,
                         "loss_start": p.loss_start, "loss_end": p.loss_end, "grad_norm_start": p.grad_norm_start,
                         "grad_norm_end": p.grad_norm_end, "reached_tolerance": p.reached_tolerance,
                         "status": "float64 estimates along the polishing", "seconds": round(p.seconds, 3)}
    return out
