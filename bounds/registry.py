"""The registry: every rate of proofs_notes/theory.md §6.4 plus the exponents its proofs produce on the way.

Ids are stable API (other packages compare fitted exponents against them):

=========================  ========  =====  ========================  =================================
id                         quantity  kind   regime                    exponent p(d)
=========================  ========  =====  ========================  =================================
gap_upper                  gap       upper  stable minima             1/(2d+4)            (Thm 3.5)
gap_lower                  gap       lower  stable minima             2/(d+1)             (Thm 3.5)
mse_upper                  mse       upper  stable minima             1/(2d+4); d=1: 1/6  (Thm 3.6)
minimax_mse_lower          mse       lower  stable minima             2/(d+1); d=1: 1/2   (Thm 3.7)
lownorm_gap                gap       upper  low-norm / weight decay   1/4                 (Bach; Parhi-Nowak)
lownorm_mse                mse       upper  low-norm / weight decay   (d+3)/(2d+3)        (Parhi-Nowak)
univariate_interior_mse    mse       upper  univariate interior       4/5, d = 1 only     (Qiao et al.)
gap_upper_unconstrained    gap       upper  unconstrained balance     1/(2d+2)  (proof of Thm 3.5)
gap_interior_term          gap       upper  stable minima             3/(4d+6)  (term, Thm 3.5)
mse_interior_term          mse       upper  stable minima             3/(2d+3)  (term, Thm 3.6)
uniform_deviation          gap       upper  low-norm / weight decay   (d+3)/(4d+6)  (Lemma F.5)
ridge_mse_lower            mse       lower  packing family            1/2         (derived here)
ridge_multi_mse_lower      mse       lower  packing family            4/(3d+5)    (derived here)
=========================  ========  =====  ========================  =================================

Domains: gap_lower is stated for d >= 2 only (its construction, disjoint caps, needs d >= 2; the paper
gives no d = 1 value); univariate_interior_mse for d = 1; every other rate for d >= 1.  Flags: the
exponent of lownorm_mse is recalled from Parhi-Nowak 2023, not read ("exponent reconstructed"); the
prefactors of gap_upper, mse_upper and uniform_deviation are the toolkit's ("prefactor reconstructed":
gap_upper's M^2 drops the factor d^(1/(2d+4)) of eps_n = sqrt(d log n / n) and every constant); the
two ridge rates are the toolkit's own derivation ("derived here", not the paper's).

The rows of the table WITHOUT an exponent (Thm 3.2, Cor 3.3, Thm 3.4) are not rates and are not here.
Exponents are typed in from the paper's statements (as data in :mod:`bounds._rates_data`);
:mod:`bounds.derivations` re-derives each from its ingredient exponents (which are inputs) by the
balance of its proof, and :mod:`bounds.check` proves the two agree for symbolic d.
"""

from __future__ import annotations

from types import MappingProxyType

import sympy as sp

from ._symbols import M, C, d, log_n, sigma
from ._rates_data import RATE_DATA
from .rate import Rate

__all__ = ["REGISTRY", "get_rate", "rate_ids", "build_registry"]

def _extras():
    """Per-id fields that need sympy: log factors, prefactors, assumptions, notes."""
    validity_log = log_n ** (1 / (2 * d + 4))
    return {
        "gap_upper": dict(
            log_factor=validity_log, prefactor=M ** 2, prefactor_reconstructed=True,  # drops d^(1/(2d+4))
            assumptions=("theta in Theta_flat(eta)", "||x|| <= 1", "M = max{D, ||f||_inf, 1}", "labels bounded by D"),
            note="log factor and prefactor: toolkit derivation (annulus term M^2 eps at "
                 "eps = (log n / n)^(1/(2d+4))); eta enters only the interior term through A = 1/eta - 1/2 + 4M"),
        "gap_lower": dict(
            log_factor=sp.Integer(1), assumptions=("any risk estimator", "worst case over the flat class"),
            note="stated for d >= 2 only: the construction (disjoint caps) assumes d >= 2 and no d = 1 value "
                 "is given, so none is stored"),
        "mse_upper": dict(
            log_factor=validity_log, prefactor=M ** 2, prefactor_reconstructed=True,
            assumptions=("'optimized' stable minima", "in-sample MSE against f_0", "noise level sigma"),
            note="proofs_notes/theory.md §6.4's 'd = 1: 1/6' is 1/(2d+4) at d = 1, so no Piecewise is needed"),
        "minimax_mse_lower": dict(
            log_factor=sp.Integer(1), prefactor="sigma_2p", prefactor_reconstructed=False,
            assumptions=("class ||f||_inf <= B, |f|_{V_g} <= C", "Gaussian noise sigma", "X ~ Uniform(B^d_1)"),
            note="risk >~ (sigma^2/n)^p; the dependence on B and C is not stated"),
        "lownorm_gap": dict(assumptions=("bounded variation norm (weight decay)",), note="dimension-free"),
        "lownorm_mse": dict(assumptions=("Radon-BV class",), note="minimax optimal up to logs (log power unspecified)"),
        "univariate_interior_mse": dict(assumptions=("d = 1", "MSE strictly inside the support")),
        "gap_upper_unconstrained": dict(note="not achievable: the validity constraint eps^(d+2) >~ n^(-1/2) binds"),
        "ridge_mse_lower": dict(
            log_factor=sp.Integer(1), assumptions=("class ||f||_inf <= 1, |f|_{V_g} <= 1, population weight",
                                                    "Gaussian noise sigma", "X ~ Uniform(B^d_1)"),
            note="derived here (not from the paper): Fano over ridge bumps on one direction"),
        "ridge_multi_mse_lower": dict(
            log_factor=sp.Integer(1), assumptions=("class ||f||_inf <= 1, |f|_{V_g} <= 1, population weight",
                                                    "Gaussian noise sigma", "X ~ Uniform(B^d_1)"),
            note="derived here (not from the paper): Fano over ridge bumps on a packing of disjoint caps"),
        "uniform_deviation": dict(
            prefactor=M ** (3 * (d + 2) / (2 * d + 3)) * C ** (d / (2 * d + 3)), prefactor_reconstructed=True,
            assumptions=("unweighted variation ball V_C", "sup norm M"), note="prefactor reconstructed in proofs_notes/theory.md §6.5"),
    }


def _exponent(row):
    general = sp.sympify(row["exponent"], locals={"d": d})
    if row.get("d1") is None:
        return general
    return sp.Piecewise((sp.sympify(row["d1"]), sp.Eq(d, 1)), (general, True))


def build_registry() -> dict:
    """Return a fresh {id: Rate} dict of every registered rate (proofs_notes/theory.md §6.4, typed in).

    The id, kind, regime, source and exponent formula come from :data:`bounds._rates_data.RATE_DATA`
    (shared with the sympy-free table/plot path); sympy-only fields are added here.

    >>> build_registry()["gap_upper"].exponent
    1/(2*d + 4)
    """
    extras = _extras()
    out = {}
    for row in RATE_DATA:
        p = _exponent(row)
        ex = dict(extras.get(row["id"], {}))
        if ex.get("prefactor") == "sigma_2p":
            ex["prefactor"] = sigma ** (2 * p)  # the (sigma^2/n)^p form of Thm 3.7
        out[row["id"]] = Rate(row["id"], row["quantity"], row["kind"], row["regime"], p, source=row["source"],
                              role=row.get("role", "rate"), dims=row.get("dims"), d_min=row.get("d_min", 1),
                              flag=row.get("flag", ""), **ex)
    return out


#: the registry, read-only; tests may pass their own dict to bounds.check / bounds.claims
REGISTRY = MappingProxyType(build_registry())


def get_rate(rate_id: str, registry=None) -> Rate:
    """Return the Rate registered under ``rate_id`` (KeyError lists the valid ids).

    >>> get_rate("minimax_mse_lower").exponent_at(4)
    Fraction(2, 5)
    """
    reg = REGISTRY if registry is None else registry
    try:
        return reg[rate_id]
    except KeyError:
        raise KeyError(f"unknown rate id {rate_id!r}; known: {', '.join(reg)}") from None


def rate_ids(registry=None) -> list:
    """Return the registered ids in table order."""
    return list(REGISTRY if registry is None else registry)
