"""The reproduce CLI: --quick writes its files, re-runs resume from the store, bad input exits 2."""

import json

import pytest

from numerics.experiments.configs import grid
from numerics.reproduce import NAMES, main

pytestmark = pytest.mark.torch


@pytest.mark.slow  # ~10 s: imports torch and matplotlib and draws the figures
def test_quick_dimension_writes_summary_and_figures_then_resumes(tmp_path, capsys):
    out = tmp_path / "out"
    fast = ["--epochs", "50", "--core", "none"]  # the default run stays fast; the slow test below is the full --quick
    assert main(["dimension", "--quick", "--out", str(out), "--quiet", *fast]) == 0
    err = capsys.readouterr().err
    assert f"{len(grid('dimension', quick=True))} runs computed, 0 loaded" in err
    for f in ("summary.md", "summary.csv", "summary.json", "runs.csv", "dimension.png", "dimension.pdf"):
        assert (out / "dimension" / f).stat().st_size > 0, f
    assert (out / "dimension" / "dimension.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / "dimension" / "dimension.pdf").read_bytes()[:4] == b"%PDF"
    md = (out / "dimension" / "summary.md").read_text()
    assert "python -m numerics.reproduce dimension --quick" in md and "Quick grid" in md
    assert "Finished runs: 3 of 3." in md

    assert main(["dimension", "--quick", "--out", str(out), "--quiet", "--json", *fast]) == 0
    captured = capsys.readouterr()
    assert "0 runs computed, 3 loaded" in captured.err
    summary = json.loads(captured.out)["dimension"]
    assert summary["finished"] == summary["total"] == 3


def test_no_run_on_an_empty_store_says_so_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["lr", "--quick", "--out", str(out), "--no-run", "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no run store" in err[0] and "nothing written" in err[0]
    assert not out.exists()
    # a store that exists but holds no run of this experiment: refused too, and nothing written
    from numerics.experiments.sweep import RunStore
    RunStore(tmp_path / "s.sqlite").close()
    assert main(["lr", "--quick", "--out", str(out), "--store", str(tmp_path / "s.sqlite"), "--no-run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "holds no finished run of lr" in err[0]
    assert not out.exists()


def test_no_run_summarises_missing_runs_honestly(tmp_path, capsys):
    from numerics.experiments.run import run_one
    from numerics.experiments.sweep import RunStore, run_sweep
    configs = grid("dimension", quick=True, epochs=3)
    store = RunStore(tmp_path / "runs.sqlite")
    run_sweep(configs[:1], run_one, store, experiment="dimension", workers=1, progress=False)
    store.close()
    assert main(["dimension", "--quick", "--epochs", "3", "--out", str(tmp_path), "--no-run", "--quiet",
                 "--core", "none"]) == 0
    md = (tmp_path / "dimension" / "summary.md").read_text()
    assert f"Finished runs: 1 of {len(configs)} ({len(configs) - 1} missing" in md


def test_store_faults_refused_with_the_right_message(tmp_path, capsys):
    missing = tmp_path / "nonexistent" / "x.sqlite"
    assert main(["rates", "--quick", "--out", str(tmp_path / "o"), "--store", str(missing)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "does not exist" in err[0] and "--store" in err[0]
    assert not missing.parent.exists()
    assert main(["rates", "--quick", "--out", str(tmp_path / "o"), "--store", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is a directory" in err[0] and "--store" in err[0] and "output folder" not in err[0]
    # lr fixes eta x epochs: an --epochs override is refused, not silently ignored and recorded
    assert main(["lr", "--quick", "--out", str(tmp_path / "o"), "--epochs", "5"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--epochs does not apply to lr" in err[0]
    assert not (tmp_path / "o").exists()


def test_seeds_replaces_the_grid_seeds_and_keeps_seed_zero_keys(tmp_path, capsys):
    from numerics.experiments.sweep import config_key as run_key
    from numerics.reproduce import _with_seeds

    base = grid("shattering", loss="mse")
    assert {c["seed"] for c in base} == {0}
    three = _with_seeds(base, "0,1,2")
    assert len(three) == 3 * len(base) and sorted({c["seed"] for c in three}) == [0, 1, 2]
    assert {run_key(c) for c in base} <= {run_key(c) for c in three}  # seed 0 runs are the same runs
    assert len(_with_seeds(grid("dimension"), "0,1")) == 2 * len(grid("dimension")) // 3
    # a store holding one mse seed-1 run (3 epochs): --no-run --loss mse --seeds summarises it among the 6
    from numerics.experiments.run import run_one
    from numerics.experiments.sweep import RunStore, run_sweep

    one = _with_seeds(grid("shattering", quick=True, epochs=3, loss="mse"), "1")[:1]
    store = RunStore(tmp_path / "runs.sqlite")
    run_sweep(one, run_one, store, experiment="shattering", workers=1, progress=False)
    store.close()
    argv = ["shattering", "--quick", "--epochs", "3", "--out", str(tmp_path), "--no-run", "--quiet", "--core", "none"]
    assert main(argv + ["--loss", "mse", "--seeds", "0,1,2"]) == 0
    md = (tmp_path / "shattering-mse" / "summary.md").read_text()
    assert "Finished runs: 1 of 6 (5 missing" in md and "seeds [0, 1, 2]" in md
    capsys.readouterr()
    assert main(argv + ["--loss", "mse"]) == 2  # seed 0 only: no finished run of that grid in the store
    assert main(argv + ["--loss", "mse", "--seeds", "1,x"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "holds no finished run" in err[0] and err[1] == "error: --seeds must be comma-separated integers, got '1,x'"


@pytest.mark.parametrize("argv", [
    ["rates", "--seeds", "0,x"],
    ["rates", "--seeds", "-1"],
    ["nosuch"],
    ["rates", "--workers", "0"],
    ["rates", "--workers", "two"],
    ["rates", "--epochs", "-5"],
    ["rates", "--bogus"],
])
def test_bad_arguments_exit_2(argv, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        code = main(argv + ["--out", str(tmp_path)])
        raise SystemExit(code)
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "error" in err[0] and "Traceback" not in err[0]


def test_output_folder_that_is_a_file_or_corrupt_store_exits_2(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["rates", "--quick", "--out", str(f)]) == 2
    bad = tmp_path / "bad.sqlite"
    bad.write_text("not a database " * 200)
    assert main(["rates", "--quick", "--out", str(tmp_path / "o"), "--store", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("error:") for line in err)
    assert "run store" in err[1]


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in NAMES if n != "variants"])
def test_every_quick_experiment_produces_its_files(name, tmp_path):
    assert main([name, "--quick", "--out", str(tmp_path), "--quiet"]) == 0
    files = {p.name for p in (tmp_path / name).iterdir()}
    assert {"summary.md", "summary.csv", "summary.json"} <= files
    assert any(f.endswith(".png") for f in files) and any(f.endswith(".pdf") for f in files)


def test_recorded_command_hides_paths_outside_the_working_folder(tmp_path, monkeypatch):
    from numerics.reproduce import _recorded_command
    monkeypatch.chdir(tmp_path)
    cmd = _recorded_command(["rates", "--out", "results", "--store", "/tmp/x/runs.sqlite", "--quiet"])
    assert cmd == "python -m numerics.reproduce rates --out results --store STORE --quiet"
    cmd = _recorded_command(["rates", f"--store={tmp_path / 'a.sqlite'}", "--out", "/elsewhere/o"])
    assert cmd == "python -m numerics.reproduce rates --store=a.sqlite --out OUT"
    # no summary shipped in results/ shows a scratch path
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    for f in (root / "results").glob("*/summary.*"):
        assert "/tmp" not in f.read_text(), f


@pytest.mark.slow  # ~5 s: trains and draws the quick shattering grid for a few steps
def test_shattering_mse_summary_uses_the_mse_collapse_threshold_and_names_seeds(tmp_path, capsys):
    # At d = 10 the weight-decay collapse threshold is 1/12 on the half-MSE wd and 2/12 on torch's wd:
    # config b's wd = 0.1 crosses the first and not the second.
    fast = ["--quick", "--epochs", "20", "--core", "none", "--quiet", "--out", str(tmp_path)]
    assert main(["shattering", "--loss", "mse", "--seeds", "0,1", *fast]) == 0
    assert main(["shattering", *fast]) == 0
    capsys.readouterr()
    mse = (tmp_path / "shattering-mse" / "summary.md").read_text()
    half = (tmp_path / "shattering" / "summary.md").read_text()
    assert "| 2/(d+2) | wd >= 2/(d+2) |" in mse and "| 1/(d+2) | wd >= 1/(d+2) |" in half
    assert mse.count("| 0.1667 | False |") == 4 and half.count("| 0.08333 | True |") == 1
    rows = [line for line in mse.splitlines() if line.startswith("| b | ")]
    assert {line.split(" | ")[1] for line in rows} == {"0", "1"}
