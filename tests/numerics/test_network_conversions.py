"""Exact conversions of single numbers and of whole networks between number kinds."""

from fractions import Fraction

import mpmath
import pytest
from hypothesis import given
from hypothesis import strategies as st

from numerics.network import Dataset, ReluNetwork, to_fraction


@pytest.mark.parametrize("x, expected", [
    (mpmath.mpf(-1.5), Fraction(-3, 2)),
    (mpmath.mpf(1.5), Fraction(3, 2)),
    (mpmath.mpf(0), Fraction(0)),
    (mpmath.mpf(-0.25), Fraction(-1, 4)),
])
def test_mpf_to_fraction_keeps_the_sign(x, expected):
    assert to_fraction(x) == expected


@given(st.fractions(min_value=-8, max_value=8, max_denominator=64))
def test_mpf_round_trip_is_exact_for_dyadics(q):
    dyadic = Fraction(int(q * 1024), 1024)  # exactly representable in binary
    assert to_fraction(mpmath.mpf(dyadic.numerator) / dyadic.denominator) == dyadic


def test_mpmath_network_converts_back_to_the_same_exact_network():
    net = ReluNetwork.exact([[1, "-1/2"], ["-3/4", 2]], ["-1/8", "1/4"], [-2, "3/2"], "-5/16")
    back = net.as_mpmath(30).as_exact()
    assert back.to_vector().tolist() == net.to_vector().tolist()


def test_exact_copies_of_mpmath_network_and_data_keep_signs():
    # The exact copies numerics.linear_stability certifies: negative entries must stay negative.
    net = ReluNetwork.exact([[Fraction(-3, 4), Fraction(1, 2)]], [Fraction(-1, 8)], [Fraction(-5, 2)], Fraction(-1, 4))
    data = Dataset.exact([[Fraction(-1, 2), Fraction(1, 4)]], [Fraction(-7, 3)])
    with mpmath.workdps(30):
        mnet, mdata = net.as_mpmath(), data.as_mpmath()
    en, ed = mnet.as_exact(), mdata.as_exact()
    assert list(en.to_vector()) == list(net.to_vector())
    assert ed.X[0, 0] == Fraction(-1, 2) and ed.y[0] < 0  # -7/3 rounded at 30 digits, still negative
