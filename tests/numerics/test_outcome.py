"""The shared result vocabulary (numerics.outcome) and every result type's view in it.

The vocabulary's invariants are checked with hypothesis over exact rationals; each result type's
``.outcome`` / ``.quantity`` is checked on real computations against an independent reference (numpy's
eigvalsh of the exact Hessian rounded to float64, closed forms, exact comparisons), and forged results
whose fields contradict each other must be refused.
"""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from numerics.certificates import StabilityCertificate, certify_stability
from numerics.hessian import KinkError, hessian
from numerics.lambda_estimate import lambda_max_estimate_detail
from numerics.network import Dataset, ReluNetwork
from numerics.outcome import CERTIFIED, ESTIMATE, UNDECIDED, Outcome, Quantity
from numerics.variation import term_a_check, theorem_3_2_check, vg_norm
from tests.numerics._random import fvec, net_and_data

q_st = st.fractions(min_value=-50, max_value=50, max_denominator=30)


# ------------------------------------------------------------------------------ the vocabulary
@given(q_st, q_st, q_st, st.data())
def test_decisions_agree_with_every_point_of_the_enclosure(a, b, c, data):
    lo, hi = min(a, b), max(a, b)
    ends = data.draw(st.sampled_from(["both", "lower", "upper"]))
    q = Quantity("x", lower=lo if ends != "upper" else None, upper=hi if ends != "lower" else None, certified=True)
    x = data.draw(st.fractions(min_value=lo, max_value=hi, max_denominator=40))  # a point the enclosure allows
    le, ge = q.decide_at_most(c), q.decide_at_least(c)
    if le is not None:
        assert le == (x <= c)
    if ge is not None:
        assert ge == (x >= c)
    # a closed enclosure decides every c outside it
    if ends == "both" and (c < lo or c > hi):
        assert le is not None and ge is not None


@given(q_st, q_st)
def test_an_empty_enclosure_is_refused(a, b):
    assume(a != b)
    lo, hi = max(a, b), min(a, b)
    with pytest.raises(ValueError, match="empty"):
        Quantity("x", lower=lo, upper=hi, certified=True)


def test_quantity_refuses_contradictions():
    with pytest.raises(ValueError, match="needs an enclosure"):
        Quantity("x", value=1.0, certified=True)
    with pytest.raises(ValueError, match="no enclosure"):
        Quantity("x", value=1.0, lower=Fraction(0))
    with pytest.raises(ValueError, match="needs a value"):
        Quantity("x")
    with pytest.raises(ValueError, match="True or False"):
        Quantity("x", lower=Fraction(0), certified=1)
    with pytest.raises(ValueError, match="float"):
        Quantity("x", value=math.nan)
    with pytest.raises(TypeError, match="exact"):
        Quantity("x", lower=0.5, certified=True)  # a float end is not an exact enclosure
    assert Quantity("x", value=math.inf).value == math.inf  # beyond float64: allowed, still an estimate
    assert Quantity("x", value=2.5).decide_at_most(3) is None  # an estimate decides nothing


def test_outcome_refuses_contradictions_and_reports_its_status():
    with pytest.raises(ValueError, match="decides its claim"):
        Outcome("c", None, True)
    with pytest.raises(ValueError, match="True, False or None"):
        Outcome("c", np.True_, False)
    with pytest.raises(TypeError, match="Quantity"):
        Outcome("c", True, True, quantities=({"lower": 1},))
    assert [Outcome("c", h, cf).status for h, cf in ((True, True), (False, False), (None, False))] == [
        CERTIFIED, ESTIMATE, UNDECIDED]
    assert Outcome("c", None, False).as_check()["passed"] is False  # undecided is never a pass
    with pytest.raises(KeyError):
        Outcome("c", True, True).quantity("missing")


# ------------------------------------------------------------------------------ result types
def _float_lambda_max(net, data) -> float:
    H = fvec(hessian(net, data))
    return float(np.linalg.eigvalsh(0.5 * (H + H.T))[-1])


@pytest.mark.parametrize("method", ["dense", "schur", "structured"])
@given(nd=net_and_data(max_K=2, max_d=2, max_n=3), eta=st.sampled_from([Fraction(1, 10), Fraction(1), Fraction(4)]))
def test_stability_outcome_matches_the_certificate_and_the_dense_spectrum(method, nd, eta):
    net, data = nd
    try:
        ref = _float_lambda_max(net, data)
        cert = certify_stability(net, data, eta, method=method)
    except KinkError:
        assume(False)
    o = cert.outcome
    assert o.holds is cert.stable and o.certified is cert.certified and o.method == cert.method
    two_over_eta = o.quantity("2/eta")
    assert two_over_eta.lower == two_over_eta.upper == 2 / eta
    if o.certified and abs(ref - float(2 / eta)) > 1e-9 * max(1.0, abs(ref)):
        assert o.holds == (ref <= float(2 / eta))  # the verdict agrees with the independent spectrum
    lam = [q for q in o.quantities if q.name == "lambda_max"]
    if lam and lam[0].certified:
        q = lam[0]
        slack = 1e-9 * max(1.0, abs(ref))
        assert q.lower is None or float(q.lower) <= ref + slack
        assert q.upper is None or ref - slack <= float(q.upper)
        decided = q.decide_at_most(2 / eta)
        assert decided is None or decided == o.holds  # the enclosure never contradicts the verdict


def test_a_forged_stability_certificate_is_refused():
    net, data = ReluNetwork.exact([[1]], [0], [1], 0), Dataset.exact([[2]], [2])
    cert = certify_stability(net, data, "1/8")
    assert cert.outcome.status == CERTIFIED
    with pytest.raises(ValueError, match="decides its claim"):
        replace(cert, stable=None).outcome  # "certified" but undecided
    with pytest.raises(ValueError, match="empty"):
        replace(cert, lambda_max_lower=Fraction(11), lambda_max_upper=Fraction(10)).outcome


def test_estimates_are_never_certified():
    net = ReluNetwork.from_float([[1.0]], [0.0], [1.0], 0.0)
    data = Dataset.from_float([[2.0]], [1.0])
    e = lambda_max_estimate_detail(net, data)
    # closed form: f = v relu(w x - b) + beta at x = 2, r = 1: H = g g^T / n + r * (the v-w, v-b block)
    assert e.quantity.status == ESTIMATE and e.quantity.lower is None and e.quantity.upper is None
    assert e.quantity.value == pytest.approx(_float_lambda_max(net.as_kind("exact"), data.as_kind("exact")), rel=1e-9)


def test_vg_norm_quantity_encloses_the_closed_form():
    # f = 2 relu(x) on {1, -1}: |f|_Vg = |a| g = sqrt(2)/2 under the empirical weight (doctested formula)
    net = ReluNetwork.exact([[1]], [0], [2], 0)
    X = np.array([[Fraction(1)], [Fraction(-1)]], dtype=object)
    q = vg_norm(net, X, bits=30).quantity
    assert q.status == CERTIFIED and q.lower ** 2 <= Fraction(1, 2) <= q.upper ** 2
    assert q.upper - q.lower < Fraction(1, 2 ** 25)
    est = vg_norm(net.as_kind("float"), np.array([[1.0], [-1.0]]), exact=False).quantity
    assert est.status == ESTIMATE and est.value == pytest.approx(math.sqrt(2) / 2, rel=1e-12)


@given(nd=net_and_data(max_K=2, max_d=2, max_n=3))
def test_inequality_outcomes_follow_their_margin_bounds(nd):
    net, data = nd
    try:
        checks = [term_a_check(net, data), theorem_3_2_check(net, data)]
    except (KinkError, ValueError):
        assume(False)
    for c in checks:
        o = c.outcome
        assert o.holds is c.holds
        if o.quantities:
            m = o.quantities[0]
            assert m.certified == (c.margin_lower is not None or c.margin_upper is not None)
            if o.certified:  # the margin's enclosure is what decided lhs <= rhs
                assert m.decide_at_least(0) == o.holds


def test_construction_reports_speak_the_vocabulary_and_refuse_broken_inputs():
    from constructions.caps import verify_packing
    from constructions.varshamov_gilbert import verify_code

    good = verify_packing([[1, 0], [0, 1], [-1, 0], [0, -1]], "1/2").outcome
    assert good.holds is True and good.status == CERTIFIED
    bad = verify_packing([[1, 0], ["3/5", "4/5"]], "1/2").outcome  # overlapping caps
    assert bad.holds is False and bad.certified and "overlap" in bad.detail
    assert bad.quantity("max u.u'").decide_at_most(bad.quantity("u.u' threshold").upper) is False
    code = verify_code(np.eye(8, dtype=int)).outcome
    assert code.quantity("min Hamming distance").lower == 2 and code.holds == (2 >= 1)
    twins = verify_code(np.array([[0] * 8, [0] * 8, [1] * 8])).outcome  # two equal codewords
    assert twins.holds is False and twins.certified and twins.quantity("min Hamming distance").upper == 0


def test_app_i_minimum_outcome_is_exact():
    from constructions.stable_minima import atom_network, certify_minimum

    X = np.array([[Fraction(0), Fraction(0)]], dtype=object)
    o = certify_minimum(atom_network([[1, 0]], "1/2"), Dataset.exact(X, [0]), 1).outcome
    assert o.holds is True and o.status == CERTIFIED
    lam = o.quantity("lambda_max")
    assert lam.lower == lam.upper == 1
    o2 = certify_minimum(atom_network([[1, 0]], "1/2"), Dataset.exact(X, [1]), 1).outcome  # residual 1: no minimum
    assert o2.holds is False
