"""Benchmark numerics.flat: the cost of turning one GD end point into a certified flat point.

Run (from the repository root): PYTHONPATH=. python benchmarks/bench_flat.py [--d 10] [--n 512] [--width 2048] [--epochs 2000] [--eta 0.2]

Trains one network of the shattering size (default d = 10, n = 512, K = 2048, P = 24,577) with full-batch
GD (numerics.experiments.run.run_one, half-mse, step eta), then times numerics.flat_points.flat_point on the end
point: polishing (GD with a decreasing step), the structured lambda_max enclosure and verdict on each
checkpoint tried, the exact loss and gradient (python-flint), and |f|_{V_g} (float64 estimate at this size).
Printed side by side, in one run: the seconds of each part, their ratio to the seconds of one training
epoch, and the ratio to the whole training.  Thread settings and the load average are printed: the
machine is shared, so the absolute times are noisy; the ratios are the point.
"""

import argparse
import os
import time


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--d", type=int, default=10)
    ap.add_argument("--n", type=int, default=512)
    ap.add_argument("--width", type=int, default=2048)
    ap.add_argument("--epochs", type=int, default=2000)
    ap.add_argument("--eta", default="0.2")
    ap.add_argument("--steps", type=int, default=5000, help="maximal polishing steps")
    args = ap.parse_args(argv)
    import torch

    from numerics.experiments.run import run_one
    from numerics.experiments.summary import _final_network
    from numerics.flat_points import flat_point, flat_report
    from numerics.network import Dataset, ReluNetwork

    print(f"threads: torch {torch.get_num_threads()}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}; load average {os.getloadavg()}")
    cfg = {"d": args.d, "n": args.n, "width": args.width, "eta": float(args.eta), "epochs": args.epochs,
           "seed": 0, "track_every": max(1, args.epochs // 10)}
    t0 = time.perf_counter()
    res = run_one(cfg)
    train = time.perf_counter() - t0
    per_epoch = res["train_seconds"] / max(1, res["steps_done"])
    c, task, (W, b, v, beta) = _final_network(cfg, res)
    net, data = ReluNetwork.from_float(W, b, v, beta), Dataset.from_float(task.X, task.y)
    print(f"training: d={args.d} n={args.n} K={args.width} P={net.num_params} eta={args.eta} "
          f"{args.epochs} epochs: {train:.1f} s ({per_epoch * 1e3:.2f} ms per epoch)")
    t0 = time.perf_counter()
    r = flat_point(net, data, args.eta, polish_steps=args.steps, f0=task.f0_train, X_test=task.X_test,
                   f0_test=task.f0_test)
    total = time.perf_counter() - t0
    rep = flat_report(r)
    print(f"verdict at eta={args.eta}: certified_flat={rep['certified_flat_at_eta']}; lambda_max in "
          f"[{rep['lambda_max_lower_float']}, {rep['lambda_max_upper_float']}] (certified); eta* = {rep['eta_star_float']}; "
          f"||grad L|| <= {rep['grad_norm_upper_float']:.3g} (certified; {rep['polish']['grad_norm_start']:.3g} at the end point); "
          f"checkpoints certified: {len(r.candidates)}; |f|_Vg {rep['vg_norm']:.4g} ({rep['vg_norm_status']}) "
          f"<= {rep['thm32_upper_float']:.4g} (certified Thm 3.2)")
    print(f"{'part':<24} {'seconds':>9} {'/ epoch':>10} {'/ training':>11}")
    parts = dict(r.seconds)
    parts["total (end point -> certified flat)"] = total
    for k, s in parts.items():
        print(f"{k:<24} {s:9.2f} {s / per_epoch:10.0f} {s / train:11.3f}")


if __name__ == "__main__":
    main()
