"""Fano's method on the packing family: the minimax lower bound of Thm 3.7 (App. H).

Toolkit's reading of the Fano step of App. H (reconstructed): with M = |Xi| >= 2^{N/8} hypotheses
f_xi, pairwise ||f_xi - f_xi'||^2 >= 4 D ||Phi||^2 (D = minimum Hamming distance, disjoint supports) and
KL(P_xi || P_xi') = n ||f_xi - f_xi'||^2 / (2 sigma^2) <= 2 n N ||Phi||^2 / sigma^2, Fano's inequality gives,
for every estimator,
    sup_xi E ||f_hat - f_xi||^2_{L2(P_X)} >= D ||Phi||^2 (1 - (2 n N ||Phi||^2 / sigma^2 + log 2) / log M),
(nearest-hypothesis reduction: an error costs at least half the separation, squared). Norms are in
L2(P_X), P_X = Uniform(B^d_1). Optimising eps gives eps ~ (sigma^2/n)^{1/(d+1)} and risk ~ eps^2, i.e.
the exponent 2/(d+1) (1/2 for d = 1, where the bumps of Construction H.7 / Prop. H.8 replace the caps).

``minimax_lower_bound`` evaluates this for the *guaranteed* sizes (maximal-packing bound for N,
2^{N/8} for M, D = ceil(N/8)) in float64 and is an ESTIMATE of a rigorous bound (float rounding, eps grid);
``fano_bound_certified`` evaluates it for a constructed family in arb ball arithmetic.
"""

from __future__ import annotations

from fractions import Fraction
from math import gamma, inf, log, nextafter, pi

import flint
import numpy as np
import sympy as sp
from scipy.special import betainc, roots_jacobi

from ._integrals import arb_eval

__all__ = ["fano_bound", "fano_bound_certified", "fano_bound_certified_sums", "minimax_lower_bound",
           "fitted_exponent", "paper_exponent"]


def fano_bound(n, sigma, N, phi_sq, D, log_M) -> float:
    """Return max(0, D phi_sq (1 - (2 n N phi_sq / sigma^2 + log 2) / log M)) in float64 (App. H, Fano).

    Args: n samples, noise sigma, N atoms, phi_sq = ||Phi||^2_{L2(P_X)}, D minimum Hamming distance,
    log_M natural log of the number of hypotheses.

    >>> round(fano_bound(100, 1.0, 64, 1e-4, 8, 8 * log(2)), 8)
    0.00051534
    """
    if log_M <= 0:
        return 0.0
    val = D * phi_sq * (1 - (2 * n * N * phi_sq / sigma ** 2 + log(2)) / log_M)
    return max(0.0, float(val))


def fano_bound_certified(n: int, sigma, N: int, phi_sq_expr, D: int, M: int) -> tuple[float, float]:
    """Return a certified enclosure (lower, upper) of the Fano bound for a constructed family (arb).

    ``phi_sq_expr`` is the exact sympy value of ||Phi||^2_{L2(P_X)}; sigma rational. The bound itself is
    max(0, .); the returned ``lower`` is a rigorous lower bound of it.

    >>> lo, hi = fano_bound_certified(100, 1, 64, Fraction(1, 10000), 8, 256); round(lo, 12), round(hi, 12)
    (0.000515335035, 0.000515335035)
    """
    return fano_bound_certified_sums(n, sigma, D * sp.sympify(phi_sq_expr), N * sp.sympify(phi_sq_expr), M)


def fano_bound_certified_sums(n: int, sigma, sep_expr, kl_sum_expr, M: int) -> tuple[float, float]:
    """Return a certified enclosure (lower, upper) of max(0, S (1 - (2 n L / sigma^2 + log 2) / log M)) (arb).

    The general form for coordinates of unequal norms: ``sep_expr`` = S, a lower bound on
    ||f_xi - f_xi'||^2 / 4 over the hypotheses (e.g. the sum of the D smallest ||phi_j||^2), and
    ``kl_sum_expr`` = L = sum_j ||phi_j||^2 (so KL <= n 4 L / (2 sigma^2) = 2 n L / sigma^2); both exact
    sympy values, M the number of hypotheses.  With equal norms, S = D phi and L = N phi.

    >>> lo, hi = fano_bound_certified_sums(100, 1, 8 * sp.Rational(1, 10000), 64 * sp.Rational(1, 10000), 256)
    >>> round(lo, 12)
    0.000515335035
    """
    old = flint.ctx.prec
    flint.ctx.prec = 256
    try:
        sep = arb_eval(sep_expr, 256)
        L = arb_eval(kl_sum_expr, 256)
        s = Fraction(sigma)
        s2 = flint.arb(flint.fmpq(s.numerator ** 2, s.denominator ** 2))
        if M < 2:
            return 0.0, 0.0
        val = sep * (1 - (2 * n * L / s2 + flint.arb(2).log()) / flint.arb(M).log())
        # outward rounding to float64 keeps the enclosure rigorous
        lo, hi = nextafter(float(val.lower()), -inf), nextafter(float(val.upper()), inf)
    finally:
        flint.ctx.prec = old
    return max(0.0, lo), max(0.0, hi)


_NODES = {}


def _phi_sq_uniform(d: int, eps: np.ndarray) -> np.ndarray:
    """||Phi||^2_{L2(P_X)} in float64: (V_{d-1}/V_d) eps^{d+1} int_0^1 (1-x)^2 x^a (2 - eps^2 x)^a dx, a = (d-1)/2,
    by Gauss-Jacobi quadrature with the weight (1-x)^2 x^a (exact for the smooth remainder to ~1e-16)."""
    if d not in _NODES:
        t, w = roots_jacobi(24, 2.0, (d - 1) / 2)  # weight (1-t)^2 (1+t)^a on [-1, 1]
        _NODES[d] = ((1 + t) / 2, w / 2 ** (3 + (d - 1) / 2))
    x, w = _NODES[d]
    a = (d - 1) / 2
    ratio = (pi ** ((d - 1) / 2) / gamma((d + 1) / 2)) / (pi ** (d / 2) / gamma(d / 2 + 1))
    e = np.asarray(eps, dtype=float)[:, None]
    return ratio * e[:, 0] ** (d + 1) * ((2 - e ** 2 * x) ** a * w).sum(1)


def _guaranteed_caps(d: int, eps: np.ndarray) -> np.ndarray:
    """Maximal-packing lower bound on the number of disjoint caps (float): ceil(1 / frac(2 theta))."""
    theta = np.arccos(1 - np.asarray(eps, dtype=float) ** 2)
    two = 2 * theta
    if d == 2:
        frac = two / pi
    else:
        s2 = np.sin(two) ** 2
        half = 0.5 * betainc((d - 1) / 2, 0.5, s2)
        frac = np.where(two <= pi / 2, half, 1 - half)
    return np.maximum(1, np.ceil(1 / frac))


def minimax_lower_bound(n, sigma, d: int, grid: int = 800) -> dict:
    """Return the Fano lower bound maximised over eps, with the maximiser (float64 ESTIMATE).

    d >= 2: N = maximal-packing guarantee, phi_sq = atom norm in L2(P_X); d = 1: N = floor(1/eps) bumps of
    Construction H.7 with height 1/16. M = 2^{N/8}, D = ceil(N/8).

    >>> r = minimax_lower_bound(10**6, 1.0, 3); r["bound"] > 0, 0 < r["eps"] < 0.5
    (True, True)
    """
    eps = np.geomspace(1e-7, 0.5, grid)
    if d == 1:
        N = np.floor(1 / eps)
        phi = (1 / 16) ** 2 * (9 / 16) * eps ** 2 * (151 / 315) / 2
    else:
        N = _guaranteed_caps(d, eps)
        phi = _phi_sq_uniform(d, eps)
    D = np.ceil(N / 8)
    logM = N / 8 * log(2)
    val = D * phi * (1 - (2 * n * N * phi / sigma ** 2 + log(2)) / logM)
    val = np.where(N >= 8, np.maximum(val, 0.0), 0.0)
    k = int(np.argmax(val))
    return {"bound": float(val[k]), "eps": float(eps[k]), "N": int(N[k])}


def fitted_exponent(d: int, sigma: float = 1.0, ns=None) -> tuple[float, list]:
    """Return (p_fit, rows): least-squares slope of -log(bound) against log n (ESTIMATE).

    >>> p, _ = fitted_exponent(3); abs(p - 0.5) < 0.05
    True
    """
    ns = np.geomspace(1e6, 1e12, 13) if ns is None else np.asarray(ns, dtype=float)
    rows = [minimax_lower_bound(float(n), sigma, d) for n in ns]
    y = np.log([r["bound"] for r in rows])
    slope = np.polyfit(np.log(ns), y, 1)[0]
    return float(-slope), [dict(n=float(n), **r) for n, r in zip(ns, rows)]


def paper_exponent(d: int):
    """Return the minimax exponent 2/(d+1) (1/2 for d = 1) of Thm 3.7 from the bounds package.

    >>> paper_exponent(3)
    Fraction(1, 2)
    """
    import bounds

    return bounds.get_rate("minimax_mse_lower").exponent_at(d)
