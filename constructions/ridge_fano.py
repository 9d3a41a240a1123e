"""The Fano bound of the ridge-bump families, optimised over (delta, w, h) for each n (derived here).

For a family with N directions, K tents per direction of width w = delta/K and height h in the slab of
depth delta = eps^2 (:mod:`constructions.ridge`), T = N K sign coordinates, a Varshamov-Gilbert set of
M >= 2^{T/8} sign vectors at Hamming distance >= D = ceil(T/8), and Fano's inequality
(:mod:`constructions.fano`) give, for every estimator,

    sup_xi E ||f_hat - f_xi||^2_{L2(P_X)} >= S_D (1 - (2 n L / sigma^2 + log 2) / log M),

S_D = the sum of the D smallest ||phi_j||^2 (the separation of two codewords, quartered), L = sum of all
||phi_j||^2 (half the largest squared distance).  Both scale as h^2; the cost bound scales as h, so for
given (delta, K) the best h is min(1, 1 / cost(h = 1), sqrt((log M - log 2) sigma^2 / (4 n L(h = 1)))).
:func:`optimum` maximises over a grid of (delta, K) in float64 - an ESTIMATE of the best bound these
families certify (the certified value for one constructed family is in ``constructions.verify
--family ridge|ridge-multi``).  :func:`fitted_exponent` fits the slope over n in [1e6, 1e12].

Closed forms in float64: with depth x = 1 - t, Q = I_{x(2-x)}((d+1)/2, 1/2)/2, E[X_1 1{X_1 > t}] =
c1 (x(2-x))^{(d+1)/2}/(d+1), S = that - t Q, m = that / Q and G = Q S sqrt(1 + m^2); tent norms by
8-point Gauss-Legendre per half-tent in the depth variable.
"""

from __future__ import annotations

from fractions import Fraction
from math import gamma, inf, log, nextafter, pi, sqrt

import numpy as np
import sympy as sp
from scipy.special import betainc, roots_legendre

from .fano import _guaranteed_caps

__all__ = ["population_weight_depth", "family_terms", "fano_value", "optimum", "fitted_exponent", "derived_exponent",
           "certified_bound", "certified_comparison"]

_GL = roots_legendre(8)


def _c1(d: int) -> float:
    return gamma(d / 2 + 1) / (sqrt(pi) * gamma((d + 1) / 2))


def population_weight_depth(x, d: int) -> np.ndarray:
    """Return G(1 - x) for depths 0 <= x <= 1 (float64 estimate, vectorised).

    >>> round(float(population_weight_depth(np.array([1.0]), 1)[0]), 12)   # G(0) = sqrt(5)/16
    0.139754248594
    """
    x = np.clip(np.asarray(x, dtype=float), 0.0, 1.0)
    r = x * (2 - x)
    Q = 0.5 * betainc((d + 1) / 2, 0.5, r)
    first = _c1(d) * r ** ((d + 1) / 2) / (d + 1)
    S = first - (1 - x) * Q
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.where(Q > 0, first / np.where(Q > 0, Q, 1), 1.0)
    return np.where(x > 0, Q * S * np.sqrt(1 + m * m), 0.0)


def _tent_l2_unit(x0, w, d: int) -> np.ndarray:
    """||tent||^2_{L2(P_X)} for height 1, width w, left end at depth x0 (support depths [x0 - w, x0])."""
    t, wt = _GL
    out = 0.0
    for lo in (0.0, 0.5):
        # half-tent in the local coordinate z in [lo, lo + 1/2] (z = 0 at the left end): value 2z or 2(1 - z)
        z = lo + (t + 1) / 4
        val = np.where(z <= 0.5, 2 * z, 2 * (1 - z))
        depth = np.asarray(x0, dtype=float)[..., None] - z * w
        dens = _c1(d) * np.clip(depth * (2 - depth), 0, None) ** ((d - 1) / 2)
        out = out + (val ** 2 * dens * wt).sum(-1) * w / 4
    return out


def family_terms(d: int, delta: float, K: int, chunks: int = 512) -> tuple:
    """Return (cost1, l2_values, multiplicities): cost bound at h = 1 per direction, tent norms at h = 1.

    Tents j = 0..K-1 have left ends at depth delta - j w.  For K > chunks the sums use ``chunks``
    representative tents (chunk centres) with multiplicities (smooth summands: an estimate).

    >>> c, v, m = family_terms(1, 0.25, 4); float(m.sum()), bool(c > 0)
    (4.0, True)
    """
    w = delta / K
    if K <= chunks:
        j = np.arange(K, dtype=float)
        mult = np.ones(K)
    else:
        edges = np.linspace(0, K, chunks + 1)
        j = np.floor((edges[:-1] + edges[1:]) / 2)
        mult = np.diff(np.floor(edges))
    x0 = delta - j * w
    G = population_weight_depth
    cost = (2 / w) * (G(x0, d) + 2 * G(x0 - w / 2, d) + G(x0 - w, d))
    return float((cost * mult).sum()), _tent_l2_unit(x0, w, d), mult


def _directions(d: int, eps) -> np.ndarray:
    if d == 1:
        return np.full_like(np.asarray(eps, dtype=float), 2.0)
    return _guaranteed_caps(d, eps)


def fano_value(n: float, sigma: float, d: int, delta: float, K: int, N: int) -> dict:
    """Return the Fano bound (float64 ESTIMATE) of the family (N directions, K tents, depth delta) at the
    best height h, with h and the ingredients.

    >>> r = fano_value(1e6, 1.0, 2, 0.01, 40, 1); r["bound"] > 0, r["h"] <= 1
    (True, True)
    """
    cost1, l2, mult = family_terms(d, delta, K)
    T = N * K
    if T < 8:
        return {"bound": 0.0, "h": 0.0, "T": T, "cost1": N * cost1}
    L = N * float((l2 * mult).sum())
    D = -(-T // 8)
    order = np.argsort(l2)
    vals, cnt = l2[order], (mult * N)[order]
    cum = np.cumsum(cnt)
    k = int(np.searchsorted(cum, D))
    prev = cum[k - 1] if k else 0
    S_D = float((vals[:k] * cnt[:k]).sum() + (D - prev) * vals[k])
    logM = T / 8 * log(2)
    h2 = min(1.0, 1 / (N * cost1) ** 2, (logM - log(2)) * sigma ** 2 / (4 * n * L))
    if h2 <= 0:
        return {"bound": 0.0, "h": 0.0, "T": T, "cost1": N * cost1}
    val = h2 * S_D * (1 - (2 * n * h2 * L / sigma ** 2 + log(2)) / logM)
    return {"bound": max(0.0, float(val)), "h": sqrt(h2), "T": T, "cost1": N * cost1, "S_D": h2 * S_D, "L": h2 * L,
            "binding": "h=1" if h2 == 1.0 else ("cost" if h2 == 1 / (N * cost1) ** 2 else "kl")}


def optimum(n: float, d: int, multi: bool, sigma: float = 1.0, grid: int = 36) -> dict:
    """Return the best Fano bound over (delta = eps^2, K, h) for sample size n (float64 ESTIMATE).

    A coarse log grid in eps and K, then one refinement around the best point.

    >>> r = optimum(1e8, 2, multi=True); r["bound"] > 0 and r["delta"] < 1
    True
    """
    def search(eps_grid, k_grid):
        best = {"bound": 0.0}
        for e in eps_grid:
            N = int(_directions(d, np.array([e]))[0]) if multi else 1
            for K in k_grid:
                r = fano_value(n, sigma, d, e * e, int(K), N)
                if r["bound"] > best["bound"]:
                    best = dict(r, delta=float(e * e), eps=float(e), K=int(K), N=N)
        return best

    kmax = max(16.0, n ** 0.75)
    best = search(np.geomspace(1e-4, 0.7, grid), np.unique(np.geomspace(1, kmax, grid).astype(int)))
    if best["bound"] > 0:
        e, K = best["eps"], best["K"]
        best = search(np.geomspace(e / 1.5, min(0.7, e * 1.5), 13),
                      np.unique(np.geomspace(max(1, K / 2), K * 2, 13).astype(int)))
    best["n"] = n
    return best


def fitted_exponent(d: int, multi: bool, sigma: float = 1.0, ns=None) -> tuple[float, list]:
    """Return (p_fit, rows): least-squares slope of -log(optimal bound) against log n (ESTIMATE).

    >>> p, _ = fitted_exponent(1, False, ns=[1e6, 1e8]); abs(p - 0.5) < 0.1
    True
    """
    ns = np.geomspace(1e6, 1e12, 13) if ns is None else np.asarray(ns, dtype=float)
    rows = [optimum(float(n), d, multi, sigma) for n in ns]
    y = np.log([r["bound"] for r in rows])
    return float(-np.polyfit(np.log(ns), y, 1)[0]), rows


def derived_exponent(d: int, multi: bool):
    """Return the exponent bounds derived for the family (``ridge_mse_lower`` / ``ridge_multi_mse_lower``).

    >>> derived_exponent(2, True)
    Fraction(4, 11)
    """
    import bounds

    return bounds.get_rate("ridge_multi_mse_lower" if multi else "ridge_mse_lower").exponent_at(d)


# --------------------------------------------------------------------------------- certified evaluation
def _qsm_arb(d: int, t, prec: int = 256):
    """arb enclosures of (Q, S, m) at the rational offset t in [0, 1): exact closed forms (App. H weight)."""
    from ._integrals import arb_eval, integral_expr
    from .atoms import _c1 as c1_exact

    t = Fraction(t)
    c1 = c1_exact(d)
    Q = arb_eval(c1 * integral_expr([1], d - 1, t), prec)
    first = arb_eval(c1 * integral_expr([0, 1], d - 1, t), prec)
    tq = arb_eval(sp.Rational(t.numerator, t.denominator), prec)
    return Q, first - tq * Q, first / Q


def certified_bound(n: int, d: int, family: str, eps, K: int = 1, sigma=1, blocks: int = 32) -> dict:
    """Return a CERTIFIED Fano lower bound (arb, rounded down) for a family that provably exists at (eps, K).

    family "caps": N = the maximal-packing guarantee of disjoint caps (certified count), atoms of the
    caps construction, exact ||Phi||^2; "ridge" / "ridge-multi": N = 1 / the same guaranteed number of
    directions, K tents per direction, height h <= 1 chosen so that the certified cost bound is <= 1.
    Tents are grouped in ``blocks`` blocks; inside a block every kink has t in [t_lo, t_hi] and
    G(t) <= Q(t_lo) S(t_lo) sqrt(1 + m(t_hi)^2) (Q, S nonincreasing, m = E[X_1 | X_1 > t]
    nondecreasing), and each tent's norm lies between the exact norms of the block's shallowest and
    deepest tent (the marginal density is decreasing on [0, 1]).  The Varshamov-Gilbert set exists
    with M >= 2^{T/8} words at distance >= ceil(T/8) (counting bound, sum_{j <= T/8} C(T, j) <=
    2^{T H(1/8)} and H(1/8) = 0.544 < 7/8), so log M >= (T/8) log 2 is used.

    >>> r = certified_bound(10**6, 2, "ridge-multi", Fraction(1, 40), 40); r["certified"], r["bound"] > 0
    (True, True)
    """
    import flint

    from . import atoms as _atoms
    from . import caps as _caps
    from ._integrals import arb_eval
    from .ridge import slab_l2_sq

    e = Fraction(eps)
    if not 0 < e <= Fraction(1, 2):
        raise ValueError(f"eps must be in (0, 1/2], got {e}")
    old = flint.ctx.prec
    flint.ctx.prec = 256
    try:
        ln2 = flint.arb(2).log()
        s2 = flint.arb(flint.fmpq(Fraction(sigma).numerator ** 2, Fraction(sigma).denominator ** 2))
        if family == "caps" or family == "ridge-multi":
            N = 2 if d == 1 else _caps.maximal_packing_lower_bound(d, e)
        else:
            N = 1
        if family == "caps":
            T = N
            phi = arb_eval(_atoms.atom_l2_sq(d, e, "uniform"), 256)
            cost = N * arb_eval(_atoms.population_cost(d, e), 256)
            S, L, h = -(-T // 8) * phi, N * phi, Fraction(1)
        else:
            T = N * K
            delta = e * e
            w = delta / K
            edges = sorted({round(K * i / blocks) for i in range(blocks + 1)})
            cost1 = flint.arb(0)
            lo_vals, hi_vals = [], []
            for j0, j1 in zip(edges[:-1], edges[1:]):
                # tents j0..j1-1: j0 deepest; kinks span t in [1 - delta + j0 w, 1 - delta + j1 w]
                t_lo, t_hi = 1 - delta + j0 * w, 1 - delta + j1 * w
                Q, Sv, _ = _qsm_arb(d, t_lo)
                m_hi = _qsm_arb(d, t_hi)[2] if t_hi < 1 else flint.arb(1)
                g_up = Q * Sv * (1 + m_hi * m_hi).sqrt()
                cost1 += (j1 - j0) * flint.arb(flint.fmpq(8 * w.denominator, w.numerator)) * g_up
                deep = arb_eval(slab_l2_sq(d, 1 - delta + j0 * w, w, 1), 256)
                shallow = arb_eval(slab_l2_sq(d, 1 - delta + (j1 - 1) * w, w, 1), 256)
                hi_vals.append((j1 - j0, deep))
                lo_vals.append((j1 - j0, shallow))
            cost1 = N * cost1
            L1 = N * sum((c * v for c, v in hi_vals), flint.arb(0))
            D = -(-T // 8)
            # the D smallest norms are at least the D smallest block lower bounds (each N times)
            S1, left = flint.arb(0), D
            for c, v in sorted(lo_vals, key=lambda cv: float(cv[1].mid())):
                take = min(left, c * N)
                S1 += take * v
                left -= take
                if left == 0:
                    break
            logM = flint.arb(T) / 8 * ln2
            h_cost = 1 / float(cost1.upper())
            h_kl = sqrt(max(0.0, float(((logM - ln2) * s2 / (4 * n * L1)).lower())))
            h = Fraction(min(1.0, h_cost, h_kl)).limit_denominator(10 ** 6)
            while h > 0 and float((flint.arb(flint.fmpq(h.numerator, h.denominator)) * cost1).upper()) > 1:
                h -= Fraction(1, 10 ** 6)
            hq = flint.arb(flint.fmpq(h.numerator, h.denominator))
            cost, S, L = hq * cost1, hq * hq * S1, hq * hq * L1
        if T < 8:
            return {"family": family, "d": d, "n": n, "eps": e, "K": K, "N": N, "T": T, "bound": 0.0,
                    "certified": True, "in_F": False, "h": None}
        logM = flint.arb(T) / 8 * ln2
        val = S * (1 - (2 * n * L / s2 + ln2) / logM)
        in_f = float(cost.upper()) <= 1
        lo = max(0.0, nextafter(float(val.lower()), -inf)) if in_f else 0.0
    finally:
        flint.ctx.prec = old
    return {"family": family, "d": d, "n": n, "eps": e, "K": K, "N": N, "T": T, "h": h, "bound": lo,
            "cost_upper": float(cost.upper()), "certified": True, "in_F": in_f}


def certified_comparison(d: int, ns=(10 ** 6, 10 ** 9, 10 ** 12), sigma=1) -> list[dict]:
    """Return, for each n, the certified Fano bounds of the caps, ridge and ridge-multi families at the
    parameters the float optimisers choose (rationalised), and which family is largest.

    >>> rows = certified_comparison(2, ns=(10 ** 6,)); rows[0]["largest"]
    'ridge-multi'
    """
    from .fano import minimax_lower_bound

    out = []
    for n in ns:
        row = {"d": d, "n": n}
        if d >= 2:
            ec = Fraction(minimax_lower_bound(float(n), float(sigma), d)["eps"]).limit_denominator(10 ** 6)
            row["caps"] = certified_bound(n, d, "caps", ec, sigma=sigma)
        for fam, multi in (("ridge", False), ("ridge-multi", True)):
            r = optimum(float(n), d, multi, float(sigma))
            er = Fraction(r["eps"]).limit_denominator(10 ** 6)
            row[fam] = certified_bound(n, d, fam, er, r["K"], sigma=sigma)
            row[fam]["estimate"] = r["bound"]
        row["largest"] = max((k for k in ("caps", "ridge", "ridge-multi") if k in row), key=lambda k: row[k]["bound"])
        out.append(row)
    return out
