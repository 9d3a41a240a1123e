"""The claims of the issue / paper about the rates, each reduced to exact sign proofs (bounds.prover).

Every claim reads its exponents from a registry passed in (default: :data:`bounds.REGISTRY`), so a
wrong registry entry makes the corresponding claim (or the derivation check) fail.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ._symbols import d
from .power_law import PowerLaw
from .prover import Verdict, prove_decreasing, prove_equal, prove_limit_zero, prove_positive, split_d1

__all__ = ["ClaimResult", "check_derivations", "check_claims", "prove_all"]

_R = sp.Rational


@dataclass(frozen=True)
class ClaimResult:
    """One claim: name, statement, the Verdicts it needs (all must be 'proved'), extra info lines."""

    name: str
    statement: str
    verdicts: tuple
    info: tuple = ()

    @property
    def holds(self) -> bool:
        """True iff every sub-verdict is a completed proof."""
        return bool(self.verdicts) and all(v.proved for v in self.verdicts)

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {"name": self.name, "statement": self.statement, "holds": self.holds, "info": list(self.info),
                "verdicts": [v.as_dict() for v in self.verdicts]}


def _reg(registry):
    from .registry import REGISTRY
    return REGISTRY if registry is None else registry


def _p(reg, rid):
    return reg[rid].exponent


def _pl_equal(a, b, what):
    """Power laws (prefactors / log factors) equal iff every exponent is equal for symbolic d."""
    pa, pb = PowerLaw.of(a), PowerLaw.of(b)
    syms = set(pa.as_map()) | set(pb.as_map())
    vs = [prove_equal(pa.exponent(s), pb.exponent(s), statement=f"{what}: exponent of {s}") for s in sorted(syms, key=str)]
    ok = all(v.proved for v in vs)
    wit = "; ".join(f"{v.statement}: {v.witness}" for v in vs) or "both are constants"
    return Verdict(f"{what}: {a} ≍ {b}", "proved" if ok else "refuted", wit)


def check_derivations(registry=None, derivations=None) -> list:
    """Return one ClaimResult per derivation: every exponent it derives equals the registry's (symbolic d).

    Log factors and prefactors are compared too where both the registry and the derivation give one.

    >>> all(r.holds for r in check_derivations())
    True
    """
    from .derivations import derive_all

    reg = _reg(registry)
    out = []
    for dv in (derive_all() if derivations is None else derivations):
        vs = []
        for rid, expr in dv.exponents.items():
            if rid not in reg:
                vs.append(Verdict(f"{rid} is registered", "refuted", "no registry entry"))
                continue
            vs.append(prove_equal(expr, reg[rid].exponent,
                                  statement=f"derived p_{rid} = {sp.sstr(expr)} equals registry {sp.sstr(reg[rid].exponent)}"))
        for rid, lf in dv.log_factors.items():
            if rid in reg and reg[rid].log_factor is not None:
                vs.append(_pl_equal(lf, reg[rid].log_factor, f"log factor of {rid}"))
        for rid, pf in dv.prefactors.items():
            if rid in reg and reg[rid].prefactor is not None:
                vs.append(_pl_equal(pf, reg[rid].prefactor, f"prefactor of {rid}"))
        out.append(ClaimResult(f"derivation: {dv.name}", f"{dv.source}: re-derived exponents equal the registry",
                               tuple(vs) + tuple(dv.verdicts), tuple(dv.steps)))
    return out


def _consistency(reg):
    pairs = [("gap_lower", "gap_upper"), ("minimax_mse_lower", "mse_upper")]
    vs, info = [], []
    for lo, up in pairs:
        pl, pu = _p(reg, lo), _p(reg, up)
        vs.append(prove_positive(pl - pu, statement=f"p_{lo} > p_{up} for all real d >= 1 (lower bound below upper)"))
        l1, lg = split_d1(pl)
        u1, ug = split_d1(pu)
        gap, ratio = sp.factor(sp.cancel(lg - ug)), sp.factor(sp.cancel(lg / ug))
        lim = sp.limit(ratio, d, sp.oo)
        info.append(f"{lo} - {up} = {gap} (d >= 2; at d = 1: {l1 - u1}); ratio {ratio} -> {lim} as d -> oo"
                    f" (at d = 1: {l1 / u1})")
        vs.append(prove_positive(ratio - lim, statement=f"ratio p_{lo}/p_{up} = {ratio} > {lim} for all real d >= 1"))
        top = ratio.subs(d, 1)
        vs.append(prove_positive(top - ratio, strict=False,
                                 statement=f"ratio p_{lo}/p_{up} = {ratio} <= {top} for all real d >= 1"))
        vs.append(prove_limit_zero(gap, statement=f"p_{lo} - p_{up} = {gap} -> 0 as d -> oo"))
    return ClaimResult("consistency", "each lower-bound exponent exceeds the matching upper-bound exponent; "
                       "the gap between n^-2/(d+1) and n^-1/(2d+4) is quantified", tuple(vs), tuple(info))


def _monotone(reg):
    vs, info = [], []
    for r in reg.values():
        if r.regime not in ("stable minima", "unconstrained balance"):
            continue
        at1, general = split_d1(r.exponent)
        if general != r.exponent:
            # a d = 1 exception: strict decrease is claimed on integers d >= 2 only, and the jump recorded
            vs.append(prove_decreasing(r.exponent, d_min=2, integer=True,
                                       statement=f"p_{r.id} strictly decreasing on integers d >= 2"))
            info.append(f"p_{r.id}(1) = {at1} < p_{r.id}(2) = {general.subs(d, 2)}: not monotone from d = 1 to 2 "
                        f"(the d = 1 construction differs); see the claim 'd1_exception'")
        else:
            vs.append(prove_decreasing(r.exponent, statement=f"p_{r.id} = {r.exponent} strictly decreasing on real d >= 1"))
        vs.append(prove_limit_zero(r.exponent, statement=f"p_{r.id} -> 0 as d -> oo"))
    return ClaimResult("curse_of_dimensionality", "the stable-minima exponents decrease strictly in d and tend to 0",
                       tuple(vs), tuple(info))


def _d1_exception(reg):
    p = _p(reg, "minimax_mse_lower")
    at1, general = split_d1(p)
    vs = [prove_positive(general.subs(d, 2) - at1, statement=f"p_minimax_mse_lower(2) - p_minimax_mse_lower(1) = "
                                                             f"{general.subs(d, 2)} - {at1} > 0"),
          prove_positive(general.subs(d, 1) - at1, statement=f"the Fano branch at d = 1 ({general.subs(d, 1)}) exceeds "
                                                             f"the bump value {at1}: the d = 1 case is a genuine exception")]
    return ClaimResult("d1_exception", "Thm 3.7's d = 1 exponent 1/2 differs from 2/(d+1) at d = 1 and is below "
                       "its d = 2 value (the lower-bound exponents are not monotone from d = 1 to 2)", tuple(vs))


def _low_norm(reg):
    vs, info = [], []
    for rid in ("lownorm_gap", "uniform_deviation"):
        p = _p(reg, rid)
        vs.append(prove_positive(p - _R(1, 4), strict=False, statement=f"p_{rid} = {p} >= 1/4 for all real d >= 1"))
        info.append(f"inf_d p_{rid} = lim = {sp.limit(split_d1(p)[1], d, sp.oo)}")
    p = _p(reg, "lownorm_mse")
    vs.append(prove_positive(p - _R(1, 2), statement=f"p_lownorm_mse = {p} > 1/2 for all real d >= 1"))
    info.append(f"p_lownorm_mse - 1/2 = {sp.factor(p - _R(1, 2))}, limit {sp.limit(p, d, sp.oo)}")
    pu = _p(reg, "univariate_interior_mse")
    vs.append(prove_positive(pu - _R(1, 2), statement=f"p_univariate_interior_mse = {pu} > 1/2 (d = 1)"))
    return ClaimResult("low_norm_dimension_free", "low-norm exponents stay >= 1/4 (gap) and > 1/2 (MSE) for every d",
                       tuple(vs), tuple(info))


def _separation(reg):
    vs, info = [], []
    s_stable = 1 / split_d1(_p(reg, "minimax_mse_lower"))[1]
    at1 = 1 / split_d1(_p(reg, "minimax_mse_lower"))[0]
    target = (d + 1) / 2
    # samples to reach error eps: n >= eps^(-1/p) from the lower bound, n <= eps^(-1/p) from an upper bound
    vs.append(prove_positive(at1 - target.subs(d, 1), strict=False,
                             statement=f"d = 1: 1/p_minimax_mse_lower(1) = {at1} >= (d+1)/2 = {target.subs(d, 1)}"))
    vs.append(prove_positive(sp.cancel(s_stable - target), strict=False,
                             statement=f"stable minima need n >= eps^-({sp.factor(s_stable)}) >= eps^-((d+1)/2), real d >= 1"))
    for rid in ("lownorm_gap", "uniform_deviation", "lownorm_mse"):
        s_low = sp.factor(sp.cancel(1 / _p(reg, rid)))
        vs.append(prove_positive(4 - s_low, strict=False,
                                 statement=f"low-norm ({rid}) n = eps^-({s_low}) <= eps^-4 samples suffice, real d >= 1"))
    # ratio of sample sizes >= (1/eps)^((d+1)/2 - 4): log ratio = ((d+1)/2 - 4) log(1/eps)
    u, R = sp.Symbol("u", positive=True), sp.Symbol("R", positive=True)
    eps_ = 1 / (1 + u)  # every eps in (0, 1) is 1/(1+u) with u > 0
    slope = sp.diff(target - 4, d)
    vs.append(prove_positive(slope, statement=f"d/dd [(d+1)/2 - 4] = {slope} > 0: the ratio exponent grows linearly"))
    log_inv = sp.expand_log(sp.log(1 / eps_), force=True)
    vs.append(prove_positive(log_inv, statement=f"log(1/eps) = {log_inv} > 0 for every eps = 1/(1+u) in (0, 1)"))
    d_R = 7 + 2 * sp.log(R) / sp.Symbol("ell", positive=True)
    ell = sp.Symbol("ell", positive=True)
    log_ratio_at = sp.simplify(((d_R + 1) / 2 - 4) * ell)
    ok = sp.simplify(log_ratio_at - sp.log(R)) == 0
    vs.append(Verdict("for every R > 1 and eps < 1 (ell = log(1/eps) > 0): at d = 7 + 2 log(R)/ell the sample ratio is >= R",
                      "proved" if ok else "refuted",
                      f"((d+1)/2 - 4) * ell at d = {d_R} simplifies to {log_ratio_at}" + (" = log R" if ok else "")))
    info.append("n_stable / n_lownorm >= eps^-((d+1)/2) / eps^-4 = (1/eps)^((d+1)/2 - 4): unbounded in d for each eps < 1")
    return ClaimResult("exponential_separation", "samples for error eps: stable minima >= eps^-(d+1)/2, low-norm "
                       "<= eps^-4; the ratio is unbounded in d for every fixed eps < 1", tuple(vs), tuple(info))


def _validity(reg):
    pu, punc = _p(reg, "gap_upper"), _p(reg, "gap_upper_unconstrained")
    vs = [prove_positive(punc - pu, statement=f"validity constraint binds: {punc} > {pu} for all real d >= 1")]
    for rid, up in (("gap_interior_term", "gap_upper"), ("mse_interior_term", "mse_upper")):
        vs.append(prove_positive(_p(reg, rid) - _p(reg, up),
                                 statement=f"interior term of smaller order: p_{rid} = {_p(reg, rid)} > p_{up} = {_p(reg, up)}"))
    info = (f"p_unconstrained - p_upper = {sp.factor(punc - pu)}",)
    return ClaimResult("validity_binds", "the validity constraint binds (1/(2d+4) < 1/(2d+2)) and the interior terms "
                       "are of smaller order", tuple(vs), info)


def check_claims(registry=None) -> list:
    """Return the ClaimResults of every claim about the registered exponents (issue 2, part 3).

    >>> [c.name for c in check_claims()][:2]
    ['consistency', 'curse_of_dimensionality']
    """
    reg = _reg(registry)
    return [f(reg) for f in (_consistency, _monotone, _d1_exception, _low_norm, _separation, _validity)]


def prove_all(registry=None) -> list:
    """Return check_derivations(registry) + check_claims(registry): everything ``python -m bounds.check`` proves.

    >>> all(c.holds for c in prove_all())
    True
    """
    return check_derivations(registry) + check_claims(registry)
