"""Exact dense certificate: characteristic polynomial sign pattern and Descartes root counting.

For a real symmetric P x P matrix A with eigenvalues mu_1..mu_P, p_A(x) = det(xI - A) = sum_j a_j x^j
has only real roots, and

    A is positive SEMIdefinite  <=>  (-1)^(P-j) a_j >= 0 for every j          (weak alternation)
    A is positive definite      <=>  additionally a_0 != 0.

Proof: if every mu_i >= 0 then (-1)^P p_A(-x) = prod (x + mu_i) has nonnegative coefficients, and
these are (-1)^(P-j) a_j.  Conversely, if q(x) = (-1)^P p_A(-x) has nonnegative coefficients with
leading coefficient 1, q(x) >= x^P > 0 for x > 0, so p_A has no negative root; all roots being real,
they are >= 0.  Zero eigenvalues are allowed (they are the trailing zero coefficients).

Root counting: for a polynomial with only real roots, Descartes' rule of signs is EXACT: the number of
sign changes of the coefficient sequence of p(x + t) (zeros dropped) equals the number of roots > t
counted with multiplicity.  This gives a certified enclosure of lambda_max by bisection on dyadic t.

Everything is exact (python-flint fmpz/fmpq); the Hessian is scaled to an integer matrix first.
"""

from __future__ import annotations

import math
from fractions import Fraction

import flint
import numpy as np

from numerics._progress import call_interruptibly
from numerics.hessian import jacobian, residual_hessian


def _lcm_den(values) -> int:
    d = 1
    for q in values:
        d = math.lcm(d, Fraction(q).denominator)
    return d


def _int_matrix(A: np.ndarray, den: int) -> "flint.fmpz_mat":
    return flint.fmpz_mat([[int(Fraction(x) * den) for x in row] for row in A])


def exact_hessian_scaled(net, data):
    """Return (Hs: fmpz_mat, den: int) with grad^2 L = Hs / den exactly (exact-kind net and data).

    (1/n) J^T J is formed as an integer product in flint (fast), the residual part blockwise.
    """
    J = jacobian(net, data.X)
    B = residual_hessian(net, data)  # raises KinkError at a kink
    dJ = _lcm_den(J.ravel())
    Bnz = [x for x in B.ravel() if x != 0]
    dB = _lcm_den(Bnz)
    Jn = _int_matrix(J, dJ)
    n = data.n
    den = math.lcm(n * dJ * dJ, dB)
    G = Jn.transpose() * Jn
    fG, fB = den // (n * dJ * dJ), den // dB
    Hs = G * fG
    if Bnz:
        Bs = _int_matrix(B, dB) * fB
        Hs = Hs + Bs
    return Hs, den


# Above this size flint's charpoly (one call into C, minutes at P ~ 300) runs in a forked child so
# that Ctrl-C interrupts it at once.
INTERRUPTIBLE_SIZE = 80


def _charpoly_coeffs(Hs) -> list:
    return [int(x) for x in Hs.charpoly().coeffs()]


def charpoly(Hs) -> "flint.fmpq_poly":
    """det(xI - Hs) as an fmpq_poly (flint's exact integer charpoly)."""
    if Hs.nrows() >= INTERRUPTIBLE_SIZE:
        return flint.fmpq_poly(call_interruptibly(_charpoly_coeffs, Hs))
    return flint.fmpq_poly(Hs.charpoly())


def sign_changes(coeffs) -> int:
    signs = [1 if c > 0 else -1 for c in coeffs if c != 0]
    return sum(1 for s, t in zip(signs, signs[1:]) if s != t)


def count_roots_above(p: "flint.fmpq_poly", t: Fraction) -> int:
    """Number of roots > t (with multiplicity) of a REAL-ROOTED polynomial p (exact Descartes)."""
    shifted = p(flint.fmpq_poly([flint.fmpq(t.numerator, t.denominator), 1]))
    return sign_changes(shifted.coeffs())


def psd_from_charpoly(p: "flint.fmpq_poly", c: Fraction, P: int) -> tuple[bool, bool]:
    """(cI - A PSD, cI - A PD) from p = det(xI - A) of a symmetric A, by the alternation criterion.

    p_{cI-A}(x) = det(xI - cI + A) = (-1)^P p(c - x); the criterion is applied to its coefficients.
    """
    q = p(flint.fmpq_poly([flint.fmpq(c.numerator, c.denominator), -1]))
    if P % 2:
        q = -q
    a = q.coeffs() + [0] * (P + 1 - len(q.coeffs()))
    psd = all((a[j] >= 0) if (P - j) % 2 == 0 else (a[j] <= 0) for j in range(P + 1))
    return psd, psd and a[0] != 0


def _dyadic(x, bits: int) -> Fraction:
    """floor(x 2^bits) / 2^bits, exactly, for a float or Fraction x of any magnitude (0 if x is not finite)."""
    if isinstance(x, float) and not math.isfinite(x):
        return Fraction(0)
    return Fraction(math.floor(Fraction(x) * 2 ** bits), 2 ** bits)


def lambda_max_hint(Hs) -> Fraction:
    """An exact rational close to the largest eigenvalue of the symmetric integer matrix Hs (fmpz_mat).

    Only a starting point for :func:`enclose_lambda_max`, so it may be crude; it never overflows: the
    eigenvalue is computed in float64 on Hs 2^-s, with s chosen so that the largest entry is about
    2^500, and scaled back exactly (lambda(Hs 2^-s) = lambda(Hs) 2^-s).

    >>> import flint
    >>> abs(lambda_max_hint(flint.fmpz_mat([[2, 0], [0, 10 ** 400]])) / 10 ** 400 - 1) < 1e-15
    True
    """
    flat, m = [int(x) for x in Hs.entries()], Hs.ncols()
    rows = [flat[i:i + m] for i in range(0, len(flat), m)]
    big = max((abs(x) for row in rows for x in row), default=0)
    if big == 0:
        return Fraction(0)
    s = big.bit_length() - 500
    if s > 0:
        A = np.array([[float(x >> s) for x in row] for row in rows])
    else:
        A = np.array([[float(x) for x in row] for row in rows]) * 2.0 ** (-s)
    lam = float(np.linalg.eigvalsh(0.5 * (A + A.T))[-1])
    return Fraction(lam) * Fraction(2) ** s


def enclose_lambda_max(p: "flint.fmpq_poly", hint, bits: int = 40):
    """Return (lo, hi, count): lambda_max in (lo, hi], exactly `count` eigenvalues (with multiplicity)
    in (lo, hi], hi - lo <= 2^-bits * max(1, |hint|) (certified by exact Descartes counts).

    ``hint`` (a float or an exact Fraction, any magnitude) estimates lambda_max; it only starts the search.
    """
    scale = max(Fraction(1), abs(Fraction(hint)))
    width = Fraction(2) ** (-20) * Fraction(scale)
    hi = _dyadic(hint, 60) + width
    while count_roots_above(p, hi) > 0:
        hi += width
        width *= 4
    width = Fraction(2) ** (-20) * Fraction(scale)
    lo = _dyadic(hint, 60) - width
    while count_roots_above(p, lo) == 0:
        lo -= width
        width *= 4
    target = Fraction(2) ** (-bits) * Fraction(scale)
    while hi - lo > target:
        mid = (lo + hi) / 2
        if count_roots_above(p, mid) > 0:
            lo = mid
        else:
            hi = mid
    return lo, hi, count_roots_above(p, lo)


def multiplicity_of_max(p: "flint.fmpq_poly", lo: Fraction, hi: Fraction) -> int | None:
    """Exact multiplicity of lambda_max if (lo, hi] holds a single DISTINCT root, else None.

    Uses the squarefree part p / gcd(p, p'), whose Descartes count in (lo, hi] is the number of
    distinct roots there.
    """
    pz = p.numer()
    q, rem = divmod(pz, pz.gcd(pz.derivative()))
    assert rem == 0
    sqf = flint.fmpq_poly(q)
    distinct = count_roots_above(sqf, lo) - count_roots_above(sqf, hi)
    if distinct != 1:
        return None
    return count_roots_above(p, lo) - count_roots_above(p, hi)
