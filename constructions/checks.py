"""The checks of the App. H/I lower-bound construction, run by ``python -m constructions.verify``.

The toolkit's main job (its CLI is :mod:`constructions.verify`). With no arguments the CLI builds, for d = 3 and eps = 1/8, an exact cap packing, the
atoms, a Varshamov-Gilbert family, the Fano bound and the App. I pair of stable minima, and prints one
line per check saying PASS/FAIL and whether the check is [certified] (exact or rigorous arithmetic) or an
[estimate] (floating point, quadrature, Monte Carlo or a statistical comparison).

Checks are plain functions ``check(ctx) -> Outcome | list[Outcome]`` returning
:class:`numerics.outcome.Outcome` results (name, holds, certified, detail; ``Outcome.as_check()`` is the
JSON record ``{name, passed, certified, detail}``), collected in :data:`CHECKS`; to add one, append a function to CHECKS (or pass ``checks=`` to
:func:`run`). Exit status: 0 iff every check passed, 1 if any failed, 2 for bad input.

Coupling of eps and n (App. I, eps = kappa n^{-1/(d+1)}): if only eps is given (default 1/8), n is the
largest sample size whose Fano KL budget 2 n N ||Phi||^2 / sigma^2 is half of log M - log 2 (M: the
Varshamov-Gilbert family, or the full cube when N is small); in d = 1, half an expected
sample per end cap, i.e. n = floor(1/eps^2)); the coupled n is capped at N_MAX_DEFAULT = 2000 and the
certified App. I network uses at most K_MAX_CERTIFY = 200 empty caps (certification cost; the output says so). If only n is given, eps is the rational (denominator <= 256) maximising the Fano
bound for that n.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import cached_property
from math import floor, log, sqrt
from typing import Callable

import mpmath

from bounds._cli import InputError
from numerics._progress import Reporter
from numerics.network import Dataset, to_fraction
from numerics.outcome import Outcome
from numerics.variation import population_weight

from . import atoms as _atoms
from . import caps as _caps
from . import fano as _fano
from . import univariate as _uni
from . import varshamov_gilbert as _vg
from ._rational import fmt

__all__ = ["Context", "CHECKS", "run", "run_checks", "load_direction_file", "coupled_n", "coupled_eps", "InputError",
           "N_MAX_DEFAULT", "K_MAX_CERTIFY"]


N_MAX_DEFAULT = 2000  # cap on the coupled default n (App. I certifies a network on n exact samples)
K_MAX_CERTIFY = 200  # at most this many empty-cap atoms go into the certified App. I network


_T0 = time.time()


def _progress(msg: str) -> None:
    print(f"[constructions.verify {time.time() - _T0:5.1f}s] {msg}", file=sys.stderr, flush=True)


def load_direction_file(path: str) -> tuple[int, Fraction, list[list[Fraction]]]:
    """Return (d, eps, directions) from a JSON file {"d": .., "eps": "1/8", "directions": [[..], ..]}.

    Numbers may be JSON numbers (decimals are read exactly: 0.6 is 3/5) or exact strings "p/q".
    Raises InputError for a malformed file. Values are NOT checked here (an off-sphere direction or a
    too-large eps is a failed verification, not bad input).
    """
    try:
        with open(path) as fh:
            raw = json.load(fh, parse_float=to_fraction)  # exact decimals (exponents bounded)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply") from None
    except ValueError as exc:
        raise InputError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(raw, dict) or not {"d", "eps", "directions"} <= set(raw):
        raise InputError(f"{path}: expected an object with keys d, eps, directions")
    d = raw["d"]
    if not isinstance(d, int) or isinstance(d, bool) or d < 1:
        raise InputError(f"{path}: d must be a positive integer")
    try:
        eps = to_fraction(raw["eps"])
        dirs = raw["directions"]
        if not isinstance(dirs, list) or not all(isinstance(u, list) for u in dirs):
            raise ValueError("directions must be a list of lists")
        dirs = [[to_fraction(c) for c in u] for u in dirs]
    except ValueError as exc:
        raise InputError(f"{path}: {exc}") from exc
    if not dirs:
        raise InputError(f"{path}: no directions")
    if eps <= 0 or eps >= 1:
        raise InputError(f"{path}: eps must be in (0, 1), got {eps}")
    return d, eps, dirs


@dataclass
class Context:
    """Parameters of one run and the lazily built objects the checks share."""

    d: int = 3
    eps: Fraction = Fraction(1, 8)
    n: int = 712
    eta: Fraction = Fraction(1)
    sigma: Fraction = Fraction(1)
    seed: int = 0
    user_directions: list | None = None
    values: dict = field(default_factory=dict)  # JSON summary values

    @property
    def eps_ok(self) -> bool:
        return 0 < self.eps <= Fraction(1, 2)

    @cached_property
    def packing(self):
        if self.user_directions is not None:
            return self.user_directions, "user-supplied directions"
        _progress(f"building the cap packing (d={self.d}, eps={self.eps})")
        return _caps_packing(self.d, self.eps, self.seed)

    @cached_property
    def packing_report(self):
        return _caps.verify_packing(self.packing[0], self.eps, self.d, progress=Reporter("[constructions.verify]"))

    @property
    def directions(self):
        return self.packing[0]

    @property
    def N(self) -> int:
        return len(self.directions) if self.d >= 2 else self.univariate.K

    @cached_property
    def univariate(self):
        return _uni.univariate_family(self.eps)

    @cached_property
    def phi_sq_uniform(self):
        if self.d == 1:
            return _uni.bump_l2_sq(self.eps, measure="uniform")
        return _atoms.atom_l2_sq(self.d, self.eps, "uniform")

    @cached_property
    def code(self):
        # all-pairs verification costs ~ M^2 N / 128 word operations: cap M for large N (>= 1024 words,
        # the size verify_code requires of a subset)
        cap = min(10000, max(1024, int(sqrt(2e10 / max(self.N, 1)))))
        _progress(f"building a Varshamov-Gilbert set for N={self.N} (at most {cap} words)")
        return _vg.vg_code(self.N, self.seed, max_size=cap)

    @cached_property
    def code_report(self):
        code = self.code
        _progress("verifying its minimum Hamming distance (all pairs)")
        return _vg.verify_code(code, self.N)

    @cached_property
    def data(self):
        from numerics.sampling import sample_ball_exact

        _progress(f"sampling n={self.n} exact points in the ball (seed {self.seed})")
        X = sample_ball_exact(self.n, self.d, self.seed)
        return Dataset.exact(X, [0] * self.n)

    @cached_property
    def app_i_directions(self):
        # App. I uses the cap packing (in d = 1 the two end caps)
        if self.d == 1:
            return [(Fraction(1),), (Fraction(-1),)]
        return self.directions

    @cached_property
    def empty(self):
        from .stable_minima import empty_caps

        return empty_caps(self.app_i_directions, self.data.X, self.eps)


def _caps_packing(d, eps, seed):
    from .packing import cap_packing

    return cap_packing(d, eps, seed, progress=Reporter("[constructions.verify]"))


def _res(name, passed, certified, detail) -> Outcome:
    """One check's result: PASS/FAIL, [certified] (exact or rigorous) or [estimate], and the reasons."""
    return Outcome(name, bool(passed), bool(certified), detail=detail)


def _skip(name, why) -> Outcome:
    """A check that could not run: reported as a failure (never a pass), not certified."""
    return _res(name, False, False, f"not run: {why}")


def _num(x) -> str:
    mid, rad = _atoms.certified_value(x)
    return f"{mid:.6g}"


# ----------------------------------------------------------------------------------------------- checks
def check_eps(ctx: Context) -> Outcome:
    """0 < eps <= 1/2 (the range of App. H)."""
    return _res("eps_range", ctx.eps_ok, True, f"eps = {ctx.eps} {'in' if ctx.eps_ok else 'NOT in'} (0, 1/2]")


def check_packing(ctx: Context) -> list[Outcome]:
    """Exact disjointness of the caps and N against the area bounds (the number of caps: Lemma H.3 of the paper)."""
    if ctx.d == 1:
        u = ctx.univariate
        ok = u.inside and u.disjoint
        return [_res("bumps_placement", ok, True,
                     f"K = {u.K} bumps of width eps^2 = {ctx.eps ** 2}, inside [1-eps, 1]: {u.inside}, "
                     f"pairwise disjoint supports: {u.disjoint}")]
    rep = ctx.packing_report
    out = [_res("packing_disjoint", rep.passed, True,
                (f"N = {rep.num_caps} exact directions on S^{ctx.d - 1}, max u.u' = {_short(rep.max_inner)} <= "
                 f"2(1-eps^2)^2-1 = {rep.threshold} ({ctx.packing[1]})") if rep.passed else "; ".join(rep.problems))]
    ctx.values["num_caps"] = rep.num_caps
    if not rep.passed or not ctx.eps_ok:
        out.append(_skip("packing_size", "packing invalid"))
        return out
    ub = _caps.area_upper_bound(ctx.d, ctx.eps)
    lb = _caps.maximal_packing_lower_bound(ctx.d, ctx.eps)
    N = rep.num_caps
    scale = float(N * ctx.eps ** (ctx.d - 1))
    if ctx.user_directions is None:
        ok = lb <= N <= ub
        what = f"maximal-packing guarantee {lb} <= N = {N} <= surface-area bound {ub}"
    else:
        ok = N <= ub
        what = f"N = {N} <= surface-area bound {ub} (maximal packings have >= {lb})"
    out.append(_res("packing_size", ok, True, f"{what}; N/bound = {N / ub:.3f}, N eps^(d-1) = {scale:.3g}"))
    return out


def _big(m: int) -> str:
    s = str(m)
    return s if len(s) <= 12 else f"~2^{m.bit_length() - 1} ({len(s)} digits)"


def _short(x) -> str:
    s = fmt(x)
    return s if len(s) <= 24 else f"{float(x):.12g}"


def _packing_ok(ctx) -> bool:
    return ctx.eps_ok and (ctx.d == 1 or ctx.packing_report.passed)


def check_atoms(ctx: Context) -> list[Outcome]:
    """The atom (App. H; unnumbered here): sup norm 1, exact L2 norm and cap mass (vs quadrature and Monte Carlo), costs."""
    if not _packing_ok(ctx):
        return [_skip("atom_sup_norm", "invalid eps or packing")]
    d, e = ctx.d, ctx.eps
    out = []
    if d >= 2:
        sups = {_atoms.atom_sup_norm(u, e) for u in ctx.directions}
        out.append(_res("atom_sup_norm", sups == {1}, True,
                        f"sup Phi_u = eps^-2 (|u| - (1-eps^2)) = {', '.join(fmt(x) for x in sorted(sups))} for all {ctx.N} atoms (|u| = 1 exactly)"))
    else:
        s = _uni.bump_sup_norm()
        out.append(_res("bump_sup_norm", s <= 1, True, f"sup |bump| = {s} <= 1"))
    _progress("exact atom norms, cap mass, quadrature and Monte Carlo references")
    cm = _atoms.cap_mass(d, e)
    l2 = _atoms.atom_l2_sq(d, e)
    ctx.values["cap_mass"] = fmt(cm)
    ctx.values["atom_l2_sq"] = fmt(l2)
    cm_q = float(_atoms.cap_mass_quad(d, e))
    l2_q = float(_atoms.atom_l2_sq_quad(d, e))
    cm_v, cm_r = _atoms.certified_value(cm)
    l2_v, l2_r = _atoms.certified_value(l2)
    ok_q = abs(cm_v - cm_q) <= 1e-12 * cm_v and abs(l2_v - l2_q) <= 1e-12 * l2_v
    out.append(_res("atom_exact_values", ok_q, True,
                    f"cap mass = {_short(cm)} = {cm_v:.10g} (+-{cm_r:.1e}), ||Phi||^2_L2(B) = {_short(l2)} = "
                    f"{l2_v:.10g} (+-{l2_r:.1e}); mpmath quadrature agrees to 1e-12 rel: {ok_q}"))
    if d >= 2:
        mc = _atoms.atom_monte_carlo(d, e, 200_000, ctx.seed)
        vol = float(_atoms._ball_volume(d))
        z1 = abs(mc["cap_volume"] - cm_v * vol) / mc["cap_volume_se"]
        z2 = abs(mc["l2_sq"] - l2_v) / mc["l2_sq_se"]
        out.append(_res("atom_monte_carlo", max(z1, z2) < 5, False,
                        f"Monte Carlo (2e5 pts): cap volume within {z1:.1f} SE, ||Phi||^2 within {z2:.1f} SE (< 5)"))
    return out


def check_costs(ctx: Context) -> list[Outcome]:
    """Canonical and population weighted costs; family sup norm and cost (atom cost: Lemma H.2 of the paper)."""
    if not _packing_ok(ctx):
        return [_skip("family_cost", "invalid eps or packing")]
    d, e, N = ctx.d, ctx.eps, ctx.N
    out = []
    if d == 1:
        u = ctx.univariate
        per = max(u.costs)
        ctx.values["vg_cost"] = fmt(u.total_cost)
        out.append(_res("family_cost", u.total_cost < 1 and per <= e and u.sup_norm <= 1, True,
                        f"sum of bump costs int|f''|(1-|x|)^3 = {_short(u.total_cost)} < 1, max per bump "
                        f"{float(per):.4g} <= eps, sup |f_xi| = {u.sup_norm} <= 1"))
        return out
    c = _atoms.canonical_cost(d, e)
    total = N * c
    ctx.values["vg_cost"] = fmt(total)
    out.append(_res("family_sup_and_cost", total < 1 and c == e ** (2 * d + 2), True,
                    f"|Phi|_Vg = eps^(2d+2) = {fmt(c)}; disjoint caps => ||f_xi||_inf <= 1 and "
                    f"|f_xi|_Vg <= N eps^(2d+2) = {_short(total)} < 1"))
    pc = _atoms.population_cost(d, e)
    pv, pr = _atoms.certified_value(pc)

    with mpmath.workdps(30):
        t = 1 - mpmath.mpf(e.numerator) ** 2 / mpmath.mpf(e.denominator) ** 2
        ref = float(population_weight(t, d) * mpmath.mpf(e.denominator) ** 2 / e.numerator ** 2)
    agree = abs(pv - ref) <= 1e-9 * pv
    src = "numerics.variation.population_weight"
    ctx.values["population_cost"] = fmt(pc)
    out.append(_res("population_cost", agree, True,
                    f"eps^-2 G(1-eps^2) = {pv:.6g} (+-{pr:.0e}, exact closed form) vs {src} {ref:.6g}; "
                    f"ratio to canonical {pv / float(c):.4g}"))
    return out


def _code_result(ctx, length: str, found: str) -> Outcome:
    """Record the code of ``ctx.code_report`` in ctx.values and return its "varshamov_gilbert" result.

    ``length`` names the word length in the detail ("N" or "T"); ``found`` is the detail's opening words
    (the size found), followed by the minimum Hamming distance and how the size was obtained.
    """
    rep = ctx.code_report
    ctx.values["packing_size"] = rep.size
    ctx.values["min_hamming"] = rep.min_hamming
    how = ("full set built" if rep.full_size_built else
           f"subset of {rep.size} built; size >= 2^({length}/8) by the exact GV counting bound: {rep.counting_bound}")
    return _res("varshamov_gilbert", rep.passed, True,
                f"{found}, min Hamming {rep.min_hamming} >= ceil({length}/8) = {rep.required_distance} (all pairs, "
                f"exact); {how}" if rep.passed else "; ".join(rep.problems))


def check_code(ctx: Context) -> list[Outcome]:
    """Varshamov-Gilbert set and the pairwise L2 separation of the packing family (App. H)."""
    if not _packing_ok(ctx):
        return [_skip("varshamov_gilbert", "invalid eps or packing")]
    N = ctx.N
    if N < 8:
        return [_res("varshamov_gilbert", False, True, f"N = {N} < 8: the Varshamov-Gilbert bound needs N >= 8")]
    rep = ctx.code_report
    out = [_code_result(ctx, "N", f"{rep.size} sign vectors (need >= 2^(N/8) -> {_big(rep.guaranteed_size)})")]
    sep = 4 * (rep.min_hamming or 0) * ctx.phi_sq_uniform
    ctx.values["min_l2_sq_separation"] = fmt(sep)
    out.append(_res("l2_separation", rep.passed, True,
                    f"||f_xi - f_xi'||^2_L2(P_X) = 4 Ham ||Phi||^2 (disjoint supports) >= {_num(sep)}"))
    return out


def check_fano(ctx: Context) -> list[Outcome]:
    """Fano's bound for the built family (certified) and its exponent vs bounds' 2/(d+1) (App. H, Thm 3.7)."""
    out = []
    if _packing_ok(ctx) and ctx.N >= 1:
        # two hypothesis families: the verified Varshamov-Gilbert set (N >= 8) and the full cube
        # {-1,+1}^N (M = 2^N, minimum distance 1, no verification needed); Fano holds for each
        cands = [(*_fano.fano_bound_certified(ctx.n, ctx.sigma, ctx.N, ctx.phi_sq_uniform, 1, 2 ** ctx.N),
                  f"full cube M=2^{ctx.N}, D=1")]
        if ctx.N >= 8 and ctx.code_report.passed:
            rep = ctx.code_report
            # the built set has its verified distance; a set of size 2^{N/8} exists by the counting bound
            # only with distance ceil(N/8), so the built subset's distance is never paired with that size
            cands.append((*_fano.fano_bound_certified(ctx.n, ctx.sigma, ctx.N, ctx.phi_sq_uniform,
                                                      rep.min_hamming, rep.size),
                          f"VG set M={_big(rep.size)}, D={rep.min_hamming}"))
            if not rep.full_size_built:
                M, D = rep.guaranteed_size, rep.required_distance
                cands.append((*_fano.fano_bound_certified(ctx.n, ctx.sigma, ctx.N, ctx.phi_sq_uniform, D, M),
                              f"VG set M={_big(M)}, D={D} (counting bound)"))
        lo, hi, fam = max(cands)
        ctx.values["fano_lower_bound"] = lo
        out.append(_res("fano_bound", lo > 0, True,
                        f"n={ctx.n}, sigma={ctx.sigma}: minimax E||f_hat - f||^2_L2(P_X) >= {lo:.4g} (arb-certified "
                        f"Fano bound, {fam}, N={ctx.N}; positive iff the KL budget fits in log M)"))
    else:
        out.append(_skip("fano_bound", "no valid family"))
    _progress("fitting the exponent of the optimised Fano bound")
    p_fit, _ = _fano.fitted_exponent(ctx.d, float(ctx.sigma))
    p = _fano.paper_exponent(ctx.d)
    ok = abs(p_fit - float(p)) <= 0.1 * float(p)
    ctx.values["fano_fitted_exponent"] = p_fit
    out.append(_res("fano_exponent", ok, False,
                    f"slope of the optimised Fano bound over n in [1e6, 1e12]: {p_fit:.4f} vs bounds' exponent "
                    f"{p} = {float(p):.4f} (within 10%)"))
    return out


def check_app_i(ctx: Context) -> list[Outcome]:
    """App. I: empty caps vs Poissonization, certified stable minima, their L2 gap (Props. I.1-I.2, Cor. I.3)."""
    if not ctx.eps_ok or (ctx.d >= 2 and not ctx.packing_report.passed):
        return [_skip("empty_caps", "invalid eps or packing")]
    from .stable_minima import atom_network, certify_minimum, empty_fraction_prediction, parked_network

    dirs = ctx.app_i_directions
    Nc = len(dirs)
    E = ctx.empty
    q = _atoms.cap_mass(ctx.d, ctx.eps)
    exact_p, poisson_p = empty_fraction_prediction(ctx.n, q)
    frac = len(E) / Nc
    tol = 4 * sqrt(exact_p * (1 - exact_p) / Nc) + 1 / Nc
    ctx.values["empty_caps"] = len(E)
    out = [_res("empty_caps", len(E) >= 1 and abs(frac - exact_p) <= tol, False,
                f"{len(E)}/{Nc} caps empty ({frac:.3f}); expected (1-q)^n = {exact_p:.3f}, Poissonization "
                f"exp(-nq) = {poisson_p:.3f} (n q = {ctx.n * _atoms.certified_value(q)[0]:.3f}); tolerance {tol:.3f}")]
    if not E:
        return out + [_skip("stable_minimum", "no empty cap")]
    _progress(f"certifying the atom network (K={min(len(E), K_MAX_CERTIFY)} neurons, n={ctx.n}) through numerics")
    empty_dirs = [dirs[i] for i in E][:K_MAX_CERTIFY]
    c1 = certify_minimum(atom_network(empty_dirs, ctx.eps), ctx.data, ctx.eta)
    _progress("certifying the zero-function network")
    c2 = certify_minimum(parked_network(empty_dirs, ctx.eps), ctx.data, ctx.eta)
    ctx.values["lambda_max"] = c1.lambda_max
    used = f"{len(empty_dirs)} empty caps" + (f" (first {K_MAX_CERTIFY} of {len(E)}, certification cost cap)"
                                               if len(E) > K_MAX_CERTIFY else "")
    out.append(_res("stable_minimum_atoms", c1.passed, c1.certified,
                    f"atoms on the {used}, labels 0: residuals all 0: {c1.interpolates}, kinks: {c1.kinks}, "
                    f"lambda_max = {c1.lambda_max} <= 2/eta = {2 / ctx.eta} ({c1.method})"))
    out.append(_res("stable_minimum_zero", c2.passed, c2.certified,
                    f"same neurons with b = 2 (f = 0 on the ball): residuals all 0: {c2.interpolates}, "
                    f"lambda_max = {c2.lambda_max} ({c2.method})"))
    phi = _atoms.atom_l2_sq(ctx.d, ctx.eps, "uniform")
    gap_sq = len(empty_dirs) * phi
    gap = sqrt(_atoms.certified_value(gap_sq)[0])
    rate = ctx.n ** (-1 / (ctx.d + 1))
    ctx.values["minima_l2_gap_sq"] = fmt(gap_sq)
    out.append(_res("minima_l2_gap", c1.passed and c2.passed and gap > 0, True,
                    f"two certified stable minima agree on all {ctx.n} samples, ||f_1 - f_2||_L2(P_X) = "
                    f"sqrt({len(empty_dirs)} ||Phi||^2) = {gap:.4g} = {gap / rate:.3f} n^(-1/(d+1)); sup |f_1 - f_2| = 1"))
    return out


#: App. I minimum handed to the high-precision GD cross-check: a few atoms and samples keep it fast.
GD_CHECK_ATOMS, GD_CHECK_SAMPLES = 3, 12


def check_gd_dynamics(ctx: Context) -> Outcome:
    """GD at 30 digits from the App. I minimum behaves as linear stability predicts (Prop. 2.1).

    A small sub-instance (the first GD_CHECK_ATOMS empty-cap atoms, the first GD_CHECK_SAMPLES samples:
    still no sample on an atom's cap, labels 0) is perturbed and run at 0.9 and 1.1 times 2/lambda_max;
    it must stay / escape at the rate |1 - eta lambda_max|, in agreement with numerics.certify. This is
    numerical evidence, so the result is never marked certified.
    """
    if not ctx.eps_ok or (ctx.d >= 2 and not ctx.packing_report.passed) or not ctx.empty:
        return _skip("gd_dynamics", "no App. I minimum to perturb")
    from numerics.linear_stability import stability_check

    from .stable_minima import atom_network

    dirs = [ctx.app_i_directions[i] for i in ctx.empty][:GD_CHECK_ATOMS]
    m = min(GD_CHECK_SAMPLES, ctx.data.n)
    data = Dataset.exact(ctx.data.X[:m].tolist(), ctx.data.y[:m].tolist())
    _progress(f"GD at 30 digits around a {len(dirs)}-atom, {m}-sample App. I minimum")
    r = stability_check(atom_network(dirs, ctx.eps), data, dps=30, steps=80)
    return _res("gd_dynamics", r.holds, False, f"{len(dirs)} atoms, {m} samples: {r.detail}")


CHECKS: list[Callable[[Context], Outcome | list[Outcome]]] = [
    check_eps, check_packing, check_atoms, check_costs, check_code, check_fano, check_app_i,
    check_gd_dynamics,
]


def run(ctx: Context, checks=None) -> list[Outcome]:
    """Run ``checks`` (default :data:`CHECKS`) on ``ctx`` and return the flat list of results.

    >>> res = run(Context(d=2, eps=Fraction(1, 2), n=20), [check_eps])
    >>> res[0].name, res[0].holds, res[0].status
    ('eps_range', True, 'certified')
    """
    return run_checks(ctx, CHECKS if checks is None else checks)


def run_checks(ctx, checks) -> list[Outcome]:
    """Run each check of ``checks`` on ``ctx``; return the flat list of their :class:`Outcome` results.

    A check returns one Outcome or a list of them.  A check that raises (other than InputError, which
    propagates: it is the user's input, exit code 2) is reported as a failed, uncertified check: a
    crash is never a pass.  ``method`` of each result names the check function that decided it.
    """
    out: list[Outcome] = []
    for chk in checks:
        try:
            r = chk(ctx)
        except InputError:
            raise
        except Exception as exc:  # a crashing check is a failed check, reported, never a pass
            r = _res(chk.__name__.removeprefix("check_"), False, False, f"error: {type(exc).__name__}: {exc}")
        out.extend(o if o.method else replace(o, method=chk.__name__) for o in (r if isinstance(r, list) else [r]))
    return out


def coupled_n(d: int, eps: Fraction, sigma: Fraction, N: int) -> int:
    """Default n for a given eps. d = 1: n = floor(1 / eps^2), half an expected sample per end cap (App. I).
    d >= 2: the largest n whose Fano KL budget 2 n N ||Phi||^2 / sigma^2 is half of log M - log 2, for
    the Varshamov-Gilbert family when it has >= 3 words, else for the full cube."""
    if d == 1:
        return max(1, min(N_MAX_DEFAULT, floor(1 / eps ** 2)))
    phi = _atoms.certified_value(_atoms.atom_l2_sq(d, eps, "uniform"))[0]
    M = _vg.guaranteed_size(N) if N >= 8 else 0
    logm = log(M) if M >= 3 else N * log(2)
    return max(1, min(N_MAX_DEFAULT, floor(float(sigma) ** 2 * (logm - log(2)) / (4 * N * phi))))


def coupled_eps(d: int, n: int, sigma: Fraction) -> Fraction:
    r = _fano.minimax_lower_bound(n, float(sigma), d)
    e = Fraction(r["eps"]).limit_denominator(256) if r["bound"] > 0 else Fraction(1, 2)
    return min(max(e, Fraction(1, 256)), Fraction(1, 2))
