"""Faults a new user met: certify at a non-critical point, tiny eta, bad --tol, wrong argument types."""

import json
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from numerics import Dataset, ReluNetwork, certify_stability
from numerics.certify import main as certify_main
from numerics.estimate import main as estimate_main
from numerics.io import load_data, load_network, save_data, save_network
from numerics.model_api import gradient_norm_upper

ROOT = Path(__file__).resolve().parents[2]
NET, DATA = str(ROOT / "examples" / "small_net.json"), str(ROOT / "examples" / "small_data.json")


def _float_gradient_norm(net, data):
    """Independent reference: central finite differences of the half-mse loss in float64."""
    theta = net.as_float().to_vector()
    X, y = data.as_float().X, data.as_float().y

    def loss(t):
        n = ReluNetwork.from_vector(t, net.K, net.d)
        f = np.maximum(X @ n.W.T - n.b, 0) @ n.v + n.beta
        return 0.5 * np.mean((f - y) ** 2)

    h = 1e-6
    g = [(loss(theta + h * e) - loss(theta - h * e)) / (2 * h) for e in np.eye(len(theta))]
    return float(np.linalg.norm(g))


def test_certify_says_when_the_point_is_not_critical(capsys):
    assert certify_main(["--network", NET, "--data", DATA, "--eta", "0.25", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "NOT a critical point" in out
    assert certify_main(["--network", NET, "--data", DATA, "--eta", "0.25", "--quiet", "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    ref = _float_gradient_norm(load_network(NET), load_data(DATA))
    assert rep["critical_point"] is False
    assert ref <= rep["grad_norm_upper"] * (1 + 1e-6) and rep["grad_norm_upper"] <= ref * (1 + 1e-6)


def test_certify_says_when_the_point_is_an_exact_critical_point(tmp_path, capsys):
    # no neuron active on the data and beta = mean(y): grad L = 0 exactly
    net = ReluNetwork.exact([[1, 0]], [5], [1], "1/2")
    data = Dataset.exact([["1/2", 0], [0, "1/2"]], ["1/4", "3/4"])
    save_network(net, tmp_path / "n.json")
    save_data(data, tmp_path / "d.json")
    assert gradient_norm_upper(net, data) == (0.0, Fraction(0))
    assert certify_main(["--network", str(tmp_path / "n.json"), "--data", str(tmp_path / "d.json"),
                         "--eta", "2", "--quiet"]) == 0
    assert "grad L = 0 exactly: a critical point" in capsys.readouterr().out


@pytest.mark.parametrize("method", ["auto", "dense", "schur", "structured"])
def test_tiny_eta_prints_no_numpy_warning(method, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rc = certify_main(["--network", NET, "--data", DATA, "--eta", "1e-300", "--method", method, "--quiet"])
    captured = capsys.readouterr()
    assert rc == 0 and captured.out.startswith("STABLE (certified")
    assert "Warning" not in captured.err


@pytest.mark.parametrize("tol", ["-1", "1", "nan"])
def test_estimate_refuses_a_bad_tolerance(tol, capsys):
    assert estimate_main(["--network", NET, "--data", DATA, "--tol", tol]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--tol must be in [0, 1)" in err[0]


def test_certify_stability_explains_wrong_argument_types():
    net = ReluNetwork.from_float([[1.0]], [0.0], [1.0], 0.0)
    data = Dataset.from_float([[1.0]], [[0.0]])          # y of shape (n, 1) is accepted
    assert data.y.shape == (1,)
    with pytest.raises(ValueError, match="net must be a numerics.ReluNetwork, got a tuple.*certify_model"):
        certify_stability((net.W, net.b, net.v, net.beta), data, 1)
    with pytest.raises(ValueError, match="data must be a numerics.Dataset, got a tuple"):
        certify_stability(net, (data.X, data.y), 1)
    with pytest.raises(ValueError, match="got a tuple"):
        certify_stability(net, data, (1,))
    torch = pytest.importorskip("torch")
    assert certify_stability(net, data, torch.tensor(0.25)).stable == certify_stability(net, data, 0.25).stable
    with pytest.raises(ValueError, match=r"0-dim tensor, got a tensor of shape \(1,\)"):
        certify_stability(net, data, torch.tensor([0.25]))
    model = torch.nn.Sequential(torch.nn.Linear(1, 1), torch.nn.ReLU(), torch.nn.Linear(1, 1))
    with pytest.raises(ValueError, match="got a Sequential; for a torch model call numerics.certify_model"):
        certify_stability(model, data, 1)
