"""Benchmark numerics.certify: exact dense certificate time against P, structured certificate at paper scale.

Run: python benchmarks/bench_certify.py [--quick]

Exact part: random float64 networks (Kaiming-like) on n uniform-ball points, converted EXACTLY to
rationals (dyadic); dense = exact Hessian + exact charpoly + certified enclosure (skipped above P = 161,
where it takes minutes: P = 241 took 26 s and P = 301 122 s in an earlier run); schur = exact n x n Schur
complement (exact decision, lower bound by an exact Rayleigh quotient); P = K(d+2)+1 up to 301.
Structured part: the paper's shattering experiment size d = 10, n = 512, K = 2048 (P = 24,577): a random
Kaiming-initialised network (no training; documented stand-in for a GD end point) with labels
y = w.x + N(0, 1); eta chosen on both sides of the estimated 2/lambda_max to show a certificate and a
certified refutation.  Times are wall-clock on this (shared, noisy) machine, measured in one run.
"""

import argparse
import sys
import time
from fractions import Fraction

import numpy as np

from numerics.certify import certify_stability
from numerics.network import Dataset, ReluNetwork
from numerics.sampling import sample_ball


def random_case(n, d, K, seed):
    rng = np.random.default_rng(seed)
    X = sample_ball(n, d, seed)
    w = rng.standard_normal(d)
    w /= np.linalg.norm(w)
    y = X @ w + rng.standard_normal(n)
    W = rng.standard_normal((K, d)) * np.sqrt(2.0 / d)
    b = rng.standard_normal(K) * 0.1
    v = rng.standard_normal(K) * np.sqrt(2.0 / K)
    return ReluNetwork.from_float(W, b, v, 0.0), Dataset.from_float(X, y)


def shattering_case(n, d, K, seed, eps=0.35):
    """Shattering-like network: cap atoms eps^-2 relu(u.x - (1 - eps^2)) (theory.md section 3) with random
    unit u, each active on few samples, plus labels y = f(x) + N(0, 0.01) (near an interpolating point)."""
    rng = np.random.default_rng(seed)
    X = sample_ball(n, d, seed)
    U = rng.standard_normal((K, d))
    U /= np.linalg.norm(U, axis=1, keepdims=True)
    net = ReluNetwork.from_float(U, np.full(K, 1 - eps ** 2), rng.choice([-1.0, 1.0], K) / eps ** 2, 0.0)
    from numerics.hessian import forward
    y = forward(net, X) + 0.1 * rng.standard_normal(n)
    return net, Dataset.from_float(X, y)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small sizes only")
    args = ap.parse_args(argv)
    print("exact certificates, d = 3, n = 20: dense charpoly (+ enclosure, multiplicity) vs exact Schur")
    print(f"{'K':>4} {'P':>5} {'dense_s':>8} {'d/s':>6} {'schur_s':>8} {'stable':>7} {'dense enclosure width':>22}")
    Ks = [2, 4, 8, 16] if args.quick else [4, 8, 16, 32, 48, 60]
    for K in Ks:
        net, data = random_case(20, 3, K, K)
        t = time.perf_counter()
        sch = certify_stability(net, data, "0.5", method="schur")
        ts = time.perf_counter() - t
        if net.num_params <= (81 if args.quick else 161):
            t = time.perf_counter()
            cert = certify_stability(net, data, "0.5", method="dense")
            td = time.perf_counter() - t
            assert cert.stable == sch.stable
            width = f"{float(cert.lambda_max_upper - cert.lambda_max_lower):22.3e}"
            dense = f"{td:8.2f} {td / ts:6.1f}"
        else:
            dense, width = f"{'skipped':>8} {'':>6}", "  (not run; an earlier run took 26 s at P=241, 122 s at P=301)"
        print(f"{K:>4} {net.num_params:>5} {dense} {ts:8.2f} {str(sch.stable):>7} {width}", flush=True)
    n, d, K = (64, 5, 256) if args.quick else (512, 10, 2048)
    from numerics.estimate import lambda_max_estimate
    for name, make in (("random Kaiming init, y = w.x + N(0,1)", random_case),
                       ("shattering-like cap atoms, y = f + N(0, 0.01)", shattering_case)):
        net, data = make(n, d, K, 0)
        print(f"\nstructured certificate, {name}: d = {d}, n = {n}, K = {K}, P = {net.num_params}")
        t = time.perf_counter()
        est = lambda_max_estimate(net, data)
        t_est = time.perf_counter() - t
        print(f"  Lanczos ESTIMATE lambda_max ~ {est:.6g} ({t_est:.1f} s)")
        for factor in (1.05, 0.95):
            eta = Fraction(2) / Fraction(est * factor)
            t = time.perf_counter()
            cert = certify_stability(net, data, eta, method="structured")
            dt = time.perf_counter() - t
            print(f"  2/eta = {factor} x estimate: stable={cert.stable} certified={cert.certified} "
                  f"time {dt:.1f} s (incl. Lanczos lower bound) | {cert.detail[:100]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
