"""Shared test strategies: random small exact networks and data sets (hypothesis strategies), seeded torch
models and training tasks, and a switch forcing numerics.hessian's fast exact path."""

from __future__ import annotations

import contextlib
from fractions import Fraction

import numpy as np
from hypothesis import strategies as st

from numerics.network import Dataset, ReluNetwork

small_q = st.fractions(min_value=-2, max_value=2, max_denominator=7)
ball_q = st.fractions(min_value=Fraction(-1, 2), max_value=Fraction(1, 2), max_denominator=9)


@st.composite
def net_and_data(draw, max_K=3, max_d=3, max_n=5):
    """An exact network (K <= max_K, d <= max_d) and data (n <= max_n) with ||x_i|| < 1."""
    K = draw(st.integers(1, max_K))
    d = draw(st.integers(1, max_d))
    n = draw(st.integers(1, max_n))
    W = [[draw(small_q) for _ in range(d)] for _ in range(K)]
    b = [draw(small_q) for _ in range(K)]
    v = [draw(small_q) for _ in range(K)]
    beta = draw(small_q)
    # |x_j| <= 1/2 and d <= 3 keeps ||x|| <= sqrt(3)/2 < 1
    X = [[draw(ball_q) for _ in range(d)] for _ in range(n)]
    y = [draw(small_q) for _ in range(n)]
    return ReluNetwork.exact(W, b, v, beta), Dataset.exact(X, y)


def kink_free_net_and_data(**sizes):
    """:func:`net_and_data` draws in which no data point lies on a neuron's kink (so the Hessian exists)."""
    from numerics.hessian import find_kinks

    return net_and_data(**sizes).filter(lambda nd: not find_kinks(nd[0], nd[1].X))


def fvec(a) -> np.ndarray:
    """Float64 copy of an object array."""
    return np.vectorize(float, otypes=[np.float64])(np.asarray(a, dtype=object))


def seeded_torch_model(d: int, K: int, seed: int):
    """nn.Sequential(Linear(d, K), ReLU(), Linear(K, 1)) with torch's default (float32) initialisation after
    torch.manual_seed(seed)."""
    import torch

    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(d, K), torch.nn.ReLU(), torch.nn.Linear(K, 1))


def trainer_task(d: int, n: int, K: int, seed: int):
    """(init_params(d, K, seed), X, y) for numerics.experiments.trainer: float64 tensors, X uniform in
    [-1, 1]^d (n rows), y standard normal, both from numpy's default_rng(seed)."""
    import torch

    from numerics.experiments.trainer import init_params

    rng = np.random.default_rng(seed)
    X = torch.from_numpy(rng.uniform(-1, 1, (n, d)))
    y = torch.from_numpy(rng.standard_normal(n))
    return init_params(d, K, seed), X, y


@contextlib.contextmanager
def fast_exact_path():
    """Within the block, numerics.hessian takes its fast exact path (float pattern, exact rechecks, flint
    products) at every size (its size threshold _FAST_EXACT is 0); the threshold is restored after."""
    import numerics.hessian as nh

    old = nh._FAST_EXACT
    nh._FAST_EXACT = 0
    try:
        yield
    finally:
        nh._FAST_EXACT = old
