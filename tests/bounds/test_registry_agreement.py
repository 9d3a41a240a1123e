"""Registry, derivation and table agree: exact values at integer and rational d (hypothesis), and
symbolic identity (the prover)."""

from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import example, given
from hypothesis import strategies as st

import bounds
from bounds import REGISTRY, derive_all, get_rate, prove_equal
from bounds._symbols import d
from bounds.rate_table import rows

DERIVED = {rid: e for dv in derive_all() for rid, e in dv.exponents.items()}


def _exact(expr, value):
    """Independent reference: sympy substitution, which must give an exact Rational."""
    v = expr.subs(d, value)
    assert v.is_Rational, v
    return Fraction(int(v.p), int(v.q))


def test_registry_covers_theory_table_and_derived_exponents():
    ids = set(REGISTRY)
    assert {"gap_upper", "gap_lower", "mse_upper", "minimax_mse_lower", "lownorm_gap", "lownorm_mse",
            "univariate_interior_mse", "gap_upper_unconstrained", "gap_interior_term", "mse_interior_term"} <= ids
    assert set(DERIVED) == ids  # every registered exponent is re-derived


def test_rate_fields():
    r = get_rate("minimax_mse_lower")
    assert isinstance(r.exponent, sp.Piecewise) and r.kind == "lower" and r.quantity == "mse"
    assert get_rate("uniform_deviation").prefactor_reconstructed
    assert get_rate("univariate_interior_mse").applies(1) and not get_rate("univariate_interior_mse").applies(2)
    with pytest.raises(KeyError):
        get_rate("nope")
    with pytest.raises(ValueError):
        bounds.Rate("x", "gap", "sideways", "stable minima", 1 / d)


@pytest.mark.parametrize("rid", sorted(REGISTRY))
def test_derivation_equals_registry_symbolically(rid):
    assert prove_equal(DERIVED[rid], REGISTRY[rid].exponent).proved


@given(st.integers(min_value=1, max_value=400))
@example(1)
@example(2)
def test_integer_d_registry_derivation_table(k):
    table = {r["id"]: r for r in rows([k])}
    for rid, r in REGISTRY.items():
        if not r.applies(k):
            assert rid not in table
            continue
        exact = r.exponent_at(k)
        # independent reference: sympy substitution into the derived (not the registered) expression
        assert _exact(DERIVED[rid], k) == exact
        assert _exact(r.exponent, k) == exact
        assert table[rid]["exponent"] == str(exact) and table[rid]["exponent_float"] == float(exact)


@given(st.fractions(min_value=1, max_value=50, max_denominator=97))
@example(Fraction(1))
@example(Fraction(3, 2))
def test_rational_d_registry_derivation(q):
    ds = sp.Rational(q.numerator, q.denominator)
    for rid, r in REGISTRY.items():
        if r.dims is not None:
            continue
        assert r.exponent_at(q) == _exact(DERIVED[rid], ds)


def test_known_values():
    assert get_rate("gap_upper").exponent_str(3) == "1/10"
    assert get_rate("minimax_mse_lower").exponent_str(1) == "1/2"
    assert get_rate("minimax_mse_lower").exponent_str(3) == "1/2"
    assert get_rate("mse_upper").exponent_str(1) == "1/6"
    assert get_rate("lownorm_mse").exponent_str(1) == "4/5"
