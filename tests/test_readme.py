"""The user's path: every README command runs verbatim in a fresh copy of the repository, the README's
Python example runs, the examples run, the shipped example files are what make_examples.py writes, every
CLI shows its defaults, and the licence, changelog and ignore rules exist.

A "fresh copy" is the files git tracks (``git ls-files``) copied to a temporary folder: a file a README
command needs but that is not committed makes these tests fail.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

# Commands that are not run here: the install line (network access, a new venv) and the test suite itself.
NOT_RUN = ("pip install", "python -m pytest")
# Commands run only with -m slow (seconds to tens of seconds each on a loaded 2-core machine).
SLOW = ("examples/paper_net.npz --data examples/paper_data.npz --eta 1/35", "--eta 0.9 --quiet",
        "python -m numerics.weights --network examples/paper_net.npz", "python -m constructions.verify",
        "python -m numerics.stability --interpolating", "python -m bounds.check", "construction.json")
# Commands run in README order in one fresh copy: a later command may read a file an earlier one wrote.
INPUT_FLAGS = ("--network", "--data", "--directions")


def readme_commands(text: str) -> list[tuple[str, int]]:
    """Return (command, expected exit code) for every command in the README.

    Commands are the lines of ```bash blocks and the lines starting with "$ " in other fenced blocks.
    A trailing "# ..." comment is dropped; "# exit N" in it, or "(exit N)" on the output line that
    follows, gives the expected exit code (default 0).
    """
    out = []
    for lang, body in re.findall(r"^```(\w*)\n(.*?)^```", text, flags=re.S | re.M):
        if lang == "python":
            continue
        lines = body.splitlines()
        for i, line in enumerate(lines):
            if lang == "bash":
                cmd = line.strip()
            elif line.startswith("$ "):
                cmd = line[2:].strip()
            else:
                continue
            if not cmd or cmd.startswith("#"):
                continue
            code = 0
            if " #" in cmd:
                cmd, comment = cmd.split(" #", 1)
                cmd = cmd.strip()
                m = re.search(r"\bexit (\d+)", comment)
                code = int(m.group(1)) if m else 0
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            m = re.search(r"\(exit (\d+)\)\s*$", nxt)
            if m and not nxt.startswith("$ "):
                code = int(m.group(1))
            out.append((cmd, code))
    return out


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


COMMANDS = readme_commands(README.read_text())


def test_readme_has_the_commands_we_expect():
    cmds = [c for c, _ in COMMANDS]
    assert any(c.startswith("python -m numerics.certify --network examples/small_net.json") for c in cmds)
    assert any("pip install" in c for c in cmds)
    assert dict(COMMANDS)["python -m bounds.table --d 0"] == 2
    assert len(_python_blocks(README.read_text())) >= 1


def test_parser_reads_exit_annotations():
    text = "```\n$ tool a   # exit 1\nout\n$ tool b\nerr (exit 2)\n$ tool c\n```\n```bash\ntool d && tool e\n```\n"
    assert readme_commands(text) == [("tool a", 1), ("tool b", 2), ("tool c", 0), ("tool d && tool e", 0)]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A copy of the files git tracks (what a clone holds), as the working folder of the commands."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    dest = tmp_path_factory.mktemp("clone")
    for name in files.decode().split("\0"):
        if not name or not (ROOT / name).is_file():
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    return dest


def missing_inputs(commands, root: Path) -> list[str]:
    """Input files (after --network / --data / --directions, or under examples/) absent from ``root``."""
    missing = []
    for cmd, _ in commands:
        words = shlex.split(cmd)
        for flag, value in zip(words, words[1:]):
            if flag in INPUT_FLAGS:
                for part in value.split(","):
                    if not (root / part).is_file():
                        missing.append(f"{part} (used by: {cmd})")
        for w in words:
            if w.startswith("examples/") and not (root / w).exists() and f"{w} (used by: {cmd})" not in missing:
                missing.append(f"{w} (used by: {cmd})")
    return missing


def test_every_file_a_readme_command_reads_is_shipped(fresh, tmp_path):
    missing = missing_inputs(COMMANDS, fresh)
    assert not missing, "README commands use files not in git: " + "; ".join(missing)
    # the check itself refuses a command whose file is absent (the fault a fresh clone had)
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "d.json").write_text("{}")
    bad = [("python -m numerics.certify --network small_net.json --data examples/d.json --eta 1", 0),
           ("python examples/nothing.py", 0)]
    assert missing_inputs(bad, tmp_path) == ["small_net.json (used by: " + bad[0][0] + ")",
                                             "examples/nothing.py (used by: " + bad[1][0] + ")"]


def _run(cmd: str, cwd: Path, timeout: float = 600):
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               MPLBACKEND="Agg", PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    env.pop("PYTHONPATH", None)
    return subprocess.run(["bash", "-c", cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _runnable():
    """Every README command that is run, with its expected exit code; the SLOW ones marked slow."""
    return [pytest.param(c, code, marks=[pytest.mark.slow] if any(s in c for s in SLOW) else [],
                         id=f"{c[:70]}-{code}")
            for c, code in COMMANDS if not any(s in c for s in NOT_RUN)]


@pytest.mark.parametrize("cmd, code", _runnable())
def test_readme_command_runs_verbatim(cmd, code, fresh):
    r = _run(cmd, fresh)
    assert r.returncode == code, f"{cmd}: exit {r.returncode}, expected {code}\n{r.stderr[-2000:]}"
    assert "Traceback" not in r.stderr and "Warning" not in r.stderr, r.stderr[-2000:]


@pytest.mark.torch
def test_readme_python_example_runs(fresh):
    pytest.importorskip("torch")
    text = README.read_text()
    outputs = re.findall(r"^```python\n.*?^```\n\n```\n(.*?)^```", text, flags=re.S | re.M)
    blocks = _python_blocks(text)
    assert len(outputs) == len(blocks)  # every Python example shows what it prints
    for i, (block, shown) in enumerate(zip(blocks, outputs)):
        script = fresh / f"readme_block_{i}.py"
        script.write_text(block)
        r = _run(f"{shlex.quote(sys.executable)} {script.name}", fresh, timeout=300)
        assert r.returncode == 0, r.stderr[-2000:]
        # the verdict lines printed match the README (timings and iteration counts may differ)
        first = shown.splitlines()[0]
        assert first in r.stdout.splitlines(), (first, r.stdout[:500])
        assert ("certified" in r.stdout) and ("ESTIMATE" in r.stdout or "estimate" in r.stdout)


@pytest.mark.slow   # ~5 s; the README's Python example above runs the same path by default
@pytest.mark.torch
def test_certify_your_model_example(fresh):
    pytest.importorskip("torch")
    r = _run("python examples/certify_your_model.py", fresh, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    blocks = r.stdout.split("ModelCertificate: ")
    assert blocks[1].startswith("STABLE (certified) at lr=0.05")
    assert blocks[2].startswith("NOT STABLE (certified)")


def test_shipped_examples_are_what_make_examples_writes(tmp_path):
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        make = importlib.import_module("make_examples")
    finally:
        sys.path.remove(str(ROOT / "examples"))
    for path in make.write(tmp_path):
        shipped = ROOT / "examples" / path.name
        if path.suffix == ".npz":
            import numpy as np
            with np.load(path) as a, np.load(shipped) as b:
                assert sorted(a.files) == sorted(b.files)
                assert all(np.array_equal(a[k], b[k]) for k in a.files), path.name
        else:
            assert path.read_text() == shipped.read_text(), path.name


CLIS = ["bounds.table", "bounds.check", "bounds.plot", "constructions.verify", "numerics.certify",
        "numerics.estimate", "numerics.weights", "numerics.stability", "numerics.reproduce", "numerics.flat",
        "numerics.experiments.figures"]


@pytest.mark.parametrize("module", CLIS)
def test_every_option_with_a_default_shows_it_in_help(module, monkeypatch):
    parsers = []

    def capture(self, args=None, namespace=None):
        parsers.append(self)
        raise SystemExit(0)

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", capture)
    try:
        importlib.import_module(module).main([])
    except SystemExit:
        pass
    assert parsers
    quiet = (argparse._HelpAction, argparse._StoreTrueAction, argparse._StoreFalseAction, argparse._VersionAction)
    missing = [a.option_strings or a.dest for p in parsers for a in p._actions
               if not isinstance(a, quiet) and a.default not in (None, argparse.SUPPRESS)
               and "default" not in (a.help or "")]
    assert not missing, f"{module}: options whose --help does not state the default: {missing}"


def test_licence_changelog_and_ignore_rules():
    lic = (ROOT / "LICENSE").read_text()
    assert lic.startswith("MIT License") and "WITHOUT WARRANTY" in lic
    assert 'license = "MIT"' in (ROOT / "pyproject.toml").read_text()
    assert "## Unreleased" in (ROOT / "CHANGELOG.md").read_text()
    assert "reproduce_out/" in (ROOT / ".gitignore").read_text().splitlines()
