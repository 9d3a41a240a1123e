"""Seeded samplers of the uniform distribution on the ball B^d_R (proofs_notes/theory.md §2, §9 data model).

* :func:`sample_ball` -- float64 points, x = R * U^(1/d) * g/||g|| with g Gaussian, U uniform
  (the standard exact-in-law construction).
* :func:`sample_ball_exact` -- exact rational points STRICTLY inside the ball: the float sample with
  every coordinate rounded toward zero onto the grid (1/q) Z (so ||x|| can only shrink), then checked
  in exact arithmetic (sum x_j^2 < R^2); the law differs from uniform only by the O(sqrt(d)/q) rounding.
* :func:`random_case` -- a Kaiming-initialised float64 network with labels y = w.x + N(0, 1) on ball
  points (the test case of the examples and the benchmarks).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from numerics.network import Dataset, ReluNetwork, to_fraction

__all__ = ["sample_ball", "sample_ball_exact", "linear_labels", "random_case"]


def sample_ball(n: int, d: int, seed: int, radius: float = 1.0) -> np.ndarray:
    """Return an (n, d) float64 array of i.i.d. points uniform in the ball of radius ``radius``.

    Same seed, same points (numpy default_rng).

    >>> X = sample_ball(1000, 3, seed=0)
    >>> X.shape, bool((np.linalg.norm(X, axis=1) <= 1).all())
    ((1000, 3), True)
    """
    if n < 0 or d < 1:
        raise ValueError(f"need n >= 0 and d >= 1, got n={n}, d={d}")
    rng = np.random.default_rng(seed)
    g = rng.standard_normal((n, d))
    norms = np.linalg.norm(g, axis=1)
    norms[norms == 0] = 1.0  # probability zero; keeps the point at the origin
    r = rng.uniform(size=n) ** (1.0 / d)
    return radius * g * (r / norms)[:, None]


def sample_ball_exact(n: int, d: int, seed: int, denominator: int = 2 ** 20,
                      radius=1) -> np.ndarray:
    """Return an (n, d) object array of Fractions, each point exactly inside the open ball of ``radius``.

    Coordinates are multiples of 1/denominator, obtained by rounding :func:`sample_ball` toward zero;
    every point is then verified exactly: sum_j x_j^2 < radius^2 (a failing point, which needs a float
    point on the sphere, is shrunk by one grid step until it passes).

    >>> X = sample_ball_exact(5, 2, seed=1, denominator=100)
    >>> all(sum(c * c for c in row) < 1 for row in X), X[0, 0].denominator <= 100
    (True, True)
    """
    if denominator < 1:
        raise ValueError("denominator must be a positive integer")
    R = to_fraction(radius)
    Xf = sample_ball(n, d, seed, radius=float(R))
    out = np.empty((n, d), dtype=object)
    q = int(denominator)
    for i in range(n):
        num = [int(np.trunc(x * q)) for x in Xf[i]]
        while sum(Fraction(m, q) ** 2 for m in num) >= R * R:
            num = [m - (m > 0) + (m < 0) for m in num]
        out[i] = [Fraction(m, q) for m in num]
    return out


def linear_labels(X: np.ndarray, seed: int, sigma: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Return (y, w): y = X w + N(0, sigma^2) noise with a seeded unit vector w (proofs_notes/theory.md §9).

    >>> y, w = linear_labels(sample_ball(4, 2, seed=0), seed=0, sigma=0.0)
    >>> y.shape, round(float(np.linalg.norm(w)), 12)
    ((4,), 1.0)
    """
    X = np.asarray(X, dtype=np.float64)
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(X.shape[1])
    w /= np.linalg.norm(w)
    return X @ w + sigma * rng.standard_normal(X.shape[0]), w


def random_case(n: int, d: int, K: int, seed: int) -> tuple[ReluNetwork, Dataset]:
    """Return a Kaiming-initialised float64 network and data with labels y = w.x + N(0, 1) on n ball points.

    The data model of proofs_notes/theory.md §9: x_i uniform in the unit ball (:func:`sample_ball`), w a
    seeded unit vector, unit Gaussian noise.  The network has K neurons with W_kj ~ N(0, 2/d),
    b_k ~ N(0, 0.01), v_k ~ N(0, 2/K), beta = 0 (an initialisation, not a trained point).  The examples
    (examples/make_examples.py) and the benchmarks are built with it.

    Args:
        n, d, K: sample size, input dimension, hidden neurons.
        seed: seed of both the points and the rest (same seed, same case).

    >>> net, data = random_case(20, 3, 8, 0)
    >>> (net.K, net.d, data.n, net.kind), bool((np.linalg.norm(data.X, axis=1) <= 1).all())
    ((8, 3, 20, 'float'), True)
    """
    rng = np.random.default_rng(seed)
    X = sample_ball(n, d, seed)
    w = rng.standard_normal(d)
    w /= np.linalg.norm(w)
    y = X @ w + rng.standard_normal(n)
    W = rng.standard_normal((K, d)) * np.sqrt(2.0 / d)
    b = rng.standard_normal(K) * 0.1
    v = rng.standard_normal(K) * np.sqrt(2.0 / K)
    return ReluNetwork.from_float(W, b, v, 0.0), Dataset.from_float(X, y)
