"""Independent checker of certificate files: ``python -m numerics.check_certificate FILE [--json]``.

exit codes:
  0    valid: the claim follows from the problem and the witness
  1    invalid: one line names the first failing check
  2    unreadable file or unknown format
  4    internal error (one line; --debug prints the traceback)
  130  interrupted (Ctrl-C)
  141  stdout closed early (broken pipe)

This module is deliberately self-contained: it imports only the standard library, numpy and python-flint
(never the rest of the toolkit) and re-derives every quantity from the formulas of the theory
(proofs_notes/theory.md §1–§3): f(x) = sum_k v_k relu(w_k.x - b_k) + beta, L = (1/2n) sum_i r_i^2,
r_i = f(x_i) - y_i, grad^2 L = H = (1/n) J^T J + B with one rank-2 block [[0, a_k^T], [a_k, 0]] per
neuron on (v_k; w_k, b_k), a_k = (1/n) sum_i r_i 1[z_ik > 0] (x_i, -1), z_ik = w_k.x_i - b_k.
Arithmetic is exact (python-flint fmpq), except the n x n Schur complement of a "schur-factor" witness,
enclosed in rigorously rounded float64 balls.  What it trusts and why each check implies the claim:
proofs_notes/certificate_checker.md.
"""

import argparse
import contextlib
import hashlib
import json
import math
import os
import re
import sys
import time
import traceback
from fractions import Fraction
from pathlib import Path

import flint
import numpy as np

FORMAT = "nsc-certificate/1"
HEX = re.compile(r"\s*[+-]?0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?[0-9]+))?\s*")  # float.fromhex syntax
LOSS_SCALE = {"half-mse": 1, "mse": 2}  # Hessian of the loss convention = scale * H (H: half-mse)


class Unreadable(Exception):
    """The file is not a certificate this checker can read (exit 2)."""


class Invalid(Exception):
    """A check failed (exit 1); ``check`` names it."""

    def __init__(self, check, message):
        super().__init__(message)
        self.check = check


def _req(ok, check, message):
    if not ok:
        raise Invalid(check, message)


# ----------------------------------------------------------------------------------- exact numbers
def num(x, where="number"):
    """Exact value of a JSON number: an int, a "p/q" (or integer / decimal) string, or a hex float string."""
    if isinstance(x, bool) or not isinstance(x, (int, str)):
        raise Unreadable(f"{where}: {x!r} is not an exact number (int, 'p/q' or hex-float string)")
    if isinstance(x, int):
        return Fraction(x)
    try:
        if "x" not in x.lower():  # Fraction("1e-99999999") would spend minutes building 10^99999999
            if abs(int((re.search(r"e\s*([+-]?\d+)", x.lower()) or [0, 0])[1])) > 4300:
                raise ValueError("decimal exponent beyond 4300")
            return Fraction(x)
        q, m = Fraction(float.fromhex(x)), HEX.fullmatch(x.lower())  # inf / nan raise here
    except (ValueError, ZeroDivisionError, OverflowError):
        raise Unreadable(f"{where}: {x!r} is not an exact number") from None
    # float.fromhex rounds; the string's own value must be that float64 (no digits beyond 53 bits, no underflow)
    i, f, e = m.groups() if m else ("", "", "0")
    mant, e = int(i + (f or "") or "0", 16), int(e or 0) - 4 * len(f or "")
    exact = (mant == 0) if q == 0 else (-1076 - mant.bit_length() <= e <= 1024 and mant * Fraction(2) ** e == abs(q))
    if not m or not exact:
        raise Unreadable(f"{where}: {x!r} is not exactly a float64 (float.fromhex would round it)")
    return q


def fq(q):
    return flint.fmpq(q.numerator, q.denominator)


def vec(obj, length, where):
    if not isinstance(obj, list):
        raise Unreadable(f"{where}: expected a list of numbers")
    _req(len(obj) == length, "shape", f"{where} has {len(obj)} entries, expected {length}")
    return [num(x, where) for x in obj]


def rows(obj, m, k, where):
    if not isinstance(obj, list):
        raise Unreadable(f"{where}: expected a list of rows")
    _req(len(obj) == m, "shape", f"{where} has {len(obj)} rows, expected {m}")
    return [vec(r, k, f"{where}[{i}]") for i, r in enumerate(obj)]


def qmat(rows_):
    m, k = len(rows_), (len(rows_[0]) if rows_ else 0)
    return flint.fmpq_mat(m, k, [fq(x) for r in rows_ for x in r])


def integer(obj, where, lo=0):
    if isinstance(obj, bool) or not isinstance(obj, int) or obj < lo:
        raise Unreadable(f"{where}: expected an integer >= {lo}")
    return obj


def hexints(obj, where, count):
    if not isinstance(obj, list) or not all(isinstance(h, str) for h in obj):
        raise Unreadable(f"{where}: expected a list of hex strings")
    _req(count is None or len(obj) == count, "shape", f"{where} has {len(obj)} entries, expected {count}")
    try:
        return [int(h, 16) for h in obj]
    except ValueError:
        raise Unreadable(f"{where}: not hex strings") from None


def digest(obj):
    """sha256 of the canonical JSON text of a problem or witness (sorted keys, no spaces)."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def threshold(problem):
    """c with: GD at step eta on the stated loss is linearly stable iff lambda_max(H) <= c (Prop. 2.1).

    The Hessian of L_conv is s H (s = 1 for half-mse, 2 for mse), so lambda_max(s H) <= 2/eta iff
    lambda_max(H) <= 2/(eta s)."""
    eta = num(problem.get("eta"), "problem.eta")
    loss = problem.get("loss")
    if loss not in LOSS_SCALE:
        raise Unreadable(f"problem.loss: unknown loss convention {loss!r}")
    _req(eta > 0, "problem_eta", f"eta = {eta} is not positive")
    return 2 / (eta * LOSS_SCALE[loss])


# ------------------------------------------------------------------------------ stability claims
class Net:
    """The problem of a stability certificate in exact rationals, with its first-order quantities."""

    def __init__(self, p):
        self.d, self.n, self.K = d, n, K = tuple(integer(p.get(k), f"problem.{k}", 1) for k in ("d", "n", "K"))
        net, data = p.get("network"), p.get("data")
        if not isinstance(net, dict) or not isinstance(data, dict):
            raise Unreadable("problem: needs objects 'network' and 'data'")
        self.W, self.X = rows(net.get("W"), K, d, "network.W"), rows(data.get("X"), n, d, "data.X")
        self.b, self.v = vec(net.get("b"), K, "network.b"), vec(net.get("v"), K, "network.v")
        self.beta, self.y = num(net.get("beta"), "network.beta"), vec(data.get("y"), n, "data.y")
        # xi_i = (x_i, -1) and wb_k = (w_k, b_k), so z_ik = xi_i . wb_k = w_k . x_i - b_k
        self.Xi = qmat([r + [Fraction(-1)] for r in self.X])
        self.Wb = [self.W[k] + [self.b[k]] for k in range(K)]
        self.vq, self.Wbq = [fq(x) for x in self.v], [[fq(x) for x in r] for r in self.Wb]  # fmpq copies

    def pattern(self, hexrows):
        """Check the stated activation pattern against the exact sign of every z_ik; no z_ik may be 0."""
        n, K = self.n, self.K
        stated = hexints(hexrows, "witness.pattern", n)
        try:  # a float64 ball enclosure of Z = Xi Wb^T decides most signs (rigorously; see below) ...
            Zm, Zr = bmul(ball(self.Xi.entries(), (n, self.d + 1)),
                          ball([self.Wb[k][j] for j in range(self.d + 1) for k in range(K)], (self.d + 1, K)))
        except OverflowError:
            Zm, Zr = np.zeros((n, K)), np.full((n, K), np.inf)
        bits, unsure = Zm > Zr, ~((Zm > Zr) | (Zm < -Zr))
        for i, k in zip(*np.nonzero(unsure)):  # ... the others exactly
            z = sum(x * w for x, w in zip(self.X[i], self.W[k])) - self.b[k]
            _req(z != 0, "no_kink", f"z[{i},{k}] = w_k.x_i - b_k = 0: data point {i} lies on the kink of "
                 f"neuron {k}, the loss has no Hessian there")
            bits[i, k] = z > 0
        # row i as the integer sum_k 2^k 1[z_ik > 0] (bits packed from neuron K-1 down to neuron 0)
        exact = [int.from_bytes(np.packbits(np.concatenate([np.zeros(-K % 8, bool), row[::-1]])).tobytes(), "big")
                 for row in bits]
        for i in (i for i in range(n) if stated[i] != exact[i]):
            k = ((stated[i] ^ exact[i]) & -(stated[i] ^ exact[i])).bit_length() - 1
            raise Invalid("activation_pattern", f"witness pattern of (i={i}, k={k}) says "
                          f"{'active' if stated[i] >> k & 1 else 'inactive'}, exact sign of z_ik says otherwise")
        self.bits, self.mask = bits, bits.ravel().tolist()
        self.D = flint.fmpq_mat(flint.fmpz_mat(n, K, bits.astype(int).ravel().tolist()))  # D_ik = 1[z_ik > 0]
        self.active = bool(bits.any())

    def rowdot(self, A):
        """(xi_i . A_i)_i for an (n, d+1) matrix A."""
        e, x, m = A.entries(), self.Xi.entries(), self.d + 1
        return [sum((x[i * m + j] * e[i * m + j] for j in range(m)), flint.fmpq(0)) for i in range(self.n)]

    def residuals(self):
        """r_i = f(x_i) - y_i with f(x_i) = xi_i . sum_k D_ik v_k wb_k + beta; a_k = (1/n) sum_i r_i D_ik xi_i."""
        VW = flint.fmpq_mat(self.K, self.d + 1, [self.vq[k] * c for k in range(self.K) for c in self.Wbq[k]])
        f = self.rowdot(self.D * VW)
        self.r = [fi + fq(self.beta) - fq(yi) for fi, yi in zip(f, self.y)]
        xe, m = self.Xi.entries(), self.d + 1
        rXi = flint.fmpq_mat(self.n, m, [self.r[i] * xe[i * m + j] for i in range(self.n) for j in range(m)])
        self.A = (self.D.transpose() * rXi) * flint.fmpq(1, self.n)  # (K, d+1): row k is a_k
        a = self.A.entries()
        self.na2 = [sum((a[k * m + j] ** 2 for j in range(m)), flint.fmpq(0)) for k in range(self.K)]

    def quad(self, z):
        """(z^T H z, z^T z) exactly for z in the layout [v | w_1..w_K | b | beta] (P = K(d+2)+1).

        J_i . z = xi_i . sum_k D_ik (z_vk wb_k + v_k zwb_k) + z_beta, zwb_k = (z_wk, z_bk), and the residual
        blocks give z^T B z = 2 sum_k z_vk a_k . zwb_k."""
        K, d, m = self.K, self.d, self.d + 1
        zq = [fq(x) for x in z]
        zv, zb = zq[:K], zq[K + K * d:K * (d + 2)]
        zwb = [zq[K + k * d:K + (k + 1) * d] + [zb[k]] for k in range(K)]
        U = flint.fmpq_mat(K, m, [zv[k] * w + self.vq[k] * u for k in range(K) for w, u in zip(self.Wbq[k], zwb[k])])
        Jz, a = [t + zq[-1] for t in self.rowdot(self.D * U)], self.A.entries()
        res = sum((zv[k] * a[k * m + j] * zwb[k][j] for k in range(K) for j in range(m)), flint.fmpq(0))
        return sum((t * t for t in Jz), flint.fmpq(0)) / self.n + 2 * res, sum((x * x for x in zq), flint.fmpq(0))

    def schur_parts(self, t):
        """Exact s_k = t - |a_k|^2/t and rows G_k = wb_k + v_k a_k / t, so q_ik = D_ik xi_i . G_k (check_upper)."""
        m, tq, a = self.d + 1, fq(t), self.A.entries()
        s = [tq - self.na2[k] / tq for k in range(self.K)]
        G = [[self.Wbq[k][j] + self.vq[k] * a[k * m + j] / tq for j in range(m)] for k in range(self.K)]
        return s, G

    def exact_schur(self, t):
        """S(t) = I - (1/n) J M^{-1} J^T exactly (fmpq_mat; small problems)."""
        K, n, m = self.K, self.n, self.d + 1
        s, G = self.schur_parts(t)
        zero = flint.fmpq(0)

        def masked(rows_):
            Y = (self.Xi * flint.fmpq_mat(K, m, [x for r in rows_ for x in r]).transpose()).entries()
            return flint.fmpq_mat(n, K, [y if msk else zero for y, msk in zip(Y, self.mask)])

        T1 = masked([[x / s[k] for x in G[k]] for k in range(K)]) * masked(G).transpose()
        v2 = [fq(x) ** 2 for x in self.v]
        Dv2 = flint.fmpq_mat(n, K, [v2[k] if self.mask[i * K + k] else zero for i in range(n) for k in range(K)])
        V, gram = (Dv2 * self.D.transpose()).entries(), (self.Xi * self.Xi.transpose()).entries()
        T2 = flint.fmpq_mat(n, n, [(g * w + 1) / fq(t) for g, w in zip(gram, V)])
        return flint.fmpq_mat(n, n, [int(i == j) for i in range(n) for j in range(n)]) - (T1 + T2) / n


# ------------------------------------------- rigorous float64 balls: (mid, rad) with |true - mid| <= rad
U, ETA = 2.0 ** -53, 2.0 ** -1000  # unit roundoff; ETA absorbs underflow (proofs_notes/certificate_checker.md)


def up(x, k):
    """Upper bound of the exact value of a nonnegative float expression with <= k roundings per term."""
    return x * (1 + 4 * (k + 2) * U) + ETA


def ball(qs, shape):
    """Enclose exact rationals: mid = correctly rounded float (Fraction.__float__), |q - mid| <= 2u|mid|."""
    mid = np.array([float(Fraction(int(q.p), int(q.q)) if hasattr(q, "p") else q) for q in qs]).reshape(shape)
    return mid, up(2 * U * np.abs(mid), 1)


def bmul(A, B):
    """A @ B: |fl(Am Bm) - Am Bm| <= gamma_k |Am||Bm|, gamma_k <= 1.01 k u for k < 2^46 (any order, FMA or not)."""
    (am, ar), (bm, br), k = A, B, A[0].shape[1]
    aa, ab = np.abs(am), np.abs(bm)
    return am @ bm, up(1.01 * k * U * (aa @ ab) + aa @ br + ar @ (ab + br), k + 6)


def badd(A, B, sign=1.0):
    return A[0] + sign * B[0], up(A[1] + B[1] + U * np.abs(A[0] + sign * B[0]), 3)


def hmul(A, B):
    """Entrywise product (broadcasting)."""
    return A[0] * B[0], up(np.abs(A[0]) * B[1] + A[1] * (np.abs(B[0]) + B[1]) + U * np.abs(A[0] * B[0]), 4)


def float_schur_certified(net, t, alpha, R):
    """True if S(t) >= 0 is proved from the factor R and shift alpha (float64 balls, see check_upper)."""
    K, n = net.K, net.n
    s, G = net.schur_parts(t)
    tau = []  # tau_k >= s_k^{-1/2}: T1 = Q diag(1/s) Q^T <= P P^T, P = D o (Xi (tau o G)^T)
    for sk in s:
        f = math.sqrt(1 / float(sk))
        while fq(Fraction(f)) ** 2 * sk < 1:
            f = math.nextafter(f, math.inf)
        tau.append(fq(Fraction(f)))
    D = net.bits.astype(np.float64)
    Xi = ball(net.Xi.entries(), (n, net.d + 1))
    Gt = ball([G[k][j] * tau[k] for j in range(net.d + 1) for k in range(K)], (net.d + 1, K))
    P = tuple(x * D for x in bmul(Xi, Gt))  # masking by exact 0/1 is exact
    T1 = bmul(P, (P[0].T, P[1].T))
    v2 = ball([fq(x) ** 2 for x in net.v], (1, K))
    V = bmul((D * v2[0], D * v2[1]), (D.T, np.zeros((K, n))))  # D diag(v^2) D^T
    gram = bmul(Xi, (Xi[0].T, Xi[1].T))
    T2t = badd(hmul(gram, V), (np.ones((n, n)), np.zeros((n, n))))  # t T2
    inv_t, inv_n = ball([1 / fq(t)], (1, 1)), ball([flint.fmpq(1, n)], (1, 1))
    JMJ = hmul(badd(T1, hmul(T2t, inv_t)), inv_n)
    RR = bmul((R, np.zeros_like(R)), (R.T, np.zeros_like(R)))
    E = badd(badd(hmul((np.eye(n), np.zeros((n, n))), ball([1 - fq(alpha)], (1, 1))), JMJ, -1.0), RR, -1.0)
    fro2 = up(float(np.sum((np.abs(E[0]) + E[1]) ** 2)), n * n + 4)  # >= |E|_F^2 (of the true E)
    return fro2 < float(alpha) * float(alpha) * (1 - 4 * U), fro2


def check_lower(net, w, lower):
    """lambda_max(H) >= lower from a Rayleigh vector, a residual block, or the inactive structure."""
    kind = w.get("type") if isinstance(w, dict) else None
    if kind == "rayleigh":
        zHz, zz = net.quad(vec(w.get("z"), net.K * (net.d + 2) + 1, "witness.lower.z"))  # P = K(d+2)+1
        _req(zz > 0 and zHz >= fq(lower) * zz, "lower_bound", f"exact Rayleigh quotient z^T H z / z^T z = "
             f"{float(zHz / zz) if zz else 'undefined (z = 0)'} < claimed lambda_max_lower {float(lower):.17g}")
    elif kind == "neuron":
        k = integer(w.get("k"), "witness.lower.k")
        _req(k < net.K, "lower_bound", f"neuron index {k} out of range")
        # e = (1, a_k/|a_k|) on (v_k; w_k, b_k): e^T H e / e^T e >= e^T B e / 2 = |a_k|
        _req(lower <= 0 or fq(lower) ** 2 <= net.na2[k], "lower_bound",
             f"|a_k|^2 = {float(net.na2[k]):.17g} < lambda_max_lower^2 for neuron {k}")
    elif kind == "inactive":
        # no neuron active on any data point: J_i = e_beta and every a_k = 0, so H = e_beta e_beta^T
        _req(not net.active, "lower_bound", "'inactive' witness but some neuron is active")
        _req(lower <= 1, "lower_bound", f"lambda_max = 1 < claimed lower bound {float(lower)}")
    else:
        raise Unreadable("witness.lower: type must be rayleigh, neuron or inactive")


def check_upper(net, w, upper):
    """lambda_max(H) <= t = upper.  With M = tI - B > 0 (|a_k| < t for all k), tI - H = M - J^T J/n >= 0
    iff S = I - (1/n) J M^{-1} J^T >= 0, and by the blockwise inverse of M,
    J M^{-1} J^T = Q diag(1/s) Q^T + (1/t)[(Xi Xi^T) o (D diag(v^2) D^T) + 1 1^T],
    s_k = t - |a_k|^2/t, q_ik = D_ik xi_i . (wb_k + v_k a_k / t)."""
    kind = w.get("type") if isinstance(w, dict) else None
    if kind == "inactive":
        _req(not net.active, "upper_bound", "'inactive' witness but some neuron is active")
        _req(upper >= 1, "upper_bound", f"lambda_max = 1 > claimed upper bound {float(upper)}")
        return
    if kind not in ("schur-ldl", "schur-factor"):
        raise Unreadable("witness.upper: type must be schur-ldl, schur-factor or inactive")
    t = num(w.get("t"), "witness.upper.t")
    _req(t == upper, "upper_bound", f"witness is for t = {t}, the claim says lambda_max_upper = {upper}")
    _req(t > 0, "upper_bound", "t must be positive")
    bad = [k for k in range(net.K) if net.na2[k] >= fq(t) ** 2] + [None]
    _req(bad[0] is None, "m_positive", f"|a_k| >= t for neuron k={bad[0]}: M = tI - B is not positive definite")
    n = net.n
    if kind == "schur-ldl":
        # S = L diag(Dg) L^T exactly with Dg >= 0  =>  S >= 0
        L = w.get("L") if isinstance(w.get("L"), list) else None
        _req(L is not None and len(L) == n, "shape", f"witness.upper.L: expected {n} rows")
        Lm = qmat([vec(L[i], i, f"witness.upper.L[{i}]") + [Fraction(1)] + [Fraction(0)] * (n - i - 1) for i in range(n)])
        Dg = vec(w.get("D"), n, "witness.upper.D")
        _req(all(x >= 0 for x in Dg), "schur_psd", "negative pivot in D")
        Dm = flint.fmpq_mat(n, n, [fq(Dg[i]) if i == j else 0 for i in range(n) for j in range(n)])
        _req(Lm * Dm * Lm.transpose() == net.exact_schur(t), "schur_psd", "L diag(D) L^T != S(t) exactly")
        return
    # schur-factor: S >= S' = I - (P P^T + T2)/n = alpha I + R R^T + E (R R^T >= 0), |E|_2 <= |E|_F < alpha
    # gives lambda_min(S) >= lambda_min(S') >= alpha - |E|_2 > 0 (Weyl)
    alpha, Rw = num(w.get("alpha"), "witness.upper.alpha"), w.get("R")
    _req(0 < alpha <= 1 and float(alpha) == alpha, "schur_psd", "alpha must be a float in (0, 1] (S <= I)")
    try:  # hex floats (any finite R will do: the argument holds for the R used)
        R = np.array([[float.fromhex(x) for x in Rw[i]] + [0.0] * (n - 1 - i) for i in range(n)]).reshape(n, n)
        # a finite R is a real matrix (the argument above); the verdict never rests on BLAS's inf / nan handling
        ok, fro2 = float_schur_certified(net, t, alpha, R) if np.isfinite(R).all() else (False, math.inf)
    except (TypeError, ValueError, IndexError, KeyError):
        raise Unreadable(f"witness.upper.R: expected {n} rows of hex floats (row i of length i+1)") from None
    except (OverflowError, ZeroDivisionError):  # beyond float64 (e.g. s_k < 2^-1075): cannot be checked
        ok, fro2 = False, math.inf
    _req(bool(ok), "schur_psd", f"|S - alpha I - R R^T|_F^2 <= {fro2:.3e} is not below alpha^2 = "
         f"{float(alpha) ** 2:.3e}: S(t) not certified PSD")


def check_stability(doc, done):
    p, claim, wit = doc["problem"], doc["claim"], doc["witness"]
    c, net = threshold(p), Net(p)
    _req(num(claim.get("threshold"), "claim.threshold") == c, "threshold",
         f"claim.threshold = {claim.get('threshold')} but 2/(eta s) = {c} for eta and loss of the problem")
    done.append("threshold")
    lower, upper = (None if claim.get(k) is None else num(claim.get(k), f"claim.{k}")
                    for k in ("lambda_max_lower", "lambda_max_upper"))
    stable = claim.get("stable")
    _req(any(stable is x for x in (True, False, None)), "claim", "claim.stable must be true, false or null")
    _req(stable is not True or (upper is not None and upper <= c), "claim",
         "stable claimed but lambda_max_upper is missing or exceeds the threshold")
    _req(stable is not False or (lower is not None and lower > c), "claim",
         "not stable claimed but lambda_max_lower is missing or does not exceed the threshold")
    _req(lower is not None or upper is not None, "claim", "the claim states no bound")
    done.append("claim")
    net.pattern(wit.get("pattern"))
    net.residuals()
    done += ["no_kink", "activation_pattern"]
    stated = vec(wit.get("residuals"), net.n, "witness.residuals")
    bad = [i for i in range(net.n) if fq(stated[i]) != net.r[i]] + [None]
    _req(bad[0] is None, "residuals", f"residual r_{bad[0]} = f(x_i) - y_i differs from the witness")
    done.append("residuals")
    if lower is not None:
        check_lower(net, wit.get("lower"), lower)
        done.append("lower_bound")
    if upper is not None:
        check_upper(net, wit.get("upper"), upper)
        done.append("upper_bound")


# --------------------------------------------------------------------------- construction claims
def check_construction(doc, done):
    """App. H / App. I claims: disjoint caps, a code's distance and size, empty caps, stable minima."""
    p, claim, wit = doc["problem"], doc["claim"], doc["witness"]
    d, n = integer(p.get("d"), "problem.d", 1), integer(p.get("n"), "problem.n", 1)
    eps = num(p.get("eps"), "problem.eps")
    _req(0 < eps <= Fraction(1, 2), "eps_range", f"eps = {eps} not in (0, 1/2]")
    done.append("eps_range")
    dirs = wit.get("directions") if isinstance(wit.get("directions"), list) else []
    U, N = rows(dirs, len(dirs), d, "witness.directions"), len(dirs)
    _req(N > 0 and claim.get("num_caps") == N, "num_caps", f"claim.num_caps = {claim.get('num_caps')}, {N} directions")
    a = 1 - eps * eps  # cap C(u) = {x : u.x > 1 - eps^2}, a cap of the sphere only for a unit u
    G = (qmat(U) * qmat(U).transpose()).entries()
    for i in range(N):  # every claim (num_caps, packing, empty caps) is about caps: unit directions
        _req(G[i * N + i] == 1, "packing_unit", f"direction {i} has |u|^2 = {G[i * N + i]} != 1")
    if claim.get("packing_disjoint") is not None:
        _req(claim["packing_disjoint"] is True, "claim", "packing_disjoint must be true when present")
        thr = fq(2 * a * a - 1)  # C(u), C(u') disjoint iff u.u' <= 2(1-eps^2)^2 - 1 (unit u, u')
        for i in range(N):
            for j in range(i + 1, N):
                _req(G[i * N + j] <= thr, "packing_disjoint", f"caps {i} and {j} overlap: u.u' = {G[i * N + j]} > {thr}")
        done.append("packing_disjoint")
    code = claim.get("code")
    if code is not None:
        ints = hexints(wit.get("code"), "witness.code", None)
        Nc = integer(code.get("length"), "claim.code.length", 1)  # one bit per cap (per bump if d = 1)
        _req(d == 1 or Nc == N, "code_claim", f"code length {Nc} != number of caps {N}")
        M, D = len(ints), -(-Nc // 8)
        _req(code.get("size") == M and code.get("min_distance") == D, "code_claim", f"claim says size "
             f"{code.get('size')}, distance {code.get('min_distance')}; witness: {M} words, ceil(N/8) = {D}")
        _req(all(0 <= x < (1 << Nc) for x in ints), "code_words", "a code word has more than N bits")
        nw = (Nc + 63) // 64
        B = np.array([[(x >> (64 * j)) & (2 ** 64 - 1) for j in range(nw)] for x in ints], dtype=np.uint64)
        for i in range(M - 1):
            dist = np.bitwise_count(B[i + 1:] ^ B[i]).sum(axis=1)
            _req(int(dist.min()) >= D, "code_distance",
                 f"words {i} and {i + 1 + int(dist.argmin())} are at Hamming distance {int(dist.min())} < {D}")
        if code.get("size_bound") == "direct":  # M >= 2^(N/8) <=> M^8 >= 2^N
            _req(M ** 8 >= 2 ** Nc, "code_size", f"M = {M} < 2^(N/8)")
        else:  # Gilbert-Varshamov: a maximal code of distance D has >= 2^N / V(N, D-1) >= 2^(N/8) words
            _req(code.get("size_bound") == "counting", "code_claim", "size_bound must be direct or counting")
            _req(2 ** (7 * Nc) >= sum(math.comb(Nc, j) for j in range(D)) ** 8, "code_size", "GV counting bound fails")
        done += ["code_distance", "code_size"]
    app = claim.get("app_i")
    if app is not None:
        X, c = rows(p.get("X"), n, d, "problem.X"), threshold(p)
        E = app.get("empty_caps")
        if not isinstance(E, list) or not all(isinstance(i, int) and 0 <= i < N for i in E):
            raise Unreadable("claim.app_i.empty_caps: expected cap indices")
        UX = (qmat(U) * qmat(X).transpose()).entries()
        empty = [i for i in range(N) if all(UX[i * n + j] < fq(a) for j in range(n))]
        _req(sorted(E) == empty, "empty_caps", f"the caps with no sample (u.x < 1 - eps^2 for all x) are "
             f"{len(empty)}, the claim lists {len(E)} (first difference at {sorted(set(E) ^ set(empty))[:1]})")
        Ka = integer(app.get("atoms"), "claim.app_i.atoms", 1)
        _req(Ka <= len(E), "empty_caps", "more atoms than empty caps")
        parked = all(UX[i * n + j] < 2 for i in E[:Ka] for j in range(n))
        # atoms eps^-2 relu(u.x - (1-eps^2)) on empty caps (and the same with b = 2) are inactive on every
        # sample; with beta = 0 and labels 0: f = y on the data, J_i = e_beta, a_k = 0, so H = e_beta e_beta^T
        _req(parked, "stable_minimum_zero", "some u.x_i >= 2: the b = 2 neuron is active")
        _req(app.get("threshold") is not None and num(app["threshold"], "claim.app_i.threshold") == c,
             "threshold", f"claim.app_i.threshold differs from 2/(eta s) = {c}")
        _req(num(app.get("lambda_max"), "claim.app_i.lambda_max") == 1, "stable_minimum",
             "lambda_max of an inactive zero-residual network is exactly 1")
        _req(app.get("stable") is (1 <= c), "stable_minimum", f"stable must be (1 <= {c}) = {1 <= c}")
        done += ["empty_caps", "stable_minimum_atoms", "stable_minimum_zero"]
    _req(len(done) > 1, "claim", "the certificate claims nothing")


# ----------------------------------------------------------------------------------------- driver
KINDS = {"stability": check_stability, "construction": check_construction}


def check(doc):
    """Return (status, failed_check, message, passed_checks); status in valid / invalid / unreadable."""
    done = []
    try:
        if not isinstance(doc, dict) or not {"format", "problem", "claim", "witness"} <= set(doc):
            raise Unreadable("not a certificate: needs keys format, problem, claim, witness")
        if doc["format"] != FORMAT:
            raise Unreadable(f"unknown format {doc['format']!r} (this checker reads {FORMAT!r})")
        p, claim = doc["problem"], doc["claim"]
        if not all(isinstance(doc[k], dict) for k in ("problem", "claim", "witness")):
            raise Unreadable("problem, claim and witness must be objects")
        if p.get("type") not in KINDS:
            raise Unreadable(f"unknown problem type {p.get('type')!r}")
        KINDS[p["type"]](doc, done)
        # integrity, checked last: every mathematical check above passed, so a mismatch here means the
        # file proves its claim for the problem / witness as they now stand, but is not the certificate
        # that was issued (e.g. a weight of a neuron inactive on all data was changed); see the note
        for part in ("problem", "witness"):
            _req(claim.get(f"{part}_sha256") == digest(doc[part]), f"{part}_digest",
                 f"claim.{part}_sha256 does not match the {part} (the mathematical checks passed: the file "
                 f"is not the certificate that was issued)")
            done.append(f"{part}_digest")
        return "valid", None, "certificate valid: " + ", ".join(done), done
    except Invalid as exc:
        return "invalid", exc.check, f"INVALID [{exc.check}]: {exc}", done
    except Unreadable as exc:
        return "unreadable", None, f"unreadable: {exc}", done
    except (TypeError, AttributeError, KeyError, IndexError, ValueError) as exc:  # malformed: never "valid"
        return "unreadable", None, f"unreadable: malformed certificate ({type(exc).__name__}: {exc})", done


def _unique_keys(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) < len(keys):
        raise ValueError(f"duplicate key {next(k for k in keys if keys.count(k) > 1)!r} in a JSON object")
    return dict(pairs)


def _version():
    """The toolkit's version, read as text from bounds/_version.py beside this package (nothing imported)."""
    try:
        return (Path(__file__).resolve().parents[1] / "bounds" / "_version.py").read_text().split('"')[-2]
    except (OSError, IndexError):
        return "(standalone copy)"


def main(argv=None):
    """CLI: check one certificate file; exit 0 valid, 1 invalid, 2 unreadable or unknown format (see --help)."""
    prog = "python -m numerics.check_certificate"
    ap = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0], epilog=__doc__[__doc__.index("exit codes:"):__doc__.index("\n\n", 100)],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    ap.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    ap.add_argument("--debug", action="store_true", help="on an internal error (exit 4) print the traceback")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    try:
        try:
            with open(a.file) as fh:  # a repeated key would let two JSON readers see two claims
                doc = json.load(fh, object_pairs_hook=_unique_keys)
        except (OSError, ValueError) as exc:
            status, failed, msg, done = "unreadable", None, f"unreadable: {str(exc).splitlines()[0]}", []
        else:
            with np.errstate(all="ignore"):  # float64 overflow is handled: inf / nan fail every comparison
                status, failed, msg, done = check(doc)
        if a.json:
            print(json.dumps({"status": status, "valid": status == "valid", "failed_check": failed, "message": msg,
                              "passed_checks": done, "seconds": round(time.perf_counter() - t0, 3)}))
        else:
            print(msg if status != "unreadable" else f"error: {msg}", file=sys.stderr if status == "unreadable" else sys.stdout)
        sys.stdout.flush()
        return {"valid": 0, "invalid": 1, "unreadable": 2}[status]
    except BrokenPipeError:  # the reader of stdout has gone: nothing more to say
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, never a verdict
        if a.debug:
            traceback.print_exc()
        text = " ".join(str(exc).split())[:300]
        print(f"{prog}: internal error: {type(exc).__name__}" + (f": {text}" if text else ""), file=sys.stderr)
        return 4


if __name__ == "__main__":
    sys.exit(main())
