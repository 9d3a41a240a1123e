"""|f|_{V_g} (empirical weight) as a rigorous float64 enclosure, vectorised; Term-A and Thm 3.2 margins.

The exact path (numerics.variation.vg_norm with exact=True) evaluates the same formula in rationals:

    |f|_{V_g} = sum_atoms |coef| * min over the sides S in {z > 0}, {z < 0} of c_S sqrt(r_S),
    c_S = (m / n^2) sum_{i in S} |z_i|,  r_S = 1 + ||sum_{i in S} x_i||^2 / m^2,  m = |S|,

with z_i = w.x_i - b for the atom's first neuron (w, b) (proofs_notes/theory.md §5; numerics.variation).  Here
every step runs on whole arrays in the midpoint-radius balls of numerics._rigorous (assumptions stated
there); exactness is kept where it decides something discrete:

* atoms: neurons merge when (w, b) / w_l (l the first nonzero coordinate, sign included) agree
  EXACTLY, so positive multiples and opposite orientations share an atom (relu(z) - relu(-z) = z is
  affine); the coefficient is sum_j v_j |w_{j,l}| / |w_{0,l}|.  For float inputs the keys are compared
  as floats first: IEEE division is correctly rounded, so exactly equal quotients give equal floats,
  and every float collision is confirmed (or split) in rationals;
* the affine test b^2 >= R^2 ||w||^2 and the sign pattern of z_ik are decided exactly (rationals where
  the ball does not decide);
* the min of two enclosed values is enclosed by [min of lows, min of highs], so no decision is needed.

Term-A's lambda_max(J^T J / n) and Thm 3.2's lambda_max are float ESTIMATES; the margins built from
them are estimates, labelled so by the callers.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from numerics._rigorous import TINY, U, Ball, _up
from numerics.network import to_fraction


def _ball(arr) -> Ball:
    a = np.asarray(arr)
    if a.dtype == np.float64:
        return Ball(a)
    return Ball.from_fractions(np.vectorize(to_fraction, otypes=[object])(a))


def _exact(x) -> Fraction:
    return to_fraction(x.item() if isinstance(x, np.generic) else x)


def atom_groups(W, b) -> list[list[int]]:
    """Neuron indices grouped by exact hyperplane (w, b) ~ c (w, b), c != 0 real, in first-seen order.

    >>> atom_groups(np.array([[1.0, 0.0], [-2.0, 0.0], [0.0, 1.0]]), np.array([0.5, -1.0, 0.0]))
    [[0, 1], [2]]
    """
    W = np.asarray(W)
    K = W.shape[0]
    if W.dtype != np.float64 or np.asarray(b).dtype != np.float64:
        return _exact_groups(W, b, range(K))
    b = np.asarray(b, dtype=np.float64)
    nzmask = W != 0
    has = nzmask.any(axis=1)
    lead = np.where(has, np.argmax(nzmask, axis=1), 0)
    piv = np.where(has, W[np.arange(K), lead], 1.0)
    with np.errstate(over="ignore", under="ignore"):
        keys = np.hstack([W / piv[:, None], (b / piv)[:, None]]) + 0.0  # + 0.0 maps -0.0 to 0.0
    # neurons with byte-identical keys share a float group, represented by its first member; w = 0:
    # every such neuron is its own group
    rep = np.arange(K)
    idx = np.flatnonzero(has)
    if idx.size:
        rows = np.ascontiguousarray(keys[idx]).view(np.dtype((np.void, keys.itemsize * keys.shape[1]))).ravel()
        _, first, inv = np.unique(rows, return_index=True, return_inverse=True)
        rep[idx] = idx[first[inv.ravel()]]
    order = np.argsort(rep, kind="stable")  # groups in first-seen order, members ascending
    cuts = [0, *(np.flatnonzero(np.diff(rep[order])) + 1).tolist(), K] if K else [0]
    flat = order.tolist()
    out = []
    for i0, i1 in zip(cuts[:-1], cuts[1:]):
        members = flat[i0:i1]
        out.extend([members] if len(members) == 1 else _exact_groups(W, b, members))
    return out


def _exact_groups(W, b, members) -> list[list[int]]:
    groups: dict[tuple, list[int]] = {}
    for k in members:
        w = [_exact(c) for c in W[k]]
        nz = next((c for c in w if c != 0), None)
        key = ("zero", k) if nz is None else tuple(c / nz for c in w) + (_exact(b[k]) / nz,)
        groups.setdefault(key, []).append(k)
    return list(groups.values())


def vg_enclosure(net, X, R=1, pattern=None) -> tuple[float, float, int]:
    """Return (lower, upper, atoms): rigorous float bounds of |f|_{V_g} (empirical weight) and the number
    of non-affine atoms, for the exact network and data the inputs represent (floats are exact dyadics).

    Same quantity as ``numerics.variation.vg_norm(net.as_exact(), X_exact, R).exact`` (Example 3.1,
    proofs_notes/theory.md §5), evaluated in float64 balls in O(n K d) array operations.  ``pattern``: the exact
    boolean (n, K) pattern 1[z_ik > 0] when already decided with no exact zero (e.g. StructuredParts.mask,
    which raises at a kink); then z_ik < 0 wherever it is False and the signs are not recomputed.

    >>> from numerics.network import ReluNetwork
    >>> net = ReluNetwork.from_float([[1.0]], [0.0], [2.0], 0.0)
    >>> lo, hi, _ = vg_enclosure(net, np.array([[1.0], [-1.0]]))   # exact value sqrt(2)/2
    >>> lo <= math.sqrt(2) / 2 <= hi and hi - lo < 1e-12
    True
    """
    Xb = _ball(X)
    n, d = Xb.mid.shape
    Rq = to_fraction(R)
    if n and float(np.max((np.abs(Xb.mid) + Xb.rad) ** 2 @ np.ones(d))) > float(Rq * Rq) * (1 - 1e-12):
        Xq = np.vectorize(_exact, otypes=[object])(np.asarray(X))
        for i in range(n):  # exact check only near or outside the ball
            if sum((c * c for c in Xq[i]), Fraction(0)) > Rq * Rq:
                raise ValueError(f"data point i={i} lies outside the ball of radius R={Rq}; pass a larger R")
    groups = atom_groups(net.W, net.b)
    first = np.array([g[0] for g in groups], dtype=np.int64)
    Wb, bb, vb = _ball(net.W), _ball(net.b), _ball(net.v)
    W0 = Ball(Wb.mid[first], Wb.rad[first])
    b0 = Ball(bb.mid[first], bb.rad[first])
    # coefficients: v_j |w_{j,l}| / |w_{0,l}| summed over the group (ratio 1 for the first member)
    coef_mid, coef_rad = vb.mid[first].copy(), vb.rad[first].copy()  # exact for one-neuron atoms
    for a, g in enumerate(groups):
        if len(g) == 1:
            continue
        l = int(np.argmax(Wb.mid[g[0]] != 0)) if np.any(Wb.mid[g[0]] != 0) else 0
        s0 = Ball(np.abs(Wb.mid[g, l]), Wb.rad[g, l])
        ratio = s0 * Ball(np.full(len(g), s0.mid[0]), np.full(len(g), s0.rad[0])).reciprocal() \
            if s0.mid[0] != 0 else Ball(np.ones(len(g)))
        terms = Ball(vb.mid[g], vb.rad[g]) * ratio
        tot = terms @ Ball(np.ones(len(g)))
        coef_mid[a], coef_rad[a] = float(tot.mid), float(tot.rad)
    # affine atoms (w = 0 or |t| >= R) cost nothing: decided exactly
    nrm2 = W0.sum_sq(axis=1)
    R2 = Ball.from_fractions([Rq * Rq])
    gap = b0 * b0 - nrm2 * Ball(np.full(len(groups), R2.mid[0]), np.full(len(groups), R2.rad[0]))
    affine = gap.lower() >= 0
    unsure = ~affine & ~(gap.upper() < 0)
    for a in np.nonzero(unsure)[0]:
        k = groups[a][0]
        w = [_exact(c) for c in net.W[k]]
        n2 = sum((c * c for c in w), Fraction(0))
        affine[a] = n2 == 0 or _exact(net.b[k]) ** 2 >= Rq * Rq * n2
    live = np.nonzero(~affine & ((np.abs(coef_mid) + coef_rad) > 0))[0]
    if live.size == 0 or n == 0:
        return 0.0, 0.0, int((~affine).sum())
    W0 = Ball(W0.mid[live], W0.rad[live])
    b0 = Ball(b0.mid[live], b0.rad[live])
    A = live.size
    if pattern is not None:
        pos = np.asarray(pattern, dtype=bool)[:, first[live]]
        neg = ~pos
    else:
        Z = Xb @ W0.T - Ball(b0.mid[None, :], b0.rad[None, :])  # (n, A)
        pos, neg = Z.lower() > 0, Z.upper() < 0
    for i, a in np.argwhere(~(pos | neg)):
        k = groups[live[a]][0]
        z = sum((_exact(X[i, j]) * _exact(net.W[k, j]) for j in range(d)), Fraction(0)) - _exact(net.b[k])
        pos[i, a], neg[i, a] = z > 0, z < 0
    inv_n2 = Ball.from_fractions([Fraction(1, n * n)])
    ones_d = Ball(np.ones((d, 1)))
    lo_side, hi_side = [], []
    for M, sign in ((pos, 1.0), (neg, -1.0)):
        Mf = M.astype(np.float64)
        m = Mf.sum(axis=0)  # exact integer counts
        SX = Ball(Mf.T) @ Xb  # (A, d): sum over the side of x_i
        sz = (SX * W0) @ ones_d
        sz = Ball(sz.mid[:, 0], sz.rad[:, 0]) - Ball(m) * b0
        c = Ball(sign * sz.mid, sz.rad) * Ball(m) * Ball(np.full(A, inv_n2.mid[0]), np.full(A, inv_n2.rad[0]))
        msafe = np.where(m > 0, m, 1.0)
        r = Ball(np.ones(A)) + SX.sum_sq(axis=1) * Ball(msafe * msafe).reciprocal()
        val = c * r.sqrt()
        lo = np.where(m > 0, np.maximum(val.lower(), 0.0), 0.0)  # c >= 0 exactly on its side
        hi = np.where(m > 0, val.upper(), 0.0)
        lo_side.append(lo)
        hi_side.append(hi)
    lo_g, hi_g = np.minimum(*lo_side), np.minimum(*hi_side)
    cm, cr = coef_mid[live], coef_rad[live]
    alo = np.maximum(np.abs(cm) - cr, 0.0)
    alo = np.maximum(alo - _up(U * alo, 1) - TINY, 0.0)
    ahi = _up(np.abs(cm) + cr, 1)
    depth = A + 4
    lower = float((alo * lo_g).sum())
    lower = max(0.0, lower * (1 - 2 * (depth + 2) * U) - TINY)
    upper = float(_up(float((ahi * hi_g).sum()), depth))
    return lower, upper, int((~affine).sum())


def gauss_newton_lambda_estimate(net, X) -> float:
    """Float ESTIMATE of lambda_max(J^T J / n) = lambda_max(J J^T / n) (Term-A), from the n x n Gram.

    J J^T = A A^T + (DV DV^T) o (X X^T + 1) + 1 with A = relu(Z), DV = 1[Z > 0] diag(v) (two BLAS syrk).

    >>> from numerics.network import ReluNetwork
    >>> net = ReluNetwork.from_float([[1.0]], [0.0], [2.0], 0.0)
    >>> round(gauss_newton_lambda_estimate(net, np.array([[3.0], [-1.0]])), 4)   # eig of [[50,1],[1,1]]/2
    25.0102
    """
    import scipy.linalg

    from numerics._structured_cert import _syrk_upper

    Xf = np.asarray(X, dtype=np.float64)
    W, b, v = (np.asarray(a, dtype=np.float64) for a in (net.W, net.b, net.v))
    n = Xf.shape[0]
    Z = Xf @ W.T - b[None, :]
    D = Z > 0
    A = np.where(D, Z, 0.0)
    G = np.zeros((n, n))
    _syrk_upper(A, G)
    C = np.zeros((n, n))
    _syrk_upper(D * v[None, :], C)
    C *= Xf @ Xf.T + 1.0
    G += C
    if n <= 64:
        G += 1.0
        w = scipy.linalg.eigh(G, lower=False, eigvals_only=True, subset_by_index=[n - 1, n - 1])
        return float(w[0]) / n
    from scipy.sparse.linalg import eigsh

    G += np.triu(G, 1).T  # the lower triangle was zero: now G is the full symmetric Gram matrix
    G += 1.0  # after the mirroring, so that the 1 1^T term enters each entry once
    w = eigsh(G, k=1, which="LA", tol=1e-10, v0=np.ones(n), return_eigenvectors=False)
    return float(w[0]) / n


def certify_extras(net, data, lambda_max=None, R=1, lambda_gn=None, pattern=None, loss=None) -> dict:
    """The weighted-variation quantities the certify CLI prints, computed once.

    Returns vg_norm (midpoint), vg_norm_lower / vg_norm_upper (rigorous enclosure of |f|_{V_g}),
    term_a_margin = lambda_max(J^T J/n) - 1 - 2|f|_{V_g} (ESTIMATE: float Gauss-Newton lambda_max) and
    theorem_3_2_margin = lambda_max/2 - 1/2 + (R+1) sqrt(2L) - |f|_{V_g} (ESTIMATE; ``lambda_max`` of the
    half-mse Hessian, estimated by power iteration when None; L the half-mse loss), the same definitions as numerics.variation.term_a_margin and
    theorem_3_2_margin.  ``lambda_gn``: an estimate of lambda_max(J^T J/n) already at hand (e.g.
    numerics._structured_cert.gauss_newton_top), else it is computed here; ``pattern`` as in
    :func:`vg_enclosure`; ``loss``: a float value of the half-mse loss L already at hand.

    >>> from numerics.network import ReluNetwork, Dataset
    >>> e = certify_extras(ReluNetwork.from_float([[1.0]], [5.0], [1.0], 0.0), Dataset.from_float([[1.0]], [0.0]),
    ...                    lambda_max=1.0)
    >>> e["vg_norm"], e["term_a_margin"], e["theorem_3_2_margin"]
    (0.0, 0.0, 0.0)
    """
    lo, hi, atoms = vg_enclosure(net, data.X, R, pattern=pattern)
    vg = 0.5 * (lo + hi)
    out = {"vg_norm": vg, "vg_norm_lower": lo, "vg_norm_upper": hi, "vg_norm_atoms": atoms}
    nf = net.as_float() if getattr(net, "kind", "float") != "float" else net
    df = data.as_float() if getattr(data, "kind", "float") != "float" else data
    lam_gn = gauss_newton_lambda_estimate(nf, df.X) if lambda_gn is None else float(lambda_gn)
    out["term_a_margin"] = lam_gn - 1 - 2 * vg
    if loss is None:
        Xf, y = np.asarray(df.X, dtype=np.float64), np.asarray(df.y, dtype=np.float64)
        f = np.maximum(Xf @ np.asarray(nf.W, dtype=np.float64).T - np.asarray(nf.b, dtype=np.float64), 0.0) \
            @ np.asarray(nf.v, dtype=np.float64) + float(nf.beta)
        L = float(np.mean((f - y) ** 2)) / 2
    else:
        L = float(loss)
    if lambda_max is None:  # no estimate at hand: power iteration on the analytic HVP (an ESTIMATE)
        from numerics.lambda_estimate import lambda_max_estimate

        lambda_max = lambda_max_estimate(nf, df, method="power", tol=1e-9)
    out["theorem_3_2_margin"] = (float(lambda_max) / 2 - 0.5 + (float(to_fraction(R)) + 1)
                                 * math.sqrt(2 * L) - vg)
    return out
