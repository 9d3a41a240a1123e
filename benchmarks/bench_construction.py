"""Benchmark of ``python -m constructions.verify``: the default run and d = 5, eps = 1/4 (goal < 60 s).

Runs each configuration as a subprocess (the real command, imports included), side by side in one run,
and prints wall times, the ratio to the default run, the check counts and the per-stage timings that the
command reports on stderr. CPU timings on a shared machine are noisy; compare the ratios.

    python benchmarks/bench_construction.py [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time

CONFIGS = [
    ("default (d=3, eps=1/8)", []),
    ("d=5, eps=1/4", ["--d", "5", "--eps", "1/4"]),
    ("d=2, eps=1/16", ["--d", "2", "--eps", "1/16"]),
    ("d=1, eps=1/16", ["--d", "1", "--eps", "1/16"]),
]


def _run(args):
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "constructions.verify", "--json", *args], capture_output=True, text=True)
    wall = time.perf_counter() - t
    out = json.loads(r.stdout) if r.stdout.strip() else {}
    stages = re.findall(r"\[constructions.verify\s+([\d.]+)s\] (.*)", r.stderr)
    return wall, r.returncode, out, stages


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=1)
    a = p.parse_args(argv)
    rows = []
    for label, args in CONFIGS:
        best = None
        for _ in range(a.repeat):
            res = _run(args)
            if best is None or res[0] < best[0]:
                best = res
        rows.append((label, *best))
        print(f"  ran {label}: {best[0]:.1f} s", file=sys.stderr)
    base = rows[0][1]
    print(f"{'configuration':26s} {'wall s':>7s} {'x default':>9s} {'exit':>4s} {'checks':>7s} {'N':>5s} {'n':>6s}")
    for label, wall, rc, out, _ in rows:
        checks = out.get("checks", [])
        npass = sum(c.holds is True for c in checks)
        print(f"{label:26s} {wall:7.1f} {wall / base:9.2f} {rc:4d} {npass:3d}/{len(checks):<3d} "
              f"{out.get('num_caps')!s:>5s} {out.get('n')!s:>6s}")
    for label, wall, rc, out, stages in rows[:2]:
        print(f"stages of {label}:")
        marks = [(float(t), msg) for t, msg in stages] + [(out.get("seconds", wall), "end")]
        for (t0, msg), (t1, _) in zip(marks, marks[1:]):
            print(f"  {t1 - t0:6.1f} s  {msg}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
