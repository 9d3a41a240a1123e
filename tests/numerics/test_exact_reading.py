"""numerics.io reads exactly what a file states: JSON integers exact, one rule for decimal literals,
nothing silently rounded to inf or 0, deep nesting and unknown keys refused (files in tests/data/)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from numerics.certify import main as certify_main
from numerics.hessian import find_kinks
from numerics.io import InputError, load_data, load_network
from tests.numerics._random import seeded_torch_model

DATA = Path(__file__).resolve().parents[1] / "data"


def _certify(capsys, net, data, eta="1", *extra):
    rc = certify_main(["--network", str(DATA / net), "--data", str(DATA / data), "--eta", eta, "--quiet",
                       *extra])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return rc, out


def test_json_integers_beyond_2_53_are_exact_and_decide_the_kink(capsys):
    """x = 2^53 + 1, w = 3, b = 3 (2^53 + 1): the point lies exactly on the kink; float64 would move it off."""
    net, data = load_network(DATA / "int_kink_net.json"), load_data(DATA / "int_kink_data.json")
    assert net.kind == data.kind == "exact"
    assert data.X[0, 0] == 2 ** 53 + 1 and net.b[0] == 3 * 2 ** 53 + 3
    assert find_kinks(net, data.X) == [(0, 0)]
    rc, out = _certify(capsys, "int_kink_net.json", "int_kink_data.json")
    assert rc == 2 and "kink" in out.err
    # the float64 copy is NOT on the kink: the old reading certified it stable
    assert find_kinks(net.as_float().as_exact(), data.as_float().as_exact().X) == []


def test_small_json_integers_keep_the_float_kind(tmp_path):
    p = tmp_path / "d.json"
    p.write_text('{"X": [[1, 2], [9007199254740992, 0.5]], "y": [0, 1]}')
    d = load_data(p)
    assert d.kind == "float" and d.X[1, 0] == 2.0 ** 53


def test_decimal_literals_follow_one_rule(tmp_path):
    p = tmp_path / "d.json"
    p.write_text('{"X": [[0.1]], "y": [1e-5]}')
    d = load_data(p)
    assert d.kind == "float" and Fraction(d.X[0, 0]) == Fraction(0.1) != Fraction(1, 10)
    e = load_data(p, decimals="exact")
    assert e.kind == "exact" and e.X[0, 0] == Fraction(1, 10) and e.y[0] == Fraction(1, 10 ** 5)


def test_literals_beyond_float64_refused_or_read_exactly(capsys):
    with pytest.raises(InputError, match="outside float64's range.*inf"):
        load_network(DATA / "beta_1e400_literal_net.json")
    assert load_network(DATA / "beta_1e400_literal_net.json", decimals="exact").beta == 10 ** 400
    with pytest.raises(InputError, match="outside float64's range.*0.0"):
        load_data(DATA / "x_1e-400_literal_data.json")
    assert load_data(DATA / "x_1e-400_literal_data.json", decimals="exact").X[0, 0] == Fraction(1, 10 ** 400)
    rc, out = _certify(capsys, "beta_1e400_literal_net.json", "tiny_data.json")
    assert rc == 2 and "--decimals exact" in out.err
    rc, out = _certify(capsys, "beta_1e400_literal_net.json", "tiny_data.json", "1", "--decimals", "exact")
    assert rc == 1  # beta = 10^400 exactly: the residual block alone exceeds 2/eta (fact (i))
    # strings and JSON integers beyond float64 are exact
    assert load_network(DATA / "beta_1e400_string_net.json").beta == 10 ** 400
    assert load_network(DATA / "beta_1e400_int_net.json").beta == 10 ** 400
    with pytest.raises(InputError, match="beyond float64's range"):
        load_network(DATA / "beta_1e400_int_net.json", kind="float")


def test_huge_exponent_refused_when_reading_decimals_exactly(tmp_path):
    p = tmp_path / "d.json"
    p.write_text('{"X": [[1e100000]], "y": [0]}')
    with pytest.raises(InputError, match="exponent"):
        load_data(p, decimals="exact")


def test_deep_nesting_and_unknown_keys_through_the_cli(capsys):
    rc, out = _certify(capsys, "deep_nesting_net.json", "tiny_data.json")
    assert rc == 2 and "nested too deeply" in out.err and len(out.err.strip().splitlines()) == 1
    rc, out = _certify(capsys, "unknown_key_net.json", "tiny_data.json")
    assert rc == 2 and "unknown key(s) 'bias'" in out.err
    rc, out = _certify(capsys, "unknown_key_net.json", "tiny_data.json", "1", "--lenient")
    assert rc == 0


def test_npz_values_stay_exact(tmp_path):
    W = np.array([[2 ** 53 + 1, 3]], dtype=np.int64)
    np.savez(tmp_path / "n.npz", W=W, b=np.array([1], dtype=np.int64), v=np.array([1.5], dtype=np.float32),
             beta=np.array(7, dtype=np.int64))
    net = load_network(tmp_path / "n.npz")
    assert net.kind == "exact" and net.W[0, 0] == 2 ** 53 + 1 and net.v[0] == Fraction(3, 2)
    x32 = np.array([[0.1]], dtype=np.float32)
    np.savez(tmp_path / "d.npz", X=x32, y=np.array([0.3], dtype=np.float32))
    d = load_data(tmp_path / "d.npz")
    assert d.kind == "float" and d.as_exact().X[0, 0] == Fraction(float(x32[0, 0]))  # the float32's dyadic value
    if np.finfo(np.longdouble).bits > 64:
        np.savez(tmp_path / "l.npz", X=np.array([[0.1]], dtype=np.longdouble), y=np.array([0.0]))
        with pytest.raises(InputError, match="float64"):
            load_data(tmp_path / "l.npz")


@pytest.mark.torch
def test_torch_float32_weights_stay_exact(tmp_path):
    torch = pytest.importorskip("torch")
    m = seeded_torch_model(2, 3, seed=1)  # float32
    torch.save(m.state_dict(), tmp_path / "m.pt")
    net = load_network(tmp_path / "m.pt").as_exact()
    w32 = m[0].weight.detach().numpy()
    assert all(net.W[i, j] == Fraction(float(w32[i, j])) for i in range(3) for j in range(2))


def test_eta_strings_are_exact_and_bounded():
    from numerics.network import to_fraction

    assert to_fraction("1e-400") == Fraction(1, 10 ** 400)
    with pytest.raises(ValueError, match=r"exponent of '1e-999999999' is beyond \+-10000"):
        to_fraction("1e-999999999")
