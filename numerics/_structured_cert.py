"""Structured certificate of lambda_max(grad^2 L) <= c at scale (Schur complement; rigorous rounding).

H = (1/n) J^T J + B, B block diagonal with one block [[0, a_k^T], [a_k, 0]] per neuron on
(v_k; w_k, b_k), a_k = (1/n) sum_i r_i 1[z_ik>0] (x_i, -1) (proofs_notes/theory.md §3).  With M = cI - B:

(i)  if ||a_k|| > c for some k, lambda_max(H) >= ||a_k|| > c (certified refutation);
(ii) if M > 0 (c > max ||a_k||): cI - H >= 0  <=>  S = I_n - (1/n) J M^{-1} J^T >= 0.
     M^{-1} is blockwise closed form (s_k = c - ||a_k||^2 / c):
       M_k^{-1} = [[1/s, a^T/(c s)], [a/(c s), I/c + a a^T/(c^2 s)]],  M^{-1} = 1/c on beta,
     which gives, with xi_i = (x_i, -1), q_k[i] = 1[z_ik>0](z_ik + v_k xi_i.a_k / c):
       J M^{-1} J^T = Q diag(1/s) Q^T + (1/c) (Xi Xi^T) o (D diag(v^2) D^T) + (1/c) 1 1^T.
Proofs: proofs_notes/stability_certificates.md.  Arithmetic: float64 balls of numerics._rigorous
(assumptions stated there); the activation pattern is decided exactly (exact rationals wherever the
ball of z_ik contains 0); an exact zero is a kink and raises KinkError.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from numerics._rigorous import TINY, U, Ball, _up, gamma, psd_by_shifted_cholesky, sqrt_up
from numerics.exact_sqrt import sqrt_bounds
from numerics.hessian import KinkError
from numerics.network import number_kind


def _ball(a) -> Ball:
    """Exact enclosure of an array of float64 (radius 0) or exact rationals."""
    a = np.asarray(a)
    return Ball(a.astype(np.float64)) if a.dtype == np.float64 else Ball.from_fractions(a)


def _balls(net, data):
    """Balls of X, W, b, v, beta, y for a network and data of float or exact kind (exact values)."""
    return (_ball(data.X), _ball(net.W), _ball(net.b), _ball(net.v),
            _ball(np.array([net.beta], dtype=number_kind(net.kind).dtype)), _ball(data.y))


def _ones_col(n):
    return np.ones((n, 1))


def exact_pattern(net, data, Z: Ball) -> np.ndarray:
    """Boolean (n, K) 1[z_ik > 0] decided exactly; raises KinkError on an exact zero."""
    pos = Z.lower() > 0
    neg = Z.upper() < 0
    unsure = np.argwhere(~(pos | neg))
    kinks = []
    for i, k in unsure:
        z = sum((Fraction(data.X[i, j]) * Fraction(net.W[k, j]) for j in range(net.d)), Fraction(0)) \
            - Fraction(net.b[k])
        pos[i, k] = z > 0
        if z == 0:
            kinks.append((int(i), int(k)))
    if kinks:
        raise KinkError(sorted(kinks))
    return pos


class StructuredParts:
    """Ball enclosures of the per-point / per-neuron factors of H (computed once)."""

    def __init__(self, net, data):
        X, W, b, v, beta, y = _balls(net, data)
        n, K, d = data.n, net.K, net.d
        self.n, self.K, self.d = n, K, d
        Z = X @ W.T - Ball(b.mid[None, :], b.rad[None, :])
        mask = exact_pattern(net, data, Z)
        D = mask.astype(np.float64)
        self.mask, self.D = mask, D
        self.Z = Ball(Z.mid * D, Z.rad * D)  # relu(z) (exact zero where inactive)
        f = self.Z @ Ball(v.mid[:, None], v.rad[:, None])
        f = f + Ball(np.full((n, 1), beta.mid[0]), np.full((n, 1), beta.rad[0]))
        r = f - Ball(y.mid[:, None], y.rad[:, None])  # (n, 1)
        self.Xi = Ball(np.hstack([X.mid, -np.ones((n, 1))]), np.hstack([X.rad, np.zeros((n, 1))]))
        inv_n = Ball.from_fractions([Fraction(1, n)])
        self.a = (Ball(D.T) @ (self.Xi * r)) * Ball(inv_n.mid[None, :], inv_n.rad[None, :])  # (K, d+1)
        self.na2 = self.a.sum_sq(axis=1)  # ||a_k||^2
        self.v, self.X, self.inv_n = v, X, inv_n
        self.r = r  # residuals f(x_i) - y_i, (n, 1)

    def jz(self, z: np.ndarray) -> Ball:
        """Enclosure of J z (n,) for an exact float vector z in the layout [v | W | b | beta]."""
        K, d = self.K, self.d
        zv, zwb = z[:K], np.hstack([z[K:K + K * d].reshape(K, d), z[K + K * d:K * (d + 2), None]])
        Dv = Ball(self.D * self.v.mid[None, :], self.D * self.v.rad[None, :])
        T = (Dv @ Ball(zwb)) * self.Xi  # (n, d+1)
        out = self.Z @ Ball(zv[:, None]) + T @ Ball(np.ones((d + 1, 1)))
        return out + Ball(np.full((self.n, 1), z[-1]))

    def quad(self, z: np.ndarray) -> Ball:
        """Enclosure of z^T H z = (1/n)|Jz|^2 + 2 sum_k z_{v_k} a_k.(z_{w_k}, z_{b_k})."""
        K, d = self.K, self.d
        jz = self.jz(z)
        g = jz.sum_sq(axis=0) * self.inv_n
        zwb = np.hstack([z[K:K + K * d].reshape(K, d), z[K + K * d:K * (d + 2), None]])
        res = ((self.a * Ball(zwb)) @ Ball(np.ones((d + 1, 1)))).T @ Ball(2.0 * z[:K, None])
        return Ball(g.mid.reshape(()) + res.mid.reshape(()), _up(g.rad.reshape(()) + res.rad.reshape(())
                    + U * abs(g.mid.reshape(()) + res.mid.reshape(())), 3))


def rayleigh_lower(parts: StructuredParts, z: np.ndarray) -> Fraction | None:
    """Rigorous lower bound (a Fraction) of z^T H z / z^T z for the exact float vector z."""
    z = np.asarray(z, dtype=np.float64)
    q = parts.quad(z)
    qlo = float(q.lower())
    zz = float(_up(float(z @ z), z.size + 2))  # upper bound of the exact z.z
    if not qlo > 0 or zz <= 0:
        return None
    ratio = qlo / zz
    return Fraction(ratio * (1 - 4 * U))  # qlo/zz rounded: relative error <= u


def _syrk_upper(A: np.ndarray, C: np.ndarray) -> None:
    """C += A A^T on the upper triangle, in place (one BLAS dsyrk; C C-contiguous, so C^T is Fortran)."""
    from scipy.linalg.blas import dsyrk

    out = dsyrk(1.0, np.ascontiguousarray(A).T, beta=1.0, c=C.T, trans=1, lower=1, overwrite_c=1)
    if not np.shares_memory(out, C):  # pragma: no cover - f2py copied: write back
        C[...] = out.T


def _block_cols(n: int, K: int, budget_bytes: int = 1 << 26) -> int:
    """Columns per block so that an n x block float64 array stays within ~64 MB."""
    return max(1, min(K, budget_bytes // (8 * max(n, 1))))


def _hadamard_part(parts: StructuredParts):
    """The c-independent part fl(C2 o Gamma) of S, C2 = fl(H H^T), H = D|v|, Gamma = fl(Xi Xi^T), with
    the scalars its error bounds need (cached on ``parts``).  Upper triangles only (blocked dsyrk)."""
    if getattr(parts, "_had", None) is not None:
        return parts._had
    n, K = parts.n, parts.K
    C2 = np.zeros((n, n))
    h2 = hr2 = 0.0
    hrow = np.zeros(n)
    absv = Ball(np.abs(parts.v.mid), parts.v.rad)
    step = _block_cols(n, K)
    for k0 in range(0, K, step):
        k1 = min(K, k0 + step)
        H = parts.D[:, k0:k1] * absv.mid[None, k0:k1]  # exact (D is 0/1)
        _syrk_upper(H, C2)
        Hsq = H * H
        hrow += Hsq.sum(axis=1)
        h2 += float(Hsq.sum())
        hr2 += float(((parts.D[:, k0:k1] * absv.rad[None, k0:k1]) ** 2).sum())
    Xi = parts.Xi
    xrow = (Xi.mid * Xi.mid).sum(axis=1)
    xrrow = (Xi.rad * Xi.rad).sum(axis=1)
    # C2 <- fl(C2 o fl(Xi Xi^T)), row block by row block (no second n x n array)
    rstep = _block_cols(n, n)
    for i0 in range(0, n, rstep):
        i1 = min(n, i0 + rstep)
        C2[i0:i1] *= Xi.mid[i0:i1] @ Xi.mid.T
    depth = n * K + 4
    parts._had = dict(
        T=C2,
        h2=float(_up(h2, depth)), hr2=float(_up(hr2, depth)),
        hmax=float(_up(float(hrow.max()) if n else 0.0, K + 4)),
        x2max=float(_up(float(xrow.max()) if n else 0.0, parts.d + 4)),
        xF2=float(_up(float(xrow.sum()), n * (parts.d + 1) + 4)),
        xr2max=float(_up(float(xrrow.max()) if n else 0.0, parts.d + 4)),
        xrF2=float(_up(float(xrrow.sum()), n * (parts.d + 1) + 4)),
    )
    return parts._had


def _g_block(parts: StructuredParts, k0: int, k1: int, vc: Ball, sq: Ball):
    """Columns k0:k1 of G = D o (Z + (Xi a^T) diag(v/c)) diag(s^-1/2) in float, and an upper bound of
    ||G_true - G||_F^2 over those columns (fused form of the ball rules of numerics._rigorous).

    p = fl(Xi a^T): |p_true - p| <= gamma_{d+1} |Xi||a|^T + |Xi| a_rad^T + Xi_rad (|a| + a_rad)^T;
    Q = fl(z + fl(vc p)): |Q_true - Q| <= z_rad + |vc| p_rad + vc_rad (|p| + p_rad) + 2u(|vc p| + |Q|);
    G = fl(sq Q): |G_true - G| <= sq_rad (|Q| + Q_rad) + sq |Q_true - Q| + 2u|G|.
    Each bound is a nonnegative expression of at most ~20 roundings, so the float sum of squares,
    inflated as in numerics._rigorous._up, bounds the exact one.
    """
    Xi = parts.Xi
    m = Xi.mid.shape[1]
    am, ar = parts.a.mid[k0:k1], parts.a.rad[k0:k1]
    pm = Xi.mid @ am.T  # (n, kb)
    if Xi.rad.any():
        prad = np.hstack([np.abs(Xi.mid), Xi.rad]) @ np.hstack([gamma(m) * np.abs(am) + ar, np.abs(am) + ar]).T
    else:
        prad = np.abs(Xi.mid) @ (gamma(m) * np.abs(am) + ar).T
    prad *= 1.0 + 2 * (m + 8) * U
    prad += TINY
    vm, vr = vc.mid[None, k0:k1], vc.rad[None, k0:k1]
    t = pm * vm
    Qm = parts.Z.mid[:, k0:k1] + t  # Z.mid is zero where the neuron is inactive
    Qr = prad * (np.abs(vm) + vr)
    Qr += np.abs(pm) * vr
    Qr += 2 * U * (np.abs(t) + np.abs(Qm))
    Qr += parts.Z.rad[:, k0:k1]
    sm, sr = sq.mid[None, k0:k1], sq.rad[None, k0:k1]
    Db = parts.D[:, k0:k1]
    Gm = Qm * sm
    Gm *= Db
    Gr = sr * (np.abs(Qm) + Qr)
    Gr += sm * Qr
    Gr *= Db
    Gr += 2 * U * np.abs(Gm)
    n, kb = Gm.shape
    return Gm, float(_up(float((Gr * Gr).sum()), n * kb + 60))


def schur_midpoint(parts: StructuredParts, c: Fraction):
    """Return (S, err, inv_s): a float n x n matrix S (upper triangle valid) and a float err with
    ||S_true - S||_2 <= err, where S_true = I - J M^{-1} J^T / n, M = cI - B (requires certified M > 0).

    S_true = I - (1/n) [G G^T + (1/c) (H H^T) o (Xi Xi^T) + (1/c) 1 1^T] with G = Q diag(s)^{-1/2} (module
    doc) and H = D |v|.  G is formed in column blocks and accumulated by dsyrk (memory O(n^2 + n b)).
    err = (inputs) + (evaluation), both spectral-norm bounds built from Frobenius norms and the Schur
    product bound ||A o B||_2 <= max_i A_ii ||B||_2 (A PSD); proof in proofs_notes/stability_certificates.md.
    """
    n, K, d = parts.n, parts.K, parts.d
    cB = Ball.from_fractions([c])
    cinv = cB.reciprocal()
    ci = float(cinv.mid[0])
    ci_up = float(cinv.upper()[0])
    s = Ball(np.full(K, cB.mid[0]), np.full(K, cB.rad[0])) - parts.na2 * Ball(np.full(K, ci),
                                                                              np.full(K, cinv.rad[0]))
    inv_s = s.reciprocal()
    sq = inv_s.sqrt()
    vc = parts.v * Ball(np.full(K, ci), np.full(K, cinv.rad[0]))
    C1 = np.zeros((n, n))
    g2 = gr2 = 0.0
    step = _block_cols(n, K)
    for k0 in range(0, K, step):
        k1 = min(K, k0 + step)
        Gm, gr2_block = _g_block(parts, k0, k1, vc, sq)
        _syrk_upper(Gm, C1)
        g2 += float((Gm * Gm).sum())
        gr2 += gr2_block
    had = _hadamard_part(parts)
    ni = 1.0 / n
    # S = fl(I - fl(fl(fl(C1 + fl(T2 * ci)) + ci) * ni)), row block by row block, in place in C1
    rstep = _block_cols(n, n)
    for i0 in range(0, n, rstep):
        i1 = min(n, i0 + rstep)
        blk = had["T"][i0:i1] * ci
        blk += C1[i0:i1]
        blk += ci
        blk *= ni
        np.negative(blk, out=C1[i0:i1])
    idx = np.arange(n)
    C1[idx, idx] += 1.0
    S = C1
    # ---- error bounds (all rounded upward)
    depth = n * K + 4
    g2, gr2 = float(_up(g2, depth)), float(_up(gr2, depth))
    gF, grF = sqrt_up(g2), sqrt_up(gr2)
    hF, hrF = sqrt_up(had["h2"]), sqrt_up(had["hr2"])
    xF, xrF = sqrt_up(had["xF2"]), sqrt_up(had["xrF2"])
    rdiag = 2.0 * had["x2max"] + 2.0 * had["xr2max"]  # max_i ||xi_i (true)||^2
    # inputs: ||G_t G_t^T - G G^T|| + (1/c)(||(P_t - P) o R_t|| + ||P o (R_t - R)||), P = HH^T, R = XiXi^T
    inputs = (2 * gF * grF + gr2
              + ci_up * (rdiag * (2 * hF * hrF + had["hr2"]) + had["hmax"] * (2 * xF * xrF + had["xrF2"])))
    inputs = inputs / n
    # evaluation: |fl - exact| <= gamma_m (I + (|G||G|^T + (HH^T) o (|Xi||Xi|^T)/c + 11^T/c)/n) entrywise
    m = K + d + 12
    nmat = min(had["hmax"] * had["xF2"], had["x2max"] * had["h2"])
    evaluation = gamma(m) * (1.0 + (g2 + ci_up * nmat + n * ci_up) / n) * (1 + gamma(m))
    err = float(_up(float(_up(inputs, 8)) + evaluation, 3))
    return S, err, inv_s.mid


def _m_positive(parts: StructuredParts, c: Fraction) -> bool:
    cB = Ball.from_fractions([c])
    return bool(np.all(parts.na2.upper() < float((cB * cB).lower()[0])))


def certified_upper(parts: StructuredParts, t: Fraction) -> bool:
    """True if lambda_max(H) <= t is certified (M(t) > 0 and S(t) >= 0, rigorously rounded)."""
    if not _m_positive(parts, t):
        return False
    S, err, _ = schur_midpoint(parts, t)
    return psd_by_shifted_cholesky(S, err)[0]


def structured_certificate(net, data, c: Fraction, progress=None, parts=None) -> dict:
    """Decide lambda_max(H) <= c via (i)/(ii) above; returns a dict (see certify.py for the fields)."""
    say = progress or (lambda msg: None)
    say("structured: factors and exact activation pattern")
    parts = parts or StructuredParts(net, data)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        try:
            if c > C_MAX:
                return _huge_threshold(parts, c)
            return _structured_decision(parts, c, say)
        except FloatingPointError as exc:
            # the rounding analysis assumes no overflow; outside float64's range nothing is claimed
            return dict(stable=None, certified=False, lower=None, upper=None, parts=parts,
                        detail=f"undecided: float64 {exc} in the rigorously rounded reduction (its "
                               "assumptions exclude overflow); use --method schur or dense (exact)")


# Above this threshold the float64 balls would overflow (c^2 appears); lambda_max(H) <= C_MAX <= c is
# certified instead, which implies lambda_max(H) <= c.
C_MAX = Fraction(2) ** 400


def _huge_threshold(parts, c: Fraction) -> dict:
    if certified_upper(parts, C_MAX):
        return dict(stable=True, certified=True, lower=None, upper=C_MAX, parts=parts,
                    detail="lambda_max(H) <= 2^400 <= 2/eta certified by the same reduction at t = 2^400 "
                           "(2/eta itself is beyond float64's safe range); rigorously rounded float64")
    return dict(stable=None, certified=False, lower=None, upper=None, parts=parts,
                detail="undecided: 2/eta is beyond float64's safe range and lambda_max(H) <= 2^400 was "
                       "not certified")


def _structured_decision(parts, c: Fraction, say) -> dict:
    cB = Ball.from_fractions([c])
    c2 = cB * cB
    na2_lo = parts.na2.lower()
    k_bad = int(np.argmax(na2_lo))
    if na2_lo[k_bad] > float(c2.upper()[0]):
        lo = Fraction(math.sqrt(float(na2_lo[k_bad])) * (1 - 4 * U))
        return dict(stable=False, certified=True, lower=lo, upper=None, parts=parts,
                    detail=f"||a_k|| > 2/eta for neuron k={k_bad} (rank-2 residual block; fact (i)); "
                           "rigorously rounded")
    if not _m_positive(parts, c):
        return dict(stable=None, certified=False, lower=None, upper=None, parts=parts,
                    detail="M = cI - B not certified positive definite (some ||a_k|| too close to 2/eta)")
    say("structured: Schur complement S (n x n, blocked)")
    S, err, inv_s = schur_midpoint(parts, c)
    say("structured: verified Cholesky of S (one LAPACK factorisation)")
    ok, lower = psd_by_shifted_cholesky(S, err)
    if ok:
        return dict(stable=True, certified=True, lower=None, upper=c, parts=parts,
                    detail=f"M = cI - B > 0 and S = I - J M^-1 J^T/n >= 0 by verified shifted Cholesky "
                           f"(lambda_min(S) >= {lower:.3e}, ||S - fl(S)|| <= {err:.1e}); rigorously rounded "
                           "float64")
    # candidate refutation: z = M^{-1} J^T u for u the bottom eigenvector of S (proof in the note)
    w0, u0 = _bottom_eigenpair(S)
    z = _schur_vector(parts, u0, float(cB.mid[0]), inv_s, None)
    lo = rayleigh_lower(parts, z)
    if lo is not None and lo > c:
        return dict(stable=False, certified=True, lower=lo, upper=None, parts=parts,
                    detail=f"rigorous Rayleigh quotient of H at z = M^-1 J^T u (u: bottom eigenvector of "
                           f"S, float lambda_min(S) ~ {w0:.3e}) exceeds 2/eta; rigorously rounded")
    return dict(stable=None, certified=False, lower=lo, upper=None, parts=parts,
                detail=f"undecided: S not certified PSD (float lambda_min(S) ~ {w0:.3e}) and no "
                       "certified refuting vector")


def _bottom_eigenpair(S: np.ndarray):
    """Float estimate (lambda_min, eigenvector) of the symmetric matrix whose upper triangle is S."""
    import scipy.linalg

    n = S.shape[0]
    if n <= 3000:
        w, V = scipy.linalg.eigh(S, lower=False, subset_by_index=[0, 0])
        return float(w[0]), V[:, 0]
    from scipy.sparse.linalg import eigsh

    Sf = np.triu(S)
    Sf += np.triu(S, 1).T
    w, V = eigsh(Sf, k=1, which="SA")
    return float(w[0]), V[:, 0]


def _schur_vector(parts, u, c, inv_s, vc):
    """Float z = M^{-1} J^T u (block formula of the module doc); only a candidate, checked rigorously."""
    K, d = parts.K, parts.d
    D, A = parts.D, parts.Z.mid
    v = parts.v.mid
    alpha = A.T @ u  # (K,)
    zeta = v[:, None] * (D.T @ (u[:, None] * parts.Xi.mid))  # (K, d+1)
    a = parts.a.mid
    t = (alpha + (a * zeta).sum(axis=1) / c) * inv_s  # (K,)
    zv = t
    zwb = zeta / c + a * (t / c)[:, None]
    return np.concatenate([zv, zwb[:, :d].reshape(-1), zwb[:, d], [u.sum() / c]])


# ---------------------------------------------------------------------------- float estimates from the parts
def float_hvp(parts: StructuredParts):
    """Return z -> H z in float64 at the midpoints of the parts (an ESTIMATE: no error bound).

    H = (1/n) J^T J + B (module doc): J z = relu(Z) z_v + rowsum(Xi o (D diag(v) z_wb)) + z_beta,
    J^T u = (relu(Z)^T u, diag(v) D^T (u o Xi), sum u), and B z = (a_k . z_wb_k, a_k z_v_k) per neuron.
    The same quantity as numerics.hessian.hvp_operator, from factors the certificate already holds.

    >>> from numerics.network import ReluNetwork, Dataset
    >>> from numerics.hessian import hessian
    >>> net = ReluNetwork.from_float([[1.0, 2.0], [-1.0, 0.5]], [0.1, -0.2], [0.7, -1.3], 0.2)
    >>> data = Dataset.from_float([[0.3, 0.4], [-0.5, 0.1], [0.2, -0.6]], [1.0, -0.5, 0.25])
    >>> mv = float_hvp(StructuredParts(net, data))
    >>> H = np.array(hessian(net, data), dtype=float)
    >>> bool(np.allclose(np.column_stack([mv(e) for e in np.eye(net.num_params)]), H, atol=1e-12))
    True
    """
    n, K, d = parts.n, parts.K, parts.d
    Zr, Xi, a = parts.Z.mid, parts.Xi.mid, parts.a.mid
    Dv = parts.D * parts.v.mid[None, :]

    def mv(z):
        z = np.asarray(z, dtype=np.float64)
        zv = z[:K]
        zwb = np.hstack([z[K:K + K * d].reshape(K, d), z[K + K * d:K * (d + 2), None]])
        u = (Zr @ zv + ((Dv @ zwb) * Xi).sum(axis=1) + z[-1]) / n
        gwb = Dv.T @ (u[:, None] * Xi)  # (K, d+1)
        gwb += a * zv[:, None]
        out = np.empty_like(z)
        out[:K] = Zr.T @ u + (a * zwb).sum(axis=1)
        out[K:K + K * d] = gwb[:, :d].reshape(-1)
        out[K + K * d:K * (d + 2)] = gwb[:, d]
        out[-1] = u.sum()
        return out

    def jt(u):
        g = Dv.T @ (u[:, None] * Xi)
        return np.concatenate([Zr.T @ u, g[:, :d].reshape(-1), g[:, d], [u.sum()]])

    mv.jt = jt  # J^T u, for starting vectors
    return mv


def gauss_newton_top(parts: StructuredParts):
    """Float ESTIMATE (lambda_max(J J^T / n), its unit eigenvector u) from the n x n Gram
    J J^T = relu(Z) relu(Z)^T + (H H^T) o (Xi Xi^T) + 1 1^T, H = D|v|; the Hadamard term is the one the
    Schur complement uses (_hadamard_part, computed once per parts).  Term-A's lambda_max(J^T J/n)."""
    import scipy.linalg

    n = parts.n
    G = np.array(_hadamard_part(parts)["T"])  # upper triangle valid
    _syrk_upper(parts.Z.mid, G)
    G += 1.0
    if n <= 64:
        w, V = scipy.linalg.eigh(G, lower=False, subset_by_index=[n - 1, n - 1])
        return float(w[0]) / n, V[:, 0]
    from scipy.sparse.linalg import eigsh

    iu = np.triu_indices(n, 1)
    G[iu[1], iu[0]] = G[iu]
    w, V = eigsh(G, k=1, which="LA", tol=1e-10, v0=np.ones(n))
    return float(w[0]) / n, V[:, 0]


def structured_estimate(parts: StructuredParts, tol: float = 1e-9):
    """Float ESTIMATES from the parts: (lambda_max(H), its vector, lambda_max(J^T J/n)).

    Power iteration on :func:`float_hvp` (a Rayleigh quotient: a lower bound up to rounding) started at
    J^T u, u the top eigenvector of the Gram J J^T (gauss_newton_top): J^T u is the top eigenvector of
    (1/n) J^T J, the main term of H, so few iterations remain.  Never a certificate; the caller turns the
    vector into a rigorous lower bound with :func:`rayleigh_lower`.
    """
    from numerics.lambda_estimate import power_lambda_max

    lam_gn, u = gauss_newton_top(parts)
    mv = float_hvp(parts)
    z0 = mv.jt(u)
    if not np.linalg.norm(z0) > 0:
        z0 = np.random.default_rng(0).standard_normal(z0.size)
    est, vec, _ = power_lambda_max(mv, z0, tol=tol)
    return est, vec, lam_gn


# ---------------------------------------------------------------------------- exact variant (small n K)
def exact_schur_certificate(net, data, c: Fraction):
    """Exact-rational version of (i)/(ii): returns (stable, lower_bound_or_None, detail), or None when
    M = cI - B is singular (some ||a_k|| = c exactly; the caller falls back to the dense charpoly).

    Implemented with python-flint matrices in numerics._exact_schur (ExactSchur).
    """
    from numerics._exact_schur import ExactSchur, exact_schur_decision

    sch = ExactSchur(net, data)
    r = exact_schur_decision(net, data, c, sch)
    if r is None:
        return None
    stable, detail = r
    lower = None
    c2 = Fraction(c) ** 2
    if Fraction(int(sch.max_na2.p), int(sch.max_na2.q)) > c2:
        lower = sqrt_bounds(Fraction(int(sch.max_na2.p), int(sch.max_na2.q)), 64)[0]
    return stable, lower, detail
