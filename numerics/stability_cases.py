"""Small exact example cases for the GD-vs-linear-stability experiment (numerics.linear_stability).

construction_case: atoms on empty caps, labels 0 (App. I; lambda_max = 1 exactly); interpolating_case:
an exactly interpolating network with active neurons; gd_endpoint_case: a float64 GD end point polished
to a minimum at high precision (numerics.polish).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from numerics.gd import run_gd
from numerics.network import Dataset, ReluNetwork
from numerics.polish import polish_minimum

__all__ = ["construction_case", "interpolating_case", "gd_endpoint_case"]


def _exact_point_in_ball(rng, d: int) -> list[Fraction]:
    while True:
        x = [Fraction(int(k), 1024) for k in rng.integers(-1024, 1025, size=d)]
        if sum(c * c for c in x) <= 1:
            return x


def construction_case(n: int = 12, d: int = 2, eps="1/2", seed: int = 0) -> tuple[ReluNetwork, Dataset]:
    """Return (net, data): atoms on empty caps with labels 0, in exact rationals (proofs_notes/theory.md §8, App. I).

    Atoms Phi_u = eps^-2 relu(u.x - (1 - eps^2)) with u = +-e_j (2d directions, pairwise at 90
    degrees, so the caps are disjoint when eps^2 <= 1 - cos 45deg, i.e. eps <= 0.54), signs
    xi_j = +-1 from ``seed``: w = u, b = 1 - eps^2, v = xi eps^-2, beta = 0.  Data: n points with
    dyadic coordinates uniform in the ball, conditioned on missing every cap (the caps are
    "empty"), labels y = 0.  Then no neuron is active on the data, f = 0 on the data, grad L = 0
    exactly and grad^2 L = e_beta e_beta^T: lambda_max = 1, threshold eta = 2.  Built here, not
    imported from ``constructions`` (numerics never imports constructions).

    >>> net, data = construction_case(n=4, d=2)
    >>> net.K, data.n, net.beta
    (4, 4, Fraction(0, 1))
    """
    eps = Fraction(eps)
    if not (0 < eps <= Fraction(1, 2)):
        raise ValueError(f"eps must be in (0, 1/2], got {eps}")
    if n < 1 or d < 1:
        raise ValueError("n and d must be positive")
    rng = np.random.default_rng(seed)
    b0 = 1 - eps * eps
    dirs = []
    for j in range(d):
        for s in (1, -1):
            u = [Fraction(0)] * d
            u[j] = Fraction(s)
            dirs.append(u)
    xi = [int(s) for s in rng.choice([-1, 1], size=len(dirs))]
    X = []
    while len(X) < n:
        x = _exact_point_in_ball(rng, d)
        if all(sum(ui * xi_ for ui, xi_ in zip(u, x)) < b0 for u in dirs):
            X.append(x)
    net = ReluNetwork.exact(dirs, [b0] * len(dirs), [Fraction(s) / (eps * eps) for s in xi], 0)
    return net, Dataset.exact(X, [0] * n)


def interpolating_case(n: int = 6, K: int = 3, d: int = 2, seed: int = 0) -> tuple[ReluNetwork, Dataset]:
    """Return (net, data) with every neuron active on some data and labels y_i = f(x_i) exactly.

    Small rational weights and dyadic inputs in the ball; resampled until no data point lies on a
    kink and each neuron is active on at least one and inactive on at least one point.  The residual
    is 0, so grad L = 0 exactly and grad^2 L = J^T J / n (proofs_notes/theory.md §3): a global minimum
    whose stability threshold 2/lambda_max is not 2 (neurons active on data carry curvature).

    >>> net, data = interpolating_case()
    >>> from numerics.hessian import gradient
    >>> all(g == 0 for g in gradient(net, data))
    True
    """
    if min(n, K, d) < 1:
        raise ValueError("n, K and d must be positive")
    rng = np.random.default_rng(seed)
    for _ in range(1000):
        W = [[Fraction(int(k), 4) for k in rng.integers(-4, 5, size=d)] for _ in range(K)]
        b = [Fraction(int(k), 8) for k in rng.integers(-3, 4, size=K)]
        v = [Fraction(int(k), 2) * int(s) for k, s in zip(rng.integers(1, 4, size=K), rng.choice([-1, 1], size=K))]
        X = [_exact_point_in_ball(rng, d) for _ in range(n)]
        Z = [[sum(wj * xj for wj, xj in zip(W[k], x)) - b[k] for k in range(K)] for x in X]
        if any(z == 0 for row in Z for z in row):
            continue
        if all(any(row[k] > 0 for row in Z) and any(row[k] < 0 for row in Z) for k in range(K)):
            beta = Fraction(1, 4)
            y = [sum(v[k] * max(row[k], 0) for k in range(K)) + beta for row in Z]
            return ReluNetwork.exact(W, b, v, beta), Dataset.exact(X, y)
    raise RuntimeError("no admissible interpolating network found")  # pragma: no cover


def gd_endpoint_case(seed: int = 3, n: int = 6, K: int = 4, d: int = 2, steps: int = 3000,
                     eta: float = 0.1, dps: int = 50) -> tuple[ReluNetwork, Dataset, dict]:
    """Return (net, data, info): a float64 GD end point polished to a minimum at ``dps`` digits.

    Data: n dyadic points uniform in the ball, labels y = w.x + 0.3 noise (proofs_notes/theory.md §9 setup);
    Kaiming-initialised width-K network trained by ``steps`` float64 GD steps (numerics.gd) at step
    ``eta``, then :func:`polish_minimum`.  With K(d+2)+1 > n the end point interpolates, so the
    minimum has neurons active on data and H = J^T J / n; GD end points typically have data points
    close to kinks, so ``kink_margin`` is small here (reported by :func:`linear_analysis`).

    >>> net, data, info = gd_endpoint_case(steps=300, dps=30)  # doctest: +SKIP
    """
    rng = np.random.default_rng(seed)
    X = [_exact_point_in_ball(rng, d) for _ in range(n)]
    w = rng.standard_normal(d)
    w /= np.linalg.norm(w)
    y = [float(np.dot(w, [float(c) for c in x])) + 0.3 * float(rng.standard_normal()) for x in X]
    data = Dataset.exact(X, y)
    W0 = rng.standard_normal((K, d)) * math.sqrt(2 / d)
    v0 = rng.standard_normal(K) * math.sqrt(1 / K)
    start = ReluNetwork.from_float(W0, np.zeros(K), v0, 0.0)
    end = run_gd(start, data, eta, steps, kind="float", record_every=0).final
    polished, info = polish_minimum(end, data, dps=dps)
    info.update({"gd_steps": steps, "gd_eta": eta, "seed": seed})
    if not info["converged"]:
        # Often the end point sits against a kink (a non-smooth minimum): no Hessian, no polishing.
        raise ValueError(f"GD end point (seed {seed}) did not polish to a critical point: "
                         f"||grad L|| = {info['gradient_norm']:.3g}; try another seed")
    return polished, data, info
