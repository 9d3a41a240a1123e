"""When weight decay alone makes the constant function the best regularised fit of a linear target.

Setting of the experiments (theory.md section 4, our conventions): L(theta) = (1/2) E (f_theta(x) - y)^2
with x ~ Uniform(B^d_1), y = u.x + noise (|u| = 1, zero-mean noise), f_theta(x) = h(x) + beta with
h(x) = sum_k v_k relu(w_k.x - b_k), and weight decay wd on every parameter (torch SGD semantics, i.e. the
penalty (wd/2) ||theta||^2).  Then for every theta, with F = L + (wd/2) ||theta||^2,

    F(theta) >= F(0) + Lip(h) * (wd - 1/(d+2)),      Lip(h) <= sum_k |v_k| ||w_k||,

so when wd >= 1/(d+2) the zero network minimises the population objective, and any near-minimiser has a
small Lipschitz constant (is nearly constant).  Proof (``proofs_notes/experiments.md``): E (u.x)^2 =
1/(d+2); the reflection x -> x - 2(u.x)u preserves the uniform law and flips u.x, so
E[(u.x) h(x)] <= Lip(h) E (u.x)^2; and (1/2)||theta||^2 >= sum_k |v_k| ||(w_k, b_k)||.  The bound on
E[(u.x) h(x)] is attained by h(x) = c relu(u.x + 1), so the threshold 1/(d+2) cannot be lowered by this
argument.

>>> collapse_threshold(10)
Fraction(1, 12)
>>> forces_constant_fit(10, 0.1), forces_constant_fit(5, 0.1)
(True, False)
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

__all__ = ["collapse_threshold", "forces_constant_fit", "lipschitz_bound", "reflection_correlation"]


def collapse_threshold(d: int) -> Fraction:
    """Return 1/(d+2) = E (u.x)^2 for x uniform in B^d_1: the weight decay above which 0 is optimal.

    >>> collapse_threshold(1)
    Fraction(1, 3)
    """
    if int(d) != d or d < 1:
        raise ValueError(f"d must be a positive integer, got {d!r}")
    return Fraction(1, int(d) + 2)


def forces_constant_fit(d: int, weight_decay: float) -> bool:
    """True when ``weight_decay >= 1/(d+2)`` (compared exactly): the population optimum is constant.

    >>> forces_constant_fit(4, 1 / 6)
    False
    """
    return Fraction(weight_decay) >= collapse_threshold(d)


def lipschitz_bound(W, v) -> float:
    """Return sum_k |v_k| ||w_k||_2, an upper bound on the Lipschitz constant of x -> sum_k v_k relu(w_k.x - b_k).

    >>> lipschitz_bound([[3.0, 4.0], [0.0, 1.0]], [2.0, -1.0])
    11.0
    """
    W = np.asarray(W, dtype=float)
    v = np.asarray(v, dtype=float)
    return float(np.abs(v) @ np.linalg.norm(W, axis=1))


def reflection_correlation(W, b, v, u, X):
    """Return (E[(u.x) h(x)], E[(u.x)^2]) over the reflection-symmetrised sample {x_i} U {R x_i}.

    R x = x - 2 (u.x) u.  On this symmetric sample the argument of the module docstring holds exactly, so
    the first value is <= ``lipschitz_bound(W, v)`` times the second (up to float rounding).

    >>> u = np.array([1.0, 0.0]); X = np.array([[0.5, 0.2], [-0.1, 0.3]])
    >>> c, m = reflection_correlation([[1.0, 0.0]], [-1.0], [1.0], u, X)   # h(x) = relu(x_1 + 1)
    >>> bool(abs(c - m) < 1e-15)
    True
    """
    W, b, v, u, X = (np.asarray(a, dtype=float) for a in (W, b, v, u, X))
    t = X @ u
    S = np.vstack([X, X - 2.0 * t[:, None] * u[None, :]])
    s = S @ u
    h = np.maximum(S @ W.T - b[None, :], 0.0) @ v
    return float(np.mean(s * h)), float(np.mean(s * s))
