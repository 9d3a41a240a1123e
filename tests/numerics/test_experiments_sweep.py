"""Resumable sweeps: interruption loses no finished run, re-runs compute only what is missing."""

import io
import sqlite3

import pytest

from numerics.experiments.sweep import ProgressBar, RunStore, config_key, run_sweep

CALLS = []


def _square(config):
    CALLS.append(config["x"])
    return {"y": config["x"] ** 2}


class _Interrupt(Exception):
    pass


def _dies_at_three(config):
    if config["x"] == 3:
        raise _Interrupt("simulated kill")
    return _square(config)


CONFIGS = [{"x": i} for i in range(6)]


def test_interrupted_sweep_resumes_without_recomputing(tmp_path):
    CALLS.clear()
    store = RunStore(tmp_path / "runs.sqlite")
    with pytest.raises(_Interrupt):
        run_sweep(CONFIGS, _dies_at_three, store, experiment="t", progress=False)
    assert CALLS == [0, 1, 2] and store.keys() == {config_key(c) for c in CONFIGS[:3]}
    before = {k: store.row(k) for k in store.keys()}
    store.close()

    CALLS.clear()
    store = RunStore(tmp_path / "runs.sqlite")  # a fresh process would reopen the file like this
    stats = run_sweep(CONFIGS, _square, store, experiment="t", progress=False)
    assert (stats.total, stats.skipped, stats.computed) == (6, 3, 3)
    assert sorted(CALLS) == [3, 4, 5]  # finished runs were not recomputed
    assert all(store.row(k) == row for k, row in before.items())  # and not rewritten
    assert [store.get(config_key(c))["y"] for c in CONFIGS] == [0, 1, 4, 9, 16, 25]

    CALLS.clear()
    stats = run_sweep(CONFIGS, _square, store, progress=False)
    assert stats.computed == 0 and CALLS == []


def test_max_new_runs_stops_early_and_resume_finishes(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    assert run_sweep(CONFIGS, _square, store, progress=False, max_new_runs=4).computed == 4
    assert run_sweep(CONFIGS, _square, store, progress=False).computed == 2


def test_config_key_depends_on_every_field_and_duplicates_run_once(tmp_path):
    base = {"d": 2, "n": 32, "eta": 0.2, "seed": 0}
    keys = {config_key(base)} | {config_key({**base, k: v}) for k, v in
                                 (("d", 3), ("n", 64), ("eta", 0.1), ("seed", 1), ("extra", None))}
    assert len(keys) == 6
    store = RunStore(tmp_path / "runs.sqlite")
    CALLS.clear()
    stats = run_sweep([{"x": 7}, {"x": 7}], _square, store, progress=False)
    assert stats.total == 1 and CALLS == [7]


def test_store_refuses_a_file_that_is_not_a_database(tmp_path):
    bad = tmp_path / "runs.sqlite"
    bad.write_text("this is not sqlite " * 100)
    with pytest.raises(sqlite3.DatabaseError):
        RunStore(bad)


def test_progress_bar_reports_done_total_and_eta():
    buf = io.StringIO()
    bar = ProgressBar(10, 4, "demo", stream=buf)
    assert "4/10 runs (4 from store)" in bar.text() and "ETA ?" in bar.text()
    bar.update(2)
    assert "6/10 runs" in bar.text() and "ETA ?" not in bar.text()
    bar.close()
    lines = buf.getvalue().splitlines()   # not a terminal: plain lines, no carriage returns
    assert "\r" not in buf.getvalue() and len(lines) == 2
    assert "4/10 runs" in lines[0] and "6/10 runs" in lines[1]


@pytest.mark.slow
def test_dask_local_cluster_runs_the_same_sweep(tmp_path):
    distributed = pytest.importorskip("distributed")
    store = RunStore(tmp_path / "runs.sqlite")
    run_sweep(CONFIGS[:2], _square, store, progress=False)  # two already done locally
    CALLS.clear()
    with distributed.LocalCluster(n_workers=1, processes=False, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        stats = run_sweep(CONFIGS, _square, store, scheduler=cluster.scheduler_address, progress=False)
    assert (stats.skipped, stats.computed) == (2, 4)
    assert sorted(CALLS) == [2, 3, 4, 5]
    assert [store.get(config_key(c))["y"] for c in CONFIGS] == [0, 1, 4, 9, 16, 25]


@pytest.mark.slow
def test_process_pool_runs_and_stores_all(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    stats = run_sweep(CONFIGS, _square, store, workers=2, progress=False)
    assert stats.computed == 6
    assert [store.get(config_key(c))["y"] for c in CONFIGS] == [0, 1, 4, 9, 16, 25]
