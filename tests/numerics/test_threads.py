"""Tests of numerics.threads: the default policy, the environment override, the CLI flag."""

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from numerics import threads
from numerics.threads import ENV_VAR, apply_threads, default_threads, limit_threads, resolve_threads


@pytest.fixture(autouse=True)
def _restore_threads(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(var, "1")
    yield
    apply_threads(1)


def test_default_is_the_idle_cores_at_least_one():
    assert default_threads(cores=2, load=0.0) == 2
    assert default_threads(cores=2, load=1.2) == 1
    assert default_threads(cores=2, load=9.0) == 1   # overloaded machine: one thread, not two
    assert default_threads(cores=16, load=3.7) == 12
    assert 1 <= default_threads() <= threads.usable_cores()


def test_priority_flag_then_environment_then_default(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "3")
    assert resolve_threads(2) == (2, "--threads")
    assert resolve_threads(None) == (3, ENV_VAR)
    monkeypatch.setenv(ENV_VAR, "auto")
    assert resolve_threads(None)[1].startswith("default")


@pytest.mark.parametrize("bad", ["0", "-2", "two", "1.5"])
def test_malformed_environment_is_refused(monkeypatch, bad):
    monkeypatch.setenv(ENV_VAR, bad)
    with pytest.raises(ValueError, match=ENV_VAR):
        resolve_threads(None)
    with pytest.raises(ValueError):
        resolve_threads(0)


def _blas_threads():
    return {p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"}


def test_apply_and_limit_set_the_blas_pools_and_torch():
    torch = pytest.importorskip("torch")
    apply_threads(2)
    assert _blas_threads() == {2} and torch.get_num_threads() == 2
    with limit_threads(1):
        assert _blas_threads() == {1} and torch.get_num_threads() == 1
        np.linalg.cholesky(np.eye(3))
    assert _blas_threads() == {2} and torch.get_num_threads() == 2
    assert threads.thread_info()["threads"] == 2 and "load average" in threads.describe()


def test_clis_accept_threads_and_refuse_bad_values(tmp_path, monkeypatch, capsys):
    from numerics.certify import main as certify_main
    from numerics.estimate import main as estimate_main
    from numerics.io import save_data, save_network
    from numerics.network import Dataset, ReluNetwork
    from numerics.weights import main as weights_main

    net = ReluNetwork.from_float([[1.0, 0.5]], [0.1], [1.0], 0.0)
    data = Dataset.from_float([[0.5, 0.25], [-0.25, 0.5], [0.1, 0.1]], [0.2, -0.1, 0.0])
    save_network(net, tmp_path / "net.json")
    save_data(data, tmp_path / "data.json")
    f = ["--network", str(tmp_path / "net.json"), "--data", str(tmp_path / "data.json")]
    assert estimate_main(f + ["--threads", "1", "--json"]) == 0
    assert certify_main(f + ["--eta", "0.01", "--threads", "2", "--json", "--quiet"]) == 0
    assert _blas_threads() == {2}
    with pytest.raises(SystemExit) as exc:
        certify_main(f + ["--eta", "0.01", "--threads", "0"])
    assert exc.value.code == 2
    monkeypatch.setenv(ENV_VAR, "lots")
    capsys.readouterr()
    assert weights_main(f + ["--float"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and ENV_VAR in err and "\n" not in err


@pytest.mark.parametrize("module, argv", [
    ("numerics.stability", ["--construction", "--eta", "1", "--threads", "1"]),
    ("numerics.reproduce", ["rates", "--no-run", "--threads", "1"]),
    ("constructions.verify", ["--d", "2", "--threads", "1"]),
])
def test_every_compute_cli_has_threads_and_honours_the_environment(module, argv, monkeypatch, capsys, tmp_path):
    import importlib

    main = importlib.import_module(module).main
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(ENV_VAR, "0")
    argv_env = argv[:-2]
    assert main(argv_env) == 2
    assert ENV_VAR in capsys.readouterr().err
    try:
        code = main(argv[:-1] + ["zero"])
    except SystemExit as exc:
        code = exc.code
    assert code == 2 and "--threads" in capsys.readouterr().err
