"""The two loss conventions end to end: trainer vs a plain torch loop, certify / estimate / Thm 3.2 / stability
under "mse" vs "half-mse", run-store keys."""

import json
from fractions import Fraction

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numerics.certificates import certify_stability  # noqa: E402
from numerics.certify import main as certify_main  # noqa: E402
from numerics.lambda_estimate import lambda_max_estimate  # noqa: E402
from numerics.experiments.configs import grid  # noqa: E402
from numerics.experiments.sweep import config_key  # noqa: E402
from numerics.experiments.trainer import DTYPE, Params, train_step  # noqa: E402
from numerics.io import save_data, save_network  # noqa: E402
from numerics.loss import half_mse_hyperparameters  # noqa: E402
from numerics.network import Dataset, ReluNetwork  # noqa: E402
from numerics.variation import theorem_3_2_check, theorem_3_2_upper  # noqa: E402
from tests.numerics._random import trainer_task  # noqa: E402

pytestmark = pytest.mark.torch


def _torch_model(p: Params):
    d, K = p.W.shape[1], p.W.shape[0]
    m = torch.nn.Sequential(torch.nn.Linear(d, K), torch.nn.ReLU(), torch.nn.Linear(K, 1)).to(DTYPE)
    with torch.no_grad():
        m[0].weight.copy_(p.W)
        m[0].bias.copy_(-p.b)  # torch computes relu(W x + bias); ours relu(w.x - b)
        m[2].weight.copy_(p.v[None, :])
        m[2].bias.copy_(p.beta.reshape(1))
    return m


@pytest.mark.parametrize("lr,wd,clip", [(0.05, 0.0, None), (0.1, 0.01, 0.3), (0.2, 0.1, 50.0)])
def test_mse_trainer_matches_plain_torch_loop(lr, wd, clip):
    """train_step(loss="mse") == nn.MSELoss + clip_grad_norm_ + SGD(weight_decay), step for step, to 1e-12."""
    p, X, y = trainer_task(3, 20, 8, seed=1)
    model = _torch_model(p)
    opt = torch.optim.SGD(model.parameters(), lr=lr, weight_decay=wd)
    crit = torch.nn.MSELoss()
    clipped = 0
    for _ in range(40):
        opt.zero_grad()
        ref_loss = crit(model(X).squeeze(-1), y)
        ref_loss.backward()
        if clip is not None:
            total = torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            clipped += float(total) > clip
        opt.step()
        loss, _ = train_step(p, X, y, lr, wd, clip, loss="mse")
        assert abs(loss - float(ref_loss.detach())) <= 1e-12 * max(1.0, abs(loss))
        with torch.no_grad():
            diffs = [(p.W - model[0].weight).abs().max(), (p.b + model[0].bias).abs().max(),
                     (p.v - model[2].weight[0]).abs().max(), (p.beta - model[2].bias[0]).abs()]
        assert max(float(x) for x in diffs) <= 1e-12
    if clip == 0.3:
        assert clipped > 0  # the clipping branch was exercised


@pytest.mark.parametrize("clip,tol", [(None, 1e-12), (0.5, 1e-6)])
def test_mse_trainer_equals_half_mse_with_converted_hyperparameters(clip, tol):
    """torch's (lr, wd, clip) under mse run the iterates of (2 lr, wd/2, clip/2) under half-mse (numerics.loss).

    Exact up to rounding without clipping; with clipping only up to clip_grad_norm_'s 1e-6 added to the
    norm (clip / (g + 1e-6) vs (clip/2) / (g/2 + 1e-6)), a relative difference of order 1e-6 / g.
    """
    p1, X, y = trainer_task(2, 16, 6, seed=3)
    p2 = p1.clone()
    lr, wd = 0.1, 0.02
    lr2, wd2, clip2 = half_mse_hyperparameters(lr, wd, clip, loss="mse")
    for _ in range(30):
        l1, g1 = train_step(p1, X, y, lr, wd, clip, loss="mse")
        l2, g2 = train_step(p2, X, y, lr2, wd2, clip2, loss="half-mse")
        assert abs(l1 - 2 * l2) <= tol and abs(g1 - 2 * g2) <= 10 * tol
    for a, b in zip(p1.tensors(), p2.tensors()):
        assert float((a - b).abs().max()) <= tol


def test_unknown_loss_is_refused():
    p, X, y = trainer_task(1, 4, 2, seed=0)
    with pytest.raises(ValueError, match="loss must be one of"):
        train_step(p, X, y, 0.1, loss="l1")
    with pytest.raises(ValueError, match="loss must be one of"):
        certify_stability(ReluNetwork.exact([[1]], [5], [1], 0), Dataset.exact([[1]], [0]), 1, loss="MSE")


def _small_case(seed, K=3, n=5, d=2):
    rng = np.random.default_rng(seed)
    net = ReluNetwork.from_float(rng.standard_normal((K, d)), rng.standard_normal(K) * 0.3,
                                 rng.standard_normal(K), 0.1)
    data = Dataset.from_float(rng.uniform(-1, 1, (n, d)), rng.standard_normal(n))
    return net, data


@pytest.mark.parametrize("method,shape", [("dense", (3, 5, 2)), ("schur", (6, 8, 2)), ("structured", (20, 12, 3))])
@pytest.mark.parametrize("eta", ["1/4", "3/5", "1", "7/2"])
def test_certify_mse_at_eta_equals_half_mse_at_two_eta(method, shape, eta):
    """Same verdict and the same exact enclosure of H: mse bounds are exactly twice the half-mse ones."""
    K, n, d = shape
    net, data = _small_case(7, K, n, d)
    eta = Fraction(eta)
    a = certify_stability(net, data, eta, method=method, loss="mse")
    b = certify_stability(net, data, 2 * eta, method=method, loss="half-mse")
    assert a.loss == "mse" and b.loss == "half-mse"
    assert (a.stable, a.certified, a.method) == (b.stable, b.certified, b.method)
    assert a.two_over_eta == 2 / eta and b.two_over_eta == 1 / eta
    for x, y in ((a.lambda_max_lower, b.lambda_max_lower), (a.lambda_max_upper, b.lambda_max_upper)):
        assert (x is None) == (y is None)
        if x is not None:
            assert isinstance(x, Fraction) and x == 2 * y


def test_certify_mse_decides_at_half_the_threshold_exactly():
    """No neuron active: lambda_max(H) = 1, so lambda_max(grad^2 L_mse) = 2 and lr 1 is the exact edge."""
    net, data = ReluNetwork.exact([[1]], [5], [1], 0), Dataset.exact([[1]], [0])
    assert certify_stability(net, data, 1, loss="mse").stable is True
    assert certify_stability(net, data, "1.0000001", loss="mse").stable is False
    assert certify_stability(net, data, "1.5", loss="half-mse").stable is True  # same point, theory's L


def test_certify_cli_names_the_convention(tmp_path, capsys):
    net, data = _small_case(2)
    save_network(net, tmp_path / "net.json")
    save_data(data, tmp_path / "data.json")
    args = ["--network", str(tmp_path / "net.json"), "--data", str(tmp_path / "data.json"), "--eta", "0.5",
            "--json", "--quiet"]
    code_mse = certify_main(args + ["--loss", "mse"])
    rep_mse = json.loads(capsys.readouterr().out)
    code_half = certify_main(args[:5] + ["1", "--json", "--quiet"])
    rep_half = json.loads(capsys.readouterr().out)
    assert code_mse == code_half and rep_mse["loss"] == "mse" and rep_half["loss"] == "half-mse"
    assert Fraction(rep_mse["lambda_max_lower"]) == 2 * Fraction(rep_half["lambda_max_lower"])
    with pytest.raises(SystemExit) as exc:
        certify_main(args + ["--loss", "l2"])
    assert exc.value.code == 2


def test_estimate_and_theorem_3_2_in_the_mse_form():
    net, data = _small_case(4, K=4, n=6)
    lam = lambda_max_estimate(net, data)
    assert lambda_max_estimate(net, data, loss="mse") == 2 * lam
    # dense reference: the top eigenvalue of the explicit half-mse Hessian
    from numerics.hessian import hessian

    H = np.array(hessian(net.as_float(), data.as_float()), dtype=np.float64)
    assert abs(np.linalg.eigvalsh(0.5 * (H + H.T))[-1] - lam) <= 1e-9 * max(1, lam)
    a = theorem_3_2_check(net, data, lambda_max=lam, rigorous=False, R=2)
    b = theorem_3_2_check(net, data, lambda_max=2 * lam, rigorous=False, R=2, loss="mse")
    assert a.margin == b.margin
    # certified upper bound of Thm 3.2: lam/2 - 1/2 + 2 sqrt(2L), checked against exact values
    assert theorem_3_2_upper(Fraction(5), Fraction(1, 8)) == Fraction(5, 2) - Fraction(1, 2) + 2 * Fraction(1, 2)
    assert theorem_3_2_upper(Fraction(10), Fraction(1, 8), loss="mse") == theorem_3_2_upper(5, Fraction(1, 8))
    assert theorem_3_2_upper(1, Fraction(1, 3)) >= Fraction(2) * Fraction(816, 1000)  # 2 sqrt(2/3) > 1.632
    with pytest.raises(ValueError):
        theorem_3_2_upper(1, -1)


def test_run_keys_half_mse_unchanged_mse_distinct():
    """Half-mse configs have no loss field (stored runs keep their keys); mse configs are keyed apart."""
    half = grid("rates", quick=True)
    mse = grid("rates", quick=True, loss="mse")
    assert all("loss" not in c for c in half) and all(c["loss"] == "mse" for c in mse)
    assert half == grid("rates", quick=True, loss="half-mse")
    assert not {config_key(c) for c in half} & {config_key(c) for c in mse}
    with pytest.raises(ValueError):
        grid("rates", quick=True, loss="mean")


def test_run_one_under_mse_matches_half_mse_twin():
    from numerics.experiments.run import run_one

    base = {"d": 2, "n": 8, "width": 6, "epochs": 30, "track_every": 10, "store_params": False, "clip": None}
    a = run_one({**base, "eta": 0.05, "loss": "mse"})
    b = run_one({**base, "eta": 0.1})
    assert a["loss_convention"] == "mse" and b["loss_convention"] == "half-mse"
    assert abs(a["final_loss"] - 2 * b["final_loss"]) <= 1e-12
    assert abs(a["test_mse"] - b["test_mse"]) <= 1e-12


def test_stability_experiment_mse_reports_in_its_convention():
    from numerics.linear_stability import stability_experiment
    from numerics.stability_cases import construction_case

    net, data = construction_case(n=6, seed=0)
    kw = dict(dps=30, steps=30, sizes=("1e-12",), directions=("top",), certify=True)
    half = stability_experiment(net, data, eta=Fraction(9, 5), **kw)
    mse = stability_experiment(net, data, eta=Fraction(9, 10), loss="mse", **kw)
    assert mse["loss"] == "mse" and half["loss"] == "half-mse"
    assert abs(mse["lambda_max"] - 2 * half["lambda_max"]) <= 1e-12 * half["lambda_max"]
    assert abs(mse["eta_threshold"] - half["eta_threshold"] / 2) <= 1e-12
    assert mse["predicted_rate"] == pytest.approx(half["predicted_rate"], abs=1e-12)
    assert mse["stable_observed"] == half["stable_observed"]
    assert mse["certificate"]["stable"] == half["certificate"]["stable"]
    assert mse["certificate"]["loss"] == "mse"


def test_estimate_and_weights_clis_name_the_convention(tmp_path, capsys):
    from numerics.estimate import main as estimate_main
    from numerics.weights import main as weights_main

    net, data = _small_case(9, K=3, n=6)
    X = np.asarray(data.X, dtype=np.float64)
    data = Dataset.from_float(X / (1.01 * np.linalg.norm(X, axis=1).max()), np.asarray(data.y, dtype=np.float64))
    save_network(net, tmp_path / "n.json")
    save_data(data, tmp_path / "d.json")
    files = ["--network", str(tmp_path / "n.json"), "--data", str(tmp_path / "d.json"), "--json"]
    assert estimate_main(files) == 0
    half = json.loads(capsys.readouterr().out)
    assert estimate_main(files + ["--loss", "mse", "--eta", "0.5"]) == 0
    mse = json.loads(capsys.readouterr().out)
    assert half["loss"] == "half-mse" and mse["loss"] == "mse" and mse["two_over_eta"] == 4.0
    assert mse["lambda_max_estimate"] == pytest.approx(2 * half["lambda_max_estimate"], rel=1e-9)
    assert weights_main(files + ["--loss", "mse"]) == 0
    w = json.loads(capsys.readouterr().out)
    assert w["loss"] == "mse" and "L_mse" in w["theorem_3_2_form"]
