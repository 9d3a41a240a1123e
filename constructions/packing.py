"""Constructions of large exact cap packings on S^{d-1} (App. H; the caps of the paper's Lemma H.3).

Method (stated in every report):
- d = 2: the near-optimal polygon. N = floor(pi / acos(1 - eps^2)) is the exact maximum for disjoint arcs;
  equally spaced angles are rounded to exact rational points of the circle (finer until the exact check
  passes, else N - 1).
- d >= 3: float optimisation, then exact rounding and exact verification. A contact greedy over a dense
  random candidate set (each new point the feasible candidate closest to those already chosen) gives a
  maximal packing; larger N is then searched by bisection, each trial minimising a Riesz s-energy on the
  sphere and repairing the remaining overlaps by a hinge-penalty descent with a safety margin. Every point
  set is mapped to exact rational sphere points (sphere.sphere_point_near) and accepted only if
  caps.verify_packing passes in exact arithmetic. Deterministic for a given seed.
"""

from __future__ import annotations

from fractions import Fraction
from math import pi

import numpy as np

from numerics._progress import counter

from .caps import area_upper_bound, cap_threshold, validate_eps, verify_packing
from .sphere import sphere_point_near

__all__ = ["cap_packing", "polygon_packing", "greedy_packing"]

_MARGIN = 1e-7  # float safety margin on the threshold; exact rounding errors are ~1e-12
_MAX_DEN = 10**7
_TRIALS = 6  # bisection steps of the energy search (deterministic cost)


def polygon_packing(eps) -> list[tuple[Fraction, Fraction]]:
    """Return a maximal exact packing of disjoint caps for d = 2 (rational points near a regular N-gon).

    N = floor(pi / acos(1 - eps^2)) is the largest possible number of disjoint caps in the disc.

    >>> len(polygon_packing("1/2")), len(polygon_packing("1/8"))
    (4, 17)
    """
    e = validate_eps(eps)
    n = area_upper_bound(2, e)
    while n >= 1:
        for max_den in (10**4, 10**7, 10**10, 10**13):
            pts = [sphere_point_near([np.cos(2 * pi * k / n), np.sin(2 * pi * k / n)], max_den) for k in range(n)]
            if len(set(pts)) == n and verify_packing(pts, e, 2).passed:
                return pts
        n -= 1
    return []


def _unit(rng, m, d):
    X = rng.standard_normal((m, d))
    return X / np.linalg.norm(X, axis=1)[:, None]


def _contact_greedy(C, thr, progress=None):
    maxdot = np.full(len(C), -2.0)
    alive = np.ones(len(C), dtype=bool)
    chosen, i = [], 0
    left = len(C)
    bar = counter(progress, f"contact greedy: candidates placed or excluded (of {len(C)})", len(C))
    while True:
        chosen.append(i)
        maxdot = np.maximum(maxdot, np.einsum("ik,k->i", C, C[i]))
        alive &= maxdot <= thr
        now = int(alive.sum())
        bar.update(left - now)
        left = now
        if not alive.any():
            bar.close()
            return C[chosen]
        idx = np.flatnonzero(alive)
        i = idx[np.argmax(maxdot[idx])]  # tightest feasible candidate: grows a dense, hexagon-like front


def _gram(P):
    # einsum instead of BLAS: thin (N, d) products are slower threaded on a busy 2-core machine
    return np.einsum("ik,jk->ij", P, P)


def _mm(A, B):
    return np.einsum("ij,jk->ik", A, B)


def _riesz(P, iters=300, step=0.1):
    for _ in range(iters):
        r2 = np.maximum(2.0 - 2.0 * _gram(P), 1e-300)  # |p_i - p_j|^2 for unit vectors
        np.fill_diagonal(r2, np.inf)
        rmin2 = r2.min()
        W = rmin2 / r2
        W = W * W * W * W  # (r/rmin)^{-(s+2)} with s = 6, kept as products: no slow pow
        F = P * W.sum(1)[:, None] - _mm(W, P)  # sum_j W_ij (p_i - p_j) without an (N, N, d) tensor
        F -= (F * P).sum(1)[:, None] * P
        P = P + step * np.sqrt(rmin2) * F / np.linalg.norm(F, axis=1).max()
        P /= np.linalg.norm(P, axis=1)[:, None]
    return P


def _repair(P, thr, iters=1000, lr=0.002):
    for _ in range(iters):
        G = _gram(P)
        np.fill_diagonal(G, -2.0)
        V = np.maximum(G - thr, 0.0)
        vmax = V.max()
        if vmax <= 0:
            return P
        F = _mm(V, P)
        F -= (F * P).sum(1)[:, None] * P
        P = P - lr * F / vmax
        P /= np.linalg.norm(P, axis=1)[:, None]
    return None


def _exact(P, e, d, progress=None):
    with counter(progress, "rational points on the sphere", len(P)) as bar:
        pts = []
        for p in P:
            pts.append(sphere_point_near(p, _MAX_DEN))
            bar.update()
    return pts if len(set(pts)) == len(pts) and verify_packing(pts, e, d, progress=progress).passed else None


def greedy_packing(d: int, eps, seed: int = 0, optimise: bool = True, max_riesz: int = 400,
                   progress=None) -> list[tuple]:
    """Return an exact packing of pairwise disjoint caps C(u) in B^d_1, d >= 3 (see module docstring).

    Args:
        d: dimension (>= 3).
        eps: cap parameter, rational, 0 < eps <= 1/2.
        seed: seed of the candidate set and of the energy starts.
        optimise: run the Riesz-energy bisection above the greedy size.
        max_riesz: skip the O(N^2) energy search when the area bound exceeds this.
        progress: optional progress sink (numerics._progress.Reporter or a callable receiving messages).

    >>> pts = greedy_packing(3, "1/2", optimise=False)
    >>> verify_packing(pts, "1/2").passed, len(pts) >= 3
    (True, True)
    """
    e = validate_eps(eps)
    if d < 3:
        raise ValueError("greedy_packing needs d >= 3 (use polygon_packing for d = 2)")
    thr = float(cap_threshold(e)) - _MARGIN
    rng = np.random.default_rng(seed)
    ub = area_upper_bound(d, e)
    m = int(min(max(20000, 40 * ub), 200000))
    best = _exact(_contact_greedy(_unit(rng, m, d), thr, progress), e, d, progress)
    if best is None:  # cannot happen with the margin; keep the verifier as the only judge
        raise ArithmeticError("exact rounding broke the greedy packing")
    if not optimise or ub > max_riesz:
        return best
    lo, hi = len(best), ub + 1  # lo feasible, hi treated as infeasible
    for _ in range(_TRIALS):
        if hi - lo <= 1:
            break
        mid = (lo + hi) // 2
        P = _repair(_riesz(_unit(rng, mid, d)), thr)
        pts = _exact(P, e, d) if P is not None else None
        if pts is not None:
            best, lo = pts, mid
        else:
            hi = mid
    return best


def cap_packing(d: int, eps, seed: int = 0, progress=None) -> tuple[list[tuple], str]:
    """Return ``(directions, method)``: the toolkit's exact cap packing for (d, eps).

    d = 1: the two directions +-1 (the caps [1 - eps^2, 1] and its mirror); d = 2: polygon_packing;
    d >= 3: greedy_packing.

    >>> pts, how = cap_packing(2, "1/4"); len(pts), how.split(":")[0]
    (8, 'polygon')
    """
    e = validate_eps(eps)
    if d == 1:
        return [(Fraction(1),), (Fraction(-1),)], "d=1: the two end caps"
    if d == 2:
        return polygon_packing(e), "polygon: rational points near the regular N-gon, N = floor(pi/acos(1-eps^2))"
    if area_upper_bound(d, e) > 400:  # greedy_packing's default max_riesz
        return greedy_packing(d, e, seed, progress=progress), "contact greedy (energy search skipped: area bound > 400), exact rational rounding"
    return greedy_packing(d, e, seed, progress=progress), "contact greedy + Riesz-energy bisection, exact rational rounding"
