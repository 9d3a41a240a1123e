"""Ridge-bump families (derived here): exact norms vs quadrature, the cost formula vs numerics.variation,
membership in F, the certified Fano bound, the verify CLI for --family ridge|ridge-multi, and refusals."""

import json
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from constructions import ridge_fano as rf
from constructions.atoms import certified_value
from constructions.ridge import (bump_cost, bump_kinks, family_network, family_values, ridge_cost, ridge_family,
                                 ridge_kinks, slab_l2_sq, upper_bound)
from constructions.verify import main
from constructions.verify import ridge_report as report
from constructions.verify_ridge import RIDGE_CHECKS, check_fano_exponent, default_context, run_family


def _mp(x):
    x = Fraction(x)
    return mpmath.mpf(x.numerator) / x.denominator


def _tent_quad(d, a, w, h):
    """Independent reference: mpmath quadrature of c1 int tent^2 (1 - s^2)^((d-1)/2) ds."""
    a, w, h = _mp(a), _mp(w), _mp(h)
    with mpmath.workdps(30):
        c1 = mpmath.gamma(mpmath.mpf(d) / 2 + 1) / (mpmath.sqrt(mpmath.pi) * mpmath.gamma(mpmath.mpf(d + 1) / 2))

        def f(s):
            t = (2 * h / w) * ((s - a) if s <= a + w / 2 else (a + w - s))
            return t * t * (1 - s * s) ** (mpmath.mpf(d - 1) / 2)

        return c1 * mpmath.quad(f, [a, a + w / 2, a + w])


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 5), st.fractions(Fraction(-1), Fraction(3, 4), max_denominator=64),
       st.fractions(Fraction(1, 64), Fraction(1, 4), max_denominator=64), st.fractions(Fraction(1, 8), 1, max_denominator=16))
def test_slab_l2_closed_form_matches_quadrature(d, a, w, h):
    if a + w > 1:
        a = 1 - w
    exact = certified_value(slab_l2_sq(d, a, w, h))[0]
    assert abs(exact - float(_tent_quad(d, a, w, h))) <= 1e-12 * exact


def test_slab_l2_refuses_slabs_outside_the_ball():
    with pytest.raises(ValueError):
        slab_l2_sq(2, Fraction(15, 16), Fraction(1, 8), 1)


def test_network_realises_the_tents_exactly():
    fam = ridge_family(2, "1/2", 4, "3/4")
    signs = [1, -1, -1, 1]
    net = family_network(fam, signs)
    from numerics.hessian import forward

    xs = [Fraction(k, 64) for k in range(-64, 65)]
    X = np.array([[x, Fraction(0)] for x in xs], dtype=object)
    f = forward(net, X)
    w, h = fam.width, fam.height
    for x, fx in zip(xs, f):
        ref = Fraction(0)
        for a, s in zip(fam.positions, signs):
            if a <= x <= a + w:
                ref += s * h * (1 - abs(2 * (x - a) / w - 1))
        assert fx == ref
    assert max(abs(v) for v in f) == h  # sup norm h, attained


def test_adjacent_tents_share_kinks_and_cancel():
    w, h = Fraction(1, 8), 1
    ks = ridge_kinks([Fraction(1, 2), Fraction(5, 8)], w, h, [1, -1])
    # at t = 5/8 the jumps 2h/w and -2h/w cancel: the kink disappears
    assert Fraction(5, 8) not in [t for t, _ in ks] and len(ks) == 4
    with pytest.raises(ValueError):
        bump_kinks(0, 0, 1)


@pytest.mark.parametrize("d,multi", [(1, False), (2, False), (2, True), (3, True)])
def test_cost_formula_matches_numerics_weights(d, multi):
    """sum_i |c_i| G(t_i) over merged kinks (exact) equals numerics.variation.vg_norm with the population
    weight on the network f_xi (which merges equal hyperplanes independently), for random xi; and the
    per-tent sum (the membership bound) is never below it (triangle inequality)."""
    from numerics.sampling import sample_ball
    from numerics.variation import vg_norm

    fam = ridge_family(d, "1/2", 6, "1/3", multi=multi)
    v = family_values(fam)
    X = sample_ball(200, d, 1)
    rng = np.random.default_rng(d)
    for _ in range(3):
        signs = [int(s) for s in rng.choice([-1, 1], size=fam.num_bumps)]
        exact = sum((ridge_cost(d, ridge_kinks(fam.positions, fam.width, fam.height, signs[k * 6:(k + 1) * 6]))
                     for k in range(len(fam.directions))), sp.Integer(0))
        ev = certified_value(exact)[0]
        with mpmath.workdps(30):
            pop = vg_norm(family_network(fam, signs), X, weight="population").value
        assert abs(pop - ev) <= 1e-9 * ev
        assert ev <= certified_value(v["cost_bound"])[0] * (1 + 1e-12)


def test_cost_formula_against_the_empirical_weight_on_samples():
    """Monte Carlo: the empirical weight on many uniform samples approaches the population weight."""
    from numerics.sampling import sample_ball
    from numerics.variation import vg_norm

    fam = ridge_family(2, "1/2", 4, "1/2")
    signs = [1, -1, 1, 1]
    exact = certified_value(ridge_cost(2, ridge_kinks(fam.positions, fam.width, fam.height, signs)))[0]
    X = sample_ball(40_000, 2, 3)
    emp = vg_norm(family_network(fam, signs).as_float(), X, weight="empirical", exact=False).value
    assert abs(emp - exact) <= 0.1 * exact


def test_family_values_refuse_overlapping_caps_and_non_unit_directions():
    bad = ridge_family(2, "1/4", 4, "1/2", directions=[(1, 0), (Fraction(3, 5), Fraction(4, 5)),
                                                          (Fraction(4, 5), Fraction(3, 5))])
    v = family_values(bad)
    assert not v["disjoint"] and v["packing_report"].problems
    off = ridge_family(2, "1/4", 4, "1/2", directions=[(Fraction(1, 2), Fraction(1, 2))])
    assert not family_values(off)["disjoint"]
    good = ridge_family(2, "1/4", 4, "1/2", multi=True)
    assert family_values(good)["disjoint"] and len(good.directions) == 8


def test_population_weight_depth_matches_numerics():
    from numerics.variation import population_weight

    for d in (1, 2, 3, 5):
        for x in (1e-4, 1e-3, 0.03, 0.3, 1.0):
            with mpmath.workdps(40):
                ref = float(population_weight(1 - mpmath.mpf(x), d))
            assert abs(float(rf.population_weight_depth(np.array([x]), d)[0]) - ref) <= 1e-7 * ref


def test_float_terms_match_exact_ones():
    d, eps, K = 3, Fraction(1, 4), 8
    fam = ridge_family(d, eps, K, 1)
    v = family_values(fam)
    cost1, l2, mult = rf.family_terms(d, float(eps * eps), K)
    assert abs(cost1 - certified_value(v["cost_bound"])[0]) <= 1e-8 * cost1
    exact = sorted(certified_value(x)[0] for x in v["l2_sq"])
    assert np.allclose(sorted(l2), exact, rtol=1e-10)


def test_certified_bound_is_below_the_estimate_and_in_F():
    for fam, K in (("ridge", 400), ("ridge-multi", 40)):
        r = rf.certified_bound(10 ** 6, 2, fam, Fraction(1, 10), K)
        est = rf.fano_value(1e6, 1.0, 2, 0.01, K, r["N"])
        assert r["certified"] and r["in_F"] and r["cost_upper"] <= 1
        assert 0 < r["bound"] <= est["bound"] * (1 + 1e-9)
    from constructions.fano import minimax_lower_bound

    opt = minimax_lower_bound(1e6, 1.0, 2)
    c = rf.certified_bound(10 ** 6, 2, "caps", Fraction(opt["eps"]).limit_denominator(10 ** 6))
    # the same family as the caps optimiser's (float64) estimate: certified value agrees to rounding of eps
    assert c["in_F"] and c["N"] == opt["N"] and c["bound"] == pytest.approx(opt["bound"], rel=1e-4)
    with pytest.raises(ValueError):
        rf.certified_bound(10 ** 6, 2, "ridge", Fraction(3, 4), 10)


def test_ridge_checks_pass_on_the_default_families():
    for family in ("ridge", "ridge-multi"):
        ctx = default_context(family, 2)
        res = run_family(ctx, [c for c in RIDGE_CHECKS if c is not check_fano_exponent])
        assert all(r.holds for r in res), [r for r in res if not r.holds]
        names = {r.name for r in res}
        assert {"family_cost", "family_sup_norm", "varshamov_gilbert", "fano_bound", "cost_formula"} <= names
        out = json.loads(report(ctx, res, 0.0, True))
        assert out["family"] == family and out["fano_lower_bound"] > 0
        assert {"d", "eps", "num_caps", "cap_mass", "atom_l2_sq", "vg_cost", "packing_size", "min_hamming",
                "fano_lower_bound", "empty_caps", "lambda_max", "checks"} <= set(out)


def test_ridge_checks_refuse_a_family_outside_F():
    # height 1 on this family costs more than 1: the membership check must fail (and the run exit 1)
    ctx = default_context("ridge", 2, eps=Fraction(1, 2), K=16, height=1)
    res = run_family(ctx, [c for c in RIDGE_CHECKS if c is not check_fano_exponent])
    (cost,) = [r for r in res if r.name == "family_cost"]
    assert cost.holds is False and cost.certified


@pytest.mark.parametrize("argv", [["--family", "ridge", "--height", "2"], ["--family", "ridge", "--height", "0"],
                                  ["--bumps", "4"], ["--family", "ridge", "--directions", "x.json"],
                                  ["--family", "cubes"], ["--family", "ridge", "--bumps", "0"],
                                  ["--family", "ridge-multi", "--certificate-out", "c.json"]])
def test_bad_ridge_flags_exit_2(argv, capsys):
    assert main(argv) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


@pytest.mark.slow
@pytest.mark.parametrize("family", ["ridge", "ridge-multi"])
def test_verify_cli_ridge_families_json(family, capsys):
    rc = main(["--family", family, "--d", "2", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and out["passed"] and out["family"] == family
    assert out["fano_lower_bound"] > 0 and out["extra"]["bound_ratio_to_caps_estimate"]["1e+12"] > 1


@pytest.mark.slow
@pytest.mark.parametrize("d", [2, 3, 4])
def test_fitted_exponents_match_the_derived_ones(d):
    for multi in (False, True):
        p, _ = rf.fitted_exponent(d, multi)
        assert abs(p - float(rf.derived_exponent(d, multi))) <= 0.05 * float(rf.derived_exponent(d, multi))


def test_tightness_cli(capsys):
    from constructions.tightness import main as tmain

    assert tmain(["--d", "1", "--n", "1e6", "--json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    (row,) = entry["rows"]
    assert entry["d"] == 1 and row["largest"] in ("ridge", "ridge-multi") and "caps" not in row
    assert row["ridge"]["certified_bound"] > 0 and entry["derived_exponents"]["ridge-multi"] == "1/2"
    for bad in (["--d", "0"], ["--d", "x"], ["--n", "10"], ["--n", "a,b"]):
        assert tmain(bad) == 2
        assert len(capsys.readouterr().err.strip().splitlines()) == 1


@pytest.mark.slow
def test_fano_exponent_check_refuses_a_wrong_derived_exponent(monkeypatch):
    ctx = default_context("ridge", 2)
    assert check_fano_exponent(ctx).holds
    monkeypatch.setattr(rf, "derived_exponent", lambda d, multi: Fraction(1, 4))
    assert check_fano_exponent(default_context("ridge", 2)).holds is False
