"""Benchmark: analytic float64 Hessian-vector product vs torch.func forward-over-reverse HVP.

Paper scale (proofs_notes/theory.md §9, neural shattering): d = 10, n = 512, width K = 2048, P = 24,577.
Both HVPs are timed side by side in one run on the same network, data and vectors; the script checks
they agree, prints both times and the ratio (goal: analytic >= 3x faster), and the time of a lambda_max
ESTIMATE (Lanczos on the analytic HVP, a lower bound, not a certificate).

    python benchmarks/bench_hvp.py [--d 10 --n 512 --K 2048 --reps 20 --json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np


def _best(fn, reps):
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), float(min(times))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--d", type=int, default=10)
    ap.add_argument("--n", type=int, default=512)
    ap.add_argument("--K", type=int, default=2048)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if min(args.d, args.n, args.K, args.reps) < 1:
        print("error: --d, --n, --K, --reps must be positive", file=sys.stderr)
        return 2

    import torch
    from torch.func import grad, jvp

    from numerics.lambda_estimate import lambda_max_estimate_detail
    from numerics.curvature import HessianOperator
    from numerics.hessian import hvp
    from numerics.network import Dataset, ReluNetwork
    from numerics.sampling import linear_labels, sample_ball

    d, n, K = args.d, args.n, args.K
    rng = np.random.default_rng(args.seed)
    X = sample_ball(n, d, args.seed)
    y, _ = linear_labels(X, args.seed, sigma=1.0)
    # Kaiming-uniform-like initialisation, as torch.nn.Linear does
    net = ReluNetwork.from_float(rng.uniform(-1, 1, (K, d)) / np.sqrt(d), rng.uniform(-1, 1, K) / np.sqrt(d),
                                 rng.uniform(-1, 1, K) / np.sqrt(K), 0.0)
    data = Dataset.from_float(X, y)
    P = net.num_params
    vecs = [rng.standard_normal(P) for _ in range(4)]
    print(f"paper-scale HVP benchmark: d={d} n={n} K={K} P={P} (float64, torch threads="
          f"{torch.get_num_threads()})", file=sys.stderr)

    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def L(t):
        v, W, b, beta = t[:K], t[K:K + K * d].reshape(K, d), t[K + K * d:K * (d + 2)], t[-1]
        return ((torch.relu(Xt @ W.T - b) @ v + beta - yt) ** 2).sum() / (2 * n)

    theta_t = torch.from_numpy(net.to_vector())
    gL = grad(L)

    def torch_hvp(u):
        return jvp(gL, (theta_t,), (torch.from_numpy(u),))[1]

    op = HessianOperator(net, data).to_scipy().matvec  # the operator Lanczos uses
    # correctness first: the two agree
    err = max(float(np.max(np.abs(op(u) - torch_hvp(u).numpy())) / np.max(np.abs(op(u)))) for u in vecs)

    i = [0]

    def nxt():
        i[0] += 1
        return vecs[i[0] % len(vecs)]

    for _ in range(3):  # warm-up
        op(nxt()); torch_hvp(nxt())  # noqa: E702
    t_setup, _ = _best(lambda: HessianOperator(net, data).to_scipy(), max(3, args.reps // 4))  # builds the factors
    t_an, t_an_min = _best(lambda: op(nxt()), args.reps)
    t_full, _ = _best(lambda: hvp(net, data, nxt()), max(3, args.reps // 4))
    t_torch, t_torch_min = _best(lambda: torch_hvp(nxt()), args.reps)

    t0 = time.perf_counter()
    est = lambda_max_estimate_detail(net, data, method="lanczos", tol=1e-8)
    t_lam = time.perf_counter() - t0

    res = {
        "d": d, "n": n, "K": K, "P": P,
        "analytic_hvp_seconds": t_an, "analytic_hvp_with_setup_seconds": t_full,
        "analytic_setup_seconds": t_setup, "torch_func_hvp_seconds": t_torch,
        "ratio_torch_over_analytic": t_torch / t_an,
        "ratio_torch_over_analytic_with_setup": t_torch / t_full,
        "max_relative_difference": err,
        "lambda_max_estimate": est.value, "lambda_max_estimate_is_certified": False,
        "lambda_max_estimate_seconds": t_lam, "lambda_max_estimate_hvps": est.matvecs,
        "lambda_max_estimate_converged": est.converged,
    }
    if args.json:
        print(json.dumps(res, indent=2))
        return 0
    print(f"d={d} n={n} K={K} P={P}   (median of {args.reps} runs, same vectors, one process)")
    print(f"  analytic HVP (factors precomputed)   : {t_an * 1e3:8.2f} ms   (setup once: {t_setup * 1e3:.2f} ms)")
    print(f"  analytic HVP incl. setup (hvp())     : {t_full * 1e3:8.2f} ms")
    print(f"  torch.func jvp(grad) HVP             : {t_torch * 1e3:8.2f} ms")
    print(f"  ratio torch / analytic               : {t_torch / t_an:8.2f}x  (incl. setup: {t_torch / t_full:.2f}x)")
    print(f"  max relative difference              : {err:.2e}")
    print(f"  lambda_max ESTIMATE (Lanczos, lower bound, not certified): {est.value:.10g}"
          f" in {t_lam:.2f} s, {est.matvecs} HVPs{'' if est.converged else ' (NOT converged)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
