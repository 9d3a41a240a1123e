"""Exact Schur decisions and enclosures (python-flint) against the dense exact charpoly criterion."""

import math
from fractions import Fraction

import flint
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics._charpoly_cert import charpoly, enclose_lambda_max, exact_hessian_scaled, psd_from_charpoly
from numerics._exact_schur import ExactSchur, exact_enclosure, exact_psd, psd_decision
from numerics.network import Dataset, ReluNetwork
from numerics.sampling import sample_ball


def _q(x):
    x = Fraction(x)
    return flint.fmpq(x.numerator, x.denominator)


def _charpoly_psd(A):
    n = len(A)
    den = 1
    for row in A:
        for x in row:
            den = math.lcm(den, int(x.q))
    M = flint.fmpz_mat([[-int(x * den) for x in row] for row in A])
    return psd_from_charpoly(flint.fmpq_poly(M.charpoly()), Fraction(0), n)[0]  # 0*I - (-A) >= 0


@settings(max_examples=60, derandomize=True, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(st.just(n), st.lists(st.integers(-3, 3), min_size=n * n,
                                                                           max_size=n * n))),
       st.sampled_from([Fraction(0), Fraction(1, 10 ** 30), -Fraction(1, 10 ** 30), Fraction(-1, 3), Fraction(1, 7)]))
def test_psd_decision_matches_charpoly_criterion(case, shift):
    n, vals = case
    G = np.array(vals, dtype=object).reshape(n, n)
    A = G @ G.T  # PSD, often singular
    S = [[_q(A[i, j]) + (_q(shift) if i == j else 0) for j in range(n)] for i in range(n)]
    expected = _charpoly_psd(S)
    got, proof = psd_decision([row[:] for row in S])
    assert got == expected, proof
    assert exact_psd([row[:] for row in S]) == expected


def test_each_proof_path_is_used_and_correct():
    one = flint.fmpq(1)
    pd = [[2 * one, one], [one, 2 * one]]
    indefinite = [[one, 2 * one], [2 * one, one]]
    tiny = flint.fmpq(1, 10 ** 40)
    near = [[one, one], [one, one - tiny]]  # lambda_min ~ -5e-41: beyond float resolution
    assert psd_decision(pd) == (True, "exact Gershgorin bound on S - sigma I - R^T R (float Cholesky R read exactly)")
    assert psd_decision(indefinite)[0] is False and "u^T S u" in psd_decision(indefinite)[1]
    assert psd_decision(near) == (False, "exact symmetric elimination")
    assert psd_decision([[one, one], [one, one + tiny]])[0] is True


def _case(n, d, K, seed):
    rng = np.random.default_rng(seed)
    X = sample_ball(n, d, seed)
    y = X @ rng.standard_normal(d) + rng.standard_normal(n)
    net = ReluNetwork.from_float(rng.standard_normal((K, d)), rng.standard_normal(K) * 0.1,
                                 rng.standard_normal(K) * np.sqrt(2.0 / K), 0.0)
    return net.as_exact(), Dataset.from_float(X, y).as_exact()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_decisions_and_enclosure_match_the_dense_charpoly(seed):
    net, data = _case(6, 2, 4, seed)
    Hs, den = exact_hessian_scaled(net, data)
    p = charpoly(Hs)
    H = np.array([[float(x) for x in row] for row in Hs.tolist()]) / den
    est = float(np.linalg.eigvalsh(0.5 * (H + H.T))[-1])
    lo_d, hi_d, _ = enclose_lambda_max(p, est * den, 50)
    lo_d, hi_d = lo_d / den, hi_d / den
    sch = ExactSchur(net, data)
    for t in (hi_d, lo_d, est * 1.01, est * 0.99, Fraction(est) * 2):
        t = Fraction(t)
        dense = psd_from_charpoly(p, t * den, net.num_params)[0]
        assert sch.decide(t) == dense
    lo, hi = exact_enclosure(net, data, est, bits=40, sch=sch)
    assert lo < hi_d and lo_d < hi  # the two certified intervals overlap
    assert hi - lo <= Fraction(1, 2 ** 40) * max(1, abs(Fraction(est)))


def test_semidefinite_equality_and_fact_i():
    # no neuron active, y = f: lambda_max = 1 exactly (S singular at t = 1)
    net = ReluNetwork.exact([[1, 0], [0, 1]], [2, 3], [5, -7], 0)
    data = Dataset.exact([["1/2", 0], [0, "-1/3"], ["1/4", "1/4"]], [0, 0, 0])
    sch = ExactSchur(net, data)
    assert sch.decide(1) is True and sch.decide(1 - Fraction(1, 10 ** 30)) is False
    # a large residual: ||a_k|| > t refutes without the Schur complement
    net2 = ReluNetwork.exact([[1]], [-1], [1], 0)
    data2 = Dataset.exact([[1], ["1/2"]], [100, 100])
    sch2 = ExactSchur(net2, data2)
    t = 0.5 * math.sqrt(int(sch2.max_na2.p) / int(sch2.max_na2.q))
    assert sch2.decide(Fraction(t)) is False
