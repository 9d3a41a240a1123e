"""Tests of the verified PSD test (one LAPACK Cholesky + a-priori error bound) against exact arithmetic.

Every matrix here is an exact rational matrix; the verdict of :func:`verified_psd` on its float ball is
compared with the exact sign of lambda_min (flint charpoly, alternation criterion).  Near-singular
matrices (lambda_min = +-1e-12 ... +-1e-15 relative to ||A|| ~ 1) must be refused or decided correctly:
an acceptance must come with a lower bound that the exact lambda_min respects.
"""

import math
from fractions import Fraction

import flint
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics._charpoly_cert import psd_from_charpoly
from numerics._rigorous import Ball, cholesky_error_bound, psd_by_shifted_cholesky, verified_psd


def _exact_min_at_least(A, t) -> bool:
    """Exact: lambda_min(A) >= t for a symmetric rational matrix A (object array) and rational t."""
    n = A.shape[0]
    den = 1
    for x in A.ravel():
        den = math.lcm(den, Fraction(x).denominator)
    M = flint.fmpz_mat([[-int(Fraction(x) * den) for x in row] for row in A])  # -den A
    p = flint.fmpq_poly(M.charpoly())
    # A - tI >= 0  <=>  (-t den) I - (-den A) >= 0
    return psd_from_charpoly(p, -Fraction(t) * den, n)[0]


def _rational_orthogonal(n, seed):
    """Exact rational orthogonal matrix by the Cayley transform (I - K)(I + K)^-1 of a skew K."""
    rng = np.random.default_rng(seed)
    K = np.zeros((n, n), dtype=object)
    for i in range(n):
        for j in range(i + 1, n):
            q = Fraction(int(rng.integers(-3, 4)), int(rng.integers(1, 4)))
            K[i, j], K[j, i] = q, -q
    I = flint.fmpq_mat(n, n)
    for i in range(n):
        I[i, i] = 1
    Kf = flint.fmpq_mat([[flint.fmpq(x.numerator, x.denominator) if isinstance(x, Fraction) else flint.fmpq(x)
                          for x in row] for row in K])
    Q = (I - Kf) * (I + Kf).inv()
    return np.array([[Fraction(int(Q[i, j].p), int(Q[i, j].q)) for j in range(n)] for i in range(n)],
                    dtype=object)


def _with_spectrum(eigs, seed):
    n = len(eigs)
    Q = _rational_orthogonal(n, seed)
    D = np.diag(np.array([Fraction(e) for e in eigs], dtype=object))
    A = Q @ D @ Q.T
    return np.array([[A[i, j] for j in range(n)] for i in range(n)], dtype=object)


@pytest.mark.parametrize("k", [12, 13, 14, 15, 17, 20, 30])  # 17+: below float resolution
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_near_singular_rational_spectrum_refused_or_decided_correctly(k, seed):
    eps = Fraction(1, 10 ** k)
    rng = np.random.default_rng(seed)
    bulk = [Fraction(int(rng.integers(1, 9)), 4) for _ in range(7)]
    for sign in (1, -1):
        A = _with_spectrum([sign * eps] + bulk, seed)
        assert _exact_min_at_least(A, 0) == (sign > 0)  # the reference itself
        ok, lower = verified_psd(Ball.from_fractions(A))
        if sign < 0:
            assert ok is False
        if ok:
            assert lower >= 0 and _exact_min_at_least(A, Fraction(lower))


@pytest.mark.parametrize("shift_bits", [40, 45, 50])
def test_singular_gram_matrix_shifted_by_1e_12_to_1e_15(shift_bits):
    """A = G G^T / 2^s exactly singular (G is n x (n-1) integer); A + delta I and A - delta I."""
    rng = np.random.default_rng(shift_bits)
    n = 12
    G = rng.integers(-4, 5, size=(n, n - 1))
    A0 = (G @ G.T).astype(object)
    scale = Fraction(1, 2 ** int(np.ceil(np.log2(np.abs(G @ G.T).sum(axis=1).max()))))
    delta = Fraction(1, 2 ** shift_bits)
    for sign in (1, -1):
        A = np.array([[Fraction(int(A0[i, j])) * scale + (sign * delta if i == j else 0) for j in range(n)]
                      for i in range(n)], dtype=object)
        assert _exact_min_at_least(A, 0) == (sign > 0)
        ok, lower = verified_psd(Ball.from_fractions(A))
        if sign < 0:
            assert ok is False
        if ok:
            assert _exact_min_at_least(A, Fraction(lower))
    # the singular matrix itself (lambda_min = 0 exactly) cannot be certified by rounded arithmetic,
    # and must not be "certified" with a positive lower bound
    ok, lower = verified_psd(Ball.from_fractions(np.array([[Fraction(int(x)) * scale for x in row] for row in A0],
                                                          dtype=object)))
    assert ok is False or lower == 0 and _exact_min_at_least(
        np.array([[Fraction(int(x)) * scale for x in row] for row in A0], dtype=object), 0)


def test_comfortable_margin_is_accepted_with_a_true_lower_bound():
    """Not vacuous: lambda_min = 1e-6 is accepted, and the lower bound is exactly below lambda_min."""
    A = _with_spectrum([Fraction(1, 10 ** 6)] + [Fraction(j, 3) for j in range(1, 8)], 5)
    ok, lower = verified_psd(Ball.from_fractions(A))
    assert ok and 0 <= lower and _exact_min_at_least(A, Fraction(lower))


@settings(max_examples=40, derandomize=True, deadline=None)
@given(st.integers(2, 6).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.integers(-3, 3), min_size=n * n, max_size=n * n))),
    st.integers(-20, 20), st.sampled_from([0, 30, 40, 50]))
def test_verdict_never_contradicts_exact_arithmetic(case, shift_num, shift_bits):
    n, vals = case
    G = np.array(vals, dtype=object).reshape(n, n)
    A = G @ G.T
    t = Fraction(shift_num, 2 ** shift_bits) if shift_bits else Fraction(shift_num, 8)
    A = np.array([[Fraction(A[i, j]) + (t if i == j else 0) for j in range(n)] for i in range(n)], dtype=object)
    ok, lower = verified_psd(Ball.from_fractions(A))
    if ok:
        assert _exact_min_at_least(A, Fraction(lower))


def test_radius_and_error_argument_are_respected():
    A = np.diag([1.0, 2.0, 3.0])
    assert psd_by_shifted_cholesky(A, 0.5)[0] is True
    assert psd_by_shifted_cholesky(A, 1.0)[0] is False      # some matrix within 1.0 is singular
    assert psd_by_shifted_cholesky(A, float("nan"))[0] is False
    assert verified_psd(Ball(A, np.full((3, 3), 0.4)))[0] is False  # row sums 1.2 > 1
    # an indefinite float matrix with lambda_min = -1e-13 relative is refused
    B = np.diag([1.0, 1.0 - 2 ** -20, -1e-13])
    assert verified_psd(Ball(B))[0] is False


def test_cholesky_error_bound_dominates_observed_error():
    """The a-priori bound on -lambda_min(B) covers the actual backward error of LAPACK on a hard case."""
    rng = np.random.default_rng(3)
    n = 200
    G = rng.standard_normal((n, n - 1))
    B = G @ G.T  # singular up to rounding
    bound = cholesky_error_bound(n, float(np.trace(B)), float(B.diagonal().max()))
    assert np.linalg.eigvalsh(B)[0] >= -bound
    # shifted by exactly the bound's margin the Cholesky succeeds (the certificate is usable)
    assert psd_by_shifted_cholesky(B + 4 * bound * np.eye(n), 0.0)[0] is True
