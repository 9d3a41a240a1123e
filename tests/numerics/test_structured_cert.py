"""The blocked float Schur complement and its error bound against the exact Schur complement."""

from fractions import Fraction

import flint
import numpy as np
import pytest

from numerics._exact_schur import ExactSchur
from numerics._structured_cert import StructuredParts, _block_cols, schur_midpoint
from numerics.network import Dataset, ReluNetwork
from numerics.sampling import sample_ball


def _exact_S(net, data, t):
    sch = ExactSchur(net, data)
    t = flint.fmpq(t.numerator, t.denominator)
    n, K = sch.n, sch.K
    inv_s = [t / (t * t - x) for x in sch.na2]
    Q = [[(sch.Zq[i][k] + sch.v[k] / t * sch.P[i][k]) if sch.mask[i, k] else flint.fmpq(0) for k in range(K)]
         for i in range(n)]
    T1 = (flint.fmpq_mat([[Q[i][k] * inv_s[k] for k in range(K)] for i in range(n)])
          * flint.fmpq_mat(Q).transpose()).tolist()
    return [[Fraction(int(x.p), int(x.q)) for x in row] for row in
            [[(1 if i == j else 0) - (T1[i][j] + sch.T2[i][j] / t) / n for j in range(n)] for i in range(n)]]


def _case(kind, seed, n=9, d=2, K=7):
    rng = np.random.default_rng(seed)
    X = sample_ball(n, d, seed) * 0.9
    y = rng.standard_normal(n)
    W, b, v = rng.standard_normal((K, d)), rng.standard_normal(K) * 0.2, rng.standard_normal(K)
    net, data = ReluNetwork.from_float(W, b, v, 0.1), Dataset.from_float(X, y)
    if kind == "rational":  # entries that are NOT floats: every input ball has a radius
        q = lambda a: np.vectorize(lambda x: Fraction(x).limit_denominator(997), otypes=[object])(a)  # noqa: E731
        net = ReluNetwork.exact(q(W), q(b), q(v), Fraction(1, 3))
        data = Dataset.exact(q(X), q(y))
    return net, data


@pytest.mark.parametrize("kind", ["float", "rational"])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_error_bound_covers_the_exact_schur_complement(kind, seed, monkeypatch):
    net, data = _case(kind, seed)
    parts = StructuredParts(net, data)
    t = Fraction(2) * Fraction(float(np.sqrt(np.max(parts.na2.upper()))) + 1.0)  # M(t) > 0
    Se = _exact_S(net.as_exact(), data.as_exact(), t)
    for block in (None, 2):  # one block, and several column blocks (dsyrk accumulation)
        if block:
            monkeypatch.setattr("numerics._structured_cert._block_cols", lambda n, K, b=block: b)
        parts = StructuredParts(net, data)
        S, err, _ = schur_midpoint(parts, t)
        Sf = np.triu(S) + np.triu(S, 1).T
        # the exact difference, measured in exact arithmetic entrywise, then its Frobenius norm
        D = np.array([[float(Se[i][j] - Fraction(Sf[i, j])) for j in range(len(Se))] for i in range(len(Se))])
        assert np.linalg.norm(D, 2) <= err
        assert err < 1e-10  # and the bound is not vacuous
    monkeypatch.setattr("numerics._structured_cert._block_cols", _block_cols)


def test_a_wrong_midpoint_is_caught():
    """If S were formed wrongly (here: the 1 1^T / c term dropped) the exact difference exceeds err."""
    net, data = _case("float", 5)
    parts = StructuredParts(net, data)
    t = Fraction(2) * Fraction(float(np.sqrt(np.max(parts.na2.upper()))) + 1.0)
    Se = _exact_S(net.as_exact(), data.as_exact(), t)
    S, err, _ = schur_midpoint(parts, t)
    Sf = np.triu(S) + np.triu(S, 1).T + float(1 / t) / data.n
    D = np.array([[float(Se[i][j] - Fraction(Sf[i, j])) for j in range(len(Se))] for i in range(len(Se))])
    assert np.linalg.norm(D, 2) > err


# ---------------------------------------------------------------------------- float estimates from the parts
def _estimate_case(n, d, K, seed):
    rng = np.random.default_rng(seed)
    net = ReluNetwork.from_float(rng.standard_normal((K, d)), rng.standard_normal(K) * 0.3,
                                 rng.standard_normal(K), 0.2)
    return net, Dataset.from_float(sample_ball(n, d, seed), rng.standard_normal(n))


@pytest.mark.parametrize("n,d,K,seed", [(7, 2, 5, 0), (80, 3, 12, 1)])
def test_parts_estimates_match_dense_references(n, d, K, seed):
    """float_hvp against the exact dense Hessian; gauss_newton_top against the dense Gram J J^T (n > 64
    takes the Lanczos path); structured_estimate against the dense lambda_max, and its vector gives a
    certified lower bound below the exact lambda_max."""
    from numerics._structured_cert import float_hvp, gauss_newton_top, rayleigh_lower, structured_estimate
    from numerics.hessian import hessian, jacobian_gram

    net, data = _estimate_case(n, d, K, seed)
    parts = StructuredParts(net, data)
    H = np.array(hessian(net.as_exact(), data.as_exact()), dtype=float)
    mv = float_hvp(parts)
    P = net.num_params
    assert np.allclose(np.column_stack([mv(e) for e in np.eye(P)]), H, rtol=1e-12, atol=1e-12)
    lam_gn, u = gauss_newton_top(parts)
    gram = np.array(jacobian_gram(net.as_exact(), data.as_exact().X), dtype=float) / n
    assert lam_gn == pytest.approx(np.linalg.eigvalsh(gram)[-1], rel=1e-9)
    assert np.linalg.norm(gram @ u - lam_gn * u) <= 1e-6 * lam_gn
    est, vec, lam_gn2 = structured_estimate(parts)
    lam = np.linalg.eigvalsh(H)[-1]
    assert est == pytest.approx(lam, rel=1e-6) and lam_gn2 == lam_gn
    lo = rayleigh_lower(parts, vec)
    assert lo is not None and float(lo) <= lam * (1 + 1e-12) and float(lo) == pytest.approx(lam, rel=1e-6)
