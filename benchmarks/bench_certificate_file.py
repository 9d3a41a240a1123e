"""Benchmark certificate files: generation time vs independent check time vs file size, side by side.

Run: python benchmarks/bench_certificate_file.py [--quick] [--keep DIR]

Paper scale (the shattering experiment's size): d = 10, n = 512, K = 2048 (P = 24,577), the random
Kaiming-initialised network with labels y = w.x + N(0, 1) of benchmarks/bench_certify.py (a documented
stand-in for a GD end point), and eta on both sides of the estimated 2/lambda_max: a stability certificate
(float Cholesky factor of the 512 x 512 Schur complement) and a refutation (Rayleigh vector).
generation = numerics.certify (structured method) + numerics.certificate_file (witnesses) + writing JSON;
check = python -m numerics.check_certificate on the written file (reading JSON included), in this process.
Goals: check time <= generation time, file <= 50 MB.  Wall-clock times on a shared machine, one run.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_certify import random_case  # noqa: E402

from numerics import check_certificate  # noqa: E402
from numerics.certificate_file import stability_document, write_certificate  # noqa: E402
from numerics.certificates import certify_stability  # noqa: E402
from numerics.lambda_estimate import lambda_max_estimate  # noqa: E402


def _threads() -> str:
    env = " ".join(f"{k}={os.environ.get(k, 'unset')}" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"))
    try:
        from threadpoolctl import threadpool_info

        blas = ", ".join(f"{i['internal_api']}:{i['num_threads']}" for i in threadpool_info())
    except Exception:  # threadpoolctl is optional here
        blas = "unknown"
    return f"{env}; BLAS pools {blas}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="d = 5, n = 64, K = 256 instead of paper scale")
    ap.add_argument("--keep", metavar="DIR", default=None, help="keep the certificate files in DIR")
    args = ap.parse_args(argv)
    d, n, K = (5, 64, 256) if args.quick else (10, 512, 2048)
    out_dir = Path(args.keep or tempfile.mkdtemp())
    out_dir.mkdir(parents=True, exist_ok=True)
    print(f"threads: {_threads()}")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    net, data = random_case(n, d, K, 0)
    est = lambda_max_estimate(net, data)
    print(f"d = {d}, n = {n}, K = {K}, P = {net.num_params}; lambda_max ESTIMATE ~ {est:.6g}")
    print(f"{'claim':>11} {'generate_s':>10} {'(certify':>9} {'+ witness)':>10} {'check_s':>8} "
          f"{'check/gen':>9} {'file_MB':>8} {'checker says':>14}")
    rows = []
    for factor in (1.05, 0.95):
        eta = Fraction(2) / Fraction(est * factor)
        t0 = time.perf_counter()
        cert = certify_stability(net, data, eta, method="structured")
        t1 = time.perf_counter()
        doc = stability_document(net, data, eta, cert)
        path = out_dir / f"certificate_{'stable' if cert.stable else 'unstable'}.json"
        size = write_certificate(doc, path)
        t2 = time.perf_counter()
        t3 = time.perf_counter()
        with open(path) as fh:
            status = check_certificate.check(json.load(fh))
        t4 = time.perf_counter()
        gen, chk = t2 - t0, t4 - t3
        claim = {True: "stable", False: "not stable", None: "undecided"}[cert.stable]
        print(f"{claim:>11} {gen:10.1f} {t1 - t0:9.1f} {t2 - t1:10.1f} {chk:8.1f} {chk / gen:9.2f} "
              f"{size / 1e6:8.2f} {status[0]:>14}", flush=True)
        rows.append({"claim": claim, "generate_s": gen, "check_s": chk, "bytes": size, "status": status[0]})
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"files in {out_dir}")
    ok = all(r["status"] == "valid" for r in rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
