"""Synthetic regression tasks of the paper's experiments (proofs_notes/theory.md §9).

x ~ Uniform(B^d_1); y = f_0(x) + N(0, sigma^2) with f_0(x) = w^T x for a fixed unit w (the main
experiments) or the Hoelder-1/2 target (1/d) sum_j |u_j^T x|^{1/2} + 1 (variant).  The target is fixed
per dimension (it does not depend on the run's seed); the seed drives the samples and the noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Task", "make_task", "target_function", "sample_unit_ball"]

# The target is part of the experiment's definition, not of a run: one fixed stream for every seed.
_TARGET_SEED = 20250620


def sample_unit_ball(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """Return n float64 points uniform in the closed unit ball B^d_1 (shape (n, d)).

    Direction uniform on the sphere (normalised Gaussian) times radius U^{1/d}, which has the
    density of |X| for X uniform in the ball.

    >>> X = sample_unit_ball(5, 3, np.random.default_rng(0))
    >>> X.shape, bool((np.linalg.norm(X, axis=1) <= 1).all())
    ((5, 3), True)
    """
    g = rng.standard_normal((n, d))
    g /= np.linalg.norm(g, axis=1, keepdims=True)
    r = rng.random(n) ** (1.0 / d)
    return g * r[:, None]


def target_function(kind: str, d: int):
    """Return f_0 as a function (n, d) -> (n,) for kind 'linear' or 'holder' (proofs_notes/theory.md §9).

    'linear': f_0(x) = w^T x with the fixed unit vector w = (1, ..., 1)/sqrt(d).
    'holder': f_0(x) = (1/d) sum_{j<=d} |u_j^T x|^{1/2} + 1 with u_1..u_d drawn once, uniformly on
    the sphere, from a fixed stream (the same target for every seed).

    >>> f0 = target_function("linear", 4)
    >>> float(f0(np.ones((1, 4)) / 2)[0])
    1.0
    """
    if kind == "linear":
        w = np.ones(d) / np.sqrt(d)
        return lambda X: X @ w
    if kind == "holder":
        rng = np.random.default_rng([_TARGET_SEED, d])
        U = rng.standard_normal((d, d))
        U /= np.linalg.norm(U, axis=1, keepdims=True)
        return lambda X: np.sqrt(np.abs(X @ U.T)).mean(axis=1) + 1.0
    raise ValueError(f"unknown target {kind!r} (expected 'linear' or 'holder')")


@dataclass(frozen=True)
class Task:
    """Training and test samples of one run: X (n,d), y (n,), f0 values on X, and a fresh test set."""

    X: np.ndarray
    y: np.ndarray
    f0_train: np.ndarray
    X_test: np.ndarray
    f0_test: np.ndarray


def make_task(d: int, n: int, sigma: float, seed: int, target: str = "linear", n_test: int = 2000) -> Task:
    """Return the Task for (d, n, sigma, seed, target): y = f_0(x) + N(0, sigma^2), x ~ U(B^d_1).

    The test set is an independent fresh sample of n_test inputs; test MSE is measured against the
    noise-free f_0 (excess risk), as is the in-sample ("train") MSE.

    >>> t = make_task(2, 8, 1.0, seed=0)
    >>> t.X.shape, t.y.shape, t.X_test.shape
    ((8, 2), (8,), (2000, 2))
    """
    if d < 1 or n < 1 or sigma < 0 or n_test < 1:
        raise ValueError("need d >= 1, n >= 1, n_test >= 1, sigma >= 0")
    f0 = target_function(target, d)
    rng_train, rng_noise, rng_test = (np.random.default_rng(s) for s in np.random.SeedSequence([seed, d, n]).spawn(3))
    X = sample_unit_ball(n, d, rng_train)
    f0_train = f0(X)
    y = f0_train + sigma * rng_noise.standard_normal(n)
    X_test = sample_unit_ball(n_test, d, rng_test)
    return Task(X=X, y=y, f0_train=f0_train, X_test=X_test, f0_test=f0(X_test))
