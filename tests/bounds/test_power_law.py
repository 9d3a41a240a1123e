"""PowerLaw parsing and the balance step, against direct substitution and float evaluation."""

from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import example, given
from hypothesis import strategies as st

from bounds import PowerLaw, balance, minimize_sum, rate_exponent
from bounds._symbols import M, d, eps, n

fr = st.fractions(min_value=-5, max_value=5, max_denominator=7)


def _q(x):
    return sp.Rational(x.numerator, x.denominator)


@given(fr, fr, fr)
def test_parse_reads_exponents(a, b, c):
    pl = PowerLaw.of(7 * n ** _q(a) * eps ** _q(b) * M ** _q(c))
    assert (pl.exponent(n), pl.exponent(eps), pl.exponent(M)) == (_q(a), _q(b), _q(c))


@given(fr, fr, fr, fr)
@example(Fraction(0), Fraction(1), Fraction(-1, 2), Fraction(-1))  # eps vs n^(-1/2)/eps -> n^(-1/4)
def test_balance_makes_terms_equal(a, b, c, e):
    """Independent check: substitute the solution back and evaluate both terms at floats."""
    if b == e:
        with pytest.raises(ValueError):
            balance(PowerLaw.of(n ** _q(a) * eps ** _q(b)), PowerLaw.of(n ** _q(c) * eps ** _q(e)), eps)
        return
    t1, t2 = n ** _q(a) * eps ** _q(b), n ** _q(c) * eps ** _q(e)
    sol = balance(PowerLaw.of(t1), PowerLaw.of(t2), eps).as_expr()
    for nv in (2.0, 17.0, 1000.0):
        v1 = float(t1.subs(eps, sol).subs(n, nv))
        v2 = float(t2.subs(eps, sol).subs(n, nv))
        assert v1 == pytest.approx(v2, rel=1e-12)
    # closed form: eps = n^((c - a)/(b - e))
    assert sp.simplify(sol - n ** (_q(c - a) / _q(b - e))) == 0


def test_symbolic_balance_in_d():
    # the Fano balance n eps^2 = eps^-(d-1): eps = n^(-1/(d+1)), checked by substitution for symbolic d
    sol = balance(PowerLaw.of(n * eps ** 2), PowerLaw.of(eps ** (1 - d)), eps)
    lhs = PowerLaw.of(n * eps ** 2).subs(eps, sol)
    rhs = PowerLaw.of(eps ** (1 - d)).subs(eps, sol)
    assert lhs == rhs
    assert sp.cancel(rate_exponent(sol, n) - 1 / (d + 1)) == 0


def test_not_a_power_law_is_rejected():
    with pytest.raises(ValueError):
        PowerLaw.of(n + eps)
    with pytest.raises(ValueError):
        PowerLaw.of(sp.log(n) * eps)


def test_minimize_sum_constraint_and_rejection():
    # unconstrained optimum n^-1/2; a floor n^-1/4 is larger, so it binds
    o = minimize_sum(PowerLaw.of(eps), PowerLaw.of(1 / (eps * n)), eps, n, lower=PowerLaw.of(n ** sp.Rational(-1, 4)))
    assert o.binding == "constraint" and o.chosen.exponent(n) == sp.Rational(-1, 4)
    # a floor below the optimum does not bind
    o = minimize_sum(PowerLaw.of(eps), PowerLaw.of(1 / (eps * n)), eps, n, lower=PowerLaw.of(1 / n))
    assert o.binding == "balance"
    # a "decreasing" term that increases is refused
    with pytest.raises(ValueError):
        minimize_sum(PowerLaw.of(eps), PowerLaw.of(eps ** 2 / n), eps, n)
    # a floor that crosses the balance point as d varies cannot be decided uniformly: refused
    with pytest.raises(ValueError):
        minimize_sum(PowerLaw.of(eps), PowerLaw.of(1 / (eps * n)), eps, n, lower=PowerLaw.of(n ** (-1 / (d - sp.Rational(1, 2)))))
