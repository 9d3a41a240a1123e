"""Rigorously rounded float64 arithmetic: midpoint-radius balls and a verified PSD test.

Assumptions (stated once, used everywhere in this module): IEEE 754 binary64, round-to-nearest, no
underflow and no overflow in the computations (checked loosely: every radius gets an absolute
``TINY`` added), and matrix products evaluated by numpy/BLAS with classical (non-Strassen)
multiplication, so each entry of fl(A @ B) is a dot product summed in *some* order and satisfies
|fl(AB) - AB| <= gamma_k |A||B|, gamma_k = k u / (1 - k u), u = 2^-53 (Higham, ASNA 2nd ed., Sec. 3.5).

A :class:`Ball` holds (mid, rad) float arrays: the true value x satisfies |x - mid| <= rad entrywise.
Radii are nonnegative expressions evaluated in floating point; a nonnegative expression of depth m
computed in float is >= its exact value times (1-u)^m, so multiplying it by (1 + 2(m+2)u) (and adding
TINY) gives an upper bound of the exact value (:func:`_up`).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

U = 2.0 ** -53
TINY = 2.0 ** -1000  # absorbs the (assumed absent) underflow contributions


def gamma(k: int) -> float:
    """Return gamma_k = k u / (1 - k u) rounded upward (by a relative 1e-15 slack)."""
    return k * U / (1.0 - k * U) * (1 + 1e-15)


def _up(x, depth: int):
    """Upper bound of the exact value of a nonnegative float expression of the given depth."""
    return x * (1.0 + 2.0 * (depth + 2) * U) + TINY


class Ball:
    """Array enclosure {x : |x - mid| <= rad} with rigorous float64 operations (see module doc)."""

    __slots__ = ("mid", "rad")

    def __init__(self, mid, rad=None):
        self.mid = np.asarray(mid, dtype=np.float64)
        self.rad = np.zeros_like(self.mid) if rad is None else np.asarray(rad, dtype=np.float64)

    @classmethod
    def from_fractions(cls, arr) -> "Ball":
        """Enclose an array of exact rationals (Fraction / int): mid = nearest float, rad = 0 if exact."""
        a = np.asarray(arr, dtype=object)
        flat = [q if isinstance(q, (Fraction, int)) else Fraction(q) for q in a.ravel()]
        # correctly rounded (int / int true division and Fraction.__float__ round to nearest)
        mids = [float(q) for q in flat]
        mid = np.array(mids, dtype=np.float64).reshape(a.shape)
        inexact = np.array([m.as_integer_ratio() != (q.numerator, q.denominator) for m, q in zip(mids, flat)],
                           dtype=bool).reshape(a.shape)
        # |q - fl(q)| <= u |q| <= u |fl(q)| (1 + u)
        return cls(mid, np.where(inexact, _up(U * np.abs(mid), 2), 0.0))

    @property
    def lo(self):
        return self.mid - self.rad  # callers compare with slack; see lower()/upper()

    def lower(self):
        """Rigorous lower bounds (float): mid - rad rounded down by a relative/absolute slack."""
        x = self.mid - self.rad
        return x - _up(U * np.abs(x), 1) - TINY

    def upper(self):
        x = self.mid + self.rad
        return x + _up(U * np.abs(x), 1) + TINY

    @property
    def T(self) -> "Ball":
        return Ball(self.mid.T, self.rad.T)

    def __add__(self, other) -> "Ball":
        o = other if isinstance(other, Ball) else Ball(other)
        mid = self.mid + o.mid
        return Ball(mid, _up(self.rad + o.rad + U * np.abs(mid), 3))

    def __neg__(self) -> "Ball":
        return Ball(-self.mid, self.rad)

    def __sub__(self, other) -> "Ball":
        o = other if isinstance(other, Ball) else Ball(other)
        return self + (-o)

    def __mul__(self, other) -> "Ball":
        """Entrywise product (numpy broadcasting)."""
        o = other if isinstance(other, Ball) else Ball(other)
        mid = self.mid * o.mid
        rad = np.abs(self.mid) * o.rad + self.rad * (np.abs(o.mid) + o.rad) + U * np.abs(mid)
        return Ball(mid, _up(rad, 4))

    def __matmul__(self, other) -> "Ball":
        """Matrix product; error of fl(mid@mid) bounded by gamma_k |A||B| (any summation order)."""
        o = other if isinstance(other, Ball) else Ball(other)
        k = self.mid.shape[-1]
        mid = self.mid @ o.mid
        aA = np.abs(self.mid)
        rad = gamma(k) * (aA @ np.abs(o.mid))
        if o.rad.any():
            rad = rad + aA @ o.rad
        if self.rad.any():
            rad = rad + self.rad @ (np.abs(o.mid) + o.rad)
        return Ball(mid, _up(rad, k + 6))

    def reciprocal(self) -> "Ball":
        """1/x for balls bounded away from 0 (raises ValueError otherwise)."""
        low = np.abs(self.mid) - self.rad
        low = low - _up(U * np.abs(low), 1) - TINY
        if np.any(low <= 0):
            raise ValueError("reciprocal of a ball containing 0")
        mid = 1.0 / self.mid
        # |1/x - 1/m| = |x - m| / (|x||m|) <= rad / (low |m|); plus the rounding of 1/m
        rad = self.rad / (low * np.abs(self.mid)) + U * np.abs(mid)
        return Ball(mid, _up(rad, 6))

    def sqrt(self) -> "Ball":
        """sqrt(x) for balls with a positive lower end (raises ValueError otherwise).

        |sqrt(x) - sqrt(m)| = |x - m| / (sqrt(x) + sqrt(m)) <= rad / sqrt(m), and fl(sqrt(m)) is correctly
        rounded, so sqrt(m) >= fl(sqrt(m)) (1 - u); plus the rounding u fl(sqrt(m)) of the midpoint.
        """
        if np.any(self.lower() <= 0):
            raise ValueError("sqrt of a ball that is not positive")
        mid = np.sqrt(self.mid)
        rad = self.rad / (mid * (1.0 - 2 * U)) + U * mid
        return Ball(mid, _up(rad, 4))

    def sum_sq(self, axis) -> "Ball":
        """Sum of squares along an axis (|.| of each entry, enclosure of sum x^2)."""
        a = np.abs(self.mid)
        mid = (self.mid * self.mid).sum(axis=axis)
        k = self.mid.shape[axis]
        rad = (2 * a * self.rad + self.rad ** 2).sum(axis=axis) + gamma(k + 1) * (a * a).sum(axis=axis)
        return Ball(mid, _up(rad, k + 6))


def sqrt_up(x: float) -> float:
    """A float >= sqrt(x) for a float x >= 0 (math.sqrt is correctly rounded)."""
    return _up(math.sqrt(x), 1)


def cholesky_lapack(B: np.ndarray, overwrite: bool = False):
    """Return the upper Cholesky factor R (B = R^T R) by ONE LAPACK ``dpotrf`` call, or None if it fails.

    Only the upper triangle of ``B`` is read; ``B`` is not modified unless ``overwrite`` (then, for a
    C-contiguous float64 B, R is B's memory and its strict lower triangle is left as it was).  Failure means LAPACK met a pivot
    that is not > 0 (or NaN), or the factor is not finite (overflow).

    >>> cholesky_lapack(np.array([[4.0, 2.0], [2.0, 2.0]])).tolist(), cholesky_lapack(-np.eye(2))
    ([[2.0, 1.0], [0.0, 1.0]], None)
    """
    from scipy.linalg.lapack import dpotrf

    B = np.asarray(B, dtype=np.float64)
    if overwrite and B.flags.c_contiguous:
        # the transpose of a C-contiguous array is Fortran-contiguous: LAPACK works in place on it,
        # and the upper triangle of B is the lower triangle of B^T
        L, info = dpotrf(B.T, lower=1, clean=0, overwrite_a=1)
        if info != 0 or not np.isfinite(L).all():
            return None
        return L.T  # upper triangle: R; strict lower triangle: what B held there (not zeroed)
    R, info = dpotrf(B, lower=0, clean=1, overwrite_a=int(overwrite))
    if info != 0 or not np.isfinite(R).all():
        return None
    return R


def cholesky_error_bound(n: int, trace_B: float, max_diag_B: float) -> float:
    """Upper bound of -lambda_min(B) when floating-point Cholesky of the float matrix B succeeded.

    Theorem (Demmel 1989; Higham, ASNA 2nd ed., Thm 10.3 and its proof; Rump, BIT 46 (2006) Sec. 2):
    if the Cholesky recurrences are evaluated in ANY order with correctly rounded operations (blocked and
    recursive LAPACK variants, fused multiply-add, and division by r_ii replaced by multiplication with a
    rounded reciprocal, as OpenBLAS does, are all covered) and run to completion, the computed R satisfies
    R^T R = B + dB with |dB| <= gamma_{n+2} |R^T||R| + E_uf, where E_uf collects underflow: every entry of
    E_uf is <= (n + 3)(2 + max_i b_ii) 2^-1073.  Since || |R^T||R| ||_2 <= ||R||_F^2 = tr(R^T R)
    <= tr(B) / (1 - gamma_{n+2}) (the diagonal of |R^T||R| is that of R^T R), and 0 <= lambda_min(R^T R),

        lambda_min(B) >= -gamma_{n+2} tr(B) / (1 - gamma_{n+2}) - n (n + 3)(2 + max b_ii) 2^-1073.

    The bound returned is that, rounded upward (2^-1000 replaces 2^-1073: generous).

    >>> cholesky_error_bound(3, 3.0, 1.0) < 1e-14
    True
    """
    g = gamma(n + 2)
    main = g * max(trace_B, 0.0) / (1.0 - g)
    underflow = n * (n + 3.0) * (2.0 + max(max_diag_B, 0.0)) * 2.0 ** -1000
    return float(_up(main + underflow, n + 8))


def psd_by_shifted_cholesky(M: np.ndarray, err: float, alpha: float | None = None):
    """Decide lambda_min(A) >= 0 for an unknown symmetric A with ||A - M||_2 <= err, M a float matrix.

    Returns (certified: bool, lower: float | None): when certified, lambda_min(A) >= lower >= 0.
    One LAPACK Cholesky of B = fl(M - alpha I) (upper triangle of M read; M symmetric by that convention):
    if it succeeds, lambda_min(M) >= alpha - |shift rounding| - (bound of :func:`cholesky_error_bound`),
    and Weyl's inequality gives lambda_min(A) >= lambda_min(M) - err.  The default shift alpha is the
    a-priori total of these error terms (times 1.01), so a single factorisation decides (Rump's
    shifted test); the lower bound reported is then about 1% of that total.

    >>> psd_by_shifted_cholesky(np.eye(3), 1e-3)[0], psd_by_shifted_cholesky(np.diag([1.0, 1e-20]), 0.0)[0]
    (True, False)
    """
    M = np.asarray(M, dtype=np.float64)
    n = M.shape[0]
    if n == 0:
        return True, float("inf")
    if not (math.isfinite(err) and err >= 0):
        return False, None
    diag = M.diagonal().copy()
    if not np.isfinite(diag).all():
        return False, None
    max_abs_diag = float(np.abs(diag).max())
    if alpha is None:
        tr = float(_up(float(np.abs(diag).sum()), n + 2))
        a_priori = cholesky_error_bound(n, tr, max_abs_diag) + err
        alpha = 1.01 * a_priori + 4 * U * (max_abs_diag + a_priori) + TINY
    B = M.copy()
    B[np.diag_indices(n)] = diag - alpha
    bdiag = B.diagonal().copy()
    R = cholesky_lapack(B, overwrite=True)  # B is our copy
    if R is None:
        return False, None
    del R
    trace_B = float(_up(float(bdiag.sum()) + U * float(np.abs(bdiag).sum()) * (n + 2), n + 2))
    chol_err = cholesky_error_bound(n, trace_B, float(bdiag.max()))
    shift_err = float(_up(U * (max_abs_diag + alpha), 3))  # |fl(m_ii - alpha) - (m_ii - alpha)|
    total = float(_up(chol_err + shift_err + err, 4))
    lower = alpha - total
    lower = lower - float(_up(U * abs(lower), 1)) - TINY
    return bool(lower >= 0), float(lower)


def verified_psd(S: Ball, alpha: float | None = None):
    """Return (certified_psd: bool, lower: float | None) for a symmetric interval matrix S.

    If True, every symmetric matrix in S (in particular the true one) has lambda_min >= lower >= 0.
    Ssym = fl((mid + mid^T)/2); every symmetric matrix A of the ball satisfies ||A - Ssym||_2 <= rho, rho
    the max row sum of the (symmetrised, rounding-inflated) radius matrix (||.||_2 <= ||.||_inf for a
    symmetric matrix); then :func:`psd_by_shifted_cholesky` (one LAPACK factorisation) decides.

    >>> verified_psd(Ball(np.eye(2)))[0], verified_psd(Ball(np.eye(2), np.full((2, 2), 0.6)))[0]
    (True, False)
    """
    n = S.mid.shape[0]
    mid = S.mid
    Ssym = 0.5 * (mid + mid.T)
    R = _up(0.5 * (S.rad + S.rad.T) + 0.5 * np.abs(mid - mid.T) + U * np.abs(Ssym), 5)
    rho = float(_up(float(R.sum(axis=1).max()), n + 2)) if n else 0.0
    return psd_by_shifted_cholesky(Ssym, rho, alpha)


def quad_form_upper(S: Ball, x: np.ndarray) -> float:
    """Rigorous upper bound of x^T S x for an exact float vector x and any matrix in S."""
    xb = Ball(x[None, :])
    val = (xb @ (S @ Ball(x[:, None])))
    return float(val.upper()[0, 0])
