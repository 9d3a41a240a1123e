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
        mid = np.empty(a.shape)
        inexact = np.zeros(a.shape, dtype=bool)
        for idx, q in np.ndenumerate(a):
            q = Fraction(q)
            m = float(q)  # correctly rounded (Fraction.__float__ rounds to nearest)
            mid[idx] = m
            inexact[idx] = Fraction(m) != q
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

    def sum_sq(self, axis) -> "Ball":
        """Sum of squares along an axis (|.| of each entry, enclosure of sum x^2)."""
        a = np.abs(self.mid)
        mid = (self.mid * self.mid).sum(axis=axis)
        k = self.mid.shape[axis]
        rad = (2 * a * self.rad + self.rad ** 2).sum(axis=axis) + gamma(k + 1) * (a * a).sum(axis=axis)
        return Ball(mid, _up(rad, k + 6))


def _cholesky_succeeds(B: np.ndarray) -> bool:
    """Outer-product (right-looking) Cholesky in float64; True iff every pivot is > 0.

    Written out (instead of LAPACK) so the operation order is the textbook one of Higham Thm 10.3.
    """
    A = np.array(B, dtype=np.float64, copy=True)
    n = A.shape[0]
    for j in range(n):
        piv = A[j, j]
        if not piv > 0:
            return False
        r = A[j, j + 1:] / np.sqrt(piv)
        A[j + 1:, j + 1:] -= np.outer(r, r)
    return True


def verified_psd(S: Ball, alpha: float | None = None):
    """Return (certified_psd: bool, lower: float | None) for a symmetric interval matrix S.

    If True, every symmetric matrix in S (in particular the true one) has lambda_min >= lower >= 0.
    Argument (module assumptions): B = fl(Ssym - alpha I) with Ssym = fl((mid + mid^T)/2); if float
    Cholesky of B runs to completion, R^T R = B + dB with |dB| <= gamma_{n+1} |R^T||R| (Higham Thm 10.3),
    and || |R^T||R| ||_2 <= ||R||_F^2 = tr(B + dB) <= tr(B)/(1 - gamma_{n+1}); so
    lambda_min(B) >= -gamma_{n+1} tr(B)/(1-gamma_{n+1}).  Then lambda_min(S_true) >= alpha
    - that - (rounding of the diagonal shift) - ||S_true - Ssym||_2, the last bounded by the max row sum
    of the radius matrix (plus the symmetrisation rounding).
    """
    n = S.mid.shape[0]
    mid = S.mid
    Ssym = 0.5 * (mid + mid.T)
    R = _up(0.5 * (S.rad + S.rad.T) + 0.5 * np.abs(mid - mid.T) + U * np.abs(Ssym), 5)
    rho = _up(float(R.sum(axis=1).max()), n + 2)  # ||R||_2 <= ||R||_inf for symmetric nonneg R
    if alpha is None:
        lam = float(np.linalg.eigvalsh(Ssym)[0])
        if not lam > 0:
            return False, None
        alpha = lam / 2
    B = Ssym - alpha * np.eye(n)
    if not _cholesky_succeeds(B):
        return False, None
    g = gamma(n + 1)
    trB = float(np.trace(B))
    chol_err = _up(g * max(trB, 0.0) / (1 - g), n + 4)
    shift_err = _up(U * (float(np.abs(np.diag(Ssym)).max()) + alpha), 3)
    total = _up(chol_err + shift_err + rho, 4)
    lower = alpha - total
    lower = lower - _up(U * abs(lower), 1) - TINY
    return bool(lower >= 0), float(lower)


def quad_form_upper(S: Ball, x: np.ndarray) -> float:
    """Rigorous upper bound of x^T S x for an exact float vector x and any matrix in S."""
    xb = Ball(x[None, :])
    val = (xb @ (S @ Ball(x[:, None])))
    return float(val.upper()[0, 0])
