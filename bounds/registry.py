"""The registry: every rate of theory.md section 2 plus the exponents its proofs produce on the way.

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
=========================  ========  =====  ========================  =================================

The rows of the table WITHOUT an exponent (Thm 3.2, Cor 3.3, Thm 3.4) are not rates and are not here.
Exponents are typed in from theory.md; :mod:`bounds.derivations` re-derives them and
:mod:`bounds.check` proves the two agree for symbolic d.
"""

from __future__ import annotations

from types import MappingProxyType

import sympy as sp

from ._symbols import M, C, d, log_n, sigma
from .rate import Rate

__all__ = ["REGISTRY", "get_rate", "rate_ids", "build_registry"]

_R = sp.Rational


def build_registry() -> dict:
    """Return a fresh {id: Rate} dict of every registered rate (theory.md section 2, typed in).

    >>> build_registry()["gap_upper"].exponent
    1/(2*d + 4)
    """
    validity_log = log_n ** (1 / (2 * d + 4))
    rates = [
        Rate("gap_upper", "gap", "upper", "stable minima", 1 / (2 * d + 4),
             source="Thm 3.5 (upper)", log_factor=validity_log, prefactor=M ** 2, prefactor_reconstructed=True,
             assumptions=("theta in Theta_flat(eta)", "||x|| <= 1", "M = max{D, ||f||_inf, 1}",
                          "labels bounded by D"),
             note="log factor and prefactor: toolkit derivation (annulus term M^2 eps at "
                  "eps = (log n / n)^(1/(2d+4))); eta enters only the interior term through A = 1/eta - 1/2 + 4M"),
        Rate("gap_lower", "gap", "lower", "stable minima", 2 / (d + 1),
             source="Thm 3.5 (lower)", log_factor=sp.Integer(1),
             assumptions=("any risk estimator", "worst case over the flat class"),
             note="theory.md states no separate d = 1 value; 2/(d+1) is stored for every d"),
        Rate("mse_upper", "mse", "upper", "stable minima", 1 / (2 * d + 4),
             source="Thm 3.6", log_factor=validity_log, prefactor=M ** 2, prefactor_reconstructed=True,
             assumptions=("'optimized' stable minima", "in-sample MSE against f_0", "noise level sigma"),
             note="theory.md's 'd=1: 1/6' is 1/(2d+4) at d = 1, so no Piecewise is needed"),
        Rate("minimax_mse_lower", "mse", "lower", "stable minima",
             sp.Piecewise((_R(1, 2), sp.Eq(d, 1)), (2 / (d + 1), True)),
             source="Thm 3.7", log_factor=sp.Integer(1),
             prefactor=sigma ** (2 * sp.Piecewise((_R(1, 2), sp.Eq(d, 1)), (2 / (d + 1), True))),
             prefactor_reconstructed=False,
             assumptions=("class ||f||_inf <= B, |f|_{V_g} <= C", "Gaussian noise sigma", "X ~ Uniform(B^d_1)"),
             note="risk >~ (sigma^2/n)^p; the dependence on B and C is not stated"),
        Rate("lownorm_gap", "gap", "upper", "low-norm / weight decay", _R(1, 4),
             source="Bach 2017; Parhi-Nowak 2023", assumptions=("bounded variation norm (weight decay)",),
             note="dimension-free"),
        Rate("lownorm_mse", "mse", "upper", "low-norm / weight decay", (d + 3) / (2 * d + 3),
             source="Parhi-Nowak 2023", assumptions=("Radon-BV class",),
             note="minimax optimal up to logs (log power unspecified)"),
        Rate("univariate_interior_mse", "mse", "upper", "univariate interior", _R(4, 5),
             source="Qiao et al. 2024", dims=(1,), assumptions=("d = 1", "MSE strictly inside the support")),
        Rate("gap_upper_unconstrained", "gap", "upper", "unconstrained balance", 1 / (2 * d + 2),
             source="proof of Thm 3.5 (balance without the validity constraint)", role="term",
             note="not achievable: the validity constraint eps^(d+2) >~ n^(-1/2) binds"),
        Rate("gap_interior_term", "gap", "upper", "stable minima", 3 / (4 * d + 6),
             source="proof of Thm 3.5 (interior term at eps = n^(-1/(2d+4)))", role="term"),
        Rate("mse_interior_term", "mse", "upper", "stable minima", 3 / (2 * d + 3),
             source="proof of Thm 3.6 (interior term at eps = n^(-1/(2d+4)))", role="term"),
        Rate("uniform_deviation", "gap", "upper", "low-norm / weight decay", (d + 3) / (4 * d + 6),
             source="Lemma F.5 (entropy exponent 2d/(d+3), Prop. F.4)", role="ingredient",
             prefactor=M ** (3 * (d + 2) / (2 * d + 3)) * C ** (d / (2 * d + 3)), prefactor_reconstructed=True,
             assumptions=("unweighted variation ball V_C", "sup norm M"),
             note="prefactor reconstructed in theory.md"),
    ]
    return {r.id: r for r in rates}


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
