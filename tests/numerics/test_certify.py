"""Tests of numerics.certify: exact charpoly criterion, rigorous balls, structured Schur certificate, CLI."""

import json
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from numerics._charpoly_cert import count_roots_above, psd_from_charpoly
from numerics._rigorous import Ball, verified_psd
from numerics.certificates import certify_stability
from numerics.certify import main
from numerics.hessian import KinkError, hessian
from numerics.network import Dataset, ReluNetwork

import flint

TINY = Fraction(1, 10 ** 30)


def _charpoly_of(A):
    """flint charpoly of an exact rational matrix (scaled to integers) and the scale."""
    den = 1
    for x in A.ravel():
        den = np.lcm(den, Fraction(x).denominator)
    den = int(den)
    M = flint.fmpz_mat([[int(Fraction(x) * den) for x in row] for row in A])
    return flint.fmpq_poly(M.charpoly()), den


def _sym(entries, P):
    A = np.empty((P, P), dtype=object)
    it = iter(entries)
    for i in range(P):
        for j in range(i, P):
            A[i, j] = A[j, i] = next(it)
    return A


# ---------------------------------------------------------------------------- charpoly criterion
@settings(max_examples=30)
@given(st.integers(1, 4).flatmap(lambda P: st.tuples(
    st.just(P), st.lists(st.fractions(-3, 3, max_denominator=7), min_size=P * (P + 1) // 2,
                         max_size=P * (P + 1) // 2))), st.fractions(-2, 4, max_denominator=5))
@example((2, [Fraction(1), Fraction(1), Fraction(1)]), Fraction(2))  # eigenvalues 0, 2: cI-A has 0, 2
def test_alternation_criterion_matches_sympy_eigenvalues(case, c):
    P, entries = case
    A = _sym(entries, P)
    p, den = _charpoly_of(A)
    psd, pd = psd_from_charpoly(p, c * den, P)
    Ms = sympy.Matrix(P, P, lambda i, j: sympy.Rational(A[i, j].numerator, A[i, j].denominator))
    # exact sign of the smallest eigenvalue of cI - A via sympy (exact real roots of sympy's charpoly)
    x = sympy.Symbol("x")
    roots = sympy.Poly((sympy.eye(P) * sympy.Rational(c.numerator, c.denominator) - Ms).charpoly(x), x).real_roots()
    lam_min = min(roots)
    assert psd == (lam_min >= 0)
    assert pd == (lam_min > 0)


def test_alternation_rejects_tiny_negative_and_accepts_zero_eigenvalue():
    A = np.array([[Fraction(1), Fraction(0)], [Fraction(0), Fraction(0)]], dtype=object)
    p, den = _charpoly_of(A)
    assert psd_from_charpoly(p, Fraction(1), 2) == (True, False)  # eigenvalues of I - A: 0, 1
    assert psd_from_charpoly(p, 1 - TINY, 2) == (False, False)   # -1e-30 is an eigenvalue
    assert psd_from_charpoly(p, 1 + TINY, 2) == (True, True)


def test_descartes_count_on_known_roots():
    p = flint.fmpq_poly([-6, 11, -6, 1]) * flint.fmpq_poly([-3, 1])  # roots 1, 2, 3, 3
    assert [count_roots_above(p, Fraction(t)) for t in (0, 1, Fraction(3, 2), 2, Fraction(5, 2), 3)] == \
        [4, 3, 3, 2, 2, 0]


# ---------------------------------------------------------------------------- rigorous balls
@settings(max_examples=20)
@given(st.lists(st.fractions(-5, 5, max_denominator=9), min_size=12, max_size=12))
def test_ball_matmul_encloses_exact_product(vals):
    A = np.array(vals[:6], dtype=object).reshape(2, 3)
    B = np.array(vals[6:], dtype=object).reshape(3, 2)
    C = A @ B
    Cb = Ball.from_fractions(A) @ Ball.from_fractions(B)
    for idx in np.ndindex(2, 2):
        assert abs(Fraction(Cb.mid[idx]) - C[idx]) <= Fraction(Cb.rad[idx])


def test_verified_psd_accepts_pd_and_rejects_indefinite():
    rng = np.random.default_rng(0)
    G = rng.standard_normal((30, 30))
    S = G @ G.T / 30 + 0.1 * np.eye(30)
    ok, lo = verified_psd(Ball(S))
    assert ok and 0 <= lo <= np.linalg.eigvalsh(S)[0]
    w, V = np.linalg.eigh(S)
    bad = S - (w[0] + 1e-9) * np.eye(30)  # smallest eigenvalue ~ -1e-9
    assert verified_psd(Ball(bad))[0] is False
    # a large radius must defeat the certificate
    assert verified_psd(Ball(S, np.full(S.shape, 1.0)))[0] is False


# ---------------------------------------------------------------------------- certificates
def _dead_case():
    """No neuron active on the data and y = f on the data: grad^2 L = e_beta e_beta^T, lambda_max = 1."""
    net = ReluNetwork.exact([[1, 0], [0, 1]], [2, 3], [5, -7], 0)
    data = Dataset.exact([["1/2", 0], [0, "-1/3"], ["1/4", "1/4"]], [0, 0, 0])
    return net, data


def test_semidefinite_equality_is_accepted_and_excess_of_1e_30_refused():
    net, data = _dead_case()
    ok = certify_stability(net, data, 2, method="dense")  # 2/eta = 1 = lambda_max exactly
    assert ok.stable is True and ok.certified and ok.lambda_max_upper == 1
    assert ok.lambda_max_lower < 1 and ok.multiplicity == 1
    bad = certify_stability(net, data, Fraction(2) / (1 - TINY), method="dense")  # 2/eta = 1 - 1e-30
    assert bad.stable is False and bad.certified
    assert certify_stability(net, data, 2, method="schur").stable is True  # exact Schur, equality case
    sb = certify_stability(net, data, Fraction(2) / (1 - TINY), method="schur")
    assert sb.stable is False and sb.certified
    # structured (rounded) arithmetic cannot resolve 1e-30: it must NOT claim stability
    s = certify_stability(net, data, Fraction(2) / (1 - TINY), method="structured")
    assert s.stable is not True


def _one_neuron(v="3/2"):
    net = ReluNetwork.exact([["1/2", "-1/3"]], ["-1/5"], [v], "1/7")
    data = Dataset.exact([["1/2", "1/3"], ["-1/4", "1/2"], ["1/3", "-1/3"], [0, 0]], ["1/3", -1, "1/2", 0])
    return net, data


def test_dense_enclosure_brackets_lambda_max_and_decides_both_sides():
    net, data = _one_neuron()
    H = hessian(net, data)
    x = sympy.Symbol("x")
    M = sympy.Matrix(H.shape[0], H.shape[1], lambda i, j: sympy.Rational(H[i, j].numerator, H[i, j].denominator))
    lam = max(sympy.Poly(M.charpoly(x), x).real_roots())
    cert = certify_stability(net, data, 1, method="dense")
    lo, hi = cert.lambda_max_lower, cert.lambda_max_upper
    assert sympy.Rational(lo.numerator, lo.denominator) < lam <= sympy.Rational(hi.numerator, hi.denominator)
    assert certify_stability(net, data, Fraction(2) / hi, method="dense").stable is True
    assert certify_stability(net, data, Fraction(2) / lo, method="dense").stable is False


@settings(max_examples=15)
@given(st.lists(st.fractions(-2, 2, max_denominator=8), min_size=2 * 2 + 2 + 2 + 1, max_size=2 * 2 + 2 + 2 + 1),
       st.lists(st.fractions(-1, 1, max_denominator=6), min_size=4 * 3, max_size=4 * 3),
       st.fractions(1, 40, max_denominator=3))
def test_dense_and_structured_agree_on_small_exact_cases(params, dvals, c):
    K, d = 2, 2
    W = np.array(params[:K * d], dtype=object).reshape(K, d)
    net = ReluNetwork.exact(W, params[4:6], params[6:8], params[8])
    X = [[dvals[3 * i], dvals[3 * i + 1]] for i in range(4)]
    data = Dataset.exact(X, [dvals[3 * i + 2] for i in range(4)])
    eta = 2 / c
    try:
        dense = certify_stability(net, data, eta, method="dense")
    except KinkError:
        with pytest.raises(KinkError):
            certify_stability(net, data, eta, method="structured")
        return
    st_ = certify_stability(net, data, eta, method="structured")
    sch = certify_stability(net, data, eta, method="schur")
    assert dense.certified and sch.certified and sch.stable == dense.stable
    if st_.certified:
        assert st_.stable == dense.stable
    if st_.lambda_max_lower is not None:  # rigorous lower bounds never exceed the exact enclosure
        assert st_.lambda_max_lower <= dense.lambda_max_upper


def test_structured_refutes_by_residual_block():
    # one active neuron with a huge residual: ||a_k|| > 2/eta, fact (i)
    net = ReluNetwork.exact([[1]], [0], [1], 0)
    data = Dataset.exact([[1], ["1/2"]], [-100, -100])
    cert = certify_stability(net, data, 1, method="structured")
    assert cert.stable is False and cert.certified and "a_k" in cert.detail
    dense = certify_stability(net, data, 1, method="dense")
    assert dense.stable is False and cert.lambda_max_lower <= dense.lambda_max_upper


def test_kink_is_refused_by_every_method():
    net = ReluNetwork.exact([[1, 1]], ["1/2"], [1], 0)
    data = Dataset.exact([["1/4", "1/4"], [1, 0]], [0, 1])  # x_0 lies on the kink
    for method in ("dense", "structured", "auto"):
        with pytest.raises(KinkError):
            certify_stability(net, data, 1, method=method)


def test_bad_eta_is_refused():
    net, data = _dead_case()
    for eta in (0, -1, "abc"):
        with pytest.raises(ValueError):
            certify_stability(net, data, eta)


# ---------------------------------------------------------------------------- CLI
def _files(tmp_path, net, data):
    from numerics.io import save_data, save_network

    save_network(net, tmp_path / "net.json")
    save_data(data, tmp_path / "data.json")
    return ["--network", str(tmp_path / "net.json"), "--data", str(tmp_path / "data.json"), "--quiet"]


def test_cli_exit_codes(tmp_path, capsys):
    net, data = _dead_case()
    f = _files(tmp_path, net, data)
    assert main(f + ["--eta", "2", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["stable"] is True and r["certified"] is True and r["lambda_max_upper"] == "1"
    assert r["two_over_eta"] == "1" and r["num_params"] == 9
    for key in ("lambda_max_lower", "vg_norm", "term_a_margin", "theorem_3_2_margin", "method"):
        assert key in r
    eta_bad = str(Fraction(2) / (1 - TINY))
    assert main(f + ["--eta", eta_bad]) == 1
    assert "NOT STABLE" in capsys.readouterr().out
    assert main(f + ["--eta", eta_bad, "--method", "structured"]) == 3  # undecided, honestly
    assert "UNDECIDED" in capsys.readouterr().out


def test_cli_bad_input_exits_2_with_one_line(tmp_path, capsys):
    net, data = _dead_case()
    f = _files(tmp_path, net, data)
    (tmp_path / "broken.json").write_text('{"W": [[1, 2]], "b": [1]')
    cases = [
        ["--network", str(tmp_path / "broken.json"), "--data", str(tmp_path / "data.json"), "--eta", "1"],
        ["--network", str(tmp_path / "missing.json"), "--data", str(tmp_path / "data.json"), "--eta", "1"],
        f + ["--eta", "-1"],
        f + ["--eta", "zero"],
    ]
    for argv in cases:
        assert main(argv) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error:") and "Traceback" not in err[0]
    kink_net = ReluNetwork.exact([[1, 1]], ["1/2"], [1], 0)
    kink_data = Dataset.exact([["1/4", "1/4"], [1, 0]], [0, 1])
    assert main(_files(tmp_path, kink_net, kink_data) + ["--eta", "1"]) == 2
    assert "kink" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(f)  # missing --eta: argparse exits 2
    assert e.value.code == 2


def _random_exact_case(seed, K=3, d=2, n=6):
    rng = np.random.default_rng(seed)
    net = ReluNetwork.from_float(rng.standard_normal((K, d)), rng.standard_normal(K), rng.standard_normal(K), 0.3)
    data = Dataset.from_float(rng.standard_normal((n, d)) / 3, rng.standard_normal(n))
    return net.as_exact(), data.as_exact()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rigorous_rayleigh_quotient_is_a_tight_lower_bound_of_the_exact_one(seed):
    from numerics._structured_cert import StructuredParts, rayleigh_lower

    net, data = _random_exact_case(seed)
    H = hessian(net, data)
    z = np.random.default_rng(seed + 10).standard_normal(net.num_params)
    zq = np.array([Fraction(x) for x in z], dtype=object)
    exact = (zq @ (H @ zq)) / (zq @ zq)
    lo = rayleigh_lower(StructuredParts(net, data), z)
    if exact > 0:
        assert lo is not None and lo <= exact and float(exact - lo) <= 1e-9 * max(1.0, float(exact))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_structured_refutes_just_below_and_certifies_just_above(seed):
    net, data = _random_exact_case(seed)
    Hf = np.array(hessian(net, data), dtype=float)
    lam = float(np.linalg.eigvalsh(Hf)[-1])
    below = certify_stability(net, data, Fraction(2) / Fraction(lam * (1 - 1e-6)), method="structured")
    above = certify_stability(net, data, Fraction(2) / Fraction(lam * (1 + 1e-6)), method="structured")
    assert below.stable is False and below.certified and below.lambda_max_lower <= Fraction(lam) * (1 + Fraction(1, 10 ** 9))
    assert above.stable is True and above.certified


def test_structured_refined_upper_bound_encloses_lambda_max():
    net, data = _random_exact_case(5)
    dense = certify_stability(net, data, Fraction(1, 100), method="dense")  # 2/eta = 200, far above
    c = 2 * dense.lambda_max_upper
    cert = certify_stability(net, data, 2 / c, method="structured", refine_steps=12)
    assert cert.stable is True and cert.certified
    assert dense.lambda_max_lower < cert.lambda_max_upper < c  # refined, and never below lambda_max
    assert cert.lambda_max_lower <= dense.lambda_max_upper
    assert float(cert.lambda_max_upper - cert.lambda_max_lower) < 1e-3 * float(c)


# ---------------------------------------------------------------------------- auto's method choice
def _float_case(n, d, K, seed=0):
    rng = np.random.default_rng(seed)
    net = ReluNetwork.from_float(rng.standard_normal((K, d)), rng.standard_normal(K) * 0.1,
                                 rng.standard_normal(K) * 0.2, 0.0)
    return net, Dataset.from_float(rng.uniform(-0.5, 0.5, size=(n, d)), rng.standard_normal(n))


@pytest.mark.parametrize("n,d,K,expected", [
    (3, 1, 2, ("dense",)),                # tiny: dense (also gives the multiplicity)
    (20, 2, 10, ("dense",)),              # P = 41: dense is still the cheaper exact method
    (20, 3, 60, ("schur",)),              # P = 301: far beyond dense, small n: exact schur
    (60, 3, 60, ("schur",)),              # still under the budget
    (100, 2, 60, ("structured",)),        # n = 100: the exact Schur complement is over budget
    (512, 10, 2048, ("structured",)),     # the paper's scale
])
def test_auto_choice_rule(n, d, K, expected):
    """The rule (not the timing): the cheaper modelled exact method when within the budget, else structured;
    the reason names the models and the budget."""
    from numerics.certificates import BUDGET_SECONDS, _auto_choice

    net, data = _float_case(n, d, K)
    method, why, costs = _auto_choice(net, data, Fraction(10))
    assert method in expected and "budget" in why and f"{costs['schur']:.2g}" in why
    if method in ("dense", "schur"):
        assert costs[method] == min(costs.values()) <= BUDGET_SECONDS
    else:
        assert min(costs.values()) > BUDGET_SECONDS


def test_auto_cost_grows_with_size_and_bits():
    from numerics.certificates import _cost_dense, _cost_schur

    assert _cost_schur(40, 40, 3, 360) < _cost_schur(80, 40, 3, 360) < _cost_schur(80, 80, 3, 360) \
        < _cost_schur(80, 80, 3, 20000)
    assert _cost_dense(41, 360) < _cost_dense(161, 360) < _cost_dense(161, 20000)


@settings(max_examples=60)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=True), min_size=1, max_size=12))
def test_input_bits_of_floats_equals_the_exact_count(values):
    """The vectorised dyadic size of float64 inputs equals the count over their exact Fractions."""
    from numerics.certificates import _input_bits

    vals = np.array(values + [0.0] * (12 - len(values)), dtype=np.float64)
    net = ReluNetwork.from_float(vals[:4].reshape(2, 2), vals[4:6], vals[6:8], float(vals[8]))
    data = Dataset.from_float(vals[9:11].reshape(1, 2), vals[11:12])
    assert _input_bits(net, data) == _input_bits(net.as_exact(), data.as_exact())


def test_auto_on_float_inputs_decides_like_structured():
    """auto on float64 inputs runs structured without an exact conversion: same verdict and bounds."""
    net, data = _float_case(150, 2, 150, seed=3)
    a = certify_stability(net, data, "1/10")
    s = certify_stability(net, data, "1/10", method="structured")
    assert a.extra["auto"]["method"] == "structured" and a.method == s.method
    assert (a.stable, a.certified, a.lambda_max_lower, a.lambda_max_upper) == \
        (s.stable, s.certified, s.lambda_max_lower, s.lambda_max_upper)
