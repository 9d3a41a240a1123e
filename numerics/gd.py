"""Full-batch gradient descent with ONE update rule for float64, exact rationals and mpmath.

The update theta <- theta - eta * grad L(theta) (proofs_notes/theory.md §2) is written once, on the
parameter vector, with the analytic gradient of :func:`numerics.hessian.gradient`; the number kind
of the network ("float", "exact" or "mpmath") decides the arithmetic.  mpmath runs happen inside
:func:`mp_precision`, which restores the caller's precision on exit, also after an exception.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Iterator

import mpmath
import numpy as np

from numerics.hessian import gradient, loss
from numerics.network import KINDS, Dataset, ReluNetwork, number_kind, scalar

__all__ = [
    "mp_precision",
    "to_kind",
    "gd_step",
    "run_gd",
    "GDTrajectory",
    "trajectory_losses",
    "vector_norm",
]

@contextlib.contextmanager
def mp_precision(dps: int | None) -> Iterator[object]:
    """Context in which mpmath works at ``dps`` decimal digits; the previous precision is restored.

    mpmath's precision is global state: a GD run at 50 digits must not leave the rest of the
    process at 50 digits (or at 15 when the caller had set 30).  The binary precision ``mp.prec``
    is saved and restored, so a caller's exact bit setting survives the round trip.  ``dps=None``
    leaves the precision unchanged.

    Args:
        dps: decimal digits (>= 1) or None.

    >>> import mpmath
    >>> before = mpmath.mp.prec
    >>> with mp_precision(50):
    ...     mpmath.mp.dps
    50
    >>> mpmath.mp.prec == before
    True
    """
    if dps is not None and (isinstance(dps, bool) or int(dps) != dps or int(dps) < 1):
        raise ValueError(f"dps must be a positive integer, got {dps!r}")
    saved = mpmath.mp.prec
    try:
        if dps is not None:
            mpmath.mp.dps = int(dps)
        yield mpmath.mp
    finally:
        mpmath.mp.prec = saved


def to_kind(net: ReluNetwork, data: Dataset, kind: str) -> tuple[ReluNetwork, Dataset]:
    """Return (net, data) converted to the number kind "float", "exact" or "mpmath".

    For "mpmath" call this inside :func:`mp_precision`: the values are rounded at the current
    precision (exact rationals are rounded once, floats are represented exactly).

    >>> net = ReluNetwork.exact([[1]], [0], [1], 0)
    >>> data = Dataset.exact([[1]], [1])
    >>> to_kind(net, data, "float")[0].kind
    'float'
    """
    kind = number_kind(kind).name  # ValueError for an unknown kind
    return net.as_kind(kind), data.as_kind(kind)


def gd_step(net: ReluNetwork, data: Dataset, eta) -> ReluNetwork:
    """Return the network after one full-batch GD step theta - eta * grad L(theta).

    This is THE update rule of the toolkit: float64, exact and mpmath runs all call it.  The
    gradient is the analytic one of :func:`numerics.hessian.gradient` (proofs_notes/theory.md §3,
    L = (1/2n) sum_i (f(x_i) - y_i)^2); ``eta`` is converted to the network's number kind.

    Args:
        net, data: network and data set of the same number kind.
        eta: step size (int, float, str "p/q", Fraction or mpf; converted by
            numerics.network.scalar, so "9/10" in mpmath is 0.9 to all working digits).

    >>> net = ReluNetwork.exact([[0]], [1], [0], 1)      # dead neuron, beta = 1
    >>> data = Dataset.exact([[0]], [0])                 # residual 1, dL/dbeta = 1
    >>> gd_step(net, data, "1/2").beta
    Fraction(1, 2)
    """
    step = scalar(eta, net.kind)
    theta = net.to_vector()
    new = theta - step * gradient(net, data)
    return ReluNetwork.from_vector(new, net.K, net.d)


@dataclass
class GDTrajectory:
    """Iterates of a GD run: ``thetas[t]`` is the parameter vector after t steps (t = 0 is the start).

    ``recorded`` lists the step numbers of the stored vectors (every ``record_every``-th step and
    the last); ``stopped_early`` is True when the stop rule fired or the iterate stopped being
    finite; ``kind`` and ``dps`` say in which arithmetic the run was made.
    """

    thetas: list = field(default_factory=list)
    recorded: list = field(default_factory=list)
    steps_done: int = 0
    stopped_early: bool = False
    nonfinite: bool = False
    kind: str = "float"
    dps: int | None = None
    final: ReluNetwork | None = None


def _finite(theta) -> bool:
    if theta.dtype == object:
        return all(not isinstance(t, mpmath.mpf) or mpmath.isfinite(t) for t in theta)
    return bool(np.all(np.isfinite(theta)))


def run_gd(
    net: ReluNetwork,
    data: Dataset,
    eta,
    steps: int,
    *,
    kind: str | None = None,
    dps: int | None = 50,
    record_every: int = 1,
    stop: Callable[[int, np.ndarray], bool] | None = None,
) -> GDTrajectory:
    """Return the trajectory of ``steps`` full-batch GD steps from ``net`` (proofs_notes/theory.md §2).

    Every step is :func:`gd_step`.  ``kind`` (default: the network's own kind) selects the
    arithmetic; for "mpmath" the whole run, including the conversion of net and data, happens at
    ``dps`` digits inside :func:`mp_precision`, and the caller's precision is restored afterwards
    (the returned mpf numbers keep all their digits).  ``stop(t, theta)`` is called after each
    step; returning True ends the run (used to stop once a perturbation has escaped).  A float64
    run that overflows stops with ``nonfinite=True`` instead of raising.

    Args:
        net, data: starting network and data (any kinds; converted to ``kind``).
        eta: step size.  steps: number of GD steps (>= 0).
        kind: "float", "exact" or "mpmath".  dps: digits for "mpmath" (ignored otherwise).
        record_every: store every k-th iterate (0: store only the first and last).
        stop: optional early-stopping rule.

    >>> net = ReluNetwork.exact([[0]], [1], [0], 1)
    >>> data = Dataset.exact([[0]], [0])
    >>> traj = run_gd(net, data, "1/2", 3, kind="exact")
    >>> [th[-1] for th in traj.thetas]      # beta_t = (1 - eta)^t exactly
    [Fraction(1, 1), Fraction(1, 2), Fraction(1, 4), Fraction(1, 8)]
    """
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    kind = kind or net.kind
    if kind not in KINDS:
        raise ValueError(f"unknown number kind {kind!r}; expected one of {KINDS}")
    precise = number_kind(kind).variable_precision
    with mp_precision(dps if precise else None):
        cur, dat = to_kind(net, data, kind)
        traj = GDTrajectory(kind=kind, dps=int(dps) if precise else None)
        traj.thetas.append(cur.to_vector())
        traj.recorded.append(0)
        with np.errstate(over="ignore", invalid="ignore"):
            for t in range(1, int(steps) + 1):
                cur = gd_step(cur, dat, eta)
                theta = cur.to_vector()
                traj.steps_done = t
                last = t == steps
                ok = _finite(theta)
                halt = (not ok) or (stop is not None and stop(t, theta))
                if last or halt or (record_every and t % record_every == 0):
                    traj.thetas.append(theta)
                    traj.recorded.append(t)
                if not ok:
                    traj.nonfinite = True
                if halt:
                    traj.stopped_early = not last
                    break
        traj.final = cur
    return traj


def trajectory_losses(traj: GDTrajectory, data: Dataset, K: int, d: int) -> list:
    """Return L(theta_t) for each recorded iterate, computed in the run's arithmetic.

    >>> net = ReluNetwork.exact([[0]], [1], [0], 1)
    >>> data = Dataset.exact([[0]], [0])
    >>> trajectory_losses(run_gd(net, data, "1/2", 1, kind="exact"), data, 1, 1)
    [Fraction(1, 2), Fraction(1, 8)]
    """
    with mp_precision(traj.dps):
        dat = to_kind(ReluNetwork.from_vector(traj.thetas[0], K, d), data, traj.kind)[1]
        return [loss(ReluNetwork.from_vector(th, K, d), dat) for th in traj.thetas]


def vector_norm(vec) -> object:
    """Return the Euclidean norm of a float, Fraction or mpf vector (mpf / float result).

    Fractions are summed exactly and the square root taken in mpmath at the current precision.

    >>> vector_norm(np.array([3.0, 4.0]))
    5.0
    """
    if vec.dtype == object:
        s = sum((x * x for x in vec), start=0)
        if isinstance(s, Fraction):
            return mpmath.sqrt(mpmath.mpf(s.numerator) / s.denominator)
        return mpmath.sqrt(s)
    return float(math.sqrt(float(np.dot(vec, vec))))
