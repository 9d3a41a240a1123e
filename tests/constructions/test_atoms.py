"""Atoms Phi_u (App. H; atom cost: Lemma H.2): exact closed forms vs quadrature, Monte Carlo and numerics.variation; rejects."""

from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st

from constructions.atoms import (atom_l2_sq, atom_l2_sq_quad, atom_monte_carlo, atom_neuron, atom_sup_norm,
                                 canonical_cost, cap_mass, cap_mass_quad, certified_value, population_cost)

eps_st = st.fractions(min_value=Fraction(1, 64), max_value=Fraction(1, 2), max_denominator=64)


@settings(max_examples=25)
@given(st.integers(1, 7), eps_st)
@example(2, Fraction(1, 64))  # even d, strong cancellation in the closed form
@example(6, Fraction(1, 2))
def test_cap_mass_and_atom_norm_agree_with_quadrature(d, eps):
    cm, cm_r = certified_value(cap_mass(d, eps))
    l2, l2_r = certified_value(atom_l2_sq(d, eps))
    assert cm_r <= 1e-20 * cm and l2_r <= 1e-20 * l2
    assert abs(cm - float(cap_mass_quad(d, eps))) <= 1e-12 * cm
    assert abs(l2 - float(atom_l2_sq_quad(d, eps))) <= 1e-12 * l2


@pytest.mark.parametrize("d", [1, 3, 5, 7])
def test_odd_d_values_are_rational(d):
    assert cap_mass(d, "1/8").is_Rational
    assert atom_l2_sq(d, "1/8", "uniform").is_Rational


@pytest.mark.parametrize("d,eps", [(2, "1/2"), (3, "1/4"), (4, "1/3")])
def test_cap_volume_and_norm_agree_with_monte_carlo(d, eps):
    mc = atom_monte_carlo(d, eps, 200_000, seed=1)
    vol = float(sp.pi ** sp.Rational(d, 2) / sp.gamma(sp.Rational(d, 2) + 1))
    assert abs(mc["cap_volume"] - float(cap_mass(d, eps)) * vol) < 5 * mc["cap_volume_se"]
    assert abs(mc["l2_sq"] - float(atom_l2_sq(d, eps))) < 5 * mc["l2_sq_se"]


@pytest.mark.parametrize("d", [2, 3, 6])
def test_leading_order_of_theory_md(d):
    # ||relu||^2 ~ V_{d-1} 2^{(d-1)/2} 16/((d+1)(d+3)(d+5)) eps^{d+5} as eps -> 0 (proofs_notes/theory.md §7)
    e = Fraction(1, 2000)
    exact = certified_value(atom_l2_sq(d, e) * sp.Rational(e.numerator, e.denominator) ** 4)[0]
    vol = float(sp.pi ** sp.Rational(d - 1, 2) / sp.gamma(sp.Rational(d + 1, 2)))
    lead = vol * 2 ** ((d - 1) / 2) * 16 / ((d + 1) * (d + 3) * (d + 5)) * float(e) ** (d + 5)
    assert abs(exact / lead - 1) < 1e-3


@given(st.integers(1, 8), eps_st)
def test_sup_norm_and_canonical_cost_exact(d, eps):
    u = [Fraction(1)] + [Fraction(0)] * (d - 1)
    assert atom_sup_norm(u, eps) == 1
    assert canonical_cost(d, eps) == eps ** (2 * d + 2)
    w, b, v = atom_neuron(u, eps)
    assert b == 1 - eps ** 2 and v * eps ** 2 == 1


def test_atoms_reject_bad_input():
    with pytest.raises(ValueError):
        atom_sup_norm(["1/2", "1/2"], "1/8")  # off the sphere
    with pytest.raises(ValueError):
        cap_mass(3, "3/4")  # eps > 1/2
    with pytest.raises(ValueError):
        atom_l2_sq(3, "1/8", "counting")


@pytest.mark.parametrize("d,eps", [(1, "1/2"), (2, "1/4"), (3, "1/8"), (5, "1/3")])
def test_population_cost_matches_numerics_weights(d, eps):
    from numerics.variation import population_weight

    e = Fraction(eps)
    with mpmath.workdps(30):
        t = 1 - mpmath.mpf(e.numerator) ** 2 / e.denominator ** 2
        ref = population_weight(t, d) / (mpmath.mpf(e.numerator) / e.denominator) ** 2
    val = certified_value(population_cost(d, eps))[0]
    assert abs(val - float(ref)) <= 1e-12 * val
