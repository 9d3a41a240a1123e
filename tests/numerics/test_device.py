"""The optional torch device path (tested on the CPU; CUDA is untested here)."""

import numpy as np
import pytest

from numerics.device import ENV_VAR, resolve_device, torch_hvp_operator
from numerics.lambda_estimate import lambda_max_estimate_detail
from numerics.hessian import KinkError, hessian, hvp_operator
from numerics.network import Dataset, ReluNetwork
from numerics.sampling import sample_ball

pytestmark = pytest.mark.torch


def _case(seed, n=30, d=3, K=12):
    rng = np.random.default_rng(seed)
    net = ReluNetwork.from_float(rng.standard_normal((K, d)), rng.standard_normal(K) * 0.3,
                                 rng.standard_normal(K), 0.2)
    return net, Dataset.from_float(sample_ball(n, d, seed), rng.standard_normal(n))


@pytest.mark.parametrize("seed", [0, 1])
def test_torch_hvp_matches_the_dense_hessian_and_the_numpy_hvp(seed):
    net, data = _case(seed)
    H = hessian(net, data)
    op, ref = torch_hvp_operator(net, data, "cpu"), hvp_operator(net, data)
    for u in np.random.default_rng(seed).standard_normal((3, net.num_params)):
        np.testing.assert_allclose(op(u), H @ u, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(op(u), ref(u), rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError):
        op(np.zeros(3))


def test_estimate_on_device_equals_numpy_estimate_and_refuses_kinks():
    net, data = _case(2)
    a = lambda_max_estimate_detail(net, data)
    b = lambda_max_estimate_detail(net, data, device="cpu")
    assert b.value == pytest.approx(a.value, rel=1e-10)
    kink = ReluNetwork.from_float([[1.0]], [0.5], [1.0], 0.0)
    with pytest.raises(KinkError):
        torch_hvp_operator(kink, Dataset.from_float([[0.5]], [0.0]))


def test_device_resolution_and_cli(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert resolve_device(None) == "cpu"
    monkeypatch.setenv(ENV_VAR, "cpu")
    assert resolve_device(None) == "cpu"
    with pytest.raises(ValueError):
        resolve_device("no-such-device")
    from numerics.estimate import main
    from numerics.io import save_data, save_network

    net, data = _case(3)
    save_network(net, tmp_path / "n.json")
    save_data(data, tmp_path / "d.json")
    f = ["--network", str(tmp_path / "n.json"), "--data", str(tmp_path / "d.json"), "--json"]
    assert main(f + ["--device", "cpu"]) == 0
    assert main(f + ["--device", "bogus"]) == 2
    assert "bogus" in capsys.readouterr().err


def test_trainer_runs_on_the_chosen_device(monkeypatch):
    import torch

    from numerics.experiments.run import run_one
    from numerics.experiments.trainer import Workspace, init_params

    p = init_params(2, 3, 0, device="cpu")
    assert p.W.device == torch.device("cpu") and Workspace(4, 3, 2, device="cpu").Z.device.type == "cpu"
    cfg = {"d": 1, "n": 8, "width": 4, "epochs": 5, "track_every": 5, "store_params": False}
    monkeypatch.setenv(ENV_VAR, "cpu")
    a = run_one(cfg)
    monkeypatch.delenv(ENV_VAR)
    b = run_one(cfg)
    assert a["final_loss"] == b["final_loss"]
    monkeypatch.setenv(ENV_VAR, "bogus")
    with pytest.raises(ValueError):
        run_one(cfg)
