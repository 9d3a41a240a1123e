"""CLIs python -m numerics.weights and python -m numerics.estimate: outputs, exit codes, refusals."""

from __future__ import annotations

import functools
import json

import numpy as np
import pytest

import numerics.variation as variation
import numerics.weights as weights
from numerics.estimate import main as estimate_main
from numerics.io import save_data, save_network
from numerics.network import Dataset, ReluNetwork
from numerics.weights import main as weights_main


@pytest.fixture
def files(tmp_path):
    net = ReluNetwork.exact([[1, 2], [-3, 1], [2, 2]], ["1/7", "-2/7", "1/2"], ["1/3", -1, 2], "1/5")
    data = Dataset.exact([["1/2", 0], [0, "-1/3"], ["1/4", "1/4"], ["-1/2", "1/8"]], [0, 1, "1/2", -1])
    save_network(net, tmp_path / "net.json")
    save_data(data, tmp_path / "data.json")
    return tmp_path


def test_weights_cli_json(files, capsys):
    assert weights_main(["--network", str(files / "net.json"), "--data", str(files / "data.json"),
                         "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["vg_norm_certified"] and out["vg_norm_lower"] <= out["vg_norm"] <= out["vg_norm_upper"]
    assert out["term_a"]["holds"] is True and out["theorem_3_2"]["holds"] is True
    # the rigorous lower bound may exceed the float64 estimate only by rounding
    assert out["term_a"]["margin_lower"] <= out["term_a"]["margin"] + 1e-12


def test_weights_cli_float_mode_is_estimate(files, capsys):
    assert weights_main(["--network", str(files / "net.json"), "--data", str(files / "data.json"),
                         "--float"]) == 0
    out = capsys.readouterr().out
    assert "estimate" in out and "HOLDS (certified)" not in out


def test_weights_cli_exit_1_on_certified_violation(files, capsys, monkeypatch):
    # the path-norm weight violates Term-A on this network: the CLI must report it (exit 1)
    monkeypatch.setattr(weights, "term_a_check", functools.partial(variation.term_a_check, weight="path"))
    net = ReluNetwork.exact([[40]], [39], [2], 0)
    save_network(net, files / "big.json")
    save_data(Dataset.exact([[1], ["1/2"], [0]], [0, 0, 0]), files / "d1.json")
    assert weights_main(["--network", str(files / "big.json"), "--data", str(files / "d1.json")]) == 1
    assert "VIOLATED (certified)" in capsys.readouterr().out


@pytest.mark.parametrize("main", [weights_main, estimate_main])
def test_bad_inputs_exit_2_one_line(files, capsys, main):
    (files / "bad.json").write_text('{"W": [[1]], "b": [0], "v": [1]}')
    assert main(["--network", str(files / "bad.json"), "--data", str(files / "data.json")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error:") and "missing key" in err[-1]
    # dimension mismatch
    save_network(ReluNetwork.exact([[1, 2, 3]], [0], [1], 0), files / "n3.json")
    assert main(["--network", str(files / "n3.json"), "--data", str(files / "data.json")]) == 2
    # a kink: refused
    save_network(ReluNetwork.exact([[2, 0]], [1], [1], 0), files / "kink.json")
    assert main(["--network", str(files / "kink.json"), "--data", str(files / "data.json")]) == 2
    assert "kink of neuron k=0" in capsys.readouterr().err


def test_weights_cli_term_a_alone_refuses_kink(files, capsys, monkeypatch):
    # Term-A runs before Theorem 3.2: it must refuse the kink itself (exit 2), not leave it to Thm 3.2
    def not_reached(*a, **k):
        raise AssertionError("theorem_3_2_check reached on a kink")

    monkeypatch.setattr(weights, "theorem_3_2_check", not_reached)
    save_network(ReluNetwork.exact([[2, 0]], [1], [1], 0), files / "kink.json")
    assert weights_main(["--network", str(files / "kink.json"), "--data", str(files / "data.json")]) == 2
    assert "kink of neuron k=0" in capsys.readouterr().err


def test_estimate_cli(files, capsys):
    assert estimate_main(["--network", str(files / "net.json"), "--data", str(files / "data.json"),
                          "--eta", "0.001", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["certified"] is False and out["estimate_exceeds_two_over_eta"] is False
    from numerics.hessian import hessian
    from numerics.io import load_data, load_network
    H = hessian(load_network(files / "net.json", kind="float"), load_data(files / "data.json", kind="float"))
    assert out["lambda_max_estimate"] == pytest.approx(np.linalg.eigvalsh(H)[-1], rel=1e-8)
    assert estimate_main(["--network", str(files / "net.json"), "--data", str(files / "data.json"),
                          "--eta", "0"]) == 2
    with pytest.raises(SystemExit) as info:
        estimate_main(["--network", str(files / "net.json")])
    assert info.value.code == 2
