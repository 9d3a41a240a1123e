"""Re-derivations of every registered exponent from the proof ingredients of the paper (proofs_notes/theory.md §6.5).

What is derived and what is input, precisely: the INGREDIENT exponents of each proof (an entropy
exponent, a cap count, a mass, a weight floor, an accuracy eps_n) are inputs, listed per derivation in
``Derivation.inputs``; what the toolkit derives is the BALANCE: each function writes the terms of a
bound as power laws in those ingredients, balances them with :func:`bounds.power_law.balance` /
:func:`bounds.power_law.minimize_sum` (exact linear algebra in the exponents, symbolic d), proves which
constraint binds, and reads the rate off.  :mod:`bounds.check` then proves each result equal to the
registry entry for symbolic d.  Constants and dimension factors inside the ≍ are dropped.  The ridge
derivations (:func:`derive_ridge_lower`) are the toolkit's own ("derived here"), not the paper's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import sympy as sp

from ._symbols import A, C, M, alpha, d, delta, eps, log_n, n, sigma, t
from .power_law import PowerLaw, balance, minimize_sum, rate_exponent
from .prover import Verdict, prove_equal, prove_positive

__all__ = ["Derivation", "entropy_exponent", "derive_uniform_deviation", "derive_localized_mse",
           "derive_lownorm_gap", "derive_lownorm_mse", "derive_gap_upper", "derive_mse_upper",
           "derive_minimax_lower", "derive_gap_lower", "derive_univariate_interior", "derive_ridge_lower",
           "derive_all"]

P = PowerLaw.of


@dataclass(frozen=True)
class Derivation:
    """What one derivation produced: exponents (and log factors / prefactors) keyed by registry id.

    ``steps`` is the human-readable chain of balances; ``verdicts`` are the sub-proofs the derivation
    needed (which constraint binds, which term dominates) - a derivation whose sub-proof fails raises.
    ``inputs`` lists the ingredient exponents taken as given (from the paper or the literature): they
    are not derived here; only the balance on top of them is.
    """

    name: str
    source: str
    exponents: dict
    log_factors: dict = field(default_factory=dict)
    prefactors: dict = field(default_factory=dict)
    steps: tuple = ()
    verdicts: tuple = ()
    inputs: tuple = ()


def _require(v: Verdict) -> Verdict:
    if not v.proved:
        raise ValueError(f"derivation step not proved: {v.statement}: {v.witness}")
    return v


def entropy_exponent():
    """Return alpha(d) = 2d/(d+3): log N(V_C, t, L_inf) ⪅ (C/t)^alpha (Prop. F.4; an input, not derived).

    >>> entropy_exponent()
    2*d/(d + 3)
    """
    return 2 * d / (d + 3)


def _uniform_deviation_law(alpha_value):
    """Covering radius t vs union bound for the squared loss of a class with entropy (C/t)^alpha."""
    # loss (f - y)^2 with |f|, |y| <= M: range ≍ M^2, Lipschitz ≍ M in f, so covering the loss class at
    # radius t needs the function class at radius t/M: log N ≍ (M C / t)^alpha.
    discretisation = P(t)
    union = P(M ** 2 * (M * C / t) ** (alpha / 2) / sp.sqrt(n))
    t_star = balance(discretisation, union, t)
    law = discretisation.subs(t, t_star)
    return law.subs_param(alpha, alpha_value), t_star.subs_param(alpha, alpha_value)


def derive_uniform_deviation(alpha_value=None) -> Derivation:
    """Return the Lemma F.5 rate: sup over V_C of |R - R_hat| ⪅ M^(3(d+2)/(2d+3)) C^(d/(2d+3)) n^-((d+3)/(4d+6)).

    Balances the covering radius t against the union bound M^2 sqrt((MC/t)^alpha / n) and substitutes
    alpha = 2d/(d+3) (Prop. F.4).  The M and C powers reproduce the reconstructed prefactor of proofs_notes/theory.md §6.5.

    >>> derive_uniform_deviation().exponents["uniform_deviation"]
    (d + 3)/(2*(2*d + 3))
    """
    a = entropy_exponent() if alpha_value is None else alpha_value
    law, t_star = _uniform_deviation_law(a)
    p = rate_exponent(law, n)
    pref = PowerLaw.from_map({s: e for s, e in law.exps if s in (M, C)})
    generic, _ = _uniform_deviation_law(alpha)
    steps = (
        "terms: t (discretisation) and M^2 (M C / t)^(alpha/2) n^(-1/2) (union bound over a t-net)",
        f"balance in t: t* = {generic.as_expr()} (generic alpha: n-exponent {-rate_exponent(generic, n)})",
        f"alpha = {a}: deviation ≍ {law}  =>  p = {p}",
    )
    return Derivation("uniform deviation", "Lemma F.5", {"uniform_deviation": p},
                      prefactors={"uniform_deviation": pref.as_expr()}, steps=steps,
                      inputs=(_ENTROPY_INPUT, "union bound over a t-net: M^2 sqrt(log N / n) (squared loss, range M^2)"))


def derive_localized_mse(alpha_value):
    """Return (critical radius power law delta*, MSE power law delta*^2) for entropy (C/t)^alpha.

    The critical radius solves sqrt(n) delta^2 ≍ ∫_0^delta sqrt((C/t)^alpha) dt (Dudley entropy
    integral, alpha < 2); sympy evaluates the integral, the balance gives delta.

    >>> str(derive_localized_mse(sp.Rational(1, 2))[1])
    'C**(2/5)/n**(4/5)'
    """
    # the integral converges iff alpha < 2: write alpha = 2 - 2b with b > 0 so sympy can evaluate it
    b = sp.Symbol("b", positive=True)
    integral = sp.integrate(t ** (b - 1), (t, 0, delta))
    if integral.has(sp.Integral):
        raise ValueError("sympy could not evaluate the Dudley integral")
    dudley = C ** (alpha / 2) * integral.subs(b, 1 - alpha / 2)
    left = P(sp.sqrt(n) * delta ** 2)
    right = P(dudley)
    if isinstance(alpha_value, sp.Basic) and alpha_value.free_symbols:
        _require(prove_positive(2 - alpha_value, statement=f"entropy exponent {alpha_value} < 2 (Dudley "
                                                          f"integral converges) for all real d >= 1"))
    elif not alpha_value < 2:
        raise ValueError(f"entropy exponent {alpha_value} >= 2: the Dudley integral diverges")
    d_star = balance(left, right, delta).subs_param(alpha, alpha_value)
    return d_star, d_star ** 2


def derive_lownorm_mse() -> Derivation:
    """Return the low-norm MSE rate (d+3)/(2d+3) (Parhi-Nowak 2023) from the localized entropy balance.

    >>> derive_lownorm_mse().exponents["lownorm_mse"]
    (d + 3)/(2*d + 3)
    """
    d_star, mse = derive_localized_mse(entropy_exponent())
    p = rate_exponent(mse, n)
    steps = ("critical radius: sqrt(n) delta^2 ≍ ∫_0^delta (C/t)^(alpha/2) dt, alpha = 2d/(d+3)",
             f"delta* = {d_star};  MSE ≍ delta*^2 = {mse}  =>  p = {p}")
    return Derivation("low-norm MSE", "Parhi-Nowak 2023 via Prop. F.4 entropy", {"lownorm_mse": p}, steps=steps,
                      inputs=(_ENTROPY_INPUT, "localized (Dudley) critical radius sqrt(n) delta^2 ≍ entropy integral"))


def derive_lownorm_gap() -> Derivation:
    """Return the dimension-free low-norm gap rate 1/4: Lemma F.5's balance at alpha = sup_d 2d/(d+3) = 2.

    The entropy exponent increases to 2 (proved: 2 - 2d/(d+3) = 6/(d+3) > 0, limit 2); the covering
    balance with alpha = 2 gives n^(-1/(2+alpha)) = n^(-1/4) for every d.

    >>> derive_lownorm_gap().exponents["lownorm_gap"]
    1/4
    """
    a = entropy_exponent()
    a_sup = sp.limit(a, d, sp.oo)
    v = _require(prove_positive(a_sup - a, statement=f"entropy exponent {a} < {a_sup} for all real d >= 1"))
    law, _ = _uniform_deviation_law(a_sup)
    p = rate_exponent(law, n)
    steps = (f"sup_d alpha(d) = lim {a} = {a_sup} (not attained)", f"balance at alpha = {a_sup}: {law} => p = {p}")
    return Derivation("low-norm gap", "Bach 2017; Parhi-Nowak 2023 (dimension-free entropy)",
                      {"lownorm_gap": p}, steps=steps, verdicts=(v,),
                      inputs=(_ENTROPY_INPUT, "dimension-free covering: alpha replaced by sup_d alpha(d)"))


_ENTROPY_INPUT = "entropy exponent alpha = 2d/(d+3) of the unweighted variation ball (Prop. F.4)"
_UPPER_INPUTS = (_ENTROPY_INPUT, "annulus of width eps: data fraction ≍ eps, loss <= M^2",
                 "weight floor eps^(d+2) in the annulus (canonical weight (1 - |t|)^(d+2))",
                 "empirical-weight accuracy eps_n ≍ sqrt(log n / n) (Thm E.5; the d factor dropped)")
_FANO_INPUTS = ("cap count N ≍ eps^-(d-1) (disjoint caps, d >= 2)", "atom norm ||Phi||^2_L2 ≍ eps^(d+1)",
                "Varshamov-Gilbert log|Xi| ≍ N", "KL = n ||f - f'||^2 / (2 sigma^2)",
                "d = 1: K ≍ 1/eps bumps with ||bump||^2 ≍ eps^2 (Construction H.7 / Prop. H.8)")


def _validity_floor():
    # the empirical weight is accurate to eps_n ≍ sqrt(log n / n) (Thm E.5, the d factor dropped);
    # the weight floor eps^(d+2) in the annulus must dominate it
    eps_n = P(sp.sqrt(log_n / n))
    return balance(P(eps ** (d + 2)), eps_n, eps), eps_n


def _upper(interior: PowerLaw, annulus: PowerLaw, ids, name, source, interior_desc):
    floor, eps_n = _validity_floor()
    opt = minimize_sum(annulus, interior, eps, n, lower=floor)
    if opt.binding != "constraint":
        raise ValueError(f"{name}: expected the validity constraint to bind")
    ann_at, int_at = opt.terms_at_choice
    p_ann, p_int = rate_exponent(ann_at, n), rate_exponent(int_at, n)
    v_small = _require(prove_positive(p_int - p_ann, statement=f"interior exponent {p_int} > annulus exponent "
                                                               f"{p_ann} (interior term of smaller order)"))
    p_unc = rate_exponent(annulus.subs(eps, opt.unconstrained), n)
    rate_id, interior_id, unc_id = ids
    exps = {rate_id: p_ann, interior_id: p_int}
    if unc_id:
        exps[unc_id] = p_unc
    log_f = ann_at.exponent(log_n)
    steps = (
        f"annulus term (fraction eps of the data, loss <= M^2): {annulus}",
        f"interior term ({interior_desc}, unweighted norm <= A/eps^(d+2)): {interior}",
        f"unconstrained balance: eps ≍ {opt.unconstrained}  =>  n-exponent {p_unc}",
        f"validity eps^(d+2) >~ eps_n = {eps_n}: eps >~ {floor}",
        f"constraint binds ({opt.verdict.witness})",
        f"at eps = {opt.chosen}: annulus {ann_at} (p = {p_ann}), interior {int_at} (p = {p_int})",
    )
    return Derivation(name, source, exps, log_factors={rate_id: log_n ** log_f},
                      prefactors={rate_id: PowerLaw.from_map({s: e for s, e in ann_at.exps if s == M}).as_expr()},
                      steps=steps, verdicts=(opt.verdict, v_small), inputs=_UPPER_INPUTS)


def derive_gap_upper() -> Derivation:
    """Return the Thm 3.5 upper exponent 1/(2d+4), the interior term 3/(4d+6) and the unconstrained 1/(2d+2).

    Annulus of width eps: M^2 eps.  Interior: Lemma F.5's deviation with C = A eps^-(d+2) (weight floor
    eps^(d+2)).  Unconstrained balance gives eps ≍ n^-(1/(2d+2)); the validity constraint
    eps^(d+2) >~ sqrt(log n / n) is proved to bind, so eps ≍ (log n/n)^(1/(2d+4)).

    >>> derive_gap_upper().exponents["gap_upper"]
    1/(2*(d + 2))
    """
    law, _ = _uniform_deviation_law(entropy_exponent())
    interior = law.subs(C, P(A * eps ** (-(d + 2))))
    return _upper(interior, P(M ** 2 * eps), ("gap_upper", "gap_interior_term", "gap_upper_unconstrained"),
                  "stable-minima generalisation gap", "Thm 3.5 (upper)", "Lemma F.5 uniform deviation")


def derive_mse_upper() -> Derivation:
    """Return the Thm 3.6 exponent 1/(2d+4) and the interior MSE term 3/(2d+3).

    Same annulus and validity constraint as Thm 3.5; the interior term is the localized MSE
    C^(2 alpha/(2+alpha)) n^(-2/(2+alpha)) with C = A eps^-(d+2).

    >>> derive_mse_upper().exponents["mse_interior_term"]
    3/(2*d + 3)
    """
    _, mse = derive_localized_mse(entropy_exponent())
    interior = mse.subs(C, P(A * eps ** (-(d + 2))))
    return _upper(interior, P(M ** 2 * eps), ("mse_upper", "mse_interior_term", None),
                  "stable-minima MSE", "Thm 3.6", "localized entropy MSE")


def _fano(n_hyp: PowerLaw, atom_sq: PowerLaw):
    """Fano: KL = n N ||atom||^2 / sigma^2 against log|Xi| ≍ N; risk ≍ N ||atom||^2 (Varshamov-Gilbert)."""
    kl = P(n / sigma ** 2) * n_hyp * atom_sq
    e_star = balance(kl, n_hyp, eps)
    risk = (n_hyp * atom_sq).subs(eps, e_star)
    return e_star, risk


def derive_minimax_lower() -> Derivation:
    """Return the Thm 3.7 exponent Piecewise((1/2, d = 1), (2/(d+1), True)) from the Fano balance.

    d >= 2: N ≍ eps^-(d-1) disjoint caps, ||Phi||^2 ≍ eps^(d+1): n eps^2/sigma^2 ≍ eps^-(d-1), risk ≍ eps^2.
    d = 1: the cap count eps^0 degenerates; K ≍ 1/eps bumps with ||bump||^2 ≍ eps^2 (Construction H.7 / Prop. H.8).

    >>> derive_minimax_lower().exponents["minimax_mse_lower"]
    Piecewise((1/2, Eq(d, 1)), (2/(d + 1), True))
    """
    e_star, risk = _fano(P(eps ** (-(d - 1))), P(eps ** (d + 1)))
    p_gen = rate_exponent(risk, n)
    e1, risk1 = _fano(P(1 / eps), P(eps ** 2))
    p1 = rate_exponent(risk1, n)
    p = sp.Piecewise((p1, sp.Eq(d, 1)), (p_gen, True))
    pref = sp.Piecewise((risk1.exponent(sigma), sp.Eq(d, 1)), (risk.exponent(sigma), True))
    weight = P(eps ** -2).subs(eps, e_star)
    mass = P(eps ** (d + 1)).subs(eps, e_star)
    steps = (
        "d >= 2: N ≍ eps^-(d-1) hypotheses, ||Phi||^2 ≍ eps^(d+1), KL ≍ n N ||Phi||^2/sigma^2 = n eps^2/sigma^2",
        f"balance KL ≍ log|Xi| ≍ N: eps ≍ {e_star};  risk ≍ N ||Phi||^2 = {risk}  =>  p = {p_gen}",
        f"per neuron: weight eps^-2 ≍ {weight}, cap mass eps^(d+1) ≍ {mass} (neural shattering)",
        f"d = 1: N = eps^-(d-1) = eps^0 is constant, Fano degenerates; bumps K ≍ 1/eps, ||bump||^2 ≍ eps^2:"
        f" eps ≍ {e1}, risk ≍ {risk1}  =>  p = {p1}",
    )
    return Derivation("minimax MSE lower bound", "Thm 3.7 (App. H)", {"minimax_mse_lower": p},
                      prefactors={"minimax_mse_lower": sigma ** pref}, steps=steps, inputs=_FANO_INPUTS)


def derive_gap_lower() -> Derivation:
    """Return the Thm 3.5 lower exponent 2/(d+1) from the App. I pair of stable minima.

    Caps of mass eps^(d+1) stay empty with constant probability iff n eps^(d+1) ≍ 1; a constant fraction
    of the N ≍ eps^-(d-1) caps is empty, so two interpolating stable minima differ in risk by
    ≍ N ||Phi||^2 while their empirical risks agree: any estimator errs by ≍ n^(-2/(d+1)).

    >>> derive_gap_lower().exponents["gap_lower"]
    2/(d + 1)
    """
    e_star = balance(P(n * eps ** (d + 1)), P(sp.Integer(1)), eps)
    diff = (P(eps ** (-(d - 1))) * P(eps ** (d + 1))).subs(eps, e_star)
    p = rate_exponent(diff, n)
    steps = (f"empty caps: n eps^(d+1) ≍ 1  =>  eps ≍ {e_star}",
             f"risk difference ≍ N ||Phi||^2 = {diff} (L2 distance n^-{rate_exponent(diff ** sp.Rational(1, 2), n)})"
             f"  =>  p = {p}")
    return Derivation("generalisation-gap lower bound", "Thm 3.5 (lower, App. I)", {"gap_lower": p}, steps=steps,
                      inputs=("cap mass ≍ eps^(d+1)", "cap count N ≍ eps^-(d-1) (d >= 2: the domain of this rate)",
                              "atom norm ||Phi||^2 ≍ eps^(d+1)", "a cap is empty with constant probability iff "
                              "n eps^(d+1) ≍ 1 (Poissonization)"))


def derive_univariate_interior() -> Derivation:
    """Return the univariate interior MSE exponent 4/5: the localized balance at alpha(1) = 1/2.

    Strictly inside the support the weight is bounded below, so stability bounds the unweighted
    variation (TV of f'); its entropy exponent at d = 1 is 2d/(d+3) = 1/2, giving n^(-2/(2+1/2)).

    >>> derive_univariate_interior().exponents["univariate_interior_mse"]
    4/5
    """
    a1 = entropy_exponent().subs(d, 1)
    _, mse = derive_localized_mse(a1)
    p = rate_exponent(mse, n)
    return Derivation("univariate interior MSE", "Qiao et al. 2024", {"univariate_interior_mse": p},
                      steps=(f"alpha(1) = {a1}; MSE ≍ {mse} => p = {p}",),
                      inputs=("entropy exponent alpha(1) = 1/2 of the TV(f') ball (Prop. F.4 at d = 1)",
                              "localized (Dudley) critical radius"))


_w = sp.Symbol("w", positive=True)
_h = sp.Symbol("h", positive=True)


def _ridge(multi: bool):
    """The ridge-bump Fano balance; returns (p, steps, verdicts).  Derived here, not from the paper."""
    # inputs (power laws, constants dropped): a slab of width w at depth delta below t = 1 has mass
    # w delta^((d-1)/2); the population weight there is ≍ delta^(d+2); a bump of height h and width w has
    # slope jumps ≍ h/w; disjoint caps of depth delta number ≍ delta^(-(d-1)/2)
    mass = P(_w * delta ** ((d - 1) / 2))
    n_dir = P(delta ** (-(d - 1) / 2)) if multi else P(sp.Integer(1))
    per_dir = P(delta / _w)
    count = n_dir * per_dir
    cost = count * P(_h / _w) * P(delta ** (d + 2))
    kl = P(n * _h ** 2) * mass
    one = P(sp.Integer(1))
    vs = []
    # branch h = 1: the KL budget fixes w, the cost budget then fixes delta
    w1 = balance(kl.subs(_h, one), one, _w)
    count1 = count.subs(_w, w1)
    cost1 = cost.subs(_h, one).subs(_w, w1)
    vs.append(_require(prove_positive(count1.exponent(delta), statement=f"h = 1: the number of bumps "
                                      f"{count1} increases with delta (so the cost budget binds)")))
    vs.append(_require(prove_positive(cost1.exponent(delta), statement=f"h = 1: the cost {cost1} increases with "
                                      "delta (cost <= 1 iff delta <= delta*)")))
    d_star = balance(cost1, one, delta)
    # branch h < 1: KL and cost both binding fix h and w; the count then decreases in delta, so the
    # best point of that branch is its smallest delta, where h reaches 1: the two branches meet at delta*
    h2 = balance(kl, one, _h)
    w2 = balance(cost.subs(_h, h2), one, _w)
    count2 = count.subs(_w, w2)
    vs.append(_require(prove_positive(-count2.exponent(delta), statement=f"h < 1: the number of bumps {count2} "
                                      "decreases with delta (so h <= 1 binds)")))
    h_at = h2.subs(_w, w2).subs(delta, d_star)
    vs.append(_require(prove_equal(h_at.exponent(n), sp.Integer(0),
                                   statement="identity: the h < 1 branch reaches h ≍ 1 exactly at delta* "
                                             "(the branches meet)")))
    k_star = per_dir.subs(_w, w1).subs(delta, d_star)
    vs.append(_require(prove_positive(k_star.exponent(n), statement=f"bumps per direction {k_star} -> oo "
                                      "(w < delta: the family is non-degenerate)")))
    vs.append(_require(prove_positive(-d_star.exponent(n), statement=f"delta* = {d_star} -> 0")))
    total = count1.subs(delta, d_star)
    risk = total * P(1 / n)   # Fano: risk ≍ (number of bumps) x ||bump||^2 ≍ count / n
    p = rate_exponent(risk, n)
    steps = (f"{'N ≍ delta^-((d-1)/2) directions' if multi else 'one direction'}, K = delta/w bumps each; "
             f"mass w delta^((d-1)/2), cost (h/w) delta^(d+2) per bump, KL n h^2 mass per coordinate",
             f"h = 1: KL ≍ 1 gives w ≍ {w1}; cost {cost1} ≍ 1 gives delta* ≍ {d_star}",
             f"h < 1 branch: count {count2} decreases in delta; h ≍ 1 at delta*: the optimum is h ≍ 1, delta*",
             f"count at delta*: {total}; risk ≍ count/n = {risk}  =>  p = {p}")
    return p, steps, tuple(vs)


_RIDGE_INPUTS = ("slab mass: P(u.X in [1-s-w, 1-s]) ≍ w s^((d-1)/2) (marginal density c1 (1-t^2)^((d-1)/2))",
                 "population weight G(t) ≍ (1-t)^(d+2) near t = 1", "a ridge's V_g cost is sum_i |c_i| G(t_i) "
                 "over its kinks (verified numerically in constructions.ridge)",
                 "disjoint caps of depth delta: N ≍ delta^-((d-1)/2) (the caps machinery)",
                 "Varshamov-Gilbert log|Xi| ≍ number of bumps; KL = n ||f - f'||^2 / (2 sigma^2)")


def derive_ridge_lower() -> Derivation:
    """Return the exponents of the Fano bound over ridge-bump families (derived here, not from the paper).

    One direction: p = 1/2 for every d; bumps on a packing of disjoint caps: p = 4/(3d+5).  Both come
    from maximising the number of bumps subject to KL ≍ 1 per bump, |f|_{V_g} <= 1 and h <= 1 over
    (delta, w, h); the optimum (h ≍ 1, both budgets binding) is proved from the signs of the exponents.

    >>> e = derive_ridge_lower().exponents; e["ridge_mse_lower"], e["ridge_multi_mse_lower"]
    (1/2, 4/(3*d + 5))
    """
    p1, s1, v1 = _ridge(False)
    pm, sm, vm = _ridge(True)
    steps = tuple("one direction: " + s for s in s1) + tuple("many directions: " + s for s in sm)
    return Derivation("ridge-bump lower bounds (derived here, not from the paper)", "derived here (App. H ideas)",
                      {"ridge_mse_lower": p1, "ridge_multi_mse_lower": pm}, steps=steps, verdicts=v1 + vm,
                      inputs=_RIDGE_INPUTS)


@lru_cache(maxsize=None)
def derive_all() -> tuple:
    """Return every Derivation, in registry order (the input of ``bounds.check``); cached (pure).

    >>> sorted(k for dv in derive_all() for k in dv.exponents)[:3]
    ['gap_interior_term', 'gap_lower', 'gap_upper']
    """
    # the derivations never read the registry, so caching cannot hide a wrong registry entry
    return (derive_gap_upper(), derive_gap_lower(), derive_mse_upper(), derive_minimax_lower(),
            derive_lownorm_gap(), derive_lownorm_mse(), derive_univariate_interior(),
            derive_uniform_deviation(), derive_ridge_lower())
