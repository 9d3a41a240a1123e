"""Write the example networks and data sets the README's commands use (deterministic; numpy only).

Run from the repository root:  python examples/make_examples.py

* small_net.json / small_data.json: d = 3, K = 8 (P = 41), n = 20 points uniform in the unit ball,
  labels y = w.x + N(0, 1); a Kaiming-initialised network (not trained, so not a critical point).
* paper_net.npz / paper_data.npz: the paper's shattering size d = 10, n = 512, K = 2048 (P = 24,577),
  built the same way (``numerics.sampling.random_case(512, 10, 2048, 0)``, as benchmarks/bench_certify.py).

Networks use the theory's convention f(x) = sum_k v_k relu(w_k.x - b_k) + beta; floats are stored
losslessly (JSON numbers round-trip to the same float64; .npz is binary float64).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from numerics.io import save_data, save_network  # noqa: E402
from numerics.sampling import random_case  # noqa: E402


CASES = {  # file stem -> (n, d, K, seed, suffix)
    "small": (20, 3, 8, 0, ".json"),
    "paper": (512, 10, 2048, 0, ".npz"),
}


def write(out: Path = HERE) -> list[Path]:
    """Write every example file into ``out``; return the paths written."""
    paths = []
    for stem, (n, d, K, seed, suffix) in CASES.items():
        net, data = random_case(n, d, K, seed)
        for path, obj, saver in ((out / f"{stem}_net{suffix}", net, save_network),
                                 (out / f"{stem}_data{suffix}", data, save_data)):
            saver(obj, path)
            paths.append(path)
    return paths


if __name__ == "__main__":
    for p in write():
        print(f"wrote {p.relative_to(HERE.parent)}")
