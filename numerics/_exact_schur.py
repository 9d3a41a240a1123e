"""Exact Schur-complement decision of lambda_max(H) <= t and a certified enclosure of lambda_max (flint).

Same reduction as numerics._structured_cert (facts (i) and (ii) of proofs_notes/stability_certificates.md),
in exact rationals with python-flint matrices instead of Python loops:

    M(t) = tI - B > 0  iff  ||a_k||^2 < t^2 for every k;   then
    tI - H >= 0  iff  S(t) = I - (1/n) [Q diag(1/s) Q^T + (1/t) (Xi Xi^T) o (D V^2 D^T) + (1/t) 1 1^T] >= 0,

s_k = t - ||a_k||^2 / t, Q_ik = 1[z_ik > 0] (z_ik + v_k xi_i.a_k / t).  The t-independent products
(Xi a^T, Xi Xi^T, D V^2 D^T) are flint ``fmpq_mat`` products computed once; per t, one n x K scaling and
one flint product Q diag(1/s) Q^T, then an exact PSD decision of the n x n S(t) (:func:`psd_decision`:
float linear algebra proposes a proof, exact arithmetic checks it; exact elimination when it cannot).

Enclosure: every exact decision at a rational t says either lambda_max <= t or lambda_max > t (and
||a_k|| > t alone proves lambda_max > t, fact (i)), so two decisions around a float estimate give a
certified interval (lo, hi], widened until both hold and then bisected to the requested width.
"""

from __future__ import annotations

from fractions import Fraction

import flint
import numpy as np

from numerics.hessian import KinkError


def _q(x) -> "flint.fmpq":
    x = Fraction(x)
    return flint.fmpq(x.numerator, x.denominator)


def _to_fraction(q: "flint.fmpq") -> Fraction:
    return Fraction(int(q.p), int(q.q))


def exact_psd(S: list) -> bool:
    """Exact test S >= 0 for a symmetric matrix given as a list of rows of fmpq (modified in place).

    Symmetric Gaussian elimination (lower triangle read): a negative pivot refutes; a zero pivot refutes unless its row is
    zero (then the row and column are dropped); a positive pivot is eliminated (the Schur complement of
    a positive pivot is PSD iff the matrix is).

    >>> exact_psd([[flint.fmpq(1), flint.fmpq(1)], [flint.fmpq(1), flint.fmpq(1)]])
    True
    >>> exact_psd([[flint.fmpq(1), flint.fmpq(2)], [flint.fmpq(2), flint.fmpq(1)]])
    False
    """
    n = len(S)
    for k in range(n):  # only the lower triangle (and diagonal) is read and updated
        piv = S[k][k]
        if piv < 0:
            return False
        col = [S[i][k] for i in range(n)]
        if piv == 0:
            if any(col[i] != 0 for i in range(k + 1, n)):
                return False
            continue
        for i in range(k + 1, n):
            f = col[i]
            if f == 0:
                continue
            f = f / piv
            row = S[i]
            for j in range(k + 1, i + 1):
                if col[j] != 0:
                    row[j] -= f * col[j]
    return True


def _dyadic(x: float) -> "flint.fmpq":
    p, q = float(x).as_integer_ratio()
    return flint.fmpq(p, q)


def psd_decision(S: list) -> tuple[bool, str]:
    """Exact decision of S >= 0 (S symmetric, list of rows of fmpq), with the kind of proof used.

    Float linear algebra only proposes; every claim is proved in exact rational arithmetic:

    * PD proof: with R the float Cholesky factor of S - sigma I (sigma = half the float lambda_min) read
      as exact dyadic rationals, E = S - sigma I - R^T R is formed exactly and, since R^T R >= 0,
      lambda_min(S) >= sigma - max_i sum_j |E_ij| (Gershgorin); if that is > 0, S > 0.
    * refutation: u^T S u < 0, evaluated exactly at the float bottom eigenvector u read exactly.
    * otherwise (S singular or within rounding of singular): :func:`exact_psd` (complete, slower).

    >>> one = flint.fmpq(1)
    >>> psd_decision([[one, one], [one, one]])[0], psd_decision([[2 * one, one], [one, 2 * one]])
    (True, (True, 'exact Gershgorin bound on S - sigma I - R^T R (float Cholesky R read exactly)'))
    """
    n = len(S)
    if n == 0:
        return True, "empty"
    Sf = np.array([[float(x) for x in row] for row in S])
    Sf = 0.5 * (Sf + Sf.T)
    if np.isfinite(Sf).all():
        w, V = np.linalg.eigh(Sf)
        if w[0] > 0:
            sigma = float(w[0]) / 2
            try:
                R = np.linalg.cholesky(Sf - sigma * np.eye(n)).T
            except np.linalg.LinAlgError:
                R = None
            if R is not None:
                Rq = flint.fmpq_mat([[_dyadic(x) for x in row] for row in R])
                RtR = (Rq.transpose() * Rq).tolist()
                sq = _dyadic(sigma)
                worst = max(sum((abs(S[i][j] - RtR[i][j] - (sq if i == j else 0)) for j in range(n)),
                                flint.fmpq(0)) for i in range(n))
                if worst < sq:
                    return True, "exact Gershgorin bound on S - sigma I - R^T R (float Cholesky R read exactly)"
        elif w[0] < 0:
            u = [_dyadic(x) for x in V[:, 0]]
            quad = sum((u[i] * sum((S[i][j] * u[j] for j in range(n)), flint.fmpq(0)) for i in range(n)),
                       flint.fmpq(0))
            if quad < 0:
                return False, "exact u^T S u < 0 at the float bottom eigenvector read exactly"
    return exact_psd([row[:] for row in S]), "exact symmetric elimination"


class ExactSchur:
    """t-independent exact data of the reduction (computed once per network and data set)."""

    def __init__(self, net, data):
        n, K, d = data.n, net.K, net.d
        self.n, self.K = n, K
        Xi = flint.fmpq_mat([[_q(x) for x in row] + [flint.fmpq(-1)] for row in data.X])
        Wb = flint.fmpq_mat([[_q(x) for x in row] + [_q(bk)] for row, bk in zip(net.W, net.b)])
        Z = (Xi * Wb.transpose()).tolist()  # z_ik = w_k.x_i - b_k, exact
        kinks = [(i, k) for i in range(n) for k in range(K) if Z[i][k] == 0]
        if kinks:
            raise KinkError(kinks)
        self.mask = np.array([[z > 0 for z in row] for row in Z], dtype=bool).reshape(n, K)
        zero = flint.fmpq(0)
        self.Zq = [[z if z > 0 else zero for z in row] for row in Z]
        self.v = [_q(x) for x in net.v]
        beta = _q(net.beta)
        nq = flint.fmpq(n)
        # residuals r_i = f(x_i) - y_i and a_k = (1/n) sum_i r_i 1[z_ik > 0] xi_i (one flint product)
        r = [sum((zq * vk for zq, vk in zip(row, self.v)), zero) + beta - _q(yi) for row, yi in zip(self.Zq, data.y)]
        Dr = flint.fmpq_mat([[r[i] / nq if self.mask[i, k] else zero for k in range(K)] for i in range(n)])
        A = Dr.transpose() * Xi  # (K, d+1)
        Al = A.tolist()
        self.na2 = [sum((x * x for x in row), zero) for row in Al]
        self.P = (Xi * A.transpose()).tolist()  # xi_i . a_k
        Dm = flint.fmpq_mat([[flint.fmpq(1) if self.mask[i, k] else zero for k in range(K)] for i in range(n)])
        DV2 = flint.fmpq_mat([[self.v[k] * self.v[k] if self.mask[i, k] else zero for k in range(K)]
                              for i in range(n)])
        G = (Xi * Xi.transpose()).tolist()
        P2 = (DV2 * Dm.transpose()).tolist()
        # (Xi Xi^T) o (D V^2 D^T) + 1 1^T: the part of n S that scales with 1/t
        self.T2 = [[G[i][j] * P2[i][j] + 1 for j in range(n)] for i in range(n)]
        self.max_na2 = max(self.na2) if K else zero

    def decide(self, t) -> bool | None:
        """Exact answer to lambda_max(H) <= t: True / False, or None when M(t) is singular (some ||a_k|| = t).

        False also when some ||a_k|| > t (fact (i)).
        """
        t = _q(t)
        t2 = t * t
        if self.max_na2 > t2:
            return False
        if self.max_na2 == t2:
            return None
        n, K = self.n, self.K
        inv_t = 1 / t
        inv_s = [t / (t2 - x) for x in self.na2]  # 1/s_k = t / (t^2 - ||a_k||^2)
        vt = [x * inv_t for x in self.v]
        Q = [[(self.Zq[i][k] + vt[k] * self.P[i][k]) if self.mask[i, k] else flint.fmpq(0) for k in range(K)]
             for i in range(n)]
        Qs = flint.fmpq_mat([[Q[i][k] * inv_s[k] for k in range(K)] for i in range(n)])
        T1 = (Qs * flint.fmpq_mat(Q).transpose()).tolist()
        nq = flint.fmpq(n)
        S = [[(1 if i == j else 0) - (T1[i][j] + self.T2[i][j] * inv_t) / nq for j in range(n)] for i in range(n)]
        verdict, self.last_proof = psd_decision(S)
        return verdict


def exact_schur_decision(net, data, c, sch: ExactSchur | None = None):
    """(stable, detail) deciding lambda_max(H) <= c exactly, or None when M(c) is singular.

    >>> from numerics.network import ReluNetwork, Dataset
    >>> net, data = ReluNetwork.exact([[1]], [5], [1], 0), Dataset.exact([[1]], [0])   # lambda_max = 1
    >>> exact_schur_decision(net, data, 1)[0], exact_schur_decision(net, data, Fraction(99, 100))[0]
    (True, False)
    """
    sch = sch or ExactSchur(net, data)
    c = Fraction(c)
    verdict = sch.decide(c)
    if verdict is None:
        return None
    if _q(c) * _q(c) < sch.max_na2:
        return False, "||a_k|| > 2/eta for some neuron (fact (i)); exact"
    return verdict, ("M = cI - B > 0 and the exact Schur complement S = I - J M^-1 J^T/n is "
                     + ("PSD" if verdict else "NOT PSD") + f" ({sch.last_proof}; flint rationals)")


def exact_enclosure(net, data, hint: float, bits: int = 40, sch: ExactSchur | None = None,
                    lower: Fraction | None = None):
    """Return (lo, hi) with lo < lambda_max(H) <= hi certified by exact decisions, hi - lo <= 2^-bits max(1, |hint|).

    ``hint`` is a float estimate (only a starting point); ``lower`` an already certified lower bound
    (lambda_max >= lower), used to start the bracket.  Returns None if a decision meets a singular M.

    >>> from numerics.network import ReluNetwork, Dataset
    >>> net, data = ReluNetwork.exact([[1]], [5], [1], 0), Dataset.exact([[1]], [0])   # lambda_max = 1
    >>> lo, hi = exact_enclosure(net, data, 1.0, bits=20)
    >>> lo < 1 <= hi, float(hi - lo) <= 2 ** -20
    (True, True)
    """
    sch = sch or ExactSchur(net, data)
    scale = Fraction(max(1.0, abs(hint)))
    target = Fraction(1, 2 ** bits) * scale
    h = Fraction(hint)
    width = target / 4
    hi = h + width
    for _ in range(200):  # widen upward until lambda_max <= hi
        r = sch.decide(hi)
        if r is None:
            hi += width / 3
            continue
        if r:
            break
        width *= 16
        hi = h + width
    else:
        return None
    width = target / 4
    lo = h - width if lower is None else max(h - width, lower - target / 8)
    for _ in range(200):  # widen downward until lambda_max > lo
        if lo >= hi:
            lo = hi - width
        r = sch.decide(lo)
        if r is None:
            lo -= width / 3
            continue
        if not r:
            break
        width *= 16
        lo = h - width
    else:
        return None
    while hi - lo > target:
        mid = lo + (hi - lo) / 2
        mid = Fraction(float(mid)) if lo < Fraction(float(mid)) < hi else mid  # short dyadic
        r = sch.decide(mid)
        if r is None:
            mid = lo + (hi - lo) / 3
            r = sch.decide(mid)
            if r is None:
                break
        if r:
            hi = mid
        else:
            lo = mid
    return lo, hi
