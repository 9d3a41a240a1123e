"""Certificates of linear stability lambda_max(grad^2 L) <= 2/eta (Prop. 2.1, proofs_notes/theory.md §4).

Two certificate methods, each result labelled ``certified`` (exact or rigorously rounded) or not:

* ``dense`` (small P): exact rational Hessian, exact integer characteristic polynomial, the sign
  pattern of det(xI - (cI - H)) (weak alternation <=> PSD), and a certified enclosure of lambda_max with
  its multiplicity by exact Descartes root counting (numerics._charpoly_cert);
* ``schur`` (moderate n K): the same reduction as ``structured`` in exact rationals, an exact decision;
* ``structured`` (large P): H = (1/n) J^T J + B with rank-2 residual blocks; refutation when some
  ||a_k|| > c, otherwise the n x n Schur complement S = I - J (cI - B)^{-1} J^T / n, checked by a
  verified Cholesky in rigorously rounded float64 (numerics._structured_cert, numerics._rigorous).

Float estimates (Lanczos, numerics.lambda_estimate) are reported as estimates only.  Proofs and assumptions:
proofs_notes/stability_certificates.md.

CLI: ``python -m numerics.certify`` (numerics/certify.py).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from fractions import Fraction

import mpmath
import numpy as np

from numerics.hessian import KinkError, hvp
from numerics.loss import convention, half_mse_threshold
from numerics.network import Dataset, ReluNetwork, number_kind, to_fraction
from numerics.outcome import Outcome, Quantity, sci

__all__ = ["StabilityCertificate", "certify_stability", "exact_eta"]

METHODS = ("auto", "dense", "schur", "structured")
BUDGET_SECONDS = 10.0  # auto: an exact method only when its modelled cost is under this (2-core machine)
FLOAT_RANGE = 2.0 ** 96  # structured: every |input|, 2/eta and eta within [1/FLOAT_RANGE, FLOAT_RANGE]


@dataclass
class StabilityCertificate:
    """Outcome of :func:`certify_stability`.

    lambda_max_lower / lambda_max_upper: certified bounds (Fractions) or None; lambda_max lies in
    (lower, upper] for the dense method.  stable: True/False when certified, None when undecided.
    """

    lambda_max_lower: Fraction | None
    lambda_max_upper: Fraction | None
    two_over_eta: Fraction
    stable: bool | None
    certified: bool
    method: str
    detail: str
    num_params: int = 0
    multiplicity: int | None = None
    count_in_enclosure: int | None = None
    estimate: float | None = None  # float64 ESTIMATE of lambda_max (a lower bound up to rounding)
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)
    loss: str = "half-mse"  # convention of eta and of every lambda_max field (numerics.loss)
    # intermediate results a caller may reuse (the CLI's extras); not part of the claim, never serialised
    work: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def outcome(self) -> Outcome:
        """The verdict on lambda_max <= 2/eta in the shared vocabulary (numerics.outcome).

        Its quantities: "lambda_max" (the certified enclosure, with the float estimate as display value,
        or the estimate alone) and "2/eta" (exact); both in convention ``loss``.

        >>> from numerics.network import Dataset
        >>> o = certify_stability(ReluNetwork.exact([[1]], [0], [1], 0), Dataset.exact([[2]], [2]), "1/8").outcome
        >>> o.holds, o.status, str(o.quantity("2/eta"))
        (True, 'certified', '2/eta in [16, 16] (certified; exact; loss convention half-mse)')
        """
        where = f"loss convention {self.loss}"
        qs = [Quantity("2/eta", lower=self.two_over_eta, upper=self.two_over_eta, certified=True, method="exact",
                       detail=where)]
        lam = Quantity.of("lambda_max", self.lambda_max_lower, self.lambda_max_upper, self.estimate, self.method, where)
        qs = ([lam] if lam else []) + qs
        return Outcome("lambda_max <= 2/eta", self.stable, self.certified,
                       self.method, self.detail, tuple(qs))


def _float_or_none(q) -> float | None:
    """float(q) if q (a Fraction) is a float64 neither overflowing nor rounded to 0, else None."""
    if q is None:
        return None
    try:
        x = float(q)
    except OverflowError:
        return None
    return None if (x == 0 and q != 0) or not math.isfinite(x) else x


def _sci(q) -> str:
    """q (a Fraction) in scientific notation with 17 significant digits, for any magnitude (no float)."""
    if q is None:
        return "n/a"
    x = _float_or_none(q)
    return f"{x:.17g}" if x is not None else sci(q)


def _half_mse_view(cert: StabilityCertificate) -> StabilityCertificate:
    """The same certificate with its lambda's, estimate and threshold in units of H (the half-mse Hessian)."""
    s = convention(cert.loss).hessian_scale
    if s == 1:
        return cert
    return replace(cert, lambda_max_lower=None if cert.lambda_max_lower is None else cert.lambda_max_lower / s,
                   lambda_max_upper=None if cert.lambda_max_upper is None else cert.lambda_max_upper / s,
                   two_over_eta=cert.two_over_eta / s, estimate=None if cert.estimate is None else cert.estimate / s,
                   loss="half-mse")


def exact_eta(eta) -> Fraction:
    """Return the step size ``eta`` as an exact positive Fraction (a float is its exact dyadic value).

    Accepts what :func:`numerics.network.to_fraction` accepts and a 0-dim torch tensor; raises
    ValueError for anything else or for eta <= 0.  Certificates are about this exact value.

    >>> exact_eta("9/5"), exact_eta(0.5), exact_eta("0.1")
    (Fraction(9, 5), Fraction(1, 2), Fraction(1, 10))
    """
    eta = _tensor_item(eta, "eta")
    if isinstance(eta, (tuple, list, dict, set)):
        raise ValueError(f"eta must be a positive number, got a {type(eta).__name__}")
    return _positive_fraction(eta, "eta", " (decimal or fraction string)")


def _tensor_item(x, what: str):
    """Return a 0-dim torch tensor ``x`` as a python float (exact), anything else unchanged.

    Raises ValueError naming ``what`` for a tensor of any other shape.
    """
    if type(x).__module__.startswith("torch") and hasattr(x, "dim"):
        if x.dim() != 0:
            raise ValueError(f"{what} must be a number or a 0-dim tensor, got a tensor of shape {tuple(x.shape)}")
        x = x.detach().cpu().double().item()  # exact: every torch float widens exactly to float64
    return x


def _positive_fraction(x, what: str, hint: str = "") -> Fraction:
    """Return ``x`` as an exact positive Fraction; ValueError naming ``what`` (``hint`` after "number") else."""
    try:
        q = to_fraction(x)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{what} must be a positive number{hint}, got {x!r}") from exc
    if q <= 0:
        raise ValueError(f"{what} must be positive, got {x!r}")
    return q


def _dense(net: ReluNetwork, data: Dataset, c: Fraction, bits: int, progress=None) -> StabilityCertificate:
    from numerics._charpoly_cert import (charpoly, enclose_lambda_max, exact_hessian_scaled, lambda_max_hint,
                                         multiplicity_of_max, psd_from_charpoly)

    if progress:
        progress(f"dense: exact Hessian (P = {net.num_params})")
    Hs, den = exact_hessian_scaled(net, data)  # raises KinkError
    P = net.num_params
    hint = lambda_max_hint(Hs)  # near lambda_max(den H); float64 on a power-of-two rescaling, any magnitude
    est = _float_or_none(hint / den)
    if progress:
        progress(f"dense: exact characteristic polynomial of a {P} x {P} integer matrix")
    p = charpoly(Hs)  # det(xI - den H)
    psd, pd = psd_from_charpoly(p, c * den, P)
    lo, hi, count = enclose_lambda_max(p, hint, bits)
    mult = multiplicity_of_max(p, lo, hi) if P <= 120 else None
    lo, hi = lo / den, hi / den
    if psd:
        hi = min(hi, c)
    verdict = "cI - H is PSD" + (" (positive definite)" if pd else " and singular: lambda_max = 2/eta")
    if not psd:
        verdict = "cI - H is NOT PSD"
    return StabilityCertificate(
        lo, hi, c, psd, True, "dense-exact-charpoly",
        f"exact charpoly sign pattern: {verdict}; lambda_max in ({_sci(lo)}, {_sci(hi)}] "
        f"holding {count} eigenvalue(s) with multiplicity (exact Descartes counts)",
        P, mult, count, est)


def _structured(net: ReluNetwork, data: Dataset, c: Fraction, progress,
                refine_steps: int = 0) -> StabilityCertificate:
    from numerics._structured_cert import rayleigh_lower, structured_certificate

    r = structured_certificate(net, data, c, progress=progress)
    balls = [r["parts"].na2.mid, r["parts"].na2.rad] + ([r["S"].mid, r["S"].rad] if "S" in r else [])
    if not all(np.all(np.isfinite(a)) for a in balls):  # an overflow the screen did not foresee
        r = dict(r, stable=None, certified=False, lower=None, upper=None,
                 detail="undecided: float64 overflow in the structured factors")
    lower, detail = r["lower"], r["detail"]
    est, lam_gn = None, None
    # float ESTIMATES from the certificate's own factors: the Gram J J^T (Term-A's lambda_max(J^T J/n),
    # sharing the Schur complement's Hadamard term) and power iteration on H started at J^T u; the
    # final vector also gives a certified LOWER bound (rigorous Rayleigh quotient)
    from numerics._structured_cert import structured_estimate

    if progress:
        progress("structured: power-iteration estimate (lower bound only)")
    try:
        with np.errstate(over="raise", invalid="raise"):  # an overflow must not reach the iteration as NaN
            est, vec, lam_gn = structured_estimate(r["parts"])
        if not (math.isfinite(est) and math.isfinite(lam_gn) and np.all(np.isfinite(vec))):
            raise FloatingPointError("non-finite estimate")
        lo2 = rayleigh_lower(r["parts"], np.asarray(vec, dtype=np.float64))
        if lo2 is not None and (lower is None or lo2 > lower):
            lower = lo2
        if r["stable"] is None and lo2 is not None and lo2 > c:
            r = dict(r, stable=False, certified=True)
            detail = "rigorous Rayleigh quotient of the power-iteration vector exceeds 2/eta (rigorously rounded)"
    except Exception as exc:  # the estimate is optional; the certificate stands without it
        est, lam_gn = None, None
        detail += f"; power-iteration estimate failed: {exc}"
    upper = r["upper"]
    if r["stable"] is True and lower is not None and refine_steps:
        # bisection on t in [lower, c]: lambda_max <= t certified by the same reduction at t
        from numerics._structured_cert import certified_upper

        lo_t, hi_t = lower, c
        for step in range(refine_steps):
            if progress:
                progress(f"structured: refining the upper bound ({step + 1}/{refine_steps})")
            t = lo_t + (hi_t - lo_t) / 2
            t = Fraction(float(t))  # short dyadic
            if not lo_t < t < hi_t:
                break
            if certified_upper(r["parts"], t):
                hi_t = t
            else:
                lo_t = t
        upper = hi_t
        detail += f"; upper bound refined by {refine_steps}-step bisection (same certificate at t)"
    cert = StabilityCertificate(lower, upper, c, r["stable"], r["certified"],
                                "structured-schur-rigorous", detail, net.num_params, None, None, est)
    parts = r["parts"]
    # the exact activation pattern and the half-mse loss L (float, an estimate) for the CLI's extras
    cert.work.update(pattern=parts.mask, half_mse_loss=float(np.mean(parts.r.mid ** 2)) / 2)
    if lam_gn is not None:
        cert.work["gauss_newton_lambda_estimate"] = lam_gn  # ESTIMATE of lambda_max(J^T J/n), for Term-A
    return cert


def _exact_rayleigh(net, data, vec) -> Fraction | None:
    """Exact Rayleigh quotient u^T H u / u^T u at the float vector vec read exactly as rationals;
    None for the zero vector."""
    u = np.array([Fraction(float(x)) for x in vec], dtype=object)
    uu = u @ u
    return None if uu == 0 else (u @ hvp(net, data, u)) / uu


def _float_lanczos(net, data):
    """(estimate, vector, None) from Lanczos on the float64 copy of the exact net and data, or
    (None, None, reason) when that copy cannot stand for the exact point: a value beyond float64's range,
    a data point that rounding put on a kink (the exact point is not on it: kinks are decided exactly
    before this), or a non-finite / failed iteration.  The vector only feeds exact lower bounds."""
    from numerics.lambda_estimate import lambda_max_estimate

    try:
        with np.errstate(over="raise", invalid="raise"):  # an overflow must not reach ARPACK as NaN
            est, vec = lambda_max_estimate(net.as_float(), data.as_float(), return_vector=True)
    except OverflowError:
        return None, None, "a value is beyond float64's range"
    except FloatingPointError:
        return None, None, "float64 overflow in the Hessian-vector products"
    except KinkError:
        return None, None, "the float64 copy of the point lies on a kink (the exact point does not)"
    except (ArithmeticError, ValueError, RuntimeError, np.linalg.LinAlgError) as exc:  # incl. ArpackError
        return None, None, f"Lanczos failed ({type(exc).__name__})"
    vec = np.asarray(vec, dtype=np.float64)
    if not (math.isfinite(est) and np.all(np.isfinite(vec)) and np.any(vec != 0)):
        return None, None, "Lanczos on the float64 copy overflowed or underflowed"
    return float(est), vec, None


def _schur(net: ReluNetwork, data: Dataset, c: Fraction, bits: int, progress) -> StabilityCertificate:
    from numerics._exact_schur import ExactSchur, exact_enclosure, exact_schur_decision

    sch = ExactSchur(net, data)  # raises KinkError
    r = exact_schur_decision(net, data, c, sch)
    if r is None:  # M singular: only the dense charpoly decides
        if progress:
            progress("schur: some ||a_k|| = 2/eta exactly; falling back to the dense charpoly")
        return _dense(net, data, c, bits, progress)
    stable, detail = r
    est, vec, why = _float_lanczos(net, data)
    upper = c if stable else None
    enc = None
    if est is not None:
        if progress:
            progress("schur: certified enclosure of lambda_max (exact decisions at both ends)")
        enc = exact_enclosure(net, data, est, bits, sch)
    if enc is not None:
        lower, hi = enc
        upper = hi if upper is None else min(upper, hi)
        detail += (f"; lambda_max in ({float(lower):.17g}, {float(hi):.17g}] by exact Schur decisions at both "
                   "ends")
    else:  # no float hint, or a decision met a singular M(t): a certified lower bound only
        lower = None if vec is None else _exact_rayleigh(net, data, vec)
        detail += ("; lower bound: exact Rayleigh quotient of the rationalised Lanczos vector" if lower is not None
                   else f"; no Lanczos lower bound: {why or 'zero vector'}")
    return StabilityCertificate(lower, upper, c, stable, True, "schur-exact", detail, net.num_params,
                                None, None, est)


def _dyadic_bits(a: np.ndarray) -> tuple[int, int]:
    """(largest denominator bit length, largest numerator + denominator bit length) of the float64 entries
    of ``a`` read as exact reduced fractions, vectorised: x = M 2^(e-53) with the integer M = frexp
    mantissa * 2^53, reduced by its trailing zero bits (0 reads as 0/1)."""
    a = np.abs(a[a != 0])
    if not a.size:
        return 1, 1
    m, e = np.frexp(a)
    M = (m * 2.0 ** 53).astype(np.int64)  # exact: a 53-bit integer
    tz = np.frexp((M & -M).astype(np.float64))[1] - 1  # trailing zeros (M & -M is a power of two)
    k = e.astype(np.int64) - 53 + tz
    num = np.frexp((M >> tz).astype(np.float64))[1] + np.maximum(k, 0)  # bit length of the numerator
    den = np.maximum(-k, 0) + 1  # bit length of the denominator 2^max(-k, 0)
    return int(den.max()), int((num + den).max())


def _input_bits(net: ReluNetwork, data: Dataset) -> int:
    """A size measure of the exact inputs: 4 log2(lcm of all denominators) + the largest numerator and
    denominator bit length (the scaled exact Hessian's entries have about this many bits; float inputs
    give ~350).  float64 arrays are measured without conversion (_dyadic_bits: same value)."""
    lcm, top = 1, 1
    beta = np.array([net.beta], dtype=number_kind(net.kind).dtype)
    for arr in (net.W, net.b, net.v, beta, data.X, data.y):
        if isinstance(arr, np.ndarray) and arr.dtype == np.float64:
            den, t = _dyadic_bits(arr)
            lcm, top = math.lcm(lcm, 1 << (den - 1)), max(top, t)
            continue
        for q in arr.flat:
            q = Fraction(q)
            if lcm.bit_length() < 10 ** 6:  # beyond, every exact method is far over budget anyway
                lcm = math.lcm(lcm, q.denominator)
            top = max(top, abs(q.numerator).bit_length() + q.denominator.bit_length())
    return 4 * lcm.bit_length() + top


def _cost_dense(P: int, bits: int) -> float:
    """Modelled seconds of the dense method: P^4 bits (flint's multimodular charpoly) + P^3 bits^1.5 (the
    Descartes bisection on its huge coefficients).  Fitted on one thread (benchmarks/bench_auto_cost.py):
    float inputs P = 41..161 (P = 161: 3.8 s), and P = 37 with 19-digit prime denominators (bits ~ 19000:
    4-6 s); measured / modelled 0.4-1.6."""
    bits = max(bits, 64)
    return 0.05 + 1.35e-11 * P ** 4 * bits + 4.4e-11 * P ** 3 * bits ** 1.5


def _cost_schur(n: int, K: int, d: int, bits: int) -> float:
    """Modelled seconds of the exact Schur method (decision and certified enclosure, python-flint):
    n^2.7 K^1.1 bits^1.25 (the n x n rational Schur complement, whose entries' size grows with K and the
    input bits, and its exact PSD decision; d hardly matters).  A least-squares fit of log time on one
    thread (benchmarks/bench_auto_cost.py: n = 6..120, K = 4..160, d = 1..7, float inputs and 19-digit
    prime denominators; n = 20, K = 60: 0.3 s; n = 60, K = 60: 6-11 s; n = 100, K = 100: 40 s), times 1.5
    so that the budget is rarely exceeded; measured / modelled 0.4-1.5.  0.3 s: set-up a fresh process pays
    (scipy.sparse for the Lanczos hint, the first flint products), so that tiny problems stay with dense,
    which also gives the multiplicity (P = 41, n = 20: dense 0.09 s, schur 0.5 s in a fresh process)."""
    del d  # no measurable effect at d = 1..10
    return 0.3 + 6.5e-10 * n ** 2.7 * K ** 1.1 * max(bits, 64) ** 1.25


def _float_screen(net: ReluNetwork, data: Dataset, c: Fraction) -> str | None:
    """None if the float64 structured method may run (every nonzero input, 2/eta and eta/2 within
    [1/FLOAT_RANGE, FLOAT_RANGE], so none of its products can overflow), else the reason it may not."""
    lo, hi = Fraction(1) / Fraction(FLOAT_RANGE), Fraction(FLOAT_RANGE)
    if not lo <= c <= hi:
        return f"2/eta = {_sci(c)} is outside [2^-96, 2^96]"
    for name, arr in (("W", net.W), ("b", net.b), ("v", net.v), ("beta", np.array([net.beta], dtype=object)),
                      ("X", data.X), ("y", data.y)):
        if isinstance(arr, np.ndarray) and arr.dtype == np.float64:  # one vectorised comparison (exact)
            arr = arr[np.abs(arr) > float(hi)] if arr.size else arr  # 2^96 is a float: no rounding
        for q in arr.flat:
            if abs(q) > hi:
                return f"an entry of {name} ({_sci(Fraction(q))}) exceeds 2^96 in magnitude"
    return None


def _auto_choice(ne: ReluNetwork, nd: Dataset, c: Fraction) -> tuple[str | None, str, dict]:
    """(method or None, why, modelled seconds): the cheapest exact method if its modelled cost is under
    BUDGET_SECONDS, else structured (float64, fast) if the magnitudes allow it, else None (undecided)."""
    bits = _input_bits(ne, nd)
    costs = {"dense": _cost_dense(ne.num_params, bits), "schur": _cost_schur(nd.n, ne.K, ne.d, bits)}
    best = min(costs, key=costs.get)
    model = f"modelled cost dense {costs['dense']:.2g} s, schur {costs['schur']:.2g} s"
    if costs[best] <= BUDGET_SECONDS:
        return best, f"{model}; {best} is exact and under the {BUDGET_SECONDS:g} s budget", costs
    why = _float_screen(ne, nd, c)
    if why is None:
        return "structured", f"{model}, both over the {BUDGET_SECONDS:g} s budget; structured is fast", costs
    return None, (f"{model}, both over the {BUDGET_SECONDS:g} s budget, and the float64 structured method "
                  f"cannot run: {why}; choose --method dense or schur to run an exact method anyway"), costs


def certify_stability(net: ReluNetwork, data: Dataset, eta, method: str = "auto", bits: int = 40,
                      progress=None, refine_steps: int = 0, loss: str = "half-mse") -> StabilityCertificate:
    """Return a StabilityCertificate deciding lambda_max(grad^2 L(theta)) <= 2/eta (Prop. 2.1).

    ``loss`` is the convention of L and eta (numerics.loss): "half-mse" (the theory's, default) or
    "mse" (torch's nn.MSELoss, grad^2 L = 2 H).  The decision is always made on H, the half-mse
    Hessian, at the threshold ``half_mse_threshold(eta, loss)``; the returned lambda_max bounds,
    estimate and two_over_eta are then those of the chosen convention (H's times 2 under "mse"), so
    "mse" at eta and "half-mse" at 2 eta give the same verdict and the same enclosure of H.

    The network and data are converted exactly to rationals (a float is its dyadic value), so the
    certificate speaks about the very point given.  Methods: "dense" (exact charpoly with a certified
    enclosure and multiplicity of lambda_max; P up to ~150), "schur" (exact n x n Schur complement, exact
    decision; small n^2 K), "structured" (same reduction in rigorously rounded float64; any size), "auto"
    (the cheaper exact method when its modelled cost is under BUDGET_SECONDS, else structured; the choice
    and its reason are in ``extra["auto"]``).  The structured method needs magnitudes float64 can carry
    (_float_screen); otherwise it hands over to an exact method within the budget, or returns undecided
    with the reason.  Raises KinkError if a data point lies on a kink (no Hessian): kinks are decided in
    exact arithmetic only.

    Args:
        net, data: any number kind (converted exactly); eta: step size (number or "p/q" / decimal string).
        method: "auto" | "dense" | "schur" | "structured".  bits: width of the dense lambda_max enclosure.
        refine_steps: structured method only: bisection steps tightening lambda_max_upper below 2/eta
            (each repeats the n x n certificate at a smaller t).
        progress: optional callable(str) for progress messages.

    >>> net = ReluNetwork.exact([[1]], [5], [1], 0)          # neuron never active on x = 1
    >>> data = Dataset.exact([[1]], [0])
    >>> cert = certify_stability(net, data, 2)                # 2/eta = 1 = lambda_max exactly
    >>> cert.stable, cert.certified, cert.lambda_max_upper
    (True, True, Fraction(1, 1))
    >>> certify_stability(net, data, "2.0000000001").stable
    False
    """
    t0 = time.perf_counter()
    if not isinstance(net, ReluNetwork):
        raise ValueError(f"net must be a numerics.ReluNetwork, got a {type(net).__name__}; for a torch model "
                         "call numerics.certify_model(model, X, y, lr) (torch's conventions)")
    if not isinstance(data, Dataset):
        raise ValueError(f"data must be a numerics.Dataset, got a {type(data).__name__}; build it with "
                         "Dataset.from_float(X, y), or call numerics.certify_model(model, X, y, lr)")
    eta_q = exact_eta(eta)
    conv = convention(loss)
    c = half_mse_threshold(eta_q, conv.name)  # the threshold on H (2/eta under half-mse)
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    if net.d != data.d:
        raise ValueError(f"network expects inputs of dimension {net.d}, data have {data.d}")
    # float64 entries are exact dyadic rationals already: the structured method's balls read them directly,
    # and auto measures and screens them without conversion (converted only for an exact method)
    floats = number_kind(net.kind).is_float and number_kind(data.kind).is_float
    direct = method in ("structured", "auto") and floats
    ne, nd = (net, data) if direct else (net.as_exact(), data.as_exact())
    extra = {}
    if method == "auto":
        method, why, costs = _auto_choice(ne, nd, c)
        extra["auto"] = {"method": method, "why": why, "modelled_seconds": costs}
        if progress:
            progress(f"auto: {method or 'no method'} ({why})")
        if method in ("dense", "schur") and direct:
            ne, nd = net.as_exact(), data.as_exact()
    elif method == "structured":
        why = _float_screen(ne, nd, c)
        if why is not None:
            ne, nd = net.as_exact(), data.as_exact()
            bits_in = _input_bits(ne, nd)
            costs = {"dense": _cost_dense(ne.num_params, bits_in), "schur": _cost_schur(nd.n, ne.K, ne.d, bits_in)}
            best = min(costs, key=costs.get)
            handover = best if costs[best] <= BUDGET_SECONDS else None
            extra["handover"] = {"from": "structured", "to": handover, "why": why, "modelled_seconds": costs}
            if progress:
                progress(f"structured cannot run ({why}); " + (f"handing over to {handover}" if handover else
                                                                "over budget: undecided"))
            method = handover
    if method is None:
        reason = extra.get("auto", extra.get("handover", {})).get("why", "")
        cert = StabilityCertificate(None, None, c, None, False, "none", f"undecided: {reason}",
                                    ne.num_params)
    elif method == "dense":
        cert = _dense(ne, nd, c, bits, progress)
    elif method == "schur":
        cert = _schur(ne, nd, c, bits, progress)
    else:
        cert = _structured(ne, nd, c, progress, refine_steps)
    if "handover" in extra and method is not None:
        cert.detail = f"handed over from structured ({extra['handover']['why']}); {cert.detail}"
    cert.extra.update(extra)
    if conv.hessian_scale != 1:  # report in the chosen convention: grad^2 L_conv = s H, 2/eta = s c
        s = conv.hessian_scale
        cert.lambda_max_lower = None if cert.lambda_max_lower is None else s * cert.lambda_max_lower
        cert.lambda_max_upper = None if cert.lambda_max_upper is None else s * cert.lambda_max_upper
        cert.two_over_eta = s * cert.two_over_eta
        cert.estimate = None if cert.estimate is None else s * cert.estimate
        cert.detail += f" (decided on the half-mse Hessian H at 2/eta / {s}; bounds reported for {conv.name}: {s} H)"
    cert.loss = conv.name
    cert.seconds = time.perf_counter() - t0
    return cert
