"""Tests of certificate files (numerics.certificate_file) and the independent checker (numerics.check_certificate).

Adversarial design: every single-field mutation of a certificate must be rejected.  Each mutation is
applied twice: as is (the checker must reject it), and with the integrity digests recomputed, which
shows whether a *mathematical* check catches it (the expected failing check is asserted) or whether the
mutated file is still a valid proof of its (mutated) claim, which then only the digest rejects.
"""

import ast
import copy
import json
import math
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics import check_certificate as cc
from numerics.certificate_file import (FORMAT, CertificateError, content_digest, encode_number,
                                       stability_document, write_certificate)
from numerics.certificates import certify_stability
from numerics.certify import main as certify_main
from numerics.lambda_estimate import lambda_max_estimate
from numerics.hessian import hessian
from numerics.network import Dataset, ReluNetwork

ROOT = Path(__file__).resolve().parents[2]


def _problem(n, d, K, seed):
    """Random float network whose last neuron (b = 10) is inactive on the data (|x| < 1)."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, d)) / np.sqrt(d)
    y = rng.standard_normal(n)
    W = rng.standard_normal((K, d))
    b = rng.standard_normal(K) * 0.3
    b[-1] = 10.0
    v = rng.standard_normal(K) / np.sqrt(K)
    return ReluNetwork.from_float(W, b, v, 0.125), Dataset.from_float(X, y)


def _eta(net, data, factor):
    return Fraction(2) / Fraction(lambda_max_estimate(net, data) * factor)


def _doc(n, d, K, seed, factor, method="auto"):
    net, data = _problem(n, d, K, seed)
    eta = _eta(net, data, factor)
    return stability_document(net, data, eta, certify_stability(net, data, eta, method=method))


@pytest.fixture(scope="module")
def docs():
    return {
        "ldl": _doc(6, 2, 4, 1, 1.2),          # n <= 16: exact LDL^T witness of S(t)
        "factor": _doc(24, 3, 6, 2, 1.2),      # float Cholesky factor + rigorous residual bound
        "unstable": _doc(24, 3, 6, 3, 0.8),    # not stable: Rayleigh vector
    }


def _status(doc):
    return cc.check(doc)[:2]


def _redigest(doc):
    doc["claim"]["problem_sha256"] = content_digest(doc["problem"])
    doc["claim"]["witness_sha256"] = content_digest(doc["witness"])
    return doc


def _ulp(s, direction=1):
    f = float.fromhex(s) if "x" in s else float(Fraction(s))
    return math.nextafter(f, direction * math.inf).hex()


def _active(doc):
    """(i, k): data point i activates neuron k."""
    for i, h in enumerate(doc["witness"]["pattern"]):
        x = int(h, 16)
        if x:
            return i, (x & -x).bit_length() - 1
    raise AssertionError("no active neuron")


# ---------------------------------------------------------------------------- acceptance
@pytest.mark.parametrize("method", ["dense", "schur", "structured", "auto"])
@pytest.mark.parametrize("factor", [1.2, 0.8])
def test_certificates_of_every_method_are_accepted(method, factor):
    for seed, (n, d, K) in enumerate([(5, 2, 3), (20, 3, 5)]):
        net, data = _problem(n, d, K, seed)
        eta = _eta(net, data, factor)
        cert = certify_stability(net, data, eta, method=method)
        doc = stability_document(net, data, eta, cert)
        assert doc["claim"]["stable"] is cert.stable is (factor > 1)
        assert _status(doc) == ("valid", None)
        lo, hi = (cc.num(doc["claim"][k]) if doc["claim"][k] else None
                  for k in ("lambda_max_lower", "lambda_max_upper"))
        H = hessian(net.as_exact(), data.as_exact())
        lam = float(np.linalg.eigvalsh(np.vectorize(float)(H).astype(float))[-1])
        assert float(lo) <= lam * (1 + 1e-12)  # independent reference: dense float eigenvalue
        if hi is not None:
            assert lam <= float(hi) * (1 + 1e-12) and hi <= 2 / eta


def test_inactive_network_and_exact_lambda_one():
    net = ReluNetwork.exact([[1, 0], [0, 1]], [5, 5], [1, -1], 0)
    data = Dataset.exact([["1/2", 0], [0, "1/3"]], [0, 0])
    doc = stability_document(net, data, 2)  # lambda_max = 1 = 2/eta
    assert doc["witness"]["upper"] == {"type": "inactive"} and _status(doc) == ("valid", None)
    assert doc["claim"]["lambda_max_lower"] == doc["claim"]["lambda_max_upper"] == (1.0).hex()
    bad = _redigest(copy.deepcopy(doc))
    bad["claim"]["lambda_max_upper"] = _ulp(bad["claim"]["lambda_max_upper"], -1)
    bad["witness"]["upper"] = {"type": "inactive"}
    assert _status(bad) == ("invalid", "upper_bound")


def test_checker_quadratic_form_matches_the_dense_hessian():
    """The checker's own z^T H z (J z and rank-2 blocks) equals the toolkit's exact dense Hessian."""
    rng = np.random.default_rng(5)
    for seed in range(3):
        net, data = _problem(7, 2, 3, seed)
        doc = stability_document(net, data, 1)
        N = cc.Net(doc["problem"])
        N.pattern(doc["witness"]["pattern"])
        N.residuals()
        z = [Fraction(int(x), 8) for x in rng.integers(-8, 9, net.num_params)]
        H = hessian(net.as_exact(), data.as_exact())
        zHz, zz = N.quad(z)
        ref = np.array(z, dtype=object) @ H @ np.array(z, dtype=object)
        assert Fraction(int(zHz.p), int(zHz.q)) == ref and Fraction(int(zz.p), int(zz.q)) == sum(x * x for x in z)


# ---------------------------------------------------------------------------- mutations
def _set(doc, path, value):
    obj = doc
    for key in path[:-1]:
        obj = obj[key]
    obj[path[-1]] = value


def _get(doc, path):
    obj = doc
    for key in path:
        obj = obj[key]
    return obj


def _kink(doc):
    """b_k := w_k . x_i exactly for an active (i, k): data point i on neuron k's kink."""
    i, k = _active(doc)
    P = doc["problem"]
    z = sum(cc.num(w) * cc.num(x) for w, x in zip(P["network"]["W"][k], P["data"]["X"][i]))
    return ("problem", "network", "b", k), str(z)


def _mutations(doc):
    """(name, path, new value, failing check once the digests are recomputed, or None if still valid)."""
    P, C, Wt = doc["problem"], doc["claim"], doc["witness"]
    i, k = _active(doc)
    K = P["K"]
    out = [
        ("active weight +1 ulp", ("problem", "network", "W", k, 0), _ulp(P["network"]["W"][k][0]), "residuals"),
        ("weight of the dead neuron +1 ulp", ("problem", "network", "W", K - 1, 0),
         _ulp(P["network"]["W"][K - 1][0]), None),
        ("active bias -1 ulp", ("problem", "network", "b", k), _ulp(P["network"]["b"][k], -1), "residuals"),
        ("outer weight +1 ulp", ("problem", "network", "v", k), _ulp(P["network"]["v"][k]), "residuals"),
        ("beta +1 ulp", ("problem", "network", "beta"), _ulp(P["network"]["beta"]), "residuals"),
        ("data point +1 ulp", ("problem", "data", "X", i, 0), _ulp(P["data"]["X"][i][0]), "residuals"),
        ("label -1 ulp", ("problem", "data", "y", 0), _ulp(P["data"]["y"][0], -1), "residuals"),
        ("eta +1 ulp", ("problem", "eta"), _ulp(P["eta"]), "threshold"),
        ("loss flipped", ("problem", "loss"), "mse", "threshold"),
        ("n changed", ("problem", "n"), P["n"] + 1, "shape"),
        ("claimed threshold -1 ulp", ("claim", "threshold"), _ulp(C["threshold"], -1), "threshold"),
        ("lower bound tightened past the Rayleigh quotient", ("claim", "lambda_max_lower"),
         _ulp(C["lambda_max_lower"]), "lower_bound"),
        ("pattern bit flipped", ("witness", "pattern", i), format(int(Wt["pattern"][i], 16) ^ (1 << k), "x"),
         "activation_pattern"),
        ("residual changed", ("witness", "residuals", 0), str(cc.num(Wt["residuals"][0]) + Fraction(1, 10 ** 40)),
         "residuals"),
        ("kink introduced", *_kink(doc), "no_kink"),
        ("generator note changed", ("witness", "generator", "method"), "other", None),
        ("problem digest changed", ("claim", "problem_sha256"), "0" * 64, None),
    ]
    if C["stable"] is not None:
        out.append(("stability claim flipped", ("claim", "stable"), not C["stable"], "claim"))
    lw = Wt["lower"]
    if lw["type"] == "rayleigh":
        zmax = max(range(len(lw["z"])), key=lambda j: abs(float.fromhex(lw["z"][j])))
        out.append(("Rayleigh vector entry +1 ulp", ("witness", "lower", "z", zmax), _ulp(lw["z"][zmax]), None))
        out.append(("Rayleigh vector entry zeroed", ("witness", "lower", "z", zmax), "0x0p+0", "lower_bound"))
    uw = Wt.get("upper")
    if uw is not None:
        lo = cc.num(C["lambda_max_lower"])
        out.append(("upper bound tightened below the lower bound", ("claim", "lambda_max_upper"),
                    _ulp(encode_number(lo), -1), "upper_bound"))
        out.append(("witness t moved below lambda_max", ("witness", "upper", "t"), _ulp(encode_number(lo), -1),
                    "upper_bound"))
        if uw["type"] == "schur-factor":
            n = P["n"]
            out.append(("factor entry +1 ulp", ("witness", "upper", "R", n - 1, 0), _ulp(uw["R"][n - 1][0]), None))
            out.append(("factor diagonal doubled", ("witness", "upper", "R", n - 1, n - 1),
                        (2 * float.fromhex(uw["R"][n - 1][n - 1])).hex(), "schur_psd"))
            out.append(("shift alpha quadrupled", ("witness", "upper", "alpha"),
                        (4 * float.fromhex(uw["alpha"])).hex(), "schur_psd"))
        else:
            out.append(("LDL entry changed", ("witness", "upper", "L", 1, 0),
                        str(cc.num(uw["L"][1][0]) + Fraction(1, 2 ** 80)), "schur_psd"))
            out.append(("LDL pivot changed", ("witness", "upper", "D", 0),
                        str(cc.num(uw["D"][0]) * (1 + Fraction(1, 2 ** 80))), "schur_psd"))
    return out


@pytest.mark.parametrize("which", ["ldl", "factor", "unstable"])
def test_every_single_field_mutation_is_rejected(docs, which):
    doc = docs[which]
    assert _status(doc) == ("valid", None)
    for name, path, value, math_check in _mutations(doc):
        bad = copy.deepcopy(doc)
        assert _get(bad, path) != value, name
        _set(bad, path, value)
        status, failed = _status(bad)
        assert status == "invalid", (name, status, failed)
        if math_check is not None:
            assert failed == math_check, (name, failed)
        # with the digests recomputed, only a genuine mathematical check can fail
        if path[:2] in (("claim", "problem_sha256"),):
            continue
        status, failed = _status(_redigest(bad))
        expected = ("valid", None) if math_check is None else ("invalid", math_check)
        assert (status, failed) == expected, name


def test_tightened_enclosure_with_a_matching_witness_fails_mathematically(docs):
    """Claim and witness both moved to t < lambda_max: the Schur test itself must fail."""
    for which in ("ldl", "factor"):
        bad = copy.deepcopy(docs[which])
        t = _ulp(bad["claim"]["lambda_max_lower"], -1)
        bad["claim"]["lambda_max_upper"] = bad["witness"]["upper"]["t"] = t
        assert _status(_redigest(bad))[1] in ("m_positive", "schur_psd")


def test_format_version_changed_is_unknown_format(docs):
    bad = copy.deepcopy(docs["ldl"])
    bad["format"] = FORMAT.replace("/1", "/2")
    assert _status(bad) == ("unreadable", None)


def _leaves(obj, path=()):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _leaves(v, path + (i,))
    else:
        yield path, obj


def _mutate_leaf(value, direction):
    if isinstance(value, bool):
        return not value
    if value is None:
        return (1.0).hex()
    if isinstance(value, int):
        return value + direction
    if value.startswith(("0x", "-0x")):
        return _ulp(value, direction)
    try:
        return str(Fraction(value) + Fraction(direction, 10 ** 30))
    except ValueError:  # digests, pattern words, names
        last = value[-1]
        return value[:-1] + ("1" if last != "1" else "2")


@settings(max_examples=60)
@given(st.sampled_from(["ldl", "factor", "unstable"]), st.data(), st.sampled_from([1, -1]))
def test_hypothesis_random_single_field_mutations_are_rejected(docs, which, data, direction):
    doc = docs[which]
    leaves = [(p, v) for p, v in _leaves(doc) if p != ("format",)]
    path, value = data.draw(st.sampled_from(leaves))
    bad = copy.deepcopy(doc)
    _set(bad, path, _mutate_leaf(value, direction))
    assert _status(bad)[0] != "valid", path


# ---------------------------------------------------------------------------- rigour
def test_exactness_rayleigh_bound_at_the_exact_quotient():
    """A lower bound equal to the exact Rayleigh quotient is accepted, one part in 10^40 above is not."""
    net, data = _problem(6, 2, 3, 4)
    doc = stability_document(net, data, 1)
    N = cc.Net(doc["problem"])
    N.pattern(doc["witness"]["pattern"])
    N.residuals()
    z = [cc.num(x) for x in doc["witness"]["lower"]["z"]]
    zHz, zz = N.quad(z)
    rq = Fraction(int(zHz.p), int(zHz.q)) / Fraction(int(zz.p), int(zz.q))
    for value, ok in ((rq, True), (rq * (1 + Fraction(1, 10 ** 40)), False)):
        bad = copy.deepcopy(doc)
        bad["claim"]["lambda_max_lower"] = str(value)
        assert (_status(_redigest(bad))[0] == "valid") is ok


def test_checker_imports_only_stdlib_numpy_and_flint():
    tree = ast.parse((ROOT / "numerics" / "check_certificate.py").read_text())
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative import in the checker"
            roots.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("__import__", "exec", "eval"):
            raise AssertionError("dynamic import / exec in the checker")
    assert roots - set(sys.stdlib_module_names) <= {"numpy", "flint"}, roots
    assert not roots & {"numerics", "constructions", "bounds", "scipy", "sympy", "mpmath", "torch"}
    # aim: ~500 lines of checking, plus the project's common CLI conventions (exit 4 / 130 / 141, --version)
    assert len((ROOT / "numerics" / "check_certificate.py").read_text().splitlines()) <= 560


# ---------------------------------------------------------------------------- CLIs
def test_checker_cli_exit_codes(docs, tmp_path, capsys):
    good = tmp_path / "c.json"
    write_certificate(docs["factor"], good)
    assert cc.main([str(good)]) == 0
    bad = copy.deepcopy(docs["factor"])
    bad["problem"]["data"]["y"][0] = _ulp(bad["problem"]["data"]["y"][0])
    write_certificate(bad, tmp_path / "b.json")
    capsys.readouterr()
    assert cc.main([str(tmp_path / "b.json")]) == 1
    out = capsys.readouterr().out.strip()
    assert len(out.splitlines()) == 1 and out.startswith("INVALID [residuals]")
    (tmp_path / "x.json").write_text("{not json")
    assert cc.main([str(tmp_path / "x.json")]) == 2
    assert cc.main([str(tmp_path / "missing.json")]) == 2
    (tmp_path / "y.json").write_text(json.dumps({"format": FORMAT}))
    assert cc.main([str(tmp_path / "y.json")]) == 2
    capsys.readouterr()
    assert cc.main([str(good), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["valid"] is True


def test_certify_cli_writes_a_certificate_the_checker_accepts(tmp_path, capsys):
    out = tmp_path / "c.json"
    net, data = str(ROOT / "examples/certificate/network.json"), str(ROOT / "examples/certificate/data.json")
    for eta, code in (("4/5", 0), ("9/10", 1)):
        assert certify_main(["--network", net, "--data", data, "--eta", eta, "--quiet",
                             "--certificate-out", str(out)]) == code
        assert cc.main([str(out)]) == 0
        assert json.loads(out.read_text())["claim"]["stable"] is (code == 0)


def test_shipped_example_certificate_is_valid():
    doc = json.loads((ROOT / "examples/certificate/stable.json").read_text())
    assert _status(doc) == ("valid", None) and doc["claim"]["stable"] is True


def test_no_witness_is_an_error_not_a_certificate():
    net, data = _problem(24, 3, 6, 2)
    eta = _eta(net, data, 1.2)
    cert = certify_stability(net, data, eta)
    cert.stable = False  # a wrong "not stable" claim: no witness can exceed the threshold
    with pytest.raises(CertificateError):
        stability_document(net, data, eta, cert)


# ---------------------------------------------------------------------------- float balls
@settings(max_examples=40)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 6), st.integers(-60, 60), st.integers(0, 2 ** 32))
def test_ball_products_enclose_the_exact_products(m, k, n, scale, seed):
    """cc.bmul / hmul / badd enclose the exact rational results (inputs: rationals read as balls)."""
    rng = np.random.default_rng(seed)
    A = [[Fraction(int(x), 3) * Fraction(2) ** scale for x in row] for row in rng.integers(-10 ** 6, 10 ** 6, (m, k))]
    B = [[Fraction(int(x), 7) for x in row] for row in rng.integers(-10 ** 6, 10 ** 6, (k, n))]
    C = [[Fraction(int(x), 5) for x in row] for row in rng.integers(-10 ** 6, 10 ** 6, (m, n))]
    Ab, Bb, Cb = (cc.ball([cc.fq(x) for r in M for x in r], (len(M), len(M[0]))) for M in (A, B, C))
    exact = [[sum(A[i][j] * B[j][l] for j in range(k)) for l in range(n)] for i in range(m)]
    for got, ref in ((cc.bmul(Ab, Bb), exact),
                     (cc.badd(cc.bmul(Ab, Bb), Cb, -1.0), [[e - c for e, c in zip(er, cr)] for er, cr in zip(exact, C)]),
                     (cc.hmul(cc.bmul(Ab, Bb), Cb), [[e * c for e, c in zip(er, cr)] for er, cr in zip(exact, C)])):
        mid, rad = got
        for i in range(m):
            for l in range(n):
                assert abs(Fraction(mid[i, l]) - ref[i][l]) <= Fraction(rad[i, l])


def test_float_factor_cannot_certify_a_bound_below_lambda_max(docs):
    """At t just below lambda_max (S(t) has a tiny negative eigenvalue) no shifted float factor is accepted."""
    from numerics._structured_cert import StructuredParts, schur_midpoint

    doc = docs["factor"]
    N = cc.Net(doc["problem"])
    N.pattern(doc["witness"]["pattern"])
    N.residuals()
    lo = cc.num(doc["claim"]["lambda_max_lower"])  # <= lambda_max (a valid certificate's lower bound)
    t = lo * (1 - Fraction(1, 2 ** 40))
    assert all(x < cc.fq(t) ** 2 for x in N.na2)
    net = ReluNetwork.exact(*[[[cc.num(x) for x in r] for r in doc["problem"]["network"]["W"]],
                              [cc.num(x) for x in doc["problem"]["network"]["b"]],
                              [cc.num(x) for x in doc["problem"]["network"]["v"]],
                              cc.num(doc["problem"]["network"]["beta"])])
    data = Dataset.exact([[cc.num(x) for x in r] for r in doc["problem"]["data"]["X"]],
                         [cc.num(x) for x in doc["problem"]["data"]["y"]])
    S = schur_midpoint(StructuredParts(net, data), t)[0]
    S = np.triu(S) + np.triu(S, 1).T
    lam = np.linalg.eigvalsh(S)[0]
    tried = 0
    for shift in (1e-16, 1e-14, 1e-12, 1e-10):
        for alpha in (shift / 4, shift / 2, shift):
            try:
                R = np.linalg.cholesky(S - (alpha - abs(lam) - shift) * np.eye(len(S)))
            except np.linalg.LinAlgError:
                continue
            ok, _ = cc.float_schur_certified(N, t, Fraction(alpha), R)
            assert not ok, (shift, alpha)
            tried += 1
    assert tried >= 6


@pytest.mark.slow
def test_paper_scale_certificates_are_written_and_rechecked(tmp_path):
    """d = 10, n = 512, K = 2048 (P = 24,577): a stability certificate and a refutation, re-checked."""
    import sys as _sys

    _sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_certify import random_case

    net, data = random_case(512, 10, 2048, 0)
    est = lambda_max_estimate(net, data)
    for factor, stable in ((1.05, True), (0.95, False)):
        eta = Fraction(2) / Fraction(est * factor)
        doc = stability_document(net, data, eta, certify_stability(net, data, eta, method="structured"))
        path = tmp_path / "c.json"
        assert write_certificate(doc, path) < 50e6
        assert doc["claim"]["stable"] is stable and cc.main([str(path)]) == 0
        bad = json.loads(path.read_text())
        bad["problem"]["data"]["y"][7] = _ulp(bad["problem"]["data"]["y"][7])
        assert _status(_redigest(bad)) == ("invalid", "residuals")


def test_activation_sign_is_exact_where_float64_rounds_to_zero():
    """z = 0.1 + 0.2 - 0.30000000000000004 is -2.8e-17 exactly but 0.0 in float64: the pattern must say 0."""
    net = ReluNetwork.from_float([[0.1, 0.2], [1.0, 0.0]], [0.30000000000000004, 0.0], [1.0, 0.5], 0.0)
    data = Dataset.from_float([[1.0, 1.0], [0.5, -0.25]], [0.3, -0.1])
    doc = stability_document(net, data, Fraction(1, 4))
    assert int(doc["witness"]["pattern"][0], 16) & 1 == 0 and _status(doc) == ("valid", None)
    bad = copy.deepcopy(doc)
    bad["witness"]["pattern"][0] = format(int(bad["witness"]["pattern"][0], 16) | 1, "x")
    assert _status(_redigest(bad)) == ("invalid", "activation_pattern")


@pytest.mark.parametrize("path, value", [
    (("problem", "network"), []), (("witness", "lower"), "x"), (("witness", "upper", "R"), "abc"),
    (("witness", "upper", "R", 0), ["not hex"]), (("claim", "lambda_max_lower"), [1]),
    (("problem", "data", "X", 0, 0), "1/0"), (("witness", "pattern", 0), "xyz"), (("problem", "eta"), "0x1p+99999"),
])
def test_malformed_certificates_are_unreadable_never_valid(docs, path, value):
    bad = copy.deepcopy(docs["factor"])
    _set(bad, path, value)
    assert _status(bad) == ("unreadable", None)


def test_construction_claim_of_wrong_type_is_unreadable():
    doc = {"format": FORMAT, "problem": {"type": "construction", "d": 2, "eps": "1/4", "n": 1},
           "claim": {"num_caps": 1, "code": 5}, "witness": {"directions": [["1", "0"]], "code": []}}
    assert _status(doc) == ("unreadable", None)


def test_shift_alpha_above_one_is_rejected(docs):
    bad = copy.deepcopy(docs["factor"])
    bad["witness"]["upper"]["alpha"] = (2.0).hex()
    assert _status(_redigest(bad)) == ("invalid", "schur_psd")
