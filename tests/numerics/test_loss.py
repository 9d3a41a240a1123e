"""numerics.loss: the two loss conventions and the exact conversions between them."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from numerics.loss import (convention, equivalent_half_mse_eta, half_mse_hyperparameters,
                           half_mse_threshold)

positive = st.fractions(min_value=Fraction(1, 10 ** 6), max_value=10 ** 6).filter(lambda q: q > 0)


@given(positive)
def test_mse_at_eta_is_half_mse_at_two_eta(eta):
    # grad^2 L_mse = 2 H: lambda_max(2H) <= 2/eta  <=>  lambda_max(H) <= 1/eta = 2/(2 eta)
    assert half_mse_threshold(eta, "mse") == half_mse_threshold(2 * eta, "half-mse") == 1 / eta


@given(positive, st.fractions(min_value=0, max_value=10))
def test_weight_decay_shifts_the_threshold(eta, wd):
    for loss, s in (("half-mse", 1), ("mse", 2)):
        c = half_mse_threshold(eta, loss, weight_decay=wd)
        assert s * c + wd == 2 / eta
        if c > 0:
            assert half_mse_threshold(equivalent_half_mse_eta(eta, loss, wd)) == c


def test_hyperparameters_map_to_the_same_iterates():
    # one GD step on L_mse with (lr, wd) equals one on L_half with (2 lr, wd/2): theta - lr(2g + wd theta)
    g, theta, lr, wd = Fraction(3, 7), Fraction(-5, 3), Fraction(1, 10), Fraction(1, 20)
    lr2, wd2, clip2 = half_mse_hyperparameters(lr, wd, Fraction(4), loss="mse")
    assert theta - lr * (2 * g + wd * theta) == theta - lr2 * (g + wd2 * theta)
    assert clip2 == 2 and half_mse_hyperparameters(lr, wd, None) == (lr, wd, None)


@pytest.mark.parametrize("bad", ["MSE", "half_mse", None, 2])
def test_unknown_convention_is_refused(bad):
    with pytest.raises(ValueError, match="loss must be one of"):
        convention(bad)


def test_no_equivalent_step_when_decay_exceeds_two_over_eta():
    with pytest.raises(ValueError, match="no point is linearly stable"):
        equivalent_half_mse_eta(1, "mse", weight_decay=3)
    with pytest.raises(ValueError):
        half_mse_threshold(0)
