"""Reproduce the paper's experiments: ``python -m numerics.reproduce NAME [--quick] [--out DIR] ...``.

NAME is one of rates, shattering, dimension, lr, gelu, underparam, lownoise, holder, ``variants``
(those four), or flat (train, polish and certify the end point a member of Theta_flat(eta): numerics.flat;
it also writes up to three certified points per d under OUT/flat/certified/).  Runs are stored in ``OUT/runs.sqlite`` keyed by a hash of their config as they finish;
re-running skips finished runs (an interrupted sweep resumes), then writes the summary (CSV, Markdown,
JSON) and figures (PNG and PDF) under ``OUT/NAME/``.  Progress goes to stderr.

Examples:
    python -m numerics.reproduce rates --quick --out /tmp/repro
    python -m numerics.reproduce shattering --workers 2 --out results
    python -m numerics.reproduce rates --scheduler tcp://10.0.0.5:8786 --out results
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from pathlib import Path

from bounds._cli import add_common, guarded

__all__ = ["main", "NAMES"]

VARIANTS = ["gelu", "underparam", "lownoise", "holder"]
NAMES = ["rates", "shattering", "dimension", "lr", *VARIANTS, "variants", "flat"]


class _OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit 2 (no usage block)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    p = _OneLineParser(prog="python -m numerics.reproduce", description=__doc__.split("\n")[0])
    p.add_argument("name", choices=NAMES, help="experiment to run")
    p.add_argument("--quick", action="store_true", help="reduced grid for CI (under two minutes)")
    p.add_argument("--out", default="reproduce_out", help="output folder (holds runs.sqlite and NAME/; default: %(default)s)")
    p.add_argument("--store", default=None, help="SQLite run store (default: OUT/runs.sqlite)")
    p.add_argument("--workers", type=int, default=None,
                   help="local worker processes (default: 1 for --quick, else 2); 1 runs in-process")
    p.add_argument("--scheduler", default=None, help="dask.distributed scheduler address (e.g. tcp://host:8786)")
    p.add_argument("--epochs", type=int, default=None, help="override the grid's epoch count (not for lr)")
    p.add_argument("--core", choices=["all", "lambda", "none"], default="all",
                   help="estimates of each final network in the summary: lambda_max, |f|_Vg and Thm 3.2 "
                        "margin (all), lambda_max only, or none (default: all)")
    p.add_argument("--loss", choices=["half-mse", "mse"], default="half-mse",
                   help="loss convention (default half-mse, the theory's L = (1/2n) sum r^2; mse is torch's "
                        "nn.MSELoss, eta = torch's lr); mse results go to OUT/NAME-mse/")
    p.add_argument("--certified", action="store_true",
                   help="also certify each final network's lambda_max (structured certificate, cached in the "
                        "store): enclosure and flat / not flat / undecided at the run's eta beside each estimate")
    p.add_argument("--only-n", default=None, metavar="N1,N2,..",
                   help="run and summarise only the grid's configs with these n (a reduced grid)")
    p.add_argument("--only-d", default=None, metavar="D1,D2,..",
                   help="run and summarise only the grid's configs with these d")
    p.add_argument("--seeds", default=None, metavar="S1,S2,..",
                   help="run every config of the grid with each of these seeds instead of the grid's own "
                        "(e.g. 0,1,2 for shattering, whose grid has seed 0 only); seed-0 runs keep their keys")
    p.add_argument("--no-run", action="store_true", help="summarise the runs already stored; run nothing")
    p.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    from numerics._cli import add_threads_argument

    add_threads_argument(p)
    p.add_argument("--device", default=None,
                   help="torch device for the training runs (default $NSC_DEVICE, else cpu; cuda is untested)")
    add_common(p, {0: "runs finished and summaries written"})
    return p


def _recorded_command(argv) -> str:
    """The command written into summaries, with paths outside the working folder (a machine's scratch
    store, a home folder) replaced by a placeholder: summaries are shipped and must not show them."""
    words, prev = [], None
    for word in argv:
        flag, eq, value = word.partition("=")
        if eq and flag in ("--store", "--out"):
            word = f"{flag}={_public_path(value, flag)}"
        elif prev in ("--store", "--out"):
            word = _public_path(word, prev)
        words.append(word)
        prev = word
    return "python -m numerics.reproduce " + " ".join(words)


def _public_path(value: str, flag: str) -> str:
    path = Path(value)
    if not path.is_absolute():
        return value
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return "STORE" if flag == "--store" else "OUT"


def _store_problem(path: Path, explicit: bool, must_exist: bool) -> str | None:
    """Why ``path`` cannot serve as the run store, or None.  An explicit --store never creates folders."""
    if path.is_dir():
        return (f"--store {path} is a directory; give a file name such as {path / 'runs.sqlite'}" if explicit
                else f"{path} is a directory, not a run store")
    if must_exist and not path.is_file():
        return f"--no-run: no run store at {path}; nothing to summarise, nothing written"
    if explicit and not path.parent.is_dir():
        return f"--store {path}: folder {path.parent} does not exist"
    return None


def _configs(name: str, args) -> list:
    """The run configs of experiment ``name`` selected by the command line (loss, --only-n/-d, --seeds)."""
    from numerics.experiments.configs import grid

    configs = grid(name, quick=args.quick, epochs=args.epochs, loss=args.loss)
    for field, only in (("n", args.only_n), ("d", args.only_d)):
        if only:
            keep = {int(x) for x in only.split(",")}
            configs = [c for c in configs if c[field] in keep]
    return _with_seeds(configs, args.seeds) if args.seeds else configs


def _with_seeds(configs: list, seeds: str) -> list:
    """Return the grid with every config run under each seed of ``seeds`` ("0,1,2"), in grid order.

    Configs differing only in their seed collapse to one per seed; a config whose seed is in the list is
    returned unchanged (same run key).  Raises ValueError on a malformed or negative seed.

    >>> [c["seed"] for c in _with_seeds([{"d": 1, "seed": 0}, {"d": 1, "seed": 1}], "0,2")]
    [0, 2]
    """
    try:
        wanted = [int(x) for x in seeds.split(",")]
    except ValueError:
        raise ValueError(f"--seeds must be comma-separated integers, got {seeds!r}") from None
    if any(s < 0 for s in wanted):
        raise ValueError("--seeds must be >= 0")
    out, seen = [], set()
    for c in configs:
        for s in dict.fromkeys(wanted):
            new = dict(c, seed=s)
            key = json.dumps(new, sort_keys=True, default=str)
            if key not in seen:
                seen.add(key)
                out.append(new)
    return out


@guarded("python -m numerics.reproduce")
def main(argv=None) -> int:
    """Run the experiment(s) named in argv, write their summaries and figures; return the exit code."""
    args = _parser().parse_args(argv)
    from numerics.threads import apply_threads

    try:
        apply_threads(args.threads)
        if args.device is not None:
            from numerics.device import ENV_VAR as DEVICE_VAR
            from numerics.device import resolve_device

            os.environ[DEVICE_VAR] = resolve_device(args.device)  # read by every run, workers included
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.workers is not None and args.workers < 1:
        print("error: --workers must be >= 1", file=sys.stderr)
        return 2
    if args.epochs is not None and args.epochs < 1:
        print("error: --epochs must be >= 1", file=sys.stderr)
        return 2
    if args.epochs is not None and args.name == "lr":
        print("error: --epochs does not apply to lr (each learning rate eta runs a fixed budget of "
              "eta x epochs)", file=sys.stderr)
        return 2
    from numerics.experiments.flat_runs import run_flat, write_certified_points
    from numerics.experiments.run import run_one
    from numerics.experiments.summary import summarize
    from numerics.experiments.sweep import STORE_NAME, RunStore, config_key, run_sweep

    names = VARIANTS if args.name == "variants" else [args.name]
    out = Path(args.out)
    store_path = Path(args.store) if args.store else out / STORE_NAME
    problem = _store_problem(store_path, explicit=args.store is not None, must_exist=args.no_run)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        store = RunStore(store_path)
    except (OSError, sqlite3.DatabaseError) as exc:  # DatabaseError: a non-database file
        print(f"error: cannot use run store {store_path}: {exc}", file=sys.stderr)
        return 2
    if args.no_run:
        stored = store.keys()
        try:
            empty = [nm for nm in names if not any(config_key(c) in stored for c in _configs(nm, args))]
        except ValueError as exc:  # a malformed --seeds / --only-n / --only-d
            store.close()
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if empty:
            store.close()
            print(f"error: --no-run: {store_path} holds no finished run of {', '.join(empty)} "
                  f"({'quick' if args.quick else 'full'} grid{'' if args.epochs is None else f', epochs {args.epochs}'}); "
                  "nothing to summarise, nothing written", file=sys.stderr)
            return 2
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        store.close()
        print(f"error: cannot create output folder {out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    workers = args.workers if args.workers is not None else (1 if args.quick else 2)
    summaries = {}
    try:
        for name in names:
            configs = _configs(name, args)
            folder = name if args.loss == "half-mse" else f"{name}-{args.loss}"
            if not configs:
                raise ValueError("--only-n / --only-d leave no run of the grid")
            if not args.no_run:
                stats = run_sweep(configs, run_flat if name == "flat" else run_one, store, experiment=name, workers=workers,
                                  scheduler=args.scheduler, progress=not args.quiet, label=name)
                print(f"{name}: {stats.computed} runs computed, {stats.skipped} loaded from {store_path}",
                      file=sys.stderr)
            command = _recorded_command(argv if argv is not None else sys.argv[1:])
            summaries[folder] = summarize(name, configs, store, out / folder, command=command, quick=args.quick,
                                       core=args.core, progress=not args.quiet, certified=args.certified)
            if name == "flat":
                from numerics.experiments.summary import collect

                done, _ = collect(configs, store)
                summaries[folder]["certified_points"] = write_certified_points(done, out / folder)
    except KeyboardInterrupt:
        print("\ninterrupted: finished runs are stored; re-run the same command to resume", file=sys.stderr)
        return 130
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    if args.json:
        print(json.dumps(summaries, indent=2, default=str))
    else:
        for name, s in summaries.items():
            print(s.get("text", f"{name}: done"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
