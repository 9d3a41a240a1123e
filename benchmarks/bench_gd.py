"""Benchmark: full-batch GD steps per second, mpmath at 50 digits vs float64, side by side.

P ~ 300 parameters (d = 10, K = 25: P = K(d+2)+1 = 301) and n = 100 data points, the sizes of
the linear-stability check (numerics.stability).  Both runs use numerics.gd.run_gd (the same update code); only the number kind differs.
Run: python benchmarks/bench_gd.py [--dps 50] [--steps-mp 5] [--steps-float 2000]
"""

import argparse
import time

import numpy as np

from numerics.gd import run_gd
from numerics.network import Dataset, ReluNetwork


def _case(n=100, d=10, K=25, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    X *= (rng.uniform(0, 1, n) ** (1 / d) / np.linalg.norm(X, axis=1))[:, None]
    y = X @ (np.ones(d) / np.sqrt(d)) + 0.1 * rng.standard_normal(n)
    W = rng.standard_normal((K, d)) * np.sqrt(2 / d)
    return ReluNetwork.from_float(W, 0.1 * rng.standard_normal(K), rng.standard_normal(K) / np.sqrt(K), 0.0), \
        Dataset.from_float(X, y)


def _rate(net, data, steps, kind, dps):
    run_gd(net, data, 0.01, 1, kind=kind, dps=dps, record_every=0)  # warm-up
    t0 = time.perf_counter()
    run_gd(net, data, 0.01, steps, kind=kind, dps=dps, record_every=0)
    return steps / (time.perf_counter() - t0)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dps", type=int, default=50)
    p.add_argument("--steps-mp", type=int, default=5)
    p.add_argument("--steps-float", type=int, default=2000)
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    net, data = _case()
    print(f"GD steps/s, P = {net.num_params}, n = {data.n}, d = {data.d}, K = {net.K} "
          f"(best of {a.repeats}, measured alternately in one run)")
    fl, mp = [], []
    for _ in range(a.repeats):
        fl.append(_rate(net, data, a.steps_float, "float", None))
        mp.append(_rate(net, data, a.steps_mp, "mpmath", a.dps))
    f, m = max(fl), max(mp)
    print(f"  float64          : {f:12.1f} steps/s")
    print(f"  mpmath {a.dps:3d} digits: {m:12.3f} steps/s")
    print(f"  ratio float64 / mpmath = {f / m:.0f}x")


if __name__ == "__main__":
    main()
