"""Benchmark the experiments' trainer, printing ratios measured side by side in one run.

1. GD steps per second at the shattering experiment's size (d=10, n=512, width 2048, float64):
   numerics.experiments.trainer.train_step (analytic gradient, two matrix products, reused buffers)
   against a plain nn.Sequential + autograd + clip_grad_norm_ + torch.optim.SGD loop.  Goal >= 1.5x.
2. Sharpness-tracking overhead at one lambda_max estimate (numerics.estimate, Lanczos on the analytic
   HVP; an ESTIMATE) per 100 steps: (time of 100 steps + 1 estimate) / (time of 100 steps) - 1.  Goal <= 25%.
   Estimators side by side: cold Lanczos as the run default tracks it (SharpnessTracker('lanczos'):
   random start, tol 1e-10, basis of 8), the same with scipy's default basis (20), SharpnessTracker('warm')
   (power iteration from the previous top eigenvector) and SharpnessTracker('warm-lanczos') (eigsh from
   the previous top eigenvector, ncv=4, tol 1e-4).  All are Rayleigh quotients: lower bounds.

Usage: python benchmarks/bench_trainer.py [--threads T] [--steps S] [--repeats R] [--small]
(threads: by default the tool's choice, numerics.threads; the settings and load average are printed)
(--small: d=5, n=128, width 512, for a quick look).  Timings on a shared machine are noisy: the two
sides of each ratio are interleaved (A B A B ...) and the median of the repeats is reported.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch

from numerics.experiments.data import make_task
from numerics.experiments.trainer import Workspace, train_step, init_params


def _autograd_loop(d, K, X, y, eta):
    net = torch.nn.Sequential(torch.nn.Linear(d, K), torch.nn.ReLU(), torch.nn.Linear(K, 1)).double()
    opt = torch.optim.SGD(net.parameters(), lr=eta)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = 0.5 * ((net(X).squeeze(1) - y) ** 2).mean()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 50.0)
        opt.step()

    return step


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=None,
                    help="BLAS/torch threads (default: the tool's default, numerics.threads: $NSC_THREADS, "
                         "else the idle cores; sweep workers use 1)")
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--small", action="store_true")
    args = ap.parse_args(argv)
    from numerics.threads import apply_threads, describe

    args.threads = apply_threads(args.threads)  # BLAS pools via threadpoolctl and torch.set_num_threads
    d, n, K = (5, 128, 512) if args.small else (10, 512, 2048)
    eta = 0.9
    task = make_task(d, n, 1.0, seed=0)
    X, y = torch.from_numpy(task.X), torch.from_numpy(task.y)
    p = init_params(d, K, 0)
    work = Workspace(n, K, d)
    ours = lambda: train_step(p, X, y, eta, 0.0, 50.0, "relu", work)  # noqa: E731
    theirs = _autograd_loop(d, K, X, y, eta)
    for _ in range(3):  # warm-up: the first optimizer step pays seconds of one-off imports
        ours()
        theirs()
    t_ours, t_theirs = [], []
    for _ in range(args.repeats):
        for fn, acc in ((ours, t_ours), (theirs, t_theirs)):
            s = time.perf_counter()
            for _ in range(args.steps):
                fn()
            acc.append(time.perf_counter() - s)
    a, b = statistics.median(t_ours), statistics.median(t_theirs)
    print(f"# size d={d} n={n} width={K} (P={K * (d + 2) + 1}), float64; {describe()}")
    print(f"trainer (analytic gradient)  : {args.steps / a:8.1f} steps/s")
    print(f"nn.Module + autograd + SGD   : {args.steps / b:8.1f} steps/s")
    print(f"speed-up ratio               : {b / a:8.2f}x   (goal >= 1.5x)")

    from numerics.lambda_estimate import lambda_max_estimate_detail
    from numerics.experiments.tracking import SharpnessTracker
    from numerics.network import Dataset, ReluNetwork

    data = Dataset.from_float(task.X, task.y)
    warm = SharpnessTracker("warm", cold_every=10**9)  # cold once (below), then warm starts only
    wlz = SharpnessTracker("warm-lanczos", cold_every=10**9)
    cold_tr = SharpnessTracker("lanczos")  # the RUN_DEFAULTS mode: a cold Lanczos every call
    warm.estimate(ReluNetwork.from_float(*p.numpy()), data)
    wlz.estimate(ReluNetwork.from_float(*p.numpy()), data)
    t_steps, t_cold, t_warm, t_wlz, hvps, t_tr = [], [], [], [], [], []
    for _ in range(max(2, args.repeats // 2)):
        s = time.perf_counter()
        for _ in range(100):
            ours()
        t_steps.append(time.perf_counter() - s)
        net = ReluNetwork.from_float(*p.numpy())
        s = time.perf_counter()
        e = lambda_max_estimate_detail(net, data)
        t_cold.append(time.perf_counter() - s)
        hvps.append(e.matvecs)
        s = time.perf_counter()
        c_tr = cold_tr.estimate(net, data)
        t_tr.append(time.perf_counter() - s)
        s = time.perf_counter()
        w = warm.estimate(net, data)
        t_warm.append(time.perf_counter() - s)
        s = time.perf_counter()
        wl = wlz.estimate(net, data)
        t_wlz.append(time.perf_counter() - s)
    s100, cold, hot = statistics.median(t_steps), statistics.median(t_cold), statistics.median(t_warm)
    hot_l, cold_t = statistics.median(t_wlz), statistics.median(t_tr)
    print(f"100 GD steps                 : {s100:8.3f} s")
    print(f"lambda_max estimate, Lanczos : {cold_t:8.3f} s  ({int(np.median(cold_tr.hvps))} HVPs, random start, "
          f"basis {cold_tr.cold_ncv}: sharpness_method='lanczos', the run default; ESTIMATE {c_tr:.6g})")
    print(f"  same, scipy's default basis: {cold:8.3f} s  ({int(np.median(hvps))} HVPs; ESTIMATE {e.value:.6g}, "
          f"relative difference {abs(e.value - c_tr) / abs(e.value):.1e})")
    print(f"lambda_max estimate, warm    : {hot:8.3f} s  (power iteration from the previous top eigenvector; "
          f"ESTIMATE {w:.6g}; {int(np.median(warm.hvps[1:]))} HVPs)")
    print(f"lambda_max estimate, warm-L  : {hot_l:8.3f} s  (Lanczos from the previous top eigenvector, ncv={wlz.ncv}; "
          f"ESTIMATE {wl:.6g}; {int(np.median(wlz.hvps[1:]))} HVPs; warm calls used: {sorted(set(wlz.methods[1:]))})")
    print(f"tracking overhead at 1/100   : {100 * cold_t / s100:8.1f} % (Lanczos, run default; "
          f"{100 * cold / s100:.1f} % with basis 20)   {100 * hot / s100:6.1f} % "
          f"(warm, sharpness_method='warm')   {100 * hot_l / s100:6.1f} % (sharpness_method='warm-lanczos')"
          f"   (goal <= 25%)")
    print(f"# settings at the end: {describe()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
