"""The exact prover proves true sign claims, refutes false ones with a genuine counterexample, and
never 'proves' a claim that a brute-force rational evaluation contradicts."""

from fractions import Fraction

import sympy as sp
from hypothesis import example, given
from hypothesis import strategies as st

from bounds import prove_decreasing, prove_equal, prove_limit_zero, prove_positive
from bounds._symbols import d

PW = sp.Piecewise((sp.Rational(1, 2), sp.Eq(d, 1)), (2 / (d + 1), True))


def _value(expr, x):
    return sp.nsimplify(expr.subs(d, sp.nsimplify(x)))


def test_true_claims_are_proved_with_witness():
    v = prove_positive(1 / (2 * d + 2) - 1 / (2 * d + 4))
    assert v.proved and "N(s)" in v.witness
    assert prove_positive(d ** 2 - 3 * d + 3).proved  # needs root isolation (mixed-sign coefficients)
    assert prove_positive(PW - 1 / (2 * d + 4)).proved
    assert prove_positive(sp.Rational(6) - 4 * (d + 2) / (d + 1), strict=False).proved


def test_false_claims_are_refuted_with_real_counterexample():
    v = prove_positive(2 / (d + 1) - sp.Rational(1, 4))
    assert v.status == "refuted" and _value(2 / (d + 1) - sp.Rational(1, 4), v.counterexample) <= 0
    v = prove_positive(1 / (2 * d + 4) - 1 / (2 * d + 2))  # the validity claim reversed
    assert v.status == "refuted"
    v = prove_positive((d - 3) ** 2)  # zero at d = 3
    assert v.status == "refuted" and v.counterexample == "3"
    v = prove_positive(sp.Integer(0))
    assert v.status == "trivial" and not v.proved


def test_identically_zero_claims_are_trivial_not_proved():
    """'x >= x' has no content: refused as 'trivial' for every form of zero, strict or not; an identity
    must be stated with prove_equal, which says it is one."""
    for expr in (sp.Rational(1, 4) - sp.Rational(1, 4), (d + 1) / 2 - (d + 1) / 2,
                 4 - 1 / (1 / sp.Integer(4)), (d ** 2 - 1) / (d - 1) - (d + 1)):
        for strict in (True, False):
            v = prove_positive(expr, strict=strict)
            assert v.status == "trivial" and not v.proved, (expr, strict, v)
    # the d = 1 piece alone being 0 is also vacuous
    pw0 = sp.Piecewise((sp.Integer(0), sp.Eq(d, 1)), (1 / d, True))
    assert prove_positive(pw0, strict=False).status == "trivial"
    # a piece that is 0 only outside the domain is fine
    assert prove_positive(pw0, d_min=2).proved
    assert prove_equal(sp.Rational(1, 4), sp.Rational(1, 4)).proved
    # a constant is not strictly decreasing (refuted, not trivial)
    assert prove_decreasing(sp.Rational(1, 4)).status == "refuted"


def test_pieces_split_the_domain():
    from bounds.prover import pieces

    assert pieces(PW) == [("d = 1", sp.Rational(1, 2), 1, True), ("d >= 2", 2 / (d + 1), 2, False)]
    assert pieces(PW, d_min=2) == [("d >= 2", 2 / (d + 1), 2, False)]
    assert pieces(1 / d, d_min=3) == [("d >= 3", 1 / d, 3, False)]


def test_nonstrict_refutation_counterexample_really_violates():
    v = prove_positive(-(d - 1) / (d + 1), strict=False)  # 0 at d = 1, negative after
    assert v.status == "refuted" and _value(-(d - 1) / (d + 1), v.counterexample) < 0


def test_integer_domain_counterexample_is_integer():
    v = prove_positive(2 / (d + 1) - sp.Rational(1, 4), integer=True)
    assert v.status == "refuted" and Fraction(v.counterexample).denominator == 1


def test_decreasing_and_the_d1_exception():
    assert prove_decreasing(1 / (2 * d + 4)).proved
    assert prove_decreasing(PW, d_min=2, integer=True).proved
    v = prove_decreasing(PW)  # 1/2 at d = 1 but 2/3 at d = 2
    assert v.status == "refuted"
    assert prove_decreasing(d / (d + 1)).status == "refuted"


def test_limits_and_equality():
    assert prove_limit_zero(3 / (4 * d + 6)).proved
    assert not prove_limit_zero((d + 3) / (2 * d + 3)).proved
    assert prove_equal((d + 3) / (4 * d + 6), 1 / (2 + 2 * d / (d + 3))).proved
    assert not prove_equal(PW, 2 / (d + 1)).proved  # differs only at d = 1
    assert not prove_equal(1 / (2 * d + 4), 1 / (2 * d + 3)).proved


ints = st.integers(min_value=-6, max_value=6)


@given(ints, ints, st.integers(min_value=1, max_value=6), st.integers(min_value=0, max_value=6), ints, st.booleans())
@example(1, -7, 1, 0, 0, True)    # (d - 7)/d: changes sign at 7
@example(0, 0, 1, 1, 0, True)     # identically 0
@example(0, -1, 1, 1, 1, False)   # (1 - d)/(d + 1): 0 at d = 1, negative after
@example(1, -6, 1, 0, 9, False)   # (d - 3)^2/d: touches 0
def test_verdicts_are_sound_against_brute_force(a, b, c, e, k, strict):
    """(a d^2 + b d + k)/(c d + e) with a positive denominator on [1, oo): a 'proved' verdict must agree
    with exact evaluation at many rationals and the sign at infinity; a 'refuted' one must come with a
    point where the claim fails."""
    expr = (a * d ** 2 + b * d + k) / (c * d + e)
    v = prove_positive(expr, strict=strict)

    def f(x):  # independent exact evaluation in Fractions
        return (a * x * x + b * x + k) / Fraction(c * x + e)

    pts = [Fraction(1) + Fraction(i, 4) for i in range(0, 80)] + [Fraction(10 ** j) for j in range(2, 7)]
    if v.status == "trivial":
        assert all(f(p) == 0 for p in pts)
    if v.proved:
        assert all((f(p) > 0) if strict else (f(p) >= 0) for p in pts)
    elif v.status == "refuted":
        assert v.counterexample is not None
        x = sp.sympify(v.counterexample)  # may be an algebraic root of the numerator
        val = sp.simplify((a * x ** 2 + b * x + k) / (c * x + e))
        assert (val <= 0) if strict else (val < 0)
