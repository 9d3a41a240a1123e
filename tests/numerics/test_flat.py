"""numerics.flat: exact loss / gradient, the lambda_max enclosure, polishing, the report and the CLI."""

import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics.flat import main
from numerics.flat_points import exact_loss_and_gradient, flat_point, flat_report, lambda_max_enclosure, polish
from numerics.hessian import KinkError, gradient, hessian, loss
from numerics.certificate_file import encode_number
from numerics.io import save_data, save_network
from numerics.network import Dataset, ReluNetwork
from tests.numerics._random import seeded_torch_model


def _case(seed, K=4, n=7, d=2, scale=1.0):
    rng = np.random.default_rng(seed)
    net = ReluNetwork.from_float(rng.standard_normal((K, d)), rng.standard_normal(K) * 0.3,
                                 rng.standard_normal(K) * scale, 0.1)
    X = rng.standard_normal((n, d))
    X /= 1.1 * np.linalg.norm(X, axis=1, keepdims=True).max()  # inside the unit ball
    return net, Dataset.from_float(X, rng.standard_normal(n))


@settings(max_examples=15)
@given(st.integers(0, 10 ** 6), st.integers(1, 5), st.integers(1, 8), st.integers(1, 3))
def test_exact_loss_and_gradient_match_the_exact_reference(seed, K, n, d):
    """flint integer path == numerics.hessian's exact rational loss and gradient (independent code)."""
    net, data = _case(seed, K, n, d)
    ne, de = net.as_exact(), data.as_exact()
    try:
        g_ref = gradient(ne, de)
    except KinkError:
        return
    L, gsq = exact_loss_and_gradient(ne, de)
    assert L == loss(ne, de)
    assert gsq == sum((Fraction(x) ** 2 for x in g_ref), Fraction(0))


def test_exact_loss_and_gradient_on_non_dyadic_rationals():
    net = ReluNetwork.exact([["1/3", "2/7"], ["-1/5", "1"]], ["1/11", "-1/2"], ["3/2", "-2/3"], "1/9")
    data = Dataset.exact([["1/2", "1/3"], ["-1/4", "2/5"], ["1/7", "-3/8"]], ["1", "0", "-1/3"])
    L, gsq = exact_loss_and_gradient(net, data)
    assert L == loss(net, data)
    assert gsq == sum((x ** 2 for x in gradient(net, data)), Fraction(0))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_enclosure_contains_the_dense_top_eigenvalue(seed):
    net, data = _case(seed, K=5, n=9, d=2)
    lo, hi, est, _ = lambda_max_enclosure(net, data)
    H = np.array(hessian(net.as_exact(), data.as_exact()), dtype=object)
    top = np.linalg.eigvalsh(np.vectorize(float)(H).astype(np.float64))[-1]
    assert lo is not None and hi is not None
    assert float(lo) <= top + 1e-12 and top - 1e-12 <= float(hi)
    assert float(hi - lo) <= 1e-4 * top  # tight: the first relative gap 2^-20 suffices here


def test_enclosure_rejects_a_point_on_a_kink():
    net = ReluNetwork.exact([[1]], [0], [1], 0)  # kink at x = 0
    with pytest.raises(KinkError):
        lambda_max_enclosure(net, Dataset.exact([[0], [1]], [0, 1]))


def test_polish_lowers_the_loss_and_reaches_a_smooth_minimum():
    net = ReluNetwork.from_float([[1.0]], [0.0], [0.5], 0.0)
    data = Dataset.from_float([[0.5], [-0.5], [1.0]], [0.2, 0.1, 0.6])
    p, info = polish(net, data, eta=1.0, gtol=1e-10)
    assert info.reached_tolerance and info.loss_end <= info.loss_start
    g = gradient(p.as_exact(), data.as_exact())
    assert float(sum(Fraction(x) ** 2 for x in g)) ** 0.5 <= 1e-9  # exact gradient of the polished point
    with pytest.raises(ValueError):
        polish(net, data, eta=0)


def test_flat_point_report_is_consistent_and_certified():
    net, data = _case(3, K=6, n=10, d=2, scale=0.3)
    f0 = np.zeros(data.n)
    r = flat_point(net, data, "1/2", polish_steps=3000, f0=f0, X_test=np.zeros((3, 2)), f0_test=np.zeros(3))
    assert r.certified and r.stable is True
    assert r.lambda_upper <= r.two_over_eta and r.eta_star == 2 / r.lambda_upper and r.eta <= r.eta_star
    ne, de = r.network.as_exact(), data.as_exact()
    assert r.loss_exact == loss(ne, de)
    g = gradient(ne, de)
    assert sum(Fraction(x) ** 2 for x in g) <= r.grad_norm_upper ** 2
    assert r.vg_certified and r.vg_upper <= r.thm32_upper  # Thm 3.2 holds at the certified point
    H = np.vectorize(float)(np.array(hessian(ne, de), dtype=object)).astype(np.float64)
    top = np.linalg.eigvalsh(H)[-1]
    assert float(r.lambda_lower) <= top + 1e-12 <= float(r.lambda_upper) + 2e-12
    # train MSE against f0 = 0 is mean f(x_i)^2 = 2 L(theta; y = 0), computed exactly as a reference
    zero = Dataset.exact(de.X, [0] * de.n)
    assert r.train_mse_estimate == pytest.approx(float(2 * loss(ne, zero)), rel=1e-12)
    f_at_0 = sum(Fraction(v) * max(-Fraction(b), 0) for v, b in zip(ne.v, ne.b)) + Fraction(ne.beta)
    assert r.test_mse_estimate == pytest.approx(float(f_at_0 ** 2), rel=1e-12)  # X_test = 0, f0_test = 0
    rep = flat_report(r)
    json.dumps(rep)
    assert rep["loss"] == "half-mse" and rep["lambda_max_status"].startswith("certified")
    assert rep["mse_status"].startswith("estimate")
    o = r.outcome  # the shared vocabulary: the same verdict, the enclosure holds the dense top eigenvalue
    assert o.status == "certified" and o.holds is True
    assert float(o.quantity("lambda_max").lower) <= top + 1e-12 <= float(o.quantity("lambda_max").upper) + 2e-12
    assert o.quantity("loss").lower == loss(ne, de) and o.quantity("|f|_Vg").certified


def test_flat_point_mse_at_eta_equals_half_mse_at_two_eta():
    net, data = _case(5, K=6, n=10, d=2)
    a = flat_point(net, data, "1/4", loss="mse", polish_steps=0)
    b = flat_point(net, data, "1/2", loss="half-mse", polish_steps=0)
    assert a.stable == b.stable and a.certified == b.certified
    assert a.lambda_upper == 2 * b.lambda_upper and a.lambda_lower == 2 * b.lambda_lower
    assert a.eta_star == b.eta_star / 2 and a.loss_exact == 2 * b.loss_exact
    assert a.thm32_upper == b.thm32_upper  # the same theorem, read in either convention


def test_flat_point_certifies_not_flat_when_eta_is_too_large():
    net, data = _case(6, K=6, n=10, d=2)
    r = flat_point(net, data, 100, polish_steps=0)
    assert r.stable is False and r.certified and r.lambda_lower > r.two_over_eta
    assert r.outcome.holds is False and r.outcome.quantity("lambda_max").decide_at_most(r.two_over_eta) is False


# ---------------------------------------------------------------------------- CLI
def _torch_export(tmp_path, lr=0.05, steps=300):
    torch = pytest.importorskip("torch")
    from numerics.experiments.data import make_task

    t = make_task(2, 16, 1.0, seed=0)
    m = seeded_torch_model(2, 32, seed=0).double()
    X, y = torch.from_numpy(t.X), torch.from_numpy(t.y)
    opt = torch.optim.SGD(m.parameters(), lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        torch.nn.MSELoss()(m(X).squeeze(-1), y).backward()
        opt.step()
    torch.save(m.state_dict(), tmp_path / "model.pt")
    (tmp_path / "data.json").write_text(json.dumps({"X": t.X.tolist(), "y": t.y.tolist()}))
    return str(tmp_path / "model.pt"), str(tmp_path / "data.json")


@pytest.mark.torch
def test_cli_decides_a_network_exported_from_torch(tmp_path, capsys):
    net, data = _torch_export(tmp_path)
    code = main(["--network", net, "--data", data, "--eta", "0.05", "--loss", "mse", "--json", "--quiet",
                 "--steps", "2000", "--target", "linear", "--out", str(tmp_path / "out")])
    rep = json.loads(capsys.readouterr().out)
    assert code == {True: 0, False: 1, None: 3}[rep["certified_flat_at_eta"]]
    assert code == 0 and rep["loss"] == "mse" and rep["test_mse"] is not None
    assert Fraction(rep["lambda_max_upper"]) <= 40  # 2 / 0.05
    # the written point is the certified one: numerics.certify agrees on it
    from numerics.certify import main as certify_main

    assert certify_main(["--network", str(tmp_path / "out" / "network.json"), "--data",
                         str(tmp_path / "out" / "data.json"), "--eta", "0.05", "--loss", "mse", "--quiet",
                         "--json"]) == 0
    capsys.readouterr()
    code = main(["--network", net, "--data", data, "--eta", "10", "--loss", "mse", "--quiet", "--steps", "0"])
    assert code == 1 and "CERTIFIED NOT FLAT" in capsys.readouterr().out


@pytest.mark.parametrize("loss, eta", [("half-mse", "1/2"), ("mse", "1/4")])
def test_cli_certificate_out_is_accepted_by_the_checker_and_a_mutation_is_not(loss, eta, tmp_path, capsys):
    from numerics.check_certificate import main as check_main

    net, data = _case(5, K=6, n=10, d=2)
    save_network(net, tmp_path / "n.json")
    save_data(data, tmp_path / "d.json")
    cert = tmp_path / "cert.json"
    code = main(["--network", str(tmp_path / "n.json"), "--data", str(tmp_path / "d.json"), "--eta", eta,
                 "--loss", loss, "--steps", "200", "--quiet", "--json", "--certificate-out", str(cert),
                 "--out", str(tmp_path / "out")])
    rep = json.loads(capsys.readouterr().out)
    assert code == 0 and rep["certified_flat_at_eta"] is True and rep["certificate_file"] == str(cert)
    doc = json.loads(cert.read_text())
    assert doc["problem"]["loss"] == loss and doc["claim"]["stable"] is True
    # the certified point of the file is the reported one, written to --out
    from numerics.io import load_network

    point = load_network(str(tmp_path / "out" / "network.json")).as_exact()
    assert doc["problem"]["network"]["b"] == [encode_number(x) for x in point.b]
    # the claim is in units of H (half-mse): threshold 2/eta or 1/eta, upper = lambda_upper / scale
    scale = 2 if loss == "mse" else 1
    assert Fraction(float.fromhex(doc["claim"]["threshold"])) == 2 / (scale * Fraction(eta))
    assert Fraction(float.fromhex(doc["claim"]["lambda_max_upper"])) >= Fraction(rep["lambda_max_lower"]) / scale
    assert check_main([str(cert)]) == 0
    capsys.readouterr()
    # one field changed: a weight of the problem (the residuals of the witness no longer match), or the
    # claimed upper bound pushed below the witness's threshold t (the digests do not cover the claim's numbers)
    from numerics.check_certificate import check

    def num(text):
        return Fraction(float.fromhex(text)) if "x" in text else Fraction(text)

    for where, failing in (("problem", "residuals"), ("claim", "upper_bound")):
        bad = json.loads(cert.read_text())
        if where == "problem":
            bad["problem"]["network"]["beta"] = encode_number(num(bad["problem"]["network"]["beta"]) + 1)
        else:
            bad["claim"]["lambda_max_upper"] = encode_number(num(bad["claim"]["lambda_max_lower"]) / 2)
        assert check(bad)[:2] == ("invalid", failing)
        (tmp_path / "bad.json").write_text(json.dumps(bad))
        assert check_main([str(tmp_path / "bad.json")]) == 1
    capsys.readouterr()


def test_cli_rejects_bad_input(tmp_path, capsys):
    net, data = _case(1)
    save_network(net, tmp_path / "n.json")
    save_data(data, tmp_path / "d.json")
    save_data(Dataset.from_float(np.zeros((2, 3)), np.zeros(2)), tmp_path / "d3.json")
    (tmp_path / "bad.json").write_text("{not json")
    base = ["--network", str(tmp_path / "n.json"), "--data", str(tmp_path / "d.json"), "--quiet"]
    cases = [
        base + ["--eta", "-1"],
        base + ["--eta", "zero"],
        base,  # no --eta
        ["--network", str(tmp_path / "n.json"), "--data", str(tmp_path / "d3.json"), "--eta", "1"],
        ["--network", str(tmp_path / "bad.json"), "--data", str(tmp_path / "d.json"), "--eta", "1"],
        ["--network", str(tmp_path / "missing.json"), "--data", str(tmp_path / "d.json"), "--eta", "1"],
        ["--store", str(tmp_path / "nostore.sqlite"), "--run", "abc"],
        ["--store", str(tmp_path / "n.json")],
        base + ["--eta", "1", "--steps", "-3"],
        base + ["--eta", "1", "--loss", "l1"],
    ]
    for argv in cases:
        with pytest.raises(SystemExit) if "--loss" in argv else _nullcontext():
            code = main(argv)
            assert code == 2, argv
        err = capsys.readouterr().err
        assert err.strip() and "Traceback" not in err and len(err.strip().splitlines()) == 1, (argv, err)
    # a data point on a kink: no Hessian, exit 2
    save_network(ReluNetwork.exact([[1]], [0], [1], 0), tmp_path / "k.json")
    save_data(Dataset.exact([[0], [1]], [0, 1]), tmp_path / "kd.json")
    assert main(["--network", str(tmp_path / "k.json"), "--data", str(tmp_path / "kd.json"), "--eta", "1",
                 "--steps", "0", "--quiet"]) == 2
    assert "kink" in capsys.readouterr().err


class _nullcontext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_cli_reads_a_stored_run(tmp_path, capsys):
    from numerics.experiments.run import run_one
    from numerics.experiments.sweep import RunStore, config_key

    cfg = {"d": 2, "n": 12, "width": 24, "eta": 0.2, "epochs": 200, "seed": 0, "track_every": 100}
    store = RunStore(tmp_path / "runs.sqlite")
    store.put(config_key(cfg), "demo", cfg, run_one(cfg), 0.0)
    store.close()
    code = main(["--store", str(tmp_path / "runs.sqlite"), "--run", config_key(cfg), "--json", "--quiet",
                 "--steps", "500"])
    rep = json.loads(capsys.readouterr().out)
    assert Fraction(rep["eta"]) == Fraction(0.2)  # the exact float step the run used
    assert rep["loss"] == "half-mse" and rep["train_mse"] is not None
    assert code == {True: 0, False: 1, None: 3}[rep["certified_flat_at_eta"]]
    assert main(["--store", str(tmp_path / "runs.sqlite"), "--run", "nope", "--quiet"]) == 2


@pytest.mark.parametrize("eta,verdict", [("1/100", "flat"), ("100", "not flat")])
def test_certify_flatness_agrees_with_numerics_certify(eta, verdict):
    from numerics.certificates import certify_stability
    from numerics.flat_points import certify_flatness

    net, data = _case(8, K=6, n=10, d=2)
    for loss_name in ("half-mse", "mse"):
        got = certify_flatness(net, data, eta, loss=loss_name)
        ref = certify_stability(net, data, eta, loss=loss_name)
        assert got["verdict"] == verdict and ref.stable is (verdict == "flat") and got["loss"] == loss_name
        H = np.vectorize(float)(np.array(hessian(net.as_exact(), data.as_exact()), dtype=object)).astype(np.float64)
        top = (2 if loss_name == "mse" else 1) * np.linalg.eigvalsh(H)[-1]
        assert got["lambda_max_lower"] <= top + 1e-12 and top <= got["lambda_max_upper"] + 1e-12
    kink = certify_flatness(ReluNetwork.exact([[1]], [0], [1], 0), Dataset.exact([[0], [1]], [0, 1]), 1)
    assert kink["verdict"] == "no Hessian (kink)"


@pytest.mark.slow
def test_summary_certified_columns(tmp_path):
    """--certified: each final network's verdict in the table equals numerics.certify on that network."""
    pytest.importorskip("torch")
    from fractions import Fraction as Q

    from numerics.certificates import certify_stability
    from numerics.experiments.configs import grid
    from numerics.experiments.run import run_one
    from numerics.experiments.summary import _final_network, collect, summarize
    from numerics.experiments.sweep import RunStore, run_sweep

    configs = [c for c in grid("rates", quick=True, epochs=20) if c["d"] == 1 and c["n"] == 16][:2]
    store = RunStore(tmp_path / "runs.sqlite")
    run_sweep(configs, run_one, store, progress=False)
    s = summarize("rates", configs, store, tmp_path / "rates", core="none", progress=False, certified=True)
    runs, _ = collect(configs, store)
    verdicts = []
    for key, cfg, res in runs:
        c, task, (W, b, v, beta) = _final_network(cfg, res)
        cert = certify_stability(ReluNetwork.from_float(W, b, v, beta), Dataset.from_float(task.X, task.y),
                                 Q(float(c["eta"])))
        verdicts.append({True: "flat", False: "not flat", None: "undecided"}[cert.stable])
    assert {c["group"] for c in configs} == {"a"} and len(s["table"]) == 1  # one (group, d, n) cell
    flat, not_flat = verdicts.count("flat"), verdicts.count("not flat")
    assert s["table"][0]["certified_flat_not_undecided"] == f"{flat} / {not_flat} / {len(verdicts) - flat - not_flat}"
    assert "certified flat / not flat / undecided" in (tmp_path / "rates" / "summary.md").read_text()
    store.close()


@pytest.mark.slow
@pytest.mark.torch
def test_shipped_torch_example_is_certified_flat_in_both_readings(capsys):
    """examples/flat/model.pt (nn.MSELoss + SGD(lr=0.05)): flat at torch's lr 0.05 == half-mse step 0.1."""
    pytest.importorskip("torch")
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "examples" / "flat"
    args = ["--network", str(root / "model.pt"), "--data", str(root / "data.json"), "--json", "--quiet"]
    assert main(args + ["--eta", "0.05", "--loss", "mse"]) == 0
    mse = json.loads(capsys.readouterr().out)
    assert main(args + ["--eta", "0.1", "--loss", "half-mse"]) == 0
    half = json.loads(capsys.readouterr().out)
    assert Fraction(mse["lambda_max_upper"]) == 2 * Fraction(half["lambda_max_upper"])
    assert Fraction(mse["loss_exact"]) == 2 * Fraction(half["loss_exact"])
    assert Fraction(mse["eta_star"]) * 2 == Fraction(half["eta_star"])


@pytest.mark.slow
def test_flat_experiment_end_to_end_on_a_tiny_grid(tmp_path):
    """run_flat -> store -> flat_summary -> certified point files re-certified by numerics.certify."""
    from numerics.certify import main as certify_main
    from numerics.experiments.flat_runs import flat_grid, run_flat, write_certified_points
    from numerics.experiments.summary import collect, summarize
    from numerics.experiments.sweep import RunStore, run_sweep

    configs = flat_grid(True, 60, ds=[1], ns=[8, 16], seeds=[0], polish_steps=100)
    store = RunStore(tmp_path / "runs.sqlite")
    run_sweep(configs, run_flat, store, progress=False)
    s = summarize("flat", configs, store, tmp_path / "flat", progress=False)
    runs, missing = collect(configs, store)
    assert not missing and len(s["table"]) == 2 and s["loss"] == "half-mse"
    for key, cfg, res in runs:
        f = res["flat"]
        assert f["certified"] is (f["certified_flat_at_eta"] is not None)
        assert Fraction(f["eta"]) == Fraction(0.2)  # the exact float step GD used
    written = write_certified_points(runs, tmp_path / "flat")
    n_cert = sum(res["flat"]["certified_flat_at_eta"] is True for _, _, res in runs)
    assert len(written) == n_cert >= 1
    for folder in written:
        from pathlib import Path

        from numerics.check_certificate import main as check_main

        cert = json.loads((Path(folder) / "certify.json").read_text())
        assert cert["stable"] is True and cert["exit_code"] == 0
        assert check_main([str(Path(folder) / "certificate.json")]) == 0

        assert certify_main(["--network", str(Path(folder) / "network.json"), "--data",
                             str(Path(folder) / "data.json"), "--eta", str(Fraction(0.2)), "--quiet"]) == 0
    store.close()


def test_reproduce_refuses_an_empty_reduced_grid(tmp_path, capsys):
    from numerics.reproduce import main as reproduce_main

    assert reproduce_main(["flat", "--quick", "--only-n", "7", "--out", str(tmp_path), "--quiet"]) == 2
    assert "leave no run" in capsys.readouterr().err
