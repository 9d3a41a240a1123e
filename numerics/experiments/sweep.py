"""Resumable sweeps: runs keyed by a hash of their configuration, stored in SQLite as they finish.

Every run is a JSON-able config dict handed to a top-level function ``fn(config) -> dict`` (JSON-able).
``run_sweep`` skips configs whose key is already in the store, runs the rest in-process, in a local
process pool (default) or on a dask.distributed cluster (``scheduler=ADDRESS``), and commits each result
the moment it arrives, so an interrupted sweep loses at most the runs in flight.  Only the parent process
writes to the database (no SQLite write contention across workers).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["config_key", "RunStore", "SweepStats", "run_sweep", "ProgressBar", "STORE_NAME"]

STORE_NAME = "runs.sqlite"
# Bump when the meaning of a stored result changes (trainer semantics, result fields): old runs then
# no longer match any key and are recomputed instead of silently mixed in.
SCHEMA_VERSION = 1


def config_key(config: dict) -> str:
    """Return the run key: the first 20 hex digits of sha256 of the canonical JSON of ``config``.

    Canonical = sorted keys, no whitespace, plus SCHEMA_VERSION; so the key changes with any field.

    >>> config_key({"a": 1, "b": 2}) == config_key({"b": 2, "a": 1})
    True
    >>> config_key({"a": 1}) == config_key({"a": 2})
    False
    """
    text = json.dumps({"schema": SCHEMA_VERSION, "config": config}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class RunStore:
    """SQLite table of finished runs: key -> (experiment, config JSON, result JSON, seconds, finished_at).

    >>> import tempfile, os
    >>> s = RunStore(os.path.join(tempfile.mkdtemp(), "runs.sqlite"))
    >>> s.put("k1", "demo", {"x": 1}, {"y": 2}, 0.5); s.has("k1"), s.get("k1")["y"]
    (True, 2)
    """

    def __init__(self, path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), timeout=60)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS runs (key TEXT PRIMARY KEY, experiment TEXT, config TEXT,"
            " result TEXT, seconds REAL, finished_at TEXT)"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS derived (key TEXT, name TEXT, value TEXT, PRIMARY KEY (key, name))"
        )
        self._db.commit()

    def get_derived(self, key: str, name: str):
        """Return a cached derived value (JSON) computed after the run, or None."""
        row = self._db.execute("SELECT value FROM derived WHERE key=? AND name=?", (key, name)).fetchone()
        return None if row is None else json.loads(row[0])

    def put_derived(self, key: str, name: str, value) -> None:
        """Cache a value derived from a stored run (e.g. metrics of its final parameters)."""
        self._db.execute("INSERT OR REPLACE INTO derived VALUES (?, ?, ?)", (key, name, json.dumps(value)))
        self._db.commit()

    def has(self, key: str) -> bool:
        """Return True if a finished run with this key is stored."""
        return self._db.execute("SELECT 1 FROM runs WHERE key=?", (key,)).fetchone() is not None

    def keys(self) -> set:
        """Return the set of stored keys."""
        return {k for (k,) in self._db.execute("SELECT key FROM runs")}

    def get(self, key: str):
        """Return the stored result dict for ``key`` or None."""
        row = self._db.execute("SELECT result FROM runs WHERE key=?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def row(self, key: str):
        """Return (config, result, seconds, finished_at) for ``key`` or None."""
        row = self._db.execute("SELECT config, result, seconds, finished_at FROM runs WHERE key=?", (key,)).fetchone()
        return None if row is None else (json.loads(row[0]), json.loads(row[1]), row[2], row[3])

    def put(self, key: str, experiment: str, config: dict, result: dict, seconds: float) -> None:
        """Store a finished run and commit at once (so it survives an interruption right after)."""
        self._db.execute(
            "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?)",
            (key, experiment, json.dumps(config, sort_keys=True), json.dumps(result), float(seconds),
             time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
        )
        self._db.commit()

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()


@dataclass
class SweepStats:
    """Counts of a sweep: total configs, runs skipped (already stored), runs computed now."""

    total: int
    skipped: int
    computed: int


def _fmt_seconds(s: float) -> str:
    s = int(round(s))
    return f"{s // 3600}h{s % 3600 // 60:02d}m" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"


class ProgressBar:
    """Progress of a sweep on stderr: runs done / total, runs loaded from the store, elapsed, ETA.

    On a terminal it is a tqdm bar; otherwise (a log file, a pipe) it prints plain lines, one at the
    start, then at most one every ``interval`` seconds, and one at the end -- never carriage returns.
    The ETA extrapolates the mean wall time per run computed in this run to the runs left.
    """

    def __init__(self, total: int, skipped: int, label: str = "sweep", stream=None, enabled: bool = True,
                 interval: float = 30.0):
        self.total, self.skipped, self.label = total, skipped, label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.interval = interval
        self.done = 0
        self.start = time.monotonic()
        self._last = None
        self._tqdm = None
        if enabled:
            try:
                tty = self.stream.isatty()
            except (AttributeError, ValueError):
                tty = False
            if tty:
                from tqdm import tqdm

                self._tqdm = tqdm(total=total, initial=skipped, desc=label, unit="run", file=self.stream,
                                  dynamic_ncols=True, postfix=f"{skipped} from store")
        self.render()

    def update(self, n: int = 1) -> None:
        """Count n more finished runs and redraw."""
        self.done += n
        if self._tqdm is not None:
            self._tqdm.update(n)
        self.render()

    def text(self) -> str:
        """Return the current progress line."""
        finished = self.skipped + self.done
        left = self.total - finished
        elapsed = time.monotonic() - self.start
        eta = "?" if self.done == 0 else _fmt_seconds(elapsed / self.done * left)
        return (f"{self.label}: {finished}/{self.total} runs ({self.skipped} from store) "
                f"elapsed {_fmt_seconds(elapsed)} ETA {eta}")

    def render(self, force: bool = False) -> None:
        """Write a plain line (not on a terminal) if enabled and due."""
        if not self.enabled or self._tqdm is not None:
            return
        now = time.monotonic()
        if force or self._last is None or now - self._last >= self.interval:
            self._last = now
            print(self.text(), file=self.stream, flush=True)

    def close(self) -> None:
        """Finish: close the bar, or print the final plain line."""
        if self._tqdm is not None:
            self._tqdm.close()
        else:
            self.render(force=True)


def _worker_init() -> None:
    # One BLAS/intra-op thread per worker process: N workers on N cores, no oversubscription.
    import torch

    torch.set_num_threads(1)


def _timed(fn, config):
    start = time.perf_counter()
    result = fn(config)
    return result, time.perf_counter() - start


def run_sweep(configs, fn, store: RunStore, experiment: str = "", workers: int = 1, scheduler=None,
              progress: bool = True, label: str | None = None, max_new_runs: int | None = None) -> SweepStats:
    """Run every config not yet in ``store`` through ``fn``; return SweepStats.

    Args:
        configs: list of JSON-able dicts; duplicates (same key) run once.
        fn: picklable top-level function config -> JSON-able dict.
        store: the RunStore results are written to, one commit per finished run.
        workers: 1 runs in this process; N > 1 uses a spawn-based process pool of N workers
            (one torch thread each).  Ignored when ``scheduler`` is given.
        scheduler: a dask.distributed scheduler address (str) or a ``distributed.Client``.
        max_new_runs: stop after this many new runs (used to simulate an interruption in tests).

    >>> import tempfile, os
    >>> s = RunStore(os.path.join(tempfile.mkdtemp(), "runs.sqlite"))
    >>> run_sweep([{"x": 1}, {"x": 2}], dict, s, progress=False)
    SweepStats(total=2, skipped=0, computed=2)
    >>> run_sweep([{"x": 1}, {"x": 2}, {"x": 3}], dict, s, progress=False)
    SweepStats(total=3, skipped=2, computed=1)
    """
    unique = {}
    for c in configs:
        unique.setdefault(config_key(c), c)
    done_keys = store.keys()
    todo = [(k, c) for k, c in unique.items() if k not in done_keys]
    skipped = len(unique) - len(todo)
    if max_new_runs is not None:
        todo = todo[:max_new_runs]
    bar = ProgressBar(len(unique), skipped, label or experiment or "sweep", enabled=progress)
    computed = 0

    def record(key, config, result, seconds):
        nonlocal computed
        store.put(key, experiment, config, result, seconds)
        computed += 1
        bar.update()

    try:
        if scheduler is not None:
            _run_dask(todo, fn, scheduler, record)
        elif workers <= 1:
            for key, config in todo:
                result, seconds = _timed(fn, config)
                record(key, config, result, seconds)
        else:
            _run_pool(todo, fn, workers, record)
    finally:
        bar.close()
    return SweepStats(total=len(unique), skipped=skipped, computed=computed)


def _run_pool(todo, fn, workers, record) -> None:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    if not todo:
        return
    ctx = mp.get_context("spawn")  # fork after torch's thread pools are up can deadlock
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init)
    try:
        futures = {pool.submit(_timed, fn, config): (key, config) for key, config in todo}
        for fut in as_completed(futures):
            key, config = futures[fut]
            result, seconds = fut.result()
            record(key, config, result, seconds)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _run_dask(todo, fn, scheduler, record) -> None:
    from distributed import Client, as_completed

    if not todo:
        return
    own = not isinstance(scheduler, Client)
    client = Client(scheduler) if own else scheduler
    try:
        futures = [client.submit(_timed, fn, config, key=f"run-{key}", pure=False) for key, config in todo]
        index = {f.key: (key, config) for f, (key, config) in zip(futures, todo)}
        try:
            for fut in as_completed(futures):
                key, config = index[fut.key]
                result, seconds = fut.result()
                record(key, config, result, seconds)
        except BaseException:
            client.cancel(futures)
            raise
    finally:
        if own:
            client.close()
