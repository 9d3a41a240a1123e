"""Reproduction of the paper's experiments (proofs_notes/theory.md §9).

Public surface (torch is imported lazily, on first use of a trainer name):
    init_params, train_step, loss_and_gradient, Params        trainer.py  (torch float64, analytic gradient)
    neuron_stats, core_metrics                             tracking.py (what is tracked, with definitions)
    make_task                                              data.py
    run_one                                                run.py      (one config -> result dict)
    grid, EXPERIMENTS                                      configs.py  (experiment definitions)
    RunStore, run_sweep, config_key                        sweep.py    (resumable SQLite-backed sweeps)
    bootstrap_slope, theory_exponents                      rates.py
    summarize                                              summary.py  (tables and figures)
CLI: ``python -m numerics.reproduce NAME``.
"""

from importlib import import_module

__all__ = ["init_params", "train_step", "loss_and_gradient", "Params", "neuron_stats", "core_metrics", "make_task",
           "run_one", "grid", "EXPERIMENTS", "RunStore", "run_sweep", "config_key", "bootstrap_slope",
           "theory_exponents", "summarize"]

_WHERE = {"init_params": "trainer", "train_step": "trainer", "loss_and_gradient": "trainer", "Params": "trainer",
          "neuron_stats": "tracking", "core_metrics": "tracking", "make_task": "data", "run_one": "run",
          "grid": "configs", "EXPERIMENTS": "configs", "RunStore": "sweep", "run_sweep": "sweep",
          "config_key": "sweep", "bootstrap_slope": "rates", "theory_exponents": "rates", "summarize": "summary"}


def __getattr__(name):
    if name in _WHERE:
        return getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
