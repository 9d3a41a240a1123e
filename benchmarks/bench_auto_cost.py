"""Benchmark the cost model of ``numerics.certify --method auto``: modelled against measured seconds.

Run: python -m benchmarks.bench_auto_cost [--quick]   (from the repository root)

For each case the dense and the exact Schur methods are timed in one run, side by side with the model
(numerics.certificates._cost_dense / _cost_schur) that auto uses to stay within BUDGET_SECONDS; the ratio
measured / modelled is printed, with the structured method's time and auto's choice beside it (the dense
method is skipped where its model exceeds --cap seconds).  Cases: random float64 networks read exactly
(dyadic rationals), and networks and data with 19-digit prime denominators (the scaled exact Hessian has
~10^4-bit entries).
Thread settings and the load average are printed: the machine is shared, so times are noisy.
"""

import argparse
import os
import random
import sys
import time
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_certify import random_case  # noqa: E402

from numerics.certificates import _auto_choice, _cost_dense, _cost_schur, _input_bits, certify_stability  # noqa: E402
from numerics.network import Dataset, ReluNetwork  # noqa: E402


def prime_case(n, d, K, seed):
    """Every entry p'/p with its own 19-digit prime p (no two share a denominator)."""
    from sympy import nextprime

    rng = random.Random(seed)
    p = [10 ** 19]

    def q():
        p[0] = nextprime(p[0])
        return Fraction(rng.randint(-p[0], p[0]), p[0])

    net = ReluNetwork.exact([[q() for _ in range(d)] for _ in range(K)], [q() for _ in range(K)],
                            [q() for _ in range(K)], q())
    return net, Dataset.exact([[q() for _ in range(d)] for _ in range(n)], [q() for _ in range(n)])


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small cases only")
    ap.add_argument("--cap", type=float, default=60.0,
                    help="skip the dense method where its model exceeds CAP s (the schur cases run in under a "
                         "minute each)")
    args = ap.parse_args(argv)
    print(f"threads: OMP={os.environ.get('OMP_NUM_THREADS')} OPENBLAS={os.environ.get('OPENBLAS_NUM_THREADS')}; "
          f"load average {os.getloadavg()[0]:.2f} (shared machine: times are noisy)")
    cases = [("float", 20, 2, 10), ("float", 20, 2, 20), ("float", 20, 3, 24), ("primes", 6, 2, 4)]
    if not args.quick:
        cases += [("float", 30, 2, 40), ("float", 40, 2, 10), ("float", 60, 2, 10), ("primes", 12, 2, 9),
                  # the exact schur method at sizes where the dense one is out of reach: n, K, d varied one at a time
                  ("float", 40, 3, 40), ("float", 20, 3, 40), ("float", 80, 3, 40), ("float", 120, 3, 40),
                  ("float", 40, 3, 20), ("float", 40, 3, 80), ("float", 40, 3, 160), ("float", 40, 1, 40),
                  ("float", 40, 7, 40), ("float", 60, 3, 60), ("float", 100, 5, 100),
                  ("primes", 8, 2, 8), ("primes", 16, 2, 8), ("primes", 8, 2, 16)]
    print(f"{'case':>7} {'n':>3} {'d':>2} {'K':>3} {'P':>5} {'bits':>6} | {'dense s':>8} {'model':>7} {'ratio':>5} | "
          f"{'schur s':>8} {'model':>7} {'ratio':>5} | {'structured s':>12} | auto")
    for kind, n, d, K in cases:
        net, data = (random_case(n, d, K, 0) if kind == "float" else prime_case(n, d, K, 0))
        ne, nd = net.as_exact(), data.as_exact()
        bits = _input_bits(ne, nd)
        row = f"{kind:>7} {n:>3} {d:>2} {K:>3} {ne.num_params:>5} {bits:>6} |"
        for method, model in (("dense", _cost_dense(ne.num_params, bits)), ("schur", _cost_schur(n, K, d, bits))):
            if method == "dense" and model > args.cap:
                row += f" {'skipped':>8} {model:7.2g} {'':>5} |"
                continue
            t = time.perf_counter()
            certify_stability(ne, nd, "1/100", method=method)
            dt = time.perf_counter() - t
            row += f" {dt:8.2f} {model:7.2g} {dt / model:5.2f} |"
        t = time.perf_counter()
        st = certify_stability(ne, nd, "1/100", method="structured")
        row += f" {time.perf_counter() - t:12.2f} | {_auto_choice(ne, nd, Fraction(200))[0]}"
        print(row + ("" if st.certified else " (structured undecided)"), flush=True)


if __name__ == "__main__":
    main()
