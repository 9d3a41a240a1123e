"""Exact rational points on the unit sphere S^{d-1} (inverse stereographic projection).

Every rational point of R^{d-1} maps to a rational point of S^{d-1}; the image has norm exactly 1, so
inner products between directions, and hence cap disjointness (proofs_notes/theory.md §7), are decided in exact
arithmetic. A point is stored as an integer vector ``a`` and a positive integer denominator ``D`` with
``u = a / D`` and ``a.a == D**2``.
"""

from __future__ import annotations

from fractions import Fraction
from math import lcm

import numpy as np

__all__ = [
    "sphere_point",
    "sphere_point_near",
    "is_unit",
    "integer_form",
]


def sphere_point(t) -> tuple[Fraction, ...]:
    """Return the inverse stereographic image of a rational point ``t`` of R^{d-1} on S^{d-1}.

    u = (2t, |t|^2 - 1) / (|t|^2 + 1): projection from the pole e_d. Since
    |2t|^2 + (|t|^2 - 1)^2 = (|t|^2 + 1)^2, the result has norm exactly 1.

    Args:
        t: sequence of d-1 rationals (anything ``Fraction`` accepts).

    >>> sphere_point([Fraction(1, 2)])
    (Fraction(4, 5), Fraction(-3, 5))
    >>> sum(x * x for x in sphere_point([1, 2, 3]))
    Fraction(1, 1)
    """
    t = [Fraction(x) for x in t]
    s = sum(x * x for x in t)
    den = s + 1
    return tuple(2 * x / den for x in t) + ((s - 1) / den,)


def sphere_point_near(x, max_den: int = 10**6) -> tuple[Fraction, ...]:
    """Return an exact rational point of S^{d-1} close to the float direction ``x``.

    Projects ``x / |x|`` stereographically (from whichever of the poles +-e_d is farther, for numerical
    stability), rounds the coordinates to rationals with denominator at most ``max_den`` and maps back
    exactly. The result lies exactly on the sphere; its distance to ``x/|x|`` is O(1/max_den).

    Args:
        x: nonzero float vector of length d >= 2.
        max_den: largest denominator of the rounded stereographic coordinates.

    >>> u = sphere_point_near([0.6, 0.8])
    >>> u, sum(c * c for c in u)
    ((Fraction(3, 5), Fraction(4, 5)), Fraction(1, 1))
    """
    x = np.asarray(x, dtype=np.float64)
    nrm = float(np.linalg.norm(x))
    if x.ndim != 1 or x.size < 2 or not np.isfinite(nrm) or nrm == 0.0:
        raise ValueError("need a finite nonzero vector of length >= 2")
    x = x / nrm
    flip = x[-1] > 0  # project from the pole farther away from x
    last = -x[-1] if flip else x[-1]
    t = x[:-1] / (1.0 - last)
    tq = [Fraction(float(c)).limit_denominator(max_den) for c in t]
    u = sphere_point(tq)
    if flip:
        u = u[:-1] + (-u[-1],)
    return u


def is_unit(u) -> bool:
    """Return True iff the rational vector ``u`` has Euclidean norm exactly 1 (exact arithmetic).

    >>> is_unit(["3/5", "4/5"]), is_unit([Fraction(1, 2), Fraction(1, 2)])
    (True, False)
    """
    return sum(Fraction(c) ** 2 for c in u) == 1


def integer_form(directions) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(A, D)``: integer rows and denominators with ``directions[i] == A[i] / D[i]`` exactly.

    Rows are object arrays of Python ints (no overflow); used for exact Gram matrices.

    >>> A, D = integer_form([["3/5", "4/5"], [1, 0]])
    >>> A.tolist(), D.tolist()
    ([[3, 4], [1, 0]], [5, 1])
    """
    rows, dens = [], []
    for u in directions:
        fr = [Fraction(c) for c in u]
        den = 1
        for c in fr:
            den = lcm(den, c.denominator)
        rows.append([c.numerator * (den // c.denominator) for c in fr])
        dens.append(den)
    A = np.array(rows, dtype=object).reshape(len(rows), -1 if rows else 0)
    return A, np.array(dens, dtype=object)
