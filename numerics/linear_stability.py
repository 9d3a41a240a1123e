"""GD dynamics near a minimum against linear stability (Prop. 2.1), at high precision.

For a minimum theta* with Hessian H = grad^2 L(theta*), GD with step eta linearised at theta* is
delta_{t+1} = (I - eta H) delta_t, so the component of a perturbation along an eigenvector with
eigenvalue lam is multiplied by (1 - eta lam) each step: it contracts iff |1 - eta lam| < 1, and for
lam >= 0 that is eta < 2/lam (Prop. 2.1: linearly stable iff lambda_max <= 2/eta).  This module
computes the linearised prediction (eigen-decomposition of H, spectral radius of I - eta H, rate
|1 - eta lambda_max| along the top eigenvector), runs GD (numerics.gd, 50 digits by default) from
theta* + delta for perturbation sizes 1e-12..1e-4 in the top-eigenvector and a random direction,
fits the observed rate from the iterates and records whether the run stayed or escaped.

Everything here is NUMERICAL EVIDENCE (an eigen-decomposition and a simulation), never a
certificate; where numerics.certify is available its certificate is reported separately.

Example cases: numerics.stability_cases; polishing to a critical point: numerics.polish; the CLI
``python -m numerics.stability``: numerics.stability.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np

from numerics.certificates import certify_stability, exact_eta
from numerics.gd import mp_precision, run_gd, to_kind, vector_norm
from numerics.hessian import KinkError
from numerics.hessian import gradient as _gradient
from numerics.hessian import hessian as _hessian
from numerics.hessian import preactivations as _preactivations
from numerics.loss import convention
from numerics.network import Dataset, ReluNetwork, number_kind
from numerics.network import scalar as scalar_of_kind
from numerics.outcome import Outcome, Quantity

__all__ = [
    "LinearAnalysis",
    "linear_analysis",
    "fit_rate",
    "perturbation_run",
    "stability_experiment",
    "stability_check",
]

DEFAULT_SIZES = ("1e-12", "1e-8", "1e-4")
DEFAULT_DIRECTIONS = ("top", "random")


# ---------------------------------------------------------------------------------------------
# Linearised prediction
# ---------------------------------------------------------------------------------------------


@dataclass
class LinearAnalysis:
    """Eigen-decomposition of grad^2 L(theta*) and what it predicts for GD (Prop. 2.1).

    ``eigenvalues`` ascending and ``eigenvectors`` (columns, orthonormal) are mpf at ``dps`` digits
    when ``eig_method`` starts with "mpmath", else float64.  They are ESTIMATES (an iterative
    eigen-solver), not certified bounds.  ``kink_margin`` = min |w_k.x_i - b_k| over data and
    neurons (exact); no perturbation of norm < ``linear_region_radius`` = margin / sqrt(1 + R^2)
    changes any activation, so L is a fixed polynomial there.
    """

    theta_star: np.ndarray
    K: int
    d: int
    eigenvalues: list
    eigenvectors: np.ndarray
    eig_method: str
    kind: str
    dps: int | None
    gradient_norm: object
    gradient_exactly_zero: bool | None
    kink_margin: float
    linear_region_radius: float

    @property
    def quantity(self) -> Quantity:
        """lambda_max in the shared vocabulary (numerics.outcome): an estimate, never certified."""
        return Quantity("lambda_max", value=float(self.lambda_max), method=self.eig_method,
                        detail="iterative eigen-solver; half-mse convention (the theory's L)")

    @property
    def lambda_max(self):
        """Largest eigenvalue (estimate)."""
        return self.eigenvalues[-1]

    @property
    def lambda_min(self):
        """Smallest eigenvalue (estimate); negative means theta* is not a minimum."""
        return self.eigenvalues[0]

    @property
    def top_vector(self) -> np.ndarray:
        """Unit eigenvector of lambda_max."""
        return self.eigenvectors[:, -1]

    def null_tolerance(self) -> float:
        """Eigenvalues with |lam| below this count as zero (flat directions)."""
        eps = 10.0 ** (-(self.dps // 2)) if self.eig_method.startswith("mpmath") else 1e-9
        return eps * max(1.0, abs(float(self.lambda_max)))

    def rates(self, eta) -> dict:
        """Return the linearised prediction for step ``eta`` (float values; estimates).

        predicted_rate = |1 - eta lambda_max|; spectral_radius = max_i |1 - eta lam_i| (>= 1 when H
        is singular: flat directions neither grow nor shrink); spectral_radius_on_range = the same
        over eigenvalues with |lam| > null_tolerance; eta_threshold = 2 / lambda_max.
        """
        with mp_precision(self.dps):
            e = scalar_of_kind(eta, self.kind)
            lam = self.lambda_max
            tol = self.null_tolerance()
            facs = [abs(1 - e * x) for x in self.eigenvalues]
            rng = [abs(1 - e * x) for x in self.eigenvalues if abs(float(x)) > tol]
            return {
                "lambda_max": float(lam),
                "lambda_min": float(self.lambda_min),
                "eta": float(e),
                "eta_threshold": float(2 / lam),
                "predicted_rate": float(abs(1 - e * lam)),
                "linearly_stable_predicted": bool(e * lam <= 2),
                "spectral_radius": float(max(facs)),
                "spectral_radius_on_range": float(max(rng)) if rng else 0.0,
                "null_dim": sum(1 for x in self.eigenvalues if abs(float(x)) <= tol),
                "num_params": len(self.eigenvalues),
            }

    def linear_prediction(self, delta0: np.ndarray, eta, t: int) -> np.ndarray:
        """Return (I - eta H)^t delta0 through the eigen-decomposition (call inside mp_precision)."""
        Q = self.eigenvectors
        e = scalar_of_kind(eta, "mpmath" if Q.dtype == object else "float")
        coeff = Q.T.dot(delta0)
        fac = np.array([(1 - e * lam) ** t for lam in self.eigenvalues], dtype=Q.dtype)
        return Q.dot(coeff * fac)


def _kink_margin(net: ReluNetwork, data: Dataset) -> tuple[float, float]:
    en, ed = net.as_exact(), data.as_exact()
    Z = _preactivations(en, ed.X)
    margin = min(abs(z) for z in Z.ravel()) if Z.size else Fraction(0)
    R2 = max((sum(x * x for x in row) for row in ed.X), default=Fraction(0))
    return float(margin), float(margin) / math.sqrt(1.0 + float(R2))


def linear_analysis(
    net: ReluNetwork, data: Dataset, *, dps: int = 50, kind: str = "mpmath", mp_eig_limit: int = 40
) -> LinearAnalysis:
    """Return the eigen-decomposition of the Hessian at ``net`` and derived quantities (Prop. 2.1).

    The Hessian is numerics.hessian.hessian (one implementation) evaluated in ``kind``
    ("mpmath" at ``dps`` digits, or "float"); for P <= ``mp_eig_limit`` it is diagonalised by
    mpmath.eigsy at the same precision, otherwise by numpy.linalg.eigh in float64 (mpmath's dense
    solver is O(P^3) in software arithmetic: about 9 s at P = 60).  The gradient at theta* is also
    evaluated exactly (rationals) to say whether theta* is an exact critical point.  Raises
    numerics.hessian.KinkError if a data point lies on a kink (no Hessian exists there).

    >>> from numerics.stability_cases import construction_case
    >>> net, data = construction_case(n=6, seed=0)
    >>> a = linear_analysis(net, data, dps=30)
    >>> round(float(a.lambda_max), 12), a.gradient_exactly_zero
    (1.0, True)
    """
    if kind not in ("mpmath", "float"):
        raise ValueError(f"kind must be 'mpmath' or 'float', got {kind!r}")
    margin, radius = _kink_margin(net, data)
    g_exact = _gradient(net.as_exact(), data.as_exact())
    exactly_zero = all(g == 0 for g in g_exact)
    use_dps = int(dps) if number_kind(kind).variable_precision else None
    with mp_precision(use_dps):
        kn, kd = to_kind(net, data, kind)
        H = _hessian(kn, kd)
        P = H.shape[0]
        gnorm = vector_norm(np.array([scalar_of_kind(g, kind) for g in g_exact], dtype=object))
        if number_kind(kind).variable_precision and P <= mp_eig_limit:
            E, Q = mpmath.eigsy(mpmath.matrix([[H[i, j] for j in range(P)] for i in range(P)]))
            order = sorted(range(P), key=lambda i: E[i])
            evals = [E[i] for i in order]
            evecs = np.array([[Q[r, i] for i in order] for r in range(P)], dtype=object)
            method = f"mpmath.eigsy at {use_dps} digits (estimate)"
        else:
            Hf = np.array([[float(H[i, j]) for j in range(P)] for i in range(P)], dtype=float)
            Hf = (Hf + Hf.T) / 2
            w, V = np.linalg.eigh(Hf)
            evals = [float(x) for x in w]
            evecs = V
            method = "numpy.linalg.eigh in float64 (estimate)"
        theta = kn.to_vector()
    return LinearAnalysis(
        theta_star=theta,
        K=net.K,
        d=net.d,
        eigenvalues=evals,
        eigenvectors=evecs,
        eig_method=method,
        kind=kind,
        dps=use_dps,
        gradient_norm=gnorm,
        gradient_exactly_zero=exactly_zero,
        kink_margin=margin,
        linear_region_radius=radius,
    )


# ---------------------------------------------------------------------------------------------
# Rate fitting and perturbation runs
# ---------------------------------------------------------------------------------------------


def fit_rate(values, steps=None) -> float | None:
    """Return the geometric rate rho fitted to |values[t]| ~ C rho^t by least squares on logs.

    ``values`` may be float or mpf (logs are taken in mpmath, so tiny mpf values are fine);
    ``steps`` are the step numbers (default 0, 1, 2, ...).  Returns None with fewer than 3 points
    or a zero value.  For an exactly geometric sequence the fit is exact up to rounding.

    >>> round(fit_rate([2 * 0.8 ** t for t in range(10)]), 12)
    0.8
    """
    vals = list(values)
    ts = list(range(len(vals))) if steps is None else list(steps)
    if len(vals) < 3 or any(v == 0 for v in vals):
        return None
    logs = np.array([float(mpmath.log(abs(mpmath.mpf(v)))) for v in vals])
    t = np.array(ts, dtype=float)
    slope = np.polyfit(t - t.mean(), logs - logs.mean(), 1)[0]
    return float(math.exp(slope))


def _direction(analysis: LinearAnalysis, which: str, seed: int, kind: str) -> np.ndarray:
    P = len(analysis.eigenvalues)
    if which == "top":
        q = analysis.top_vector
        vec = np.array([scalar_of_kind(x, kind) for x in q], dtype=number_kind(kind).dtype)
    elif which == "random":
        g = np.random.default_rng(seed).standard_normal(P)
        vec = np.array([scalar_of_kind(x, kind) for x in g], dtype=number_kind(kind).dtype)
    else:
        raise ValueError(f"direction must be 'top' or 'random', got {which!r}")
    return vec / vector_norm(vec)


def perturbation_run(
    analysis: LinearAnalysis,
    data: Dataset,
    eta,
    direction: str,
    size,
    steps: int,
    *,
    base=None,
    seed: int = 0,
    escape_factor: float = 1e3,
    linear_cap: float = 1e-8,
) -> dict:
    """Return the outcome of GD from theta* + size * direction (float summary; estimates).

    delta_t = theta_t - base_t, where base is GD from theta* itself (so rounding of theta* and a
    not-quite-zero gradient cancel).  The observed rate is :func:`fit_rate` of the component
    c_t = q . delta_t along the top unit eigenvector q over the linear window: from t = 0 while
    ||delta_t|| <= max(linear_cap, 10 size) and |c_t| >= max(100 size^2, noise), where second-order
    terms are negligible.  ``escaped``: ||delta_t|| exceeded escape_factor * size, or grew more than
    10x and left the kink-free ball, or overflowed; ``stayed`` is its negation over all ``steps``;
    ``bounded_after_escape``: escaped but ran all steps without reaching escape_factor * size.  ``linear_prediction_rel_error`` is
    max over the window of ||delta_t - (I - eta H)^t delta_0|| / max_{s<=t} ||(I - eta H)^s delta_0||
    (all modes, not only the top one).
    """
    kind = analysis.kind
    dps = analysis.dps
    K, d = analysis.K, analysis.d
    with mp_precision(dps):
        s = scalar_of_kind(size, kind)
        theta_star = analysis.theta_star
        if base is None:
            base = run_gd(ReluNetwork.from_vector(theta_star, K, d), data, eta, steps, kind=kind, dps=dps)
        dirv = _direction(analysis, direction, seed, kind)
        delta0 = s * dirv
        start = ReluNetwork.from_vector(theta_star + delta0, K, d)
        limit = escape_factor * float(s)
        base_th = base.thetas

        def stop(t, theta):
            if t >= len(base_th):
                return False
            return float(vector_norm(theta - base_th[t])) > limit

        traj = run_gd(start, data, eta, steps, kind=kind, dps=dps, stop=stop)
        n = min(len(traj.thetas), len(base_th))
        deltas = [traj.thetas[t] - base_th[t] for t in range(n)]
        q = analysis.top_vector
        if q.dtype != number_kind(kind).dtype:  # a float64 eigenvector used in mpf arithmetic
            q = np.array([number_kind(kind).convert(x) for x in q], dtype=object)
        cs = [q.dot(dl) for dl in deltas]
        norms = [vector_norm(dl) for dl in deltas]
        noise = 1e3 * (10.0 ** (-dps) if dps else 2.2e-16) * max(1.0, float(vector_norm(theta_star)))
        floor = max(100 * float(s) ** 2, noise)
        cap = max(linear_cap, 10 * float(s))
        window = 0
        for t in range(n):
            if abs(cs[t]) < floor or float(norms[t]) > cap or not math.isfinite(float(norms[t])):
                break
            window = t + 1
        observed = fit_rate(cs[:window]) if window >= 3 else None
        pred_err = None
        if window >= 2:
            # Deviation from (I - eta H)^t delta_0 in all modes, relative to the largest linear
            # iterate so far: second-order terms that settle in flat directions are measured
            # against the perturbation's scale, not against a mode that has decayed to 1e-20.
            worst, scale = 0.0, 0.0
            for t in range(window):
                lin = analysis.linear_prediction(delta0, eta, t)
                scale = max(scale, float(vector_norm(lin)))
                worst = max(worst, float(vector_norm(deltas[t] - lin)) / scale if scale else 0.0)
            pred_err = worst
        max_norm = max((float(x) for x in norms), default=0.0)
        # Escape: growth past escape_factor * size, or growth by > 10x that also left the kink-free
        # ball (GD past 2/lambda_max can be caught by the nonlinearity at a bounded distance, as
        # in edge-of-stability dynamics; it has still left theta*).  Below the threshold ||delta_t||
        # never grows in the linear regime (H symmetric), so 10x growth is a clean signal.
        grew = max_norm > 10 * float(s) and max_norm >= analysis.linear_region_radius
        escaped = bool(traj.nonfinite or max_norm > limit or grew)
        rates = analysis.rates(eta)
        pr = rates["predicted_rate"]
    return {
        "direction": direction,
        "size": float(s),
        "steps_run": traj.steps_done,
        "linear_window": window,
        "observed_rate": observed,
        "predicted_rate": pr,
        "rate_rel_error": (abs(observed - pr) / pr if (observed is not None and pr > 0) else None),
        "linear_prediction_rel_error": pred_err,
        "initial_distance": float(norms[0]),
        "final_distance": float(norms[-1]) if math.isfinite(float(norms[-1])) else None,
        "max_distance": max_norm if math.isfinite(max_norm) else None,
        "max_growth": (max_norm / float(norms[0])) if math.isfinite(max_norm) and float(norms[0]) else None,
        "stayed": not escaped,
        "escaped": escaped,
        "bounded_after_escape": bool(escaped and not traj.nonfinite and not traj.stopped_early),
        "may_have_crossed_kink": bool(max_norm >= analysis.linear_region_radius),
    }


def _critical_tol(analysis: LinearAnalysis) -> float:
    return 10.0 ** (-(analysis.dps // 2)) if analysis.dps else 1e-8


def _certificate(net: ReluNetwork, data: Dataset, eta: Fraction, loss: str = "half-mse") -> dict:
    try:
        cert = certify_stability(net.as_exact(), data.as_exact(), eta, loss=loss)
    except Exception as exc:  # a refusal (e.g. KinkError) is reported, not fatal, for the dynamics
        return {"certified": False, "detail": f"certify_stability refused: {exc}"}
    return {
        "certified": bool(cert.certified),
        "stable": cert.stable,
        "lambda_max_lower": None if cert.lambda_max_lower is None else str(cert.lambda_max_lower),
        "lambda_max_upper": None if cert.lambda_max_upper is None else str(cert.lambda_max_upper),
        "method": cert.method,
        "detail": cert.detail,
        "loss": cert.loss,
    }


def stability_experiment(
    net: ReluNetwork,
    data: Dataset,
    eta=None,
    *,
    eta_factor=None,
    dps: int = 50,
    kind: str = "mpmath",
    steps: int = 200,
    sizes=DEFAULT_SIZES,
    directions=DEFAULT_DIRECTIONS,
    seed: int = 0,
    certify: bool = True,
    analysis: LinearAnalysis | None = None,
    progress=None,
    loss: str = "half-mse",
) -> dict:
    """Return the linearised prediction and GD perturbation runs at step ``eta`` (Prop. 2.1).

    ``loss`` (numerics.loss) is the convention of eta and of the reported lambda's: under "mse"
    (torch's nn.MSELoss) GD at lr eta runs the iterates of half-mse GD at step 2 eta, which is what is
    simulated; lambda_max, lambda_min and eta_threshold are then reported for grad^2 L_mse = 2 H.

    Give ``eta`` or ``eta_factor`` (eta = eta_factor * 2 / lambda_max).  Keys: lambda_max, eta,
    eta_threshold, predicted_rate (= |1 - eta lambda_max|), observed_rate (fit from the smallest
    top-eigenvector run), stable_observed (every run stayed), dps, plus the spectral radii, the
    exactness of grad L(theta*) = 0, the kink margin, the certificate of numerics.certify when
    available (``certified``), and ``runs``.  All numbers except ``certificate`` are estimates.

    >>> from numerics.stability_cases import construction_case
    >>> net, data = construction_case(n=6, seed=0)
    >>> r = stability_experiment(net, data, eta_factor=0.9, dps=30, steps=40, sizes=("1e-12",),
    ...                          directions=("top",), certify=False)
    >>> r["eta_threshold"], r["stable_observed"], abs(r["observed_rate"] - 0.8) < 1e-9
    (2.0, True, True)
    """
    if (eta is None) == (eta_factor is None):
        raise ValueError("give exactly one of eta and eta_factor")

    conv = convention(loss)
    scale = conv.hessian_scale
    user_eta_conv = eta
    if eta is not None and scale != 1:  # the same iterates in the half-mse convention (numerics.loss)
        eta = exact_eta(eta) * scale if not isinstance(eta, (float, mpmath.mpf)) else eta * scale
    if analysis is None:
        analysis = linear_analysis(net, data, dps=dps, kind=kind)
    user_eta = eta
    with mp_precision(analysis.dps):
        if eta is None:
            lam = analysis.lambda_max
            f = scalar_of_kind(eta_factor, analysis.kind)
            eta = f * 2 / number_kind(analysis.kind).convert(lam)
        eta_k = scalar_of_kind(eta, analysis.kind)
        if float(eta_k) <= 0:
            raise ValueError(f"eta must be positive, got {float(eta_k)}")
        rates = analysis.rates(eta_k)
        base = run_gd(
            ReluNetwork.from_vector(analysis.theta_star, analysis.K, analysis.d),
            data, eta_k, steps, kind=analysis.kind, dps=analysis.dps,
        )
        runs = []
        for direction in directions:
            for size in sizes:
                if progress:
                    progress(f"GD run: direction={direction} size={size} eta={float(eta_k):.6g}")
                runs.append(
                    perturbation_run(analysis, data, eta_k, direction, size, steps, base=base, seed=seed)
                )
        top = [r for r in runs if r["direction"] == "top" and r["observed_rate"] is not None]
        observed = min(top, key=lambda r: r["size"])["observed_rate"] if top else None
        gnorm = float(analysis.gradient_norm)
        eta_str = number_kind(analysis.kind).text(eta_k, 20)
        lam_str = number_kind(analysis.kind).text(analysis.lambda_max, 30)
    out = {
        "lambda_max": rates["lambda_max"],
        "eta": rates["eta"],
        "eta_threshold": rates["eta_threshold"],
        "predicted_rate": rates["predicted_rate"],
        "observed_rate": observed,
        "stable_observed": all(r["stayed"] for r in runs),
        "dps": analysis.dps,
        "lambda_max_digits": lam_str,
        "eta_digits": eta_str,
        "lambda_min": rates["lambda_min"],
        "linearly_stable_predicted": rates["linearly_stable_predicted"],
        "spectral_radius": rates["spectral_radius"],
        "spectral_radius_on_range": rates["spectral_radius_on_range"],
        "null_dim": rates["null_dim"],
        "num_params": rates["num_params"],
        "eig_method": analysis.eig_method,
        "estimate": True,
        "gradient_norm": gnorm,
        "gradient_exactly_zero": analysis.gradient_exactly_zero,
        # The linearisation is about a critical point; elsewhere the base trajectory moves and the
        # Hessian at theta* says little about the dynamics (use polish_minimum / --polish first).
        "critical_point": bool(analysis.gradient_exactly_zero or gnorm <= _critical_tol(analysis)),
        "kink_margin": analysis.kink_margin,
        "linear_region_radius": analysis.linear_region_radius,
        "steps": int(steps),
        "runs": runs,
    }
    # The certificate is asked about the step the user gave (e.g. exactly 9/5), or, for a step
    # derived from the estimated lambda_max, about the exact value of the step GD actually used.
    eta_cert = exact_eta(user_eta if user_eta is not None else eta_k)
    if scale != 1:  # back to the chosen convention: lambda's of s H, steps of 1/s
        eta_cert = exact_eta(user_eta_conv) if user_eta_conv is not None else eta_cert / scale
        for key in ("lambda_max", "lambda_min"):
            out[key] = None if out[key] is None else scale * out[key]
        out["eta"] = out["eta"] / scale
        out["eta_threshold"] = out["eta_threshold"] / scale
    out["loss"] = conv.name
    extra = () if conv.name == "half-mse" else (conv.name,)
    out["certificate"] = (_certificate(net, data, eta_cert, *extra) if certify
                          else {"certified": False, "detail": "not requested"})
    out["certified"] = out["certificate"]["certified"]
    cert_stable = out["certificate"].get("stable") if out["certified"] else None
    # The point of this check: the certified verdict and the observed dynamics must agree.
    out["certificate_agrees_with_dynamics"] = None if cert_stable is None else bool(cert_stable) == out["stable_observed"]
    return out


def stability_check(
    net: ReluNetwork,
    data: Dataset,
    *,
    dps: int = 30,
    steps: int = 120,
    factors=(Fraction(9, 10), Fraction(11, 10)),
    rate_tol: float = 1e-6,
    grad_tol: float = 1e-20,
    certify: bool = True,
) -> Outcome:
    """Return an :class:`~numerics.outcome.Outcome`: GD at ``dps`` digits agrees with linear stability.

    Passes iff theta* is a critical point (||grad L|| <= grad_tol, exactly zero for exact input),
    the Hessian has no negative eigenvalue beyond rounding, and for each factor c the runs from a
    1e-12 perturbation (top eigenvector and random) stay when c * 2/lambda_max < 2/lambda_max and
    escape when above, with the observed rate equal to |1 - 2c| to ``rate_tol`` relative, and
    (when numerics.certify is available and ``certify``) its certified verdict for each step agrees
    with what GD did.  Meant
    for constructions.verify's list of checks at small size.  ``certified`` is always False: this
    is a numerical cross-check of the certificate, not a certificate; its quantity "lambda_max" is the
    eigen-solver's estimate.

    >>> from numerics.stability_cases import construction_case
    >>> net, data = construction_case(n=6, seed=0)
    >>> r = stability_check(net, data, steps=80); r.holds, r.status
    (True, 'estimate')
    """
    name = "GD dynamics vs linear stability (Prop. 2.1)"
    try:
        analysis = linear_analysis(net, data, dps=dps)
    except KinkError as exc:
        return Outcome(name, False, False, "linear_analysis", f"no Hessian: {exc}")
    if float(analysis.gradient_norm) > grad_tol:
        return Outcome(name, False, False, "linear_analysis",
                       f"not a critical point: ||grad L|| = {float(analysis.gradient_norm):.3g}")
    tol = analysis.null_tolerance()
    if float(analysis.lambda_min) < -tol:
        return Outcome(name, False, False, "linear_analysis",
                       f"not a minimum: lambda_min = {float(analysis.lambda_min):.3g} < 0", (analysis.quantity,))
    problems, parts = [], []
    for c in factors:
        r = stability_experiment(net, data, eta_factor=c, dps=dps, steps=steps, sizes=("1e-12",),
                                 certify=certify, analysis=analysis)
        if r["certificate_agrees_with_dynamics"] is False:
            problems.append(f"c={c}: certificate says stable={r['certificate'].get('stable')} "
                            f"but GD {'stayed' if r['stable_observed'] else 'escaped'}")
        expect_stay = c < 1
        for run in r["runs"]:
            if run["stayed"] != expect_stay:
                problems.append(f"c={c}: {run['direction']} run {'stayed' if run['stayed'] else 'escaped'}")
        obs, pred = r["observed_rate"], r["predicted_rate"]
        if obs is None or abs(obs - pred) > rate_tol * pred:
            problems.append(f"c={c}: observed rate {obs} vs predicted {pred:.12g}")
        cert = ("" if not r["certified"] else
                f", certificate: {'stable' if r['certificate'].get('stable') else 'unstable'}")
        parts.append(f"eta={float(c)}*2/lam: rate {obs if obs is None else f'{obs:.12g}'} "
                     f"(pred {pred:.12g}), {'stayed' if r['stable_observed'] else 'escaped'}{cert}")
    detail = (f"lambda_max~{float(analysis.lambda_max):.12g} (estimate, {analysis.eig_method}); "
              + "; ".join(parts) + ("" if not problems else " | FAIL: " + "; ".join(problems)))
    return Outcome(name, not problems, False, f"GD at {dps} digits vs {analysis.eig_method}", detail,
                   (analysis.quantity,))
