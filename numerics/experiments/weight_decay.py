"""When weight decay alone makes the constant function the best regularised fit of a linear target.

Setting of the experiments (proofs_notes/theory.md §9, our conventions): L(theta) = (1/2) E (f_theta(x) - y)^2
with x ~ Uniform(B^d_1), y = u.x + noise (|u| = 1, zero-mean noise), f_theta(x) = h(x) + beta with
h(x) = sum_k v_k relu(w_k.x - b_k), and weight decay wd on every parameter (torch SGD semantics, i.e. the
penalty (wd/2) ||theta||^2).  Then for every theta, with F = L + (wd/2) ||theta||^2,

    F(theta) >= F(0) + Lip(h) * (wd - 1/(d+2)),      Lip(h) <= sum_k |v_k| ||w_k||,

so when wd >= 1/(d+2) the zero network minimises the population objective, and any near-minimiser has a
small Lipschitz constant (is nearly constant).  Scope of this statement: the POPULATION objective (not the
empirical loss on n samples), a LINEAR target, the half-mse loss (1/2) E (f - y)^2, and weight decay on
ALL parameters (v, w, b and beta).  Under torch's ``nn.MSELoss`` (no 1/2) torch's (lr, wd) run the same
iterates as (2 lr, wd/2) here (:func:`numerics.loss.half_mse_hyperparameters`), so the threshold on
torch's wd is 2/(d+2): ``collapse_threshold(d, loss="mse")``.  Proof (``proofs_notes/experiments.md``): E (u.x)^2 =
1/(d+2); the reflection x -> x - 2(u.x)u preserves the uniform law and flips u.x, so
E[(u.x) h(x)] <= Lip(h) E (u.x)^2; and (1/2)||theta||^2 >= sum_k |v_k| ||(w_k, b_k)||.  The bound on
E[(u.x) h(x)] is attained by h(x) = c relu(u.x + 1), so the threshold 1/(d+2) cannot be lowered by this
argument.

>>> collapse_threshold(10), collapse_threshold(10, loss="mse")
(Fraction(1, 12), Fraction(1, 6))
>>> forces_constant_fit(10, 0.1), forces_constant_fit(5, 0.1), forces_constant_fit(10, 0.1, loss="mse")
(True, False, False)
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from numerics.loss import convention, half_mse_hyperparameters

__all__ = ["collapse_threshold", "forces_constant_fit", "lipschitz_bound", "reflection_correlation"]


def collapse_threshold(d: int, loss: str = "half-mse") -> Fraction:
    """Return the weight decay above which 0 is optimal: 1/(d+2) = E (u.x)^2 (half-mse), 2/(d+2) (torch mse).

    Population objective, linear target, decay on all parameters (see the module docstring).  ``loss``
    names the convention the weight decay is given in (:mod:`numerics.loss`): torch's wd under "mse"
    is wd/2 in the half-mse convention, so its threshold is twice as large.

    >>> collapse_threshold(1), collapse_threshold(1, "mse")
    (Fraction(1, 3), Fraction(2, 3))
    """
    if int(d) != d or d < 1:
        raise ValueError(f"d must be a positive integer, got {d!r}")
    return Fraction(convention(loss).hessian_scale, int(d) + 2)


def forces_constant_fit(d: int, weight_decay: float, loss: str = "half-mse") -> bool:
    """True when the weight decay, converted to half-mse, is >= 1/(d+2) (exactly): the population optimum is constant.

    >>> forces_constant_fit(4, 1 / 6), forces_constant_fit(4, 0.4, loss="mse")
    (False, True)
    """
    wd_half = half_mse_hyperparameters(Fraction(1), Fraction(weight_decay), loss=loss)[1]
    return wd_half >= collapse_threshold(d)


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
