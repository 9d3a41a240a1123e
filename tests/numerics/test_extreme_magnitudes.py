"""numerics.certify / weights / estimate at any magnitude: never a crash, never a wrong verdict.

Every verdict is compared with an independent exact reference: the Hessian written out in closed form
(numerics.hessian is not used) and an exact PSD test of cI - H by symmetric elimination in Fractions
(A >= 0 iff a_11 >= 0, a_11 = 0 forces row 1 to vanish, and the Schur complement is >= 0).
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from numerics.certificates import _auto_choice, certify_stability
from numerics.certify import main as certify_main
from numerics.estimate import main as estimate_main
from numerics.io import load_data, load_network
from numerics.network import Dataset, ReluNetwork
from numerics.weights import main as weights_main


@pytest.fixture(autouse=True)
def _long_integer_reprs():
    """hypothesis prints (repr) the generated Fractions, whose numerators here exceed Python's default
    4300-digit limit for int -> str; lift the limit for these tests only and restore it afterwards."""
    import sys

    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    yield
    sys.set_int_max_str_digits(old)

DATA = Path(__file__).resolve().parents[1] / "data"


# ------------------------------------------------------------------ independent exact reference
def reference_hessian(net: ReluNetwork, data: Dataset):
    """Closed-form exact Hessian of L = (1/2n) sum (f(x_i) - y_i)^2, layout [v | W | b | beta], or None at a
    kink.  Per point: g = grad f = (a z, a v x, -a v, 1) per neuron; grad^2 f couples v_k with (w_k, b_k):
    d^2 f / dv_k dw_k = a x, d^2 f / dv_k db_k = -a (a = 1[z > 0], z = w.x - b)."""
    K, d = net.K, net.d
    P = K * (d + 2) + 1
    H = [[Fraction(0)] * P for _ in range(P)]
    vi = lambda k: k  # noqa: E731
    wi = lambda k, j: K + k * d + j  # noqa: E731
    bi = lambda k: K + K * d + k  # noqa: E731
    n = data.n
    for i in range(n):
        x = [Fraction(t) for t in data.X[i]]
        g = [Fraction(0)] * P
        f = Fraction(net.beta)
        acts = []
        for k in range(K):
            z = sum(Fraction(net.W[k, j]) * x[j] for j in range(d)) - Fraction(net.b[k])
            if z == 0:
                return None
            a = 1 if z > 0 else 0
            acts.append(a)
            v = Fraction(net.v[k])
            f += a * v * z
            g[vi(k)] = a * z
            for j in range(d):
                g[wi(k, j)] = a * v * x[j]
            g[bi(k)] = -a * v
        g[-1] = Fraction(1)
        r = f - Fraction(data.y[i])
        for p in range(P):
            for q in range(P):
                H[p][q] += g[p] * g[q] / n
        for k in range(K):
            if acts[k]:
                for j in range(d):
                    H[vi(k)][wi(k, j)] += r * x[j] / n
                    H[wi(k, j)][vi(k)] += r * x[j] / n
                H[vi(k)][bi(k)] -= r / n
                H[bi(k)][vi(k)] -= r / n
    return H


def exact_psd(A) -> bool:
    """A >= 0 for a symmetric Fraction matrix, by exact symmetric elimination."""
    A = [row[:] for row in A]
    m = len(A)
    for k in range(m):
        if A[k][k] < 0:
            return False
        if A[k][k] == 0:
            if any(A[k][j] != 0 for j in range(k + 1, m)):
                return False
            continue
        for i in range(k + 1, m):
            f = A[i][k] / A[k][k]
            if f:
                for j in range(k + 1, m):
                    A[i][j] -= f * A[k][j]
    return True


def reference_stable(net, data, c: Fraction):
    """True/False: lambda_max <= c; None at a kink."""
    H = reference_hessian(net.as_exact(), data.as_exact())
    if H is None:
        return None
    return exact_psd([[(c if p == q else 0) - H[p][q] for q in range(len(H))] for p in range(len(H))])


def test_reference_against_a_closed_form():
    """One neuron, one active point x = 1, y = 0, v = 1, w = 1, b = 0: f = 1, r = 1; the 4 x 4 Hessian
    by hand is g g^T + r (E_vw + E_wv - E_vb - E_bv) with g = (1, 1, -1, 1)."""
    H = reference_hessian(ReluNetwork.exact([[1]], [0], [1], 0), Dataset.exact([[1]], [0]))
    g = [1, 1, -1, 1]
    R = [[0, 1, -1, 0], [1, 0, 0, 0], [-1, 0, 0, 0], [0, 0, 0, 0]]
    assert H == [[g[p] * g[q] + R[p][q] for q in range(4)] for p in range(4)]
    assert exact_psd([[1, 1], [1, 1]]) and not exact_psd([[0, 1], [1, 0]]) and exact_psd([[0, 0], [0, 2]])


# ------------------------------------------------------------------ the cases found by the adversarial run
CASES = [  # network file, data file, eta
    ("prime_den_net.json", "prime_den_data.json", "1/10"),     # common denominator >> 1e308
    ("tiny_net.json", "tiny_float_data.json", "1"),            # subnormal and 1e-160 float inputs
    ("exact_1e150_net.json", "tiny_data.json", "1e-310"),      # exact weights 1e150
    ("float_1e160_net.json", "tiny_data.json", "1e-330"),      # float weights 1e160
    ("float_1e160_net.json", "tiny_data.json", "1e-300"),
    ("beta_1e400_string_net.json", "tiny_data.json", "1"),     # beta = "1e400"
    ("beta_1e400_int_net.json", "tiny_data.json", "1e-805"),   # beta = JSON integer 10^400
    ("near_kink_net.json", "near_kink_data.json", "1"),        # 2^-160 from a kink
    ("near_kink_net.json", "near_kink_data.json", "1/3"),
    ("tiny_net.json", "tiny_data.json", "1e-400"),             # truly stable, 2/eta = 2e400
]


def _strict_json(text):
    def refuse(name):
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("method", ["auto", "dense", "schur", "structured"])
@pytest.mark.parametrize("net_file, data_file, eta", CASES)
def test_adversarial_cases_agree_with_the_reference(net_file, data_file, eta, method, capsys):
    rc = certify_main(["--network", str(DATA / net_file), "--data", str(DATA / data_file), "--eta", eta,
                       "--method", method, "--json", "--quiet"])
    out = capsys.readouterr()
    assert "Traceback" not in out.err and "Warning" not in out.err
    net, data = load_network(DATA / net_file), load_data(DATA / data_file)
    ref = reference_stable(net, data, 2 / Fraction(eta))
    assert ref is not None  # none of these points is on a kink (the near-kink one is 2^-160 away)
    rep = _strict_json(out.out)
    if method == "structured":
        assert rc in (0, 1, 3)
    else:
        assert rc in (0, 1), rep["detail"]
    if rc in (0, 1):
        assert rc == (0 if ref else 1), rep["detail"]
        assert rep["stable"] is ref and rep["certified"] is True


def test_near_kink_schur_is_decided_exactly(capsys):
    """The float64 copy of the point lies on the kink (1 + 2^-160 rounds to 1 = b): only the optional
    Lanczos lower bound is lost, never the exact decision."""
    net, data = load_network(DATA / "near_kink_net.json"), load_data(DATA / "near_kink_data.json")
    cert = certify_stability(net, data, "1", method="schur")
    assert cert.stable is reference_stable(net, data, Fraction(2)) and "kink" in cert.detail
    assert "float64 copy" in cert.detail


def test_structured_hands_over_when_float64_cannot_carry_the_magnitudes():
    net, data = load_network(DATA / "float_1e160_net.json"), load_data(DATA / "tiny_data.json")
    cert = certify_stability(net, data, "1e-300", method="structured")
    assert cert.extra["handover"]["to"] in ("dense", "schur") and "2^96" in cert.extra["handover"]["why"]
    assert cert.certified and cert.stable is reference_stable(net, data, 2 / Fraction("1e-300"))


def test_auto_cost_model_stays_within_budget():
    """P = 241, n = 100 (schur took 130-666 s there): auto picks structured; tiny problems stay exact; too
    large for exact methods and beyond float64's range: undecided, with the reason."""
    import numpy as np

    rng = np.random.default_rng(0)
    K, d, n = 60, 2, 100
    net = ReluNetwork.from_float(rng.normal(size=(K, d)), rng.normal(size=K) * 0.1, rng.normal(size=K) * 0.2, 0.0)
    data = Dataset.from_float(rng.uniform(-0.5, 0.5, size=(n, d)), rng.normal(size=n))
    method, why, costs = _auto_choice(net.as_exact(), data.as_exact(), Fraction(10))
    assert net.num_params == 241 and method == "structured" and min(costs.values()) > 10 and "budget" in why
    small, sdata = load_network(DATA / "tiny_net.json"), load_data(DATA / "tiny_data.json")
    assert _auto_choice(small, sdata, Fraction(2))[0] in ("dense", "schur")
    huge = ReluNetwork.from_float(net.W * 1e200, net.b, net.v, 0.0)
    cert = certify_stability(huge, data, "1/10")
    assert cert.stable is None and not cert.certified and cert.extra["auto"]["method"] is None
    assert "2^96" in cert.detail and "--method dense or schur" in cert.detail


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_weights_cli_at_extreme_magnitudes(capsys):
    # numpy warnings go through the warnings module (not capsys): turned into errors, they would exit 4
    for net_file in ("float_1e160_net.json", "exact_1e150_net.json", "beta_1e400_int_net.json"):
        for extra in ([], ["--float"]):
            rc = weights_main(["--network", str(DATA / net_file), "--data", str(DATA / "tiny_data.json"),
                               "--json", *extra])
            out = capsys.readouterr()
            assert rc in (0, 1, 2) and "Traceback" not in out.err and "Warning" not in out.err
            if rc != 2:
                rep = _strict_json(out.out)
                for key in ("term_a", "theorem_3_2"):
                    c = rep[key]
                    if c["margin_lower"] is not None and c["margin_upper"] is not None:
                        assert c["margin_lower"] <= c["margin_upper"]
                    if c["certified"] and c["holds"] is not None:
                        assert c["holds"] is (c["margin_lower"] is not None and c["margin_lower"] >= 0)


def test_estimate_cli_says_no_estimate_on_overflow(capsys):
    rc = estimate_main(["--network", str(DATA / "float_1e160_net.json"), "--data", str(DATA / "tiny_data.json")])
    assert rc == 3 and "no estimate" in capsys.readouterr().err
    rc = estimate_main(["--network", str(DATA / "near_kink_net.json"), "--data", str(DATA / "near_kink_data.json")])
    assert rc == 2 and "the exact point does not" in capsys.readouterr().err


# ------------------------------------------------------------------ hypothesis: magnitudes and denominators
@st.composite
def _number(draw):
    if draw(st.booleans()):
        return Fraction(draw(st.integers(-9, 9))) * Fraction(10) ** draw(st.integers(-300, 300))
    return Fraction(draw(st.integers(-10 ** 600, 10 ** 600)), draw(st.integers(1, 10 ** 600)))


@st.composite
def _problem(draw):
    """K = 1 neuron, d = 1, n = 2 points (P = 4); sometimes a point exactly on the kink; 2/eta of any size
    or exactly a diagonal entry of H (the threshold case)."""
    w, b, v, beta = (draw(_number()) for _ in range(4))
    X = [draw(_number()), draw(_number())]
    y = [draw(_number()), draw(_number())]
    if draw(st.integers(0, 5)) == 0:
        b = w * X[0]
    net, data = ReluNetwork.exact([[w]], [b], [v], beta), Dataset.exact([[X[0]], [X[1]]], y)
    c = abs(draw(_number())) or Fraction(1)
    H = reference_hessian(net, data)
    if H is not None and draw(st.booleans()):
        c = max(H[p][p] for p in range(4)) or c
    if c <= 0:
        c = Fraction(1)
    return net, data, c


@settings(max_examples=25)
@given(_problem(), st.sampled_from(["auto", "dense", "schur", "structured"]))
@example((ReluNetwork.exact([[1]], [1], [2], 0), Dataset.exact([[1 + Fraction(1, 2 ** 160)], [0]], [1, 0]),
          Fraction(2)), "schur")
def test_any_magnitude_exit_code_and_verdict(tmp_path_factory, problem, method):
    from numerics.io import save_data, save_network

    net, data, c = problem
    tmp = tmp_path_factory.mktemp("mag")
    save_network(net, tmp / "n.json")
    save_data(data, tmp / "d.json")
    eta = 2 / c
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.redirect_stderr(io.StringIO()) as err:
        rc = certify_main(["--network", str(tmp / "n.json"), "--data", str(tmp / "d.json"),
                           "--eta", str(eta), "--method", method, "--json", "--quiet"])
    assert rc in (0, 1, 2, 3), err.getvalue()
    assert "Traceback" not in err.getvalue()
    ref = reference_stable(net, data, c)
    if ref is None:
        assert rc == 2 and "kink" in err.getvalue()
    else:
        assert rc != 2, err.getvalue()
    if rc in (0, 1):
        assert rc == (0 if ref else 1)
        _strict_json(out.getvalue())


@pytest.mark.slow
@settings(max_examples=300)
@given(_problem(), st.sampled_from(["auto", "dense", "schur", "structured"]))
def test_any_magnitude_many_examples(tmp_path_factory, problem, method):
    """The same invariant over many more examples (slow)."""
    test_any_magnitude_exit_code_and_verdict.hypothesis.inner_test(tmp_path_factory, problem, method)
