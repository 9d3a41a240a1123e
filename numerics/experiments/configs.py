"""Experiment definitions (proofs_notes/theory.md §9): the grid of run configs of each named experiment.

Each experiment has a full grid (for users; the epoch counts are this toolkit's documented choices, see
EPOCHS) and a quick grid (reduced sizes and epochs, for CI; the whole ``--quick`` command runs in under
two minutes on two cores).  Configs are plain dicts (see ``run.RUN_DEFAULTS``); their hash is the run key.

The paper gives an epoch count only for the dimension sweep (20,000).  Defaults chosen here to fit a
laptop-class CPU (full grids): rates / variants 10,000 epochs, shattering 20,000, dimension 20,000,
learning-rate sweep eta * epochs = 10,000.  ``--epochs`` overrides (the committed results say which).
"""

from __future__ import annotations

from numerics.loss import convention

__all__ = ["EXPERIMENTS", "RATE_CONFIGS", "grid", "EPOCHS"]

# The two training configurations of the rates / shattering experiments.
RATE_CONFIGS = {
    "a": {"eta": 0.2, "weight_decay": 0.0},    # (a) large step, no weight decay: stable-minima regime
    "b": {"eta": 0.01, "weight_decay": 0.1},   # (b) small step + weight decay: low-norm regime
}
SHATTER_CONFIGS = {
    "a": {"eta": 0.9, "weight_decay": 0.0},
    "b": {"eta": 0.01, "weight_decay": 0.1},
}

EPOCHS = {"flat": 10_000, "rates": 10_000, "shattering": 20_000, "dimension": 20_000, "gelu": 10_000,
          "underparam": 10_000, "lownoise": 10_000, "holder": 10_000}
LR_BUDGET = 10_000  # eta * epochs for the learning-rate sweep
_QUICK_EPOCHS = 300


def _tracked(epochs: int, points: int = 25) -> int:
    return max(1, epochs // points)


def _rates_like(name, quick, epochs, ds, configs, seeds, ns, width_factor=4, **extra):
    out = []
    for d in ds:
        for group, opt in configs.items():
            for n in ns:
                for seed in seeds:
                    out.append({"experiment": name, "group": group, "d": d, "n": n, "width": width_factor * n,
                                "seed": seed, "sigma": 1.0, "epochs": epochs, "track_every": _tracked(epochs),
                                **opt, **extra})
    return out


def _rates(quick, epochs):
    if quick:
        return _rates_like("rates", quick, epochs, [1, 2], RATE_CONFIGS, range(3), [16, 32, 64])
    return _rates_like("rates", quick, epochs, [1, 2, 3, 4, 5], RATE_CONFIGS, range(5), [32, 64, 128, 256, 512])


def _shattering(quick, epochs):
    d, n, K, every = (10, 128, 256, 20) if quick else (10, 512, 2048, 100)
    return [{"experiment": "shattering", "group": g, "d": d, "n": n, "width": K, "seed": 0, "sigma": 1.0,
             "epochs": epochs, "track_every": _tracked(epochs, 100), "sharpness_every": every,
             "vg_every": 10 * every,
             "store_neurons": True, "final_core_metrics": True, **opt}
            for g, opt in SHATTER_CONFIGS.items()]


def _dimension(quick, epochs):
    ds, n, K, seeds = ([1, 4, 16], 64, 128, [0]) if quick else ([1, 2, 3, 5, 8, 12, 16, 24, 32], 512, 1024, [0, 1, 2])
    return [{"experiment": "dimension", "group": "eta=0.5", "d": d, "n": n, "width": K, "seed": s,
             "sigma": 1.0, "eta": 0.5, "epochs": epochs, "track_every": _tracked(epochs)}
            for d in ds for s in seeds]


def _lr(quick, epochs):
    # eta * epochs is held fixed, so ``epochs`` here is ignored in favour of the budget.
    etas, n, K, budget, seeds = (([0.25, 0.5, 1.0], 64, 128, 100, [0]) if quick
                                 else ([0.05, 0.1, 0.2, 0.4, 0.8, 1.6], 256, 1024, LR_BUDGET, [0, 1, 2]))
    return [{"experiment": "lr", "group": "d=5", "d": 5, "n": n, "width": K, "seed": s, "sigma": 1.0,
             "eta": eta, "epochs": int(round(budget / eta)), "track_every": _tracked(int(round(budget / eta))),
             "final_core_metrics": not quick}
            for eta in etas for s in seeds]


def _variant(name):
    def build(quick, epochs):
        ds, ns, seeds = ([1, 3], [16, 32, 64], range(2)) if quick else ([1, 3, 5], [32, 64, 128, 256, 512], range(3))
        if name == "gelu":
            return _rates_like(name, quick, epochs, ds, {"a": RATE_CONFIGS["a"]}, seeds, ns, activation="gelu")
        if name == "holder":
            return _rates_like(name, quick, epochs, ds, {"a": RATE_CONFIGS["a"]}, seeds, ns, target="holder")
        if name == "lownoise":
            return [dict(c, sigma=0.5) for c in _rates_like(
                name, quick, epochs, ds, {"wd=0.01": {"eta": 0.2, "weight_decay": 0.01}}, seeds, ns, width_factor=2)]
        # under-parameterised: n = 1024 fixed, width 16..64, d up to 64
        n, widths, dd, sd = (128, [4, 8], [1, 8], range(2)) if quick else (1024, [16, 32, 64], [1, 4, 16, 64], range(3))
        return [{"experiment": name, "group": f"d={d}", "d": d, "n": n, "width": K, "seed": s, "sigma": 1.0,
                 "eta": 0.2, "epochs": epochs, "track_every": _tracked(epochs)}
                for d in dd for K in widths for s in sd]
    return build


def _flat(quick, epochs):
    from .flat_runs import flat_grid

    return flat_grid(quick, epochs)


EXPERIMENTS = {
    "flat": _flat,
    "rates": _rates, "shattering": _shattering, "dimension": _dimension, "lr": _lr,
    "gelu": _variant("gelu"), "underparam": _variant("underparam"), "lownoise": _variant("lownoise"),
    "holder": _variant("holder"),
}


def grid(name: str, quick: bool = False, epochs: int | None = None, loss: str = "half-mse") -> list:
    """Return the list of run configs of experiment ``name`` (full or quick grid).

    ``epochs`` overrides the default epoch count (not for 'lr', whose eta * epochs is fixed).
    ``loss`` ("half-mse" or "mse", numerics.loss) is the loss convention: the same eta / weight decay /
    clip numbers are then read as torch's.  Half-mse configs carry no ``loss`` field, so their run keys
    are those of the runs stored before conventions existed; mse configs carry ``"loss": "mse"``.

    >>> len(grid("rates")), len(grid("rates", quick=True))
    (250, 36)
    >>> sorted({c["epochs"] for c in grid("lr", quick=True)})
    [100, 200, 400]
    """
    if name not in EXPERIMENTS:
        raise ValueError(f"unknown experiment {name!r}; choose from {', '.join(EXPERIMENTS)}")
    if epochs is not None and epochs < 1:
        raise ValueError("epochs must be >= 1")

    conv = convention(loss).name
    e = epochs if epochs is not None else (_QUICK_EPOCHS if quick else EPOCHS.get(name, 10_000))
    configs = EXPERIMENTS[name](quick, e)
    return configs if conv == "half-mse" else [dict(c, loss=conv) for c in configs]
