"""One training run from a config dict: data, Kaiming init, full-batch GD, tracking, final metrics."""

from __future__ import annotations

import math
import time

import numpy as np
import torch

from numerics.loss import convention

from .data import make_task
from .tracking import SharpnessTracker, core_metrics, encode_params, mse_vs_target, neuron_stats
from .trainer import Workspace, predict, train_step, init_params

__all__ = ["RUN_DEFAULTS", "run_one"]

# Fields every run config has; experiment definitions override some (configs.py).
RUN_DEFAULTS = {
    "d": 1, "n": 32, "width": 128, "eta": 0.2, "weight_decay": 0.0, "epochs": 1000, "seed": 0,
    "sigma": 1.0, "activation": "relu", "target": "linear", "n_test": 2000, "clip": 50.0,
    "loss": "half-mse",       # loss convention (numerics.loss): "half-mse" (theory) or "mse" (torch);
                              # eta, weight_decay, clip and every lambda_max are read in it.  A config
                              # without this field is half-mse (so stored runs keep their keys).
    "track_every": 100,       # cheap metrics (loss, MSEs, active neurons) every this many steps
    "sharpness_every": 0,     # lambda_max estimate every this many steps during training (0: never)
    "sharpness_method": "lanczos",  # 'lanczos' (cold, every time) or 'warm' (tracking.SharpnessTracker)
    "vg_every": 0,            # |f|_{V_g} and Thm 3.2 margin every this many steps (a multiple of
                              # sharpness_every; 0: never during training).  V_g costs seconds at K=2048.
    "final_core_metrics": False,  # lambda_max / V_g / margin of the final network inside the run
    "store_neurons": False,   # per-neuron active fraction and weight norm at init and at the end
    "store_params": True,     # final parameters (lossless) for metrics computed after the sweep
}


def run_one(config: dict) -> dict:
    """Return the result dict of one run (JSON-able): final metrics, history, optional neuron stats.

    The GD step is ``trainer.train_step`` (analytic gradient, clipping, weight decay).  A run that
    produces a non-finite loss stops and is marked ``diverged``.

    >>> r = run_one({"d": 1, "n": 8, "width": 4, "epochs": 20, "track_every": 10, "store_params": False})
    >>> sorted(r["history"]), r["diverged"]
    (['active_neurons', 'grad_norm', 'loss', 'step', 'test_mse', 'train_mse'], False)
    """
    cfg = {**RUN_DEFAULTS, **config}
    unknown = set(config) - set(RUN_DEFAULTS) - {"experiment", "group"}
    if unknown:
        raise ValueError(f"unknown config fields {sorted(unknown)}")
    d, n, K = int(cfg["d"]), int(cfg["n"]), int(cfg["width"])
    task = make_task(d, n, float(cfg["sigma"]), int(cfg["seed"]), cfg["target"], int(cfg["n_test"]))
    from numerics.device import resolve_device

    dev = resolve_device(None)  # $NSC_DEVICE (set by reproduce --device) or the CPU
    X, y = torch.from_numpy(task.X).to(dev), torch.from_numpy(task.y).to(dev)
    f0 = torch.from_numpy(task.f0_train).to(dev)
    Xt, f0t = torch.from_numpy(task.X_test).to(dev), torch.from_numpy(task.f0_test).to(dev)
    p = init_params(d, K, int(cfg["seed"]), device=dev)
    act, eta, wd = cfg["activation"], float(cfg["eta"]), float(cfg["weight_decay"])

    conv = convention(cfg["loss"])
    clip = None if cfg["clip"] is None else float(cfg["clip"])
    work = Workspace(n, K, d, device=dev)
    relu = act == "relu"

    hist = {k: [] for k in ("step", "loss", "train_mse", "test_mse", "active_neurons", "grad_norm")}
    sharp = {"step": [], "lambda_max_estimate": [], "vg_norm": [], "thm32_margin": []}
    result = {"diverged": False, "two_over_eta": 2.0 / eta, "loss_convention": conv.name}
    if cfg["store_neurons"]:
        frac0, norm0 = neuron_stats(p, X)
        result["neurons_init"] = {"active_fraction": frac0.tolist(), "weight_norm": norm0.tolist()}

    def track(step, loss, gnorm):
        frac, _ = neuron_stats(p, X)
        hist["step"].append(step)
        hist["loss"].append(loss)
        hist["train_mse"].append(mse_vs_target(p, X, f0, act))
        hist["test_mse"].append(mse_vs_target(p, Xt, f0t, act))
        hist["active_neurons"].append(float((frac > 0).mean()))
        hist["grad_norm"].append(gnorm)

    def track_sharpness(step):
        W, b, v, beta = p.numpy()
        with_vg = bool(v_every) and step % v_every == 0
        m = core_metrics(W, b, v, beta, task.X, task.y, eta, vg=with_vg, tracker=tracker, loss=conv.name)
        sharp["step"].append(step)
        for k in ("lambda_max_estimate", "vg_norm", "thm32_margin"):
            sharp[k].append(m.get(k, math.nan))

    tracker = SharpnessTracker(cfg["sharpness_method"])
    t0 = time.perf_counter()
    epochs, every, s_every = int(cfg["epochs"]), int(cfg["track_every"]), int(cfg["sharpness_every"])
    v_every = int(cfg["vg_every"])
    if v_every and (not s_every or v_every % s_every):
        raise ValueError("vg_every must be a multiple of sharpness_every")
    loss = gnorm = math.nan
    for step in range(epochs + 1):
        if relu and s_every and (step % s_every == 0 or step == epochs):
            track_sharpness(step)
        if step == epochs:
            break
        loss, gnorm = train_step(p, X, y, eta, wd, clip, act, work, conv.name)
        if not math.isfinite(loss) or not all(bool(torch.isfinite(t).all()) for t in p.tensors()):
            result["diverged"] = True
            break
        if step % every == 0:
            track(step, loss, gnorm)
    result["train_seconds"] = time.perf_counter() - t0

    final_loss = 0.5 * conv.hessian_scale * float(((predict(p, X, act) - y) ** 2).mean())
    track(step, final_loss, gnorm)
    frac, norm = neuron_stats(p, X)
    result.update({
        "steps_done": step,
        "final_loss": final_loss,
        "train_mse": hist["train_mse"][-1],
        "test_mse": hist["test_mse"][-1],
        "active_neurons": hist["active_neurons"][-1],
        "history": hist,
    })
    if relu and s_every:
        sharp["method"] = tracker.methods
        result["sharpness"] = sharp
    if cfg["store_neurons"]:
        result["neurons_final"] = {"active_fraction": frac.tolist(), "weight_norm": norm.tolist()}
    if cfg["store_params"]:
        result["params"] = encode_params(p)
    if relu and cfg["final_core_metrics"]:
        W, b, v, beta = p.numpy()
        result["core"] = core_metrics(W, b, v, beta, task.X, task.y, eta, loss=conv.name)
    return _jsonable(result)


def _jsonable(obj):
    """Return obj with numpy scalars turned into floats and NaN/inf into None (strict JSON)."""
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (float, np.floating)):
        x = float(obj)
        return x if math.isfinite(x) else None
    if isinstance(obj, np.integer):
        return int(obj)
    return obj
