"""Adversarial certificate files for numerics.check_certificate, written by hand (not by the generator).

Each test builds a malicious or inconsistent file and asserts that the checker refuses it; where the
file used to be accepted, the docstring says so and the test also proves, with an independent witness,
that the accepted claim was false.  Reference values are exact (fractions) or come from a dense
Hessian assembled from exact quadratic forms.
"""

import copy
import json
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from numerics import check_certificate as cc


def _doc(problem, claim, witness):
    claim = dict(claim, problem_sha256=cc.digest(problem), witness_sha256=cc.digest(witness))
    return {"format": cc.FORMAT, "problem": problem, "claim": claim, "witness": witness}


def _status(doc):
    return cc.check(doc)[:2]


def _redigest(doc):
    doc["claim"]["problem_sha256"] = cc.digest(doc["problem"])
    doc["claim"]["witness_sha256"] = cc.digest(doc["witness"])
    return doc


def _stab(W, b, v, X, y, beta="0", eta="1", loss="half-mse"):
    return {"type": "stability", "d": len(X[0]), "n": len(X), "K": len(W), "eta": eta, "loss": loss,
            "network": {"W": W, "b": b, "v": v, "beta": beta}, "data": {"X": X, "y": y}}


def _inactive_claim(problem, pattern="0"):
    """'stable' with lambda_max <= 1 from the inactive structure (threshold 2 / (eta s))."""
    c = 2 / (cc.num(problem["eta"]) * cc.LOSS_SCALE[problem["loss"]])
    return _doc(problem, {"stable": True, "threshold": str(c), "lambda_max_lower": None, "lambda_max_upper": "1"},
                {"pattern": [pattern] * problem["n"], "residuals": ["0"] * problem["n"],
                 "upper": {"type": "inactive"}})


def _set(doc, path, value):
    obj = doc
    for key in path[:-1]:
        obj = obj[key]
    obj[path[-1]] = value


# ----------------------------------------------------------------- hex strings beyond float64
def test_hex_digits_beyond_float64_are_not_rounded_into_a_different_problem():
    """Formerly ACCEPTED: float.fromhex rounds '0x1.0000000000000005p+0' (= 1 + 5*2^-64) to 1.0.

    With b = 1 + 2^-62, x = 1 the neuron is active in the file's exact problem (z = 2^-64) and v = 1000
    makes lambda_max >= 10^6 > 2/eta; the checker read w = 1, z < 0, and accepted "stable, lambda_max = 1"
    from the inactive witness.  Now a hex string must denote a float64 exactly."""
    w_hex, b = "0x1.0000000000000005p+0", "4611686018427387905/4611686018427387904"
    bad = _inactive_claim(_stab([[w_hex]], [b], ["1000"], [["1"]], ["0"]))
    assert _status(bad) == ("unreadable", None)
    # the same underflowing to 0: '0x1p-1100' is 2^-1100, not 0
    under = _inactive_claim(_stab([["0x1p-1100"]], ["0"], ["1000"], [["1"]], ["0"]))
    assert _status(under) == ("unreadable", None)
    # the exact problem of the file is unstable: its exact value as "p/q", a Rayleigh vector on w_1
    w = Fraction(2 ** 64 + 5, 2 ** 64)
    r = 1000 * (w - cc.num(b))
    true = _doc(_stab([[f"{w.numerator}/{w.denominator}"]], [b], ["1000"], [["1"]], ["0"]),
                {"stable": False, "threshold": "2", "lambda_max_lower": "1000", "lambda_max_upper": None},
                {"pattern": ["1"], "residuals": [str(r)], "lower": {"type": "rayleigh", "z": ["0", "1", "0", "0"]}})
    assert _status(true) == ("valid", None)
    # exact hex strings are still read exactly, whatever their spelling
    assert cc.num("0x1.8000000000000000000p+1") == 3 and cc.num("-0x0p+0") == 0 == cc.num("0x0p+99999999999")
    assert cc.num(" 0X1P-1074 ") == Fraction(1, 2 ** 1074) and cc.num("0x.8p1") == 1
    for s in ("0x1p-1075", "0x1.00000000000001p0", "0x1p+1024", "nan", "0x1.fffffffffffff8p+1023", "inf"):
        with pytest.raises(cc.Unreadable):
            cc.num(s)


# --------------------------------------------------------------------------- duplicate keys
def test_duplicate_json_keys_make_the_file_unreadable(tmp_path, capsys):
    """Formerly ACCEPTED: json keeps the last of two equal keys, another reader may keep the first.

    The file below says eta = 1024 first (then lambda_max = 1 > 2/1024: not stable) and eta = 1 last."""
    good = _inactive_claim(_stab([["1"]], ["2"], ["1000"], [["1"]], ["0"]))
    assert _status(good) == ("valid", None)
    text = json.dumps(good).replace('"eta": "1"', '"eta": "1024", "eta": "1"')
    assert text.count('"eta"') == 2 and cc.check(json.loads(text))[0] == "valid"  # what json.load made of it
    path = tmp_path / "dup.json"
    path.write_text(text)
    assert cc.main([str(path)]) == 2 and "duplicate key 'eta'" in capsys.readouterr().err
    path.write_text(json.dumps(good))
    assert cc.main([str(path)]) == 0


# ------------------------------------------------------------------- vanishing Schur pivots
def test_vanishing_schur_pivot_is_invalid_not_an_internal_error(tmp_path):
    """Formerly exit 4 (ZeroDivisionError): t = |a_1| + 2^-1200 makes s_1 = t - |a_1|^2/t < 2^-1075."""
    p = _stab([["1"]], ["0"], ["1"], [["3/4"]], ["0"])  # r = 3/4, a_1 = r (x, -1), |a_1| = 15/16
    t = Fraction(15, 16) + Fraction(1, 2 ** 1200)
    bad = _doc(p, {"stable": None, "threshold": "2", "lambda_max_lower": None, "lambda_max_upper": str(t)},
               {"pattern": ["1"], "residuals": ["3/4"],
                "upper": {"type": "schur-factor", "t": str(t), "alpha": "0x1p-1", "R": [["0x0p+0"]]}})
    assert _status(bad) == ("invalid", "schur_psd")
    path = tmp_path / "c.json"
    path.write_text(json.dumps(bad))
    assert cc.main([str(path)]) == 1


# ------------------------------------------------------------------------ construction files
def _construction(dirs, X, claim):
    p = {"type": "construction", "d": len(dirs[0]), "eps": "1/2", "n": len(X), "eta": "1", "loss": "half-mse",
         "X": X}
    return _doc(p, dict({"num_caps": len(dirs)}, **claim), {"directions": dirs})


APP_I = {"app_i": {"empty_caps": [0, 1, 2], "atoms": 3, "lambda_max": "1", "threshold": "2", "stable": True}}


def test_construction_directions_must_be_unit_even_without_a_packing_claim():
    """Formerly ACCEPTED: without packing_disjoint, |u| was never checked, so three zero 'directions'
    made three 'empty caps' (0.x < 3/4 for every sample) and num_caps = 3 for any data."""
    X = [["1", "0"], ["0", "1"]]
    assert _status(_construction([["0", "0"]] * 3, X, APP_I)) == ("invalid", "packing_unit")
    assert _status(_construction([["-1", "0"], ["0", "-1"], ["-3/5", "-4/5"]], X, APP_I)) == ("valid", None)
    # a scaled direction inside a "disjoint packing": u.u' = 0 <= 2(3/4)^2 - 1, but |u| = 2
    assert _status(_construction([["2", "0"], ["0", "1"]], X, {"packing_disjoint": True})) == (
        "invalid", "packing_unit")
    assert _status(_construction([["1", "0"], ["0", "1"]], X, {"packing_disjoint": True})) == ("valid", None)


@pytest.mark.parametrize("claim, witness_code, check", [
    ({"app_i": dict(APP_I["app_i"], empty_caps=[0, 1, 1])}, None, "empty_caps"),      # a cap listed twice
    ({"app_i": dict(APP_I["app_i"], empty_caps=[0, 1])}, None, "empty_caps"),         # one empty cap left out
    ({"app_i": dict(APP_I["app_i"], atoms=4)}, None, "empty_caps"),
    ({"app_i": dict(APP_I["app_i"], lambda_max="1/2")}, None, "stable_minimum"),
    ({"app_i": dict(APP_I["app_i"], threshold="1")}, None, "threshold"),
    ({"num_caps": 4}, None, "num_caps"),
    ({"packing_disjoint": False}, None, "claim"),
    ({"code": {"length": 2, "size": 2, "min_distance": 1, "size_bound": "direct"}}, ["0", "1"], "code_claim"),
    ({"code": {"length": 3, "size": 2, "min_distance": 1, "size_bound": "direct"}}, ["0", "8"], "code_words"),
    ({"code": {"length": 3, "size": 2, "min_distance": 1, "size_bound": "direct"}}, ["0", "-1"], "code_words"),
    ({"code": {"length": 3, "size": 1, "min_distance": 1, "size_bound": "direct"}}, ["5"], "code_size"),
    ({"code": {"length": 3, "size": 2, "min_distance": 1, "size_bound": "magic"}}, ["1", "2"], "code_claim"),
])
def test_construction_forgeries_are_rejected(claim, witness_code, check):
    doc = _construction([["-1", "0"], ["0", "-1"], ["-3/5", "-4/5"]], [["1", "0"], ["0", "1"]], APP_I)
    doc["claim"].update(claim)
    if witness_code is not None:
        doc["witness"]["code"] = witness_code
    assert _status(_redigest(doc)) == ("invalid", check)


def test_construction_parked_neuron_and_stable_flag():
    # a sample outside the unit ball (the checker does not need |x| <= 1): u.x = -2, the cap is empty
    doc = _construction([["1", "0"]], [["-2", "0"]], {"app_i": dict(APP_I["app_i"], empty_caps=[0], atoms=1)})
    assert _status(doc) == ("valid", None)
    # u.x = 2: the cap is not empty, so no atom can sit on it
    far = _construction([["-1", "0"]], [["-2", "0"]], {"app_i": dict(APP_I["app_i"], empty_caps=[], atoms=1)})
    assert _status(far) == ("invalid", "empty_caps")
    doc = _construction([["1", "0"]], [["-2", "0"]], {"app_i": dict(APP_I["app_i"], empty_caps=[0], atoms=1)})
    doc["problem"]["eta"], doc["claim"]["app_i"]["threshold"] = "4", "1/2"  # c = 1/2 < 1: not stable
    assert _status(_redigest(doc)) == ("invalid", "stable_minimum")
    doc["claim"]["app_i"]["stable"] = False
    assert _status(_redigest(doc)) == ("valid", None)


# --------------------------------------------------------------- problem / claim forgeries
BASE = _stab([["1"]], ["2"], ["1000"], [["1"]], ["0"])  # inactive (z = -1): lambda_max = 1 exactly


@pytest.mark.parametrize("path, value, expected", [
    (("problem", "eta"), "0", ("invalid", "problem_eta")),
    (("problem", "eta"), "-1", ("invalid", "problem_eta")),
    (("problem", "eta"), "-0x0p+0", ("invalid", "problem_eta")),
    (("problem", "eta"), "0x1p-1100", ("unreadable", None)),
    (("problem", "eta"), 1.0, ("unreadable", None)),
    (("problem", "loss"), "MSE", ("unreadable", None)),
    (("problem", "loss"), "half_mse", ("unreadable", None)),
    (("problem", "loss"), "mse ", ("unreadable", None)),
    (("problem", "loss"), None, ("unreadable", None)),
    (("problem", "loss"), "mse", ("invalid", "threshold")),            # c = 1, the claim says 2
    (("problem", "network", "v", 0), "nan", ("unreadable", None)),
    (("problem", "network", "v", 0), "0x1p+1024", ("unreadable", None)),
    (("problem", "network", "v", 0), "-inf", ("unreadable", None)),
    (("problem", "network", "b", 0), "1", ("invalid", "no_kink")),          # z = 0 exactly
    (("problem", "network", "b", 0), "-0x1p-1074", ("invalid", "activation_pattern")),  # active by 2^-1074
    (("problem", "network", "b", 0), "0x1.fffffffffffffp-1", ("invalid", "activation_pattern")),  # by 1 ulp
    (("problem", "K"), 2, ("invalid", "shape")),
    (("problem", "d"), 2, ("invalid", "shape")),
    (("problem", "n"), 2, ("invalid", "shape")),
    (("problem", "n"), 0, ("unreadable", None)),
    (("problem", "K"), True, ("unreadable", None)),
    (("witness", "pattern"), ["0", "0"], ("invalid", "shape")),
    (("witness", "pattern", 0), "-0", ("valid", None)),                   # int("-0", 16) == 0: the same bits
    (("witness", "pattern", 0), "2", ("invalid", "activation_pattern")),  # a bit beyond neuron K-1
    (("witness", "residuals", 0), "-0x0p+0", ("valid", None)),            # -0.0 is the number 0
    (("witness", "residuals", 0), "0x1p-1074", ("invalid", "residuals")),
    (("claim", "stable"), "true", ("invalid", "claim")),
    (("claim", "stable"), 1, ("invalid", "claim")),
    (("claim", "lambda_max_upper"), "3", ("invalid", "claim")),           # stable, but upper > c = 2
    (("claim", "lambda_max_upper"), "0x1.fffffffffffffp-1", ("invalid", "upper_bound")),  # below 1
    (("claim", "lambda_max_upper"), None, ("invalid", "claim")),
    (("claim", "lambda_max_lower"), "5", ("unreadable", None)),           # lower > upper: no lower witness
    (("claim", "threshold"), "0x1.0000000000001p+1", ("invalid", "threshold")),
    (("witness", "upper", "type"), "schur-ldl", ("unreadable", None)),    # no t
])
def test_problem_and_claim_forgeries_are_rejected(path, value, expected):
    doc = _inactive_claim(copy.deepcopy(BASE))
    assert _status(doc) == ("valid", None)
    _set(doc, path, value)
    assert _status(_redigest(doc)) == expected


def test_lower_bound_above_upper_bound_is_rejected():
    doc = _inactive_claim(copy.deepcopy(BASE))
    doc["claim"].update(stable=None, lambda_max_lower="5")
    doc["witness"]["lower"] = {"type": "inactive"}
    assert _status(_redigest(doc)) == ("invalid", "lower_bound")
    doc["claim"]["lambda_max_lower"] = "1"  # lambda_max = 1 exactly: [1, 1] is a true enclosure
    assert _status(_redigest(doc)) == ("valid", None)
    doc["witness"]["lower"] = {"type": "neuron", "k": 0}  # a_1 = 0 (inactive): |a_1| = 0 < 1
    assert _status(_redigest(doc)) == ("invalid", "lower_bound")
    doc["witness"]["lower"] = {"type": "neuron", "k": 1}
    assert _status(_redigest(doc)) == ("invalid", "lower_bound")


def test_witness_of_another_problem_with_recomputed_digests_is_rejected():
    """The valid witness of the inactive net, attached to the same net with one active data point."""
    doc = _inactive_claim(copy.deepcopy(BASE))
    doc["problem"]["data"]["X"][0][0] = "3"  # z = 3 - 2 = 1: active, f = 1000
    assert _status(_redigest(doc)) == ("invalid", "activation_pattern")
    doc["witness"]["pattern"] = ["1"]
    assert _status(_redigest(doc)) == ("invalid", "residuals")
    doc["witness"]["residuals"] = ["1000"]
    assert _status(_redigest(doc)) == ("invalid", "upper_bound")  # 'inactive' witness, active neuron


# ------------------------------------------------------- float factors for a false upper bound
def _small_problem(seed):
    rng = np.random.default_rng(seed)
    rat = lambda m, k, s: [[str(Fraction(int(x), s)) for x in row] for row in rng.integers(-9, 10, (m, k))]  # noqa
    X, W = rat(5, 2, 10), rat(3, 2, 4)
    b, v, y = [r[0] for r in rat(3, 1, 8)], [r[0] for r in rat(3, 1, 3)], [r[0] for r in rat(5, 1, 5)]
    return _stab(W, b, v, X, y)


def _dense_hessian(net):
    """H from exact quadratic forms: H_ii = q(e_i), H_ij = (q(e_i + e_j) - q(e_i) - q(e_j)) / 2."""
    P = net.K * (net.d + 2) + 1
    e = lambda *idx: [1 if i in idx else 0 for i in range(P)]  # noqa
    q = [Fraction(int(x.p), int(x.q)) for x in (net.quad(e(i))[0] for i in range(P))]
    H = np.zeros((P, P))
    for i in range(P):
        for j in range(P):
            qij = net.quad(e(i, j))[0]
            H[i, j] = q[i] if i == j else float((Fraction(int(qij.p), int(qij.q)) - q[i] - q[j]) / 2)
    return H


@pytest.mark.parametrize("seed", [0, 1])
def test_no_scaling_of_a_float_factor_proves_an_upper_bound_below_lambda_max(seed):
    p = _small_problem(seed)
    net = cc.Net(p)
    # the activation pattern and residuals, from exact arithmetic of the formulas
    Xq = [[cc.num(x) for x in r] for r in p["data"]["X"]]
    Wq = [[cc.num(x) for x in r] for r in p["network"]["W"]]
    bq, vq = [cc.num(x) for x in p["network"]["b"]], [cc.num(x) for x in p["network"]["v"]]
    Z = [[sum(a * c for a, c in zip(x, w)) - bk for w, bk in zip(Wq, bq)] for x in Xq]
    assert all(z != 0 for row in Z for z in row)
    pattern = [format(sum(1 << k for k, z in enumerate(row) if z > 0), "x") for row in Z]
    res = [sum(vk * max(z, 0) for vk, z in zip(vq, row)) - cc.num(yi) for row, yi in zip(Z, p["data"]["y"])]
    net.pattern(pattern)
    net.residuals()
    lam = np.linalg.eigvalsh(_dense_hessian(net))[-1]
    a_max = max(math.sqrt(float(x)) for x in net.na2)

    def claim(t, R, alpha):
        return _doc(p, {"stable": None, "threshold": "2", "lambda_max_lower": None, "lambda_max_upper": str(t)},
                    {"pattern": pattern, "residuals": [str(r) for r in res],
                     "upper": {"type": "schur-factor", "t": str(t), "alpha": alpha,
                               "R": [[x.hex() for x in R[i, :i + 1]] for i in range(len(R))]}})

    def factor(t, shift):
        S = np.array([[float(x) for x in row] for row in net.exact_schur(t).tolist()])
        return S, np.linalg.cholesky(S - shift * np.eye(len(S)))

    good_t = Fraction(lam * (1 + 1e-3))
    alpha = float(np.linalg.eigvalsh(factor(good_t, -1.0)[0])[0] / 2)  # S(good_t) = alpha I + R R^T + tiny
    assert alpha > 0 and _status(claim(good_t, factor(good_t, alpha)[1], alpha.hex())) == ("valid", None)
    bad_t = Fraction(lam * (1 - 1e-6))
    assert bad_t > a_max  # M = tI - B is still positive definite: only S(t) >= 0 fails
    S = np.array([[float(x) for x in row] for row in net.exact_schur(bad_t).tolist()])
    mu = np.linalg.eigvalsh(S)[0]
    assert mu < 0
    tried = 0
    for shift in (mu - 1e-12, mu - 1e-9, mu - 1e-6):
        R = np.linalg.cholesky(S - shift * np.eye(len(S)))
        for scale in (2.0 ** -30, 0.5, 1.0, 2.0, 2.0 ** 30):
            for alpha in (1.0, 0.5, 1e-3, 1e-9, 2.0 ** -1022, 2.0 ** -1074):
                assert _status(claim(bad_t, R * scale, alpha.hex()))[0] == "invalid"
                tried += 1
    for R in (np.full((5, 5), np.nan), np.full((5, 5), np.inf), np.zeros((5, 5)), np.eye(5) * 1e300):
        assert _status(claim(bad_t, np.tril(R), "0x1p-1")) == ("invalid", "schur_psd")
    assert tried == 90
    # an exact LDL^T of S(bad_t) has a negative pivot; clamping it to 0 breaks the identity
    Sq = [[Fraction(int(x.p), int(x.q)) for x in row] for row in net.exact_schur(bad_t).tolist()]
    L, D = _ldl(Sq)
    assert min(D) < 0
    ldl = claim(bad_t, np.zeros((5, 5)), "0x1p-1")
    ldl["witness"]["upper"] = {"type": "schur-ldl", "t": str(bad_t), "L": [[str(x) for x in L[i][:i]] for i in range(5)],
                               "D": [str(x) for x in D]}
    assert _status(_redigest(ldl)) == ("invalid", "schur_psd")
    ldl["witness"]["upper"]["D"] = [str(max(x, 0)) for x in D]
    assert _status(_redigest(ldl)) == ("invalid", "schur_psd")


def _ldl(S):
    """Exact S = L diag(D) L^T (no pivoting; fails on a zero pivot)."""
    n = len(S)
    L, D = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)], [Fraction(0)] * n
    for j in range(n):
        D[j] = S[j][j] - sum(L[j][k] ** 2 * D[k] for k in range(j))
        for i in range(j + 1, n):
            L[i][j] = (S[i][j] - sum(L[i][k] * L[j][k] * D[k] for k in range(j))) / D[j]
    return L, D


def test_decimal_exponents_beyond_int_limits_are_unreadable_not_a_hang():
    """Fraction("1e-100000000") spends ~15 s (and 10x more per extra digit) building a power of 10."""
    doc = _inactive_claim(copy.deepcopy(BASE))
    doc["problem"]["eta"] = "1e-100000000"
    assert _status(_redigest(doc)) == ("unreadable", None)
    assert cc.num("1e-4300") == Fraction(1, 10 ** 4300) and cc.num("1.5E3") == 1500 and cc.num(" 3/4 ") == Fraction(3, 4)
    for s in ("1e4301", "1e-99999999999999999999", "1/0", "nan", "inf", "1e", "0x"):
        with pytest.raises(cc.Unreadable):
            cc.num(s)


@pytest.mark.parametrize("entry", ["nan", "inf", "-inf", "0x1p+1000", "0x1.fffffffffffffp+1023"])
def test_non_finite_or_overflowing_factor_is_invalid_with_one_line_of_output(entry, tmp_path, capsys):
    p = _stab([["1"]], ["0"], ["1"], [["3/4"]], ["0"])  # lambda_max of this one-point net is below 4
    doc = _doc(p, {"stable": None, "threshold": "2", "lambda_max_lower": None, "lambda_max_upper": "4"},
               {"pattern": ["1"], "residuals": ["3/4"],
                "upper": {"type": "schur-factor", "t": "4", "alpha": "0x1p-1", "R": [[entry]]}})
    assert _status(doc) == ("invalid", "schur_psd")
    path = tmp_path / "c.json"
    path.write_text(json.dumps(doc))
    assert cc.main([str(path)]) == 1
    out, err = capsys.readouterr()
    assert err == "" and out.count("\n") == 1 and "schur_psd" in out


# ---------------------------------------- exact witnesses on both sides of lambda_max (hypothesis)
@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(1, 2), st.integers(1, 3), st.integers(0, 2 ** 32),
       st.sampled_from([0.9, 0.999, 1 - 1e-6, 1 + 1e-6, 1.001, 1.1]))
def test_exact_witnesses_prove_bounds_exactly_on_the_right_side_of_lambda_max(n, d, K, seed, factor):
    """For t = factor * lambda_max (lambda_max of the toolkit's dense Hessian, an independent code path),
    the exact LDL^T of the checker's S(t) is accepted iff t > lambda_max, and the top eigenvector (rounded
    to rationals) as a Rayleigh witness of lambda_max >= t is accepted iff t < lambda_max."""
    from numerics.hessian import hessian
    from numerics.network import Dataset, ReluNetwork

    rng = np.random.default_rng(seed)
    rat = lambda m, k, s: [[Fraction(int(x), s) for x in row] for row in rng.integers(-9, 10, (m, k))]  # noqa
    X, W, y = rat(n, d, 10), rat(K, d, 4), [r[0] for r in rat(n, 1, 5)]
    b, v = [r[0] for r in rat(K, 1, 8)], [r[0] for r in rat(K, 1, 3)]
    Z = [[sum(a * c for a, c in zip(x, w)) - bk for w, bk in zip(W, b)] for x in X]
    assume(all(z != 0 for row in Z for z in row))
    H = hessian(ReluNetwork.exact(W, b, v, 0), Dataset.exact(X, y))
    lam, vecs = np.linalg.eigh(np.array(H, dtype=float))
    t = Fraction(float(lam[-1]) * factor)
    enc = lambda M: [[str(x) for x in r] for r in M]  # noqa
    p = _stab(enc(W), [str(x) for x in b], [str(x) for x in v], enc(X), [str(x) for x in y])
    pattern = [format(sum(1 << k for k, z in enumerate(row) if z > 0), "x") for row in Z]
    res = [str(sum(vk * max(z, 0) for vk, z in zip(v, row)) - yi) for row, yi in zip(Z, y)]
    net = cc.Net(p)
    net.pattern(pattern)
    net.residuals()

    def doc(bound, witness):
        claim = {"stable": None, "threshold": "2", "lambda_max_lower": None, "lambda_max_upper": None}
        claim[bound] = str(t)
        return _doc(p, claim, {"pattern": pattern, "residuals": res, bound.split("_")[-1]: witness})

    z = [str(Fraction(float(x))) for x in vecs[:, -1]]
    assert _status(doc("lambda_max_lower", {"type": "rayleigh", "z": z}))[0] == ("valid" if factor < 1 else "invalid")
    if all(x < cc.fq(t) ** 2 for x in net.na2):
        S = [[Fraction(int(x.p), int(x.q)) for x in row] for row in net.exact_schur(t).tolist()]
        try:
            L, D = _ldl(S)
        except ZeroDivisionError:  # a zero pivot (no LDL^T without pivoting): nothing to test here
            return
        ldl = {"type": "schur-ldl", "t": str(t), "L": [[str(x) for x in L[i][:i]] for i in range(n)],
               "D": [str(x) for x in D]}
        assert _status(doc("lambda_max_upper", ldl))[0] == ("valid" if factor > 1 else "invalid")
    else:  # M = tI - B is not positive definite: then t <= |a_k| <= lambda_max
        assert factor < 1
