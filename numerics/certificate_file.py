"""Certificate files: a certified stability claim written with a witness an independent checker re-checks.

A certificate file is one JSON document (format ``FORMAT``) with four top-level keys:

* ``problem``: the network and data exactly (a float is written as its exact hex form, e.g. "0x1.8p+1",
  any other rational as "p/q"), ``eta``, the loss convention ``loss`` ("half-mse" or "mse",
  numerics.loss), and d, n, K;
* ``claim``: ``stable`` (true / false / null), ``threshold`` = c with "stable iff lambda_max(H) <= c"
  (H: Hessian of the half-mse loss; c = numerics.loss.half_mse_threshold(eta, loss)), the enclosure
  ``lambda_max_lower`` / ``lambda_max_upper`` of lambda_max(H) that the witness proves, and
  ``problem_sha256`` / ``witness_sha256`` (integrity digests of the problem and of the witness);
* ``witness``: the toolkit method that decided the claim (``generator``, information only), the
  activation pattern (one hex string per data point, bit k = 1[z_ik > 0]), the exact residuals r_i, and
  - for the lower bound: a Rayleigh vector z (exact floats) with z^T H z >= lower * z^T z, or a neuron
    k with |a_k| >= lower (its rank-2 residual block), or "inactive" (no neuron active: H = e_beta e_beta^T);
  - for the upper bound t: the Schur complement S(t) = I - J (tI - B)^{-1} J^T / n (proofs_notes/theory.md §3,
    proofs_notes/stability_certificates.md) shown PSD by an exact LDL^T (small n) or by a float factor R
    and a shift alpha with |S - alpha I - R R^T|_F < alpha (any n).

Certificates are re-checked by ``python -m numerics.check_certificate`` (which shares no code with this
module); proofs_notes/certificate_checker.md says what it trusts and why each check implies the claim.
The enclosure in the file is the one its witness proves: it can be marginally wider than the one
printed by numerics.certify (e.g. a Rayleigh quotient instead of a charpoly root bound).
"""

from __future__ import annotations

import hashlib
import json
import math
from fractions import Fraction

import numpy as np

from numerics.certificates import certify_stability
from numerics.hessian import KinkError, activation_pattern, find_kinks, hessian, hvp, residual_vectors, residuals
from numerics.loss import DEFAULT_LOSS, convention, half_mse_threshold
from numerics.network import Dataset, ReluNetwork, to_fraction

__all__ = ["FORMAT", "CertificateError", "encode_number", "content_digest", "stability_problem",
           "stability_document", "write_certificate"]

FORMAT = "nsc-certificate/1"
EXACT_SCHUR_N = 16  # exact LDL^T witness of S(t) up to this many data points; float factor above
EXACT_RAYLEIGH_NK = 20000  # exact Rayleigh quotient (Fractions) up to this n K; rigorous balls above
DENSE_EIGVEC_P = 1500  # top eigenvector of the dense float Hessian up to this P; Lanczos above


class CertificateError(ValueError):
    """The claim cannot be written as a certificate file (no witness found; the message says why)."""


def encode_number(x) -> str:
    """Return the exact text of a rational: hex float when it is a float64 exactly, else "p/q".

    >>> encode_number(Fraction(3, 2)), encode_number(Fraction(1, 3)), encode_number(-2)
    ('0x1.8000000000000p+0', '1/3', '-0x1.0000000000000p+1')
    """
    q = to_fraction(x)
    den = q.denominator
    if den & (den - 1) == 0 and abs(q.numerator).bit_length() <= 53:
        f = float(q)
        if math.isfinite(f) and Fraction(f) == q:
            return f.hex()
    return str(q)


def content_digest(problem: dict) -> str:
    """Return the sha256 of the canonical JSON text of ``problem`` (or of a witness; sorted keys, no spaces).

    >>> len(content_digest({"a": 1}))
    64
    """
    text = json.dumps(problem, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def stability_problem(net: ReluNetwork, data: Dataset, eta, loss: str = DEFAULT_LOSS) -> dict:
    """Return the ``problem`` object of a stability certificate (network, data, eta, loss; exact).

    >>> p = stability_problem(ReluNetwork.exact([[1]], [5], [1], 0), Dataset.exact([[1]], [0]), 2)
    >>> p["eta"], p["loss"], p["network"]["b"]
    ('0x1.0000000000000p+1', 'half-mse', ['0x1.4000000000000p+2'])
    """
    ne, nd = net.as_exact(), data.as_exact()
    enc = encode_number
    return {
        "type": "stability", "d": ne.d, "n": nd.n, "K": ne.K, "loss": convention(loss).name,
        "eta": enc(to_fraction(eta)),
        "network": {"W": [[enc(x) for x in row] for row in ne.W], "b": [enc(x) for x in ne.b],
                    "v": [enc(x) for x in ne.v], "beta": enc(ne.beta)},
        "data": {"X": [[enc(x) for x in row] for row in nd.X], "y": [enc(x) for x in nd.y]},
    }


def _pattern_hex(mask: np.ndarray) -> list[str]:
    return [format(int("0" + "".join("1" if m else "0" for m in row[::-1]), 2), "x") for row in mask]


def _float_below(q: Fraction) -> Fraction:
    """Largest-ish float f with f <= q (exact)."""
    f = float(q)
    while Fraction(f) > q:
        f = math.nextafter(f, -math.inf)
    return Fraction(f)


def _sqrt_below(q: Fraction) -> Fraction:
    """A float f >= 0 with f^2 <= q (exact)."""
    f = math.sqrt(float(q))
    while Fraction(f) ** 2 > q:
        f = math.nextafter(f, 0.0)
    return Fraction(f)


# ---------------------------------------------------------------------------- lower-bound witnesses
def _rayleigh_candidates(ne, nd, progress):
    """Float vectors likely to have a large Rayleigh quotient (top eigenvector estimates)."""
    if ne.num_params <= DENSE_EIGVEC_P:
        H = hessian(ne.as_float(), nd.as_float())
        w, V = np.linalg.eigh(0.5 * (H + H.T))
        return [V[:, -1]]
    from numerics.lambda_estimate import lambda_max_estimate

    progress("certificate file: Lanczos vector for the lower-bound witness")
    _, vec = lambda_max_estimate(ne.as_float(), nd.as_float(), return_vector=True)
    return [np.asarray(vec, dtype=np.float64)]


def _rayleigh_lower(ne, nd, z, parts_box):
    """A rational lower bound of z^T H z / z^T z at the float vector z (exact or rigorously rounded)."""
    if nd.n * ne.K <= EXACT_RAYLEIGH_NK:
        u = np.array([Fraction(float(x)) for x in z], dtype=object)
        return _float_below((u @ hvp(ne, nd, u)) / (u @ u))
    from numerics._structured_cert import StructuredParts, rayleigh_lower

    if not parts_box:
        parts_box.append(StructuredParts(ne, nd))
    lo = rayleigh_lower(parts_box[0], z)
    return None if lo is None else Fraction(lo)


def _lower_witness(ne, nd, a_sq, active, parts_box, progress):
    """Return (lower, witness) with the largest lower bound among the candidate witnesses."""
    if not active:
        return Fraction(1), {"type": "inactive"}
    k = int(max(range(ne.K), key=lambda j: a_sq[j]))
    best = (_sqrt_below(a_sq[k]), {"type": "neuron", "k": k})
    for z in _rayleigh_candidates(ne, nd, progress):
        z = np.asarray(z, dtype=np.float64)
        lo = _rayleigh_lower(ne, nd, z, parts_box)
        if lo is not None and lo > best[0]:
            best = (lo, {"type": "rayleigh", "z": [float(x).hex() for x in z]})
    return best


# ---------------------------------------------------------------------------- upper-bound witnesses
def _exact_schur(ne, nd, mask, a, t: Fraction):
    """S(t) = I - J M(t)^{-1} J^T / n in exact rationals (flint fmpq_mat), M(t) = tI - B > 0 assumed."""
    import flint

    n, K, m = nd.n, ne.K, ne.d + 1
    q = lambda x: flint.fmpq(Fraction(x).numerator, Fraction(x).denominator)  # noqa: E731
    tq = q(t)
    Xi = flint.fmpq_mat(n, m, [q(x) for row in nd.X for x in list(row) + [-1]])
    Q = flint.fmpq_mat(n, K, [0] * (n * K))
    Q1 = flint.fmpq_mat(n, K, [0] * (n * K))
    T2 = flint.fmpq_mat(n, n, [0] * (n * n))
    gram = Xi * Xi.transpose()
    for k in range(K):
        ak = [q(x) for x in a[k]]
        s = tq - sum((x * x for x in ak), flint.fmpq(0)) / tq
        g = [q(x) for x in list(ne.W[k]) + [ne.b[k]]]
        g = [gj + q(ne.v[k]) * aj / tq for gj, aj in zip(g, ak)]
        act = [i for i in range(n) if mask[i, k]]
        for i in act:
            Q[i, k] = sum((Xi[i, j] * g[j] for j in range(m)), flint.fmpq(0))
            Q1[i, k] = Q[i, k] / s
        v2 = q(ne.v[k]) ** 2
        for i in act:
            for j in act:
                T2[i, j] += v2 * gram[i, j]
    ones = flint.fmpq_mat(n, n, [1] * (n * n))
    eye = flint.fmpq_mat(n, n, [int(i == j) for i in range(n) for j in range(n)])
    return eye - (Q1 * Q.transpose() + (T2 + ones) / tq) / n


def _ldl(S):
    """Exact S = L diag(D) L^T (L unit lower) with D >= 0, or None when S is not PSD."""
    import flint

    n = S.nrows()
    A = [[S[i, j] for j in range(n)] for i in range(n)]
    L = [[flint.fmpq(int(i == j)) for j in range(n)] for i in range(n)]
    D = []
    for j in range(n):
        p = A[j][j]
        if p < 0:
            return None
        D.append(p)
        if p == 0:  # a PSD matrix with a zero pivot has a zero column below it
            if any(A[i][j] != 0 for i in range(j + 1, n)):
                return None
            continue
        for i in range(j + 1, n):
            L[i][j] = A[i][j] / p
        for i in range(j + 1, n):
            for k in range(j + 1, i + 1):
                A[i][k] -= L[i][j] * p * L[k][j]
                A[k][i] = A[i][k]
    return L, D


def _upper_witness(ne, nd, mask, a, a_sq, t: Fraction, parts_box):
    """A witness of lambda_max(H) <= t, or None if none was found at this t."""
    if t <= 0 or any(x >= t * t for x in a_sq):
        return None
    if nd.n <= EXACT_SCHUR_N:
        fac = _ldl(_exact_schur(ne, nd, mask, a, t))
        if fac is None:
            return None
        L, D = fac
        return {"type": "schur-ldl", "t": encode_number(t),
                "L": [[encode_number(Fraction(int(L[i][j].p), int(L[i][j].q))) for j in range(i)]
                      for i in range(nd.n)],
                "D": [encode_number(Fraction(int(x.p), int(x.q))) for x in D]}
    from numerics._structured_cert import StructuredParts, _m_positive, schur_midpoint

    if not parts_box:
        parts_box.append(StructuredParts(ne, nd))
    parts = parts_box[0]
    if not _m_positive(parts, t):
        return None
    S, err_S, _ = schur_midpoint(parts, t)  # upper triangle; ||S_true - S||_2 <= err_S
    Ssym = np.triu(S) + np.triu(S, 1).T
    lam = float(np.linalg.eigvalsh(Ssym)[0])
    if not lam > 1e-10 * max(1.0, float(np.abs(Ssym).max())):  # too tight for a float factor
        return None
    alpha = lam / 2
    try:
        R = np.linalg.cholesky(Ssym - alpha * np.eye(nd.n))
    except np.linalg.LinAlgError:
        return None
    # float estimate of the checker's test |S - alpha I - R R^T|_F < alpha (the checker decides)
    err = np.linalg.norm(Ssym - alpha * np.eye(nd.n) - R @ R.T) + np.sqrt(nd.n) * err_S
    if not err < 0.5 * alpha:
        return None
    return {"type": "schur-factor", "t": encode_number(t), "alpha": float(alpha).hex(),
            "R": [[float(x).hex() for x in R[i, :i + 1]] for i in range(nd.n)]}


# ---------------------------------------------------------------------------- documents
def stability_document(net: ReluNetwork, data: Dataset, eta, cert=None, loss: str = DEFAULT_LOSS,
                       progress=None) -> dict:
    """Return a certificate document (dict) for the stability claim of ``cert`` on (net, data, eta, loss).

    The claim is lambda_max(H) <= c (stable), > c (not stable) or only an enclosure (undecided), with
    H the Hessian of the half-mse loss and c = half_mse_threshold(eta, loss) (Prop. 2.1).  ``cert`` is a
    numerics.certificates.StabilityCertificate of any method (computed here when None); the witnesses are
    built independently of the method (module doc).  Raises CertificateError when no witness of the
    claim is found, KinkError at a kink.

    Args:
        net, data: network and data (any number kind; read exactly).  eta: step size.
        cert: the toolkit's certificate of this problem, or None.  loss: "half-mse" or "mse".
        progress: optional callable(str).

    >>> net, data = ReluNetwork.exact([[1]], [5], [1], 0), Dataset.exact([[1]], [0])
    >>> doc = stability_document(net, data, 2)
    >>> doc["claim"]["stable"], doc["claim"]["lambda_max_upper"], doc["witness"]["upper"]["type"]
    (True, '0x1.0000000000000p+0', 'inactive')
    """
    say = progress or (lambda msg: None)
    ne, nd = net.as_exact(), data.as_exact()
    c = half_mse_threshold(eta, loss)
    if cert is None:
        cert = certify_stability(ne, nd, 2 / c, progress=progress)
    say("certificate file: exact pattern, residuals and residual blocks")
    kinks = find_kinks(ne, nd.X)
    if kinks:
        raise KinkError(kinks)
    mask = np.asarray(activation_pattern(ne, nd.X), dtype=bool)
    r = residuals(ne, nd)
    a = residual_vectors(ne, nd)
    a_sq = [sum((Fraction(x) ** 2 for x in a[k]), Fraction(0)) for k in range(ne.K)]
    active = bool(mask.any())
    parts_box: list = []
    lower, lw = _lower_witness(ne, nd, a_sq, active, parts_box, say)
    upper, uw = None, None
    if cert.stable is True:
        say("certificate file: factor of the Schur complement for the upper-bound witness")
        if not active:
            upper, uw = Fraction(1), {"type": "inactive"}
        else:
            ts = []
            if cert.lambda_max_upper is not None and Fraction(cert.lambda_max_upper) < c:
                hi = Fraction(cert.lambda_max_upper)
                ts += [hi, _float_above(hi + (c - hi) / 16)]
            for t in ts + [c]:
                if t > c:
                    continue
                uw = _upper_witness(ne, nd, mask, a, a_sq, t, parts_box)
                if uw is not None:
                    upper = t
                    break
        if uw is None:
            raise CertificateError("stable claim: no Schur-complement witness found (S(t) singular or too "
                                   "close to singular for a float factor; n too large for the exact LDL^T)")
    if cert.stable is False and not lower > c:
        raise CertificateError("not-stable claim: no witness with a lower bound above the threshold found")
    problem = stability_problem(ne, nd, eta, loss)
    claim = {"stable": cert.stable, "threshold": encode_number(c),
             "lambda_max_lower": encode_number(lower), "lambda_max_upper":
             None if upper is None else encode_number(upper),
             "problem_sha256": content_digest(problem)}
    witness = {"generator": {"method": cert.method}, "pattern": _pattern_hex(mask),
               "residuals": [encode_number(x) for x in r], "lower": lw}
    if uw is not None:
        witness["upper"] = uw
    claim["witness_sha256"] = content_digest(witness)
    return {"format": FORMAT, "problem": problem, "claim": claim, "witness": witness}


def _float_above(q: Fraction) -> Fraction:
    f = float(q)
    while Fraction(f) < q:
        f = math.nextafter(f, math.inf)
    return Fraction(f)


def write_certificate(doc: dict, path) -> int:
    """Write a certificate document as JSON to ``path``; return the number of bytes written.

    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "c.json")
    >>> write_certificate({"format": FORMAT}, p) > 0
    True
    """
    text = json.dumps(doc, separators=(",", ":"))
    with open(path, "w") as fh:
        fh.write(text)
        fh.write("\n")
    return len(text) + 1
