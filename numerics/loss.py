"""Loss conventions: the theory's half mean squared error and torch's ``nn.MSELoss``.

The theory (proofs_notes/theory.md §2) uses L(theta) = (1/2n) sum_i (f_theta(x_i) - y_i)^2 ("half-mse").
torch's ``nn.MSELoss`` has no 1/2: L_mse = (1/n) sum_i r_i^2 = 2 L ("mse").  Weight decay always means
torch's ``SGD(weight_decay=wd)``: wd * theta is added to the gradient of the chosen loss, so the Hessian
of the objective GD follows is grad^2 L_conv + wd I.

Linear stability of GD with step eta (Prop. 2.1) in a convention asks
lambda_max(s grad^2 L + wd I) <= 2/eta, with s = 1 (half-mse) or 2 (mse).  Everything in the toolkit
computes the Hessian H of the half-mse loss, so the one conversion is

    stable  <=>  lambda_max(H) <= (2/eta - wd) / s  =: threshold on H.

Training hyper-parameters map the same way: torch's (lr, wd, clip on the gradient norm) under "mse"
run the very same iterates as (2 lr, wd / 2, clip / 2) under "half-mse".

This module is the single place where the conventions are defined; every CLI's ``--loss`` and every
function's ``loss=`` argument is checked with :func:`convention`.

>>> convention("mse").hessian_scale
2
>>> half_mse_threshold("1/2", "mse")       # torch lr 1/2: lambda_max(H) <= 2
Fraction(2, 1)
>>> half_mse_threshold(1, "half-mse", weight_decay="1/10")
Fraction(19, 10)
>>> equivalent_half_mse_eta("1/2", "mse")  # torch lr 0.5 is step 1 in the theory's convention
Fraction(1, 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from numerics.network import to_fraction

__all__ = ["LOSSES", "DEFAULT_LOSS", "LossConvention", "convention", "half_mse_threshold",
           "equivalent_half_mse_eta", "half_mse_hyperparameters"]

LOSSES = ("half-mse", "mse")
DEFAULT_LOSS = "half-mse"


@dataclass(frozen=True)
class LossConvention:
    """One loss convention: L_conv = hessian_scale * (1/2n) sum r^2.

    name: "half-mse" or "mse"; hessian_scale: 1 or 2 (grad^2 L_conv = hessian_scale * H);
    formula: the loss as text, for reports.
    """

    name: str
    hessian_scale: int
    formula: str


_CONVENTIONS = {
    "half-mse": LossConvention("half-mse", 1, "L = (1/2n) sum (f - y)^2"),
    "mse": LossConvention("mse", 2, "L = (1/n) sum (f - y)^2 (torch nn.MSELoss)"),
}


def convention(name: str) -> LossConvention:
    """Return the :class:`LossConvention` called ``name`` ("half-mse" or "mse"); ValueError otherwise.

    >>> convention("half-mse").formula
    'L = (1/2n) sum (f - y)^2'
    """
    if isinstance(name, LossConvention):
        return name
    try:
        return _CONVENTIONS[name]
    except (KeyError, TypeError):
        raise ValueError(f"loss must be one of {', '.join(LOSSES)}, got {name!r}") from None


def _nonnegative(x, what: str, kind: str = "a number") -> Fraction:
    """Return ``x`` as an exact Fraction >= 0; ValueError "``what`` must be ``kind``" when not a number."""
    try:
        q = to_fraction(x)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{what} must be {kind}, got {x!r}") from exc
    if q < 0:
        raise ValueError(f"{what} must be >= 0, got {x!r}")
    return q


def half_mse_threshold(eta, loss: str = DEFAULT_LOSS, weight_decay=0) -> Fraction:
    """Return c (exact) with: GD at step eta in convention ``loss`` is linearly stable iff lambda_max(H) <= c.

    H is the Hessian of the half-mse loss; c = (2/eta - weight_decay) / hessian_scale.  c may be <= 0
    (then no point is stable, since lambda_max(H) >= H_{beta beta} = 1).

    >>> half_mse_threshold(2)
    Fraction(1, 1)
    """
    conv = convention(loss)
    q = _nonnegative(eta, "eta")
    if q == 0:
        raise ValueError("eta must be positive, got 0")
    wd = _nonnegative(weight_decay, "weight_decay")
    return (2 / q - wd) / conv.hessian_scale


def equivalent_half_mse_eta(eta, loss: str = DEFAULT_LOSS, weight_decay=0) -> Fraction:
    """Return the half-mse step eta' = 2/c with the same stability condition (ValueError if c <= 0).

    >>> equivalent_half_mse_eta("0.25", "mse")
    Fraction(1, 2)
    """
    c = half_mse_threshold(eta, loss, weight_decay)
    if c <= 0:
        raise ValueError(f"2/eta - weight_decay = {c * convention(loss).hessian_scale} <= 0: "
                         "no point is linearly stable")
    return 2 / c


def half_mse_hyperparameters(lr, weight_decay=0, clip=None, loss: str = DEFAULT_LOSS):
    """Return (lr, weight_decay, clip) in the half-mse convention running the same GD iterates.

    Under "mse" the gradient is twice the half-mse one, so torch's (lr, wd, clip) equal
    (2 lr, wd / 2, clip / 2) here; under "half-mse" the values are returned unchanged.  Exact
    Fractions are returned for exact inputs, floats for floats.

    >>> half_mse_hyperparameters(0.5, 0.1, 1.0, loss="mse")
    (1.0, 0.05, 0.5)
    """
    s = convention(loss).hessian_scale
    if s == 1:
        return lr, weight_decay, clip
    return lr * s, weight_decay / s, (None if clip is None else clip / s)
