"""Every CLI of bounds, constructions and numerics: a crash never reads as a verdict.

An exception injected into each CLI's compute path gives exit 4 and one line naming it (the traceback
only with --debug); Ctrl-C gives 130 and "interrupted"; a closed stdout gives 141 quietly; --version and
the exit-code epilog of --help come from the shared runner (bounds._cli).
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bounds._cli import EXIT_BROKEN_PIPE, EXIT_INTERNAL, EXIT_INTERRUPTED, exit_code_epilog, guarded
from bounds._version import __version__

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
NET, DAT = str(DATA / "tiny_net.json"), str(DATA / "tiny_data.json")
CERT = str(ROOT / "examples" / "certificate" / "stable.json")


def _cases(tmp):
    """(module, argv reaching the compute path, (module, attribute) of the compute step to break)."""
    files = ["--network", NET, "--data", DAT]
    return [
        ("bounds.table", ["--d", "3"], ("bounds.table", "rows")),
        ("bounds.check", [], ("bounds.check", "run")),
        ("bounds.plot", ["--out", str(tmp / "f.png"), "--d", "1:3"], ("bounds.plot", "make_figure")),
        ("constructions.verify", ["--d", "2"], ("constructions.verify", "run")),
        ("constructions.tightness", ["--d", "1", "--n", "1e6"], ("constructions.ridge_fano", "certified_comparison")),
        ("numerics.certify", files + ["--eta", "1"], ("numerics.certify", "certify_stability")),
        ("numerics.estimate", files, ("numerics.estimate", "lambda_max_estimate_detail")),
        ("numerics.weights", files, ("numerics.weights", "vg_norm")),
        ("numerics.stability", ["--construction", "--eta", "1"], ("numerics.stability", "construction_case")),
        ("numerics.reproduce", ["rates", "--quick", "--out", str(tmp / "r"), "--quiet"],
         ("numerics.experiments.configs", "grid")),
        ("numerics.check_certificate", [CERT], ("numerics.check_certificate", "check")),
        ("numerics.flat", files + ["--eta", "1", "--steps", "0", "--quiet"], ("numerics.flat_points", "flat_point")),
        ("numerics.experiments.figures", [str(ROOT / "results" / "underparam")],
         ("numerics.experiments.figures", "replot")),
    ]


CLIS = [c[0] for c in _cases(Path("."))]


def _case(name, tmp):
    return next(c for c in _cases(tmp) if c[0] == name)


def _break(monkeypatch, target, exc):
    def boom(*args, **kwargs):
        raise exc

    monkeypatch.setattr(importlib.import_module(target[0]), target[1], boom)


def test_every_cli_is_covered():
    """The list above names every module of the three packages that defines a CLI main()."""
    found = set()
    for pkg in ("bounds", "constructions", "numerics"):
        for path in (ROOT / pkg).rglob("*.py"):
            if "\ndef main(" in path.read_text():
                found.add(".".join(path.relative_to(ROOT).with_suffix("").parts))
    assert found == set(CLIS)


@pytest.mark.parametrize("name", CLIS)
def test_internal_error_exits_4_with_one_line(name, tmp_path, monkeypatch, capsys):
    mod, argv, target = _case(name, tmp_path)
    _break(monkeypatch, target, OverflowError("int too large to convert to float"))
    rc = importlib.import_module(mod).main(argv)
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == EXIT_INTERNAL
    assert err[-1] == f"python -m {name}: internal error: OverflowError: int too large to convert to float"
    assert not any("Traceback" in line for line in err)


@pytest.mark.parametrize("name", ["numerics.certify", "bounds.table"])
def test_debug_prints_the_traceback(name, tmp_path, monkeypatch, capsys):
    mod, argv, target = _case(name, tmp_path)
    _break(monkeypatch, target, RuntimeError("boom"))
    assert importlib.import_module(mod).main(argv + ["--debug"]) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "RuntimeError: boom" in err


@pytest.mark.parametrize("name", CLIS)
def test_ctrl_c_exits_130(name, tmp_path, monkeypatch, capsys):
    mod, argv, target = _case(name, tmp_path)
    _break(monkeypatch, target, KeyboardInterrupt())
    rc = importlib.import_module(mod).main(argv)
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == EXIT_INTERRUPTED and len(err) >= 1 and "interrupted" in err[-1]
    assert not any("Traceback" in line for line in err)


class _ClosedStdout:
    """A stdout whose reader has gone: every write fails as on a broken pipe."""

    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self):
        pass


# real runs of each CLI (fast arguments); the slow compute steps of two CLIs are replaced by stubs
_REAL = {
    "bounds.table": ["--d", "3"],
    "bounds.check": [],
    "bounds.plot": None,  # filled in with tmp_path
    "constructions.verify": ["--d", "2"],
    "constructions.tightness": ["--d", "1", "--n", "1e6"],
    "numerics.certify": ["--network", NET, "--data", DAT, "--eta", "1"],
    "numerics.estimate": ["--network", NET, "--data", DAT],
    "numerics.weights": ["--network", NET, "--data", DAT],
    "numerics.stability": ["--construction", "--eta", "1", "--steps", "5", "--sizes", "1e-4", "--n", "4",
                           "--no-certify"],
    "numerics.reproduce": None,
    "numerics.check_certificate": [CERT],
    "numerics.flat": ["--network", NET, "--data", DAT, "--eta", "1", "--steps", "0", "--quiet"],
    "numerics.experiments.figures": None,  # filled in with tmp_path (a copy of a results folder)
}


@pytest.mark.parametrize("name", CLIS)
def test_closed_stdout_exits_141_quietly(name, tmp_path, monkeypatch, capsys):
    argv = _REAL[name]
    if name == "bounds.plot":
        argv = ["--out", str(tmp_path / "f.png"), "--d", "1:3"]
    if name == "bounds.check":  # the proofs take seconds; the report of no claims still prints
        monkeypatch.setattr(importlib.import_module("bounds.check"), "run", lambda registry=None: [])
    if name == "numerics.experiments.figures":
        import shutil
        shutil.copy(ROOT / "results" / "underparam" / "summary.json", tmp_path / "summary.json")
        argv = [str(tmp_path)]
    if name == "numerics.reproduce":
        argv = ["rates", "--no-run", "--quick", "--out", str(tmp_path / "r"), "--quiet"]
        # --no-run refuses an empty store: store one run of the grid (summarize itself is stubbed below)
        from numerics.experiments.configs import grid
        from numerics.experiments.sweep import RunStore, config_key
        (tmp_path / "r").mkdir()
        cfg = grid("rates", quick=True)[0]
        store = RunStore(tmp_path / "r" / "runs.sqlite")
        store.put(config_key(cfg), "rates", cfg, {}, 0.0)
        store.close()
        monkeypatch.setattr(importlib.import_module("numerics.experiments.summary"), "summarize",
                            lambda *a, **k: {"text": "summary"})
    monkeypatch.setattr(sys, "stdout", _ClosedStdout())
    rc = importlib.import_module(name).main(argv)
    assert rc == EXIT_BROKEN_PIPE
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("name", CLIS)
def test_help_lists_exit_codes_and_version(name, capsys):
    main = importlib.import_module(name).main
    for flag, code in (("--help", 0), ("--version", 0)):
        try:
            rc = main([flag])
        except SystemExit as exc:
            rc = exc.code
        assert rc == code
    out = capsys.readouterr().out
    assert "exit codes:" in out and "4    internal error" in out and "130  interrupted" in out
    assert out.strip().endswith(f"python -m {name} {__version__}")


def _env():
    return dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")


def test_closed_stdout_in_a_real_process_exits_141():
    """stdout is a pipe whose reader has already gone: the first write fails (EPIPE)."""
    r, w = os.pipe()
    os.close(r)
    try:
        p = subprocess.run([sys.executable, "-m", "bounds.table", "--d", "1:3"], cwd=ROOT, env=_env(),
                           stdout=w, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(w)
    assert p.returncode == EXIT_BROKEN_PIPE
    assert p.stderr == b""


def test_pipe_into_head_exits_141():
    """`... | head -c1`: head exits after one byte while megabytes are still to be written."""
    cmd = f"{sys.executable} -m bounds.table --d 1:3000 --format csv | head -c1; exit ${{PIPESTATUS[0]}}"
    p = subprocess.run(["bash", "-c", cmd], cwd=ROOT, env=_env(), capture_output=True, timeout=120)
    assert p.returncode == EXIT_BROKEN_PIPE and p.stdout == b"i" and p.stderr == b""


def test_numerics_version_is_the_single_source():
    import constructions
    import numerics

    assert numerics.__version__ == constructions.__version__ == __version__
    text = (ROOT / "pyproject.toml").read_text()
    assert 'attr = "bounds._version.__version__"' in text and '\nversion = "' not in text


def test_guarded_passes_the_verdict_and_system_exit_through():
    @guarded("demo")
    def main(argv=None):
        if argv == ["exit"]:
            raise SystemExit(2)
        return int(argv[0])

    assert [main([c]) for c in ("0", "1", "3")] == [0, 1, 3]
    with pytest.raises(SystemExit):
        main(["exit"])
    assert exit_code_epilog({0: "ok"}).splitlines()[1] == "  0    ok"


def test_one_input_error_type_across_the_packages():
    from bounds._cli import InputError
    import numerics
    from constructions.checks import InputError as constructions_input_error

    assert numerics.InputError is InputError is constructions_input_error and issubclass(InputError, ValueError)
