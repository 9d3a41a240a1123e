"""Exact sign proofs for exponents that are rational functions of the dimension d.

Every claim about the rates reduces to "this rational function of d has a fixed sign for every real
d >= d0" (or every integer d >= d0).  Two exact methods, tried in order, each printing its witness:

1. positive coefficients: substitute d = d0 + s; if numerator and denominator are polynomials in s whose
   coefficients are all >= 0 with positive constant term, both are > 0 for every s >= 0;
2. exact root isolation: if the numerator and denominator (polynomials in d) have no real root in the
   domain (sympy's exact real_roots), the sign is constant there and equals the sign at one rational point.

A claim that is false comes back "refuted" with a counterexample d; one that cannot be decided comes
back "unknown".  A sign claim whose expression (or one of its pieces) is identically 0 comes back
"trivial": "x >= x" proves nothing, so it is refused; an equality that is meant as an identity is stated
with :func:`prove_equal`, which says so.  Only "proved" counts as a pass.  Exponents with a d = 1 exception are
``Piecewise((v1, Eq(d, 1)), (g(d), True))``: the d = 1 value is checked exactly, g on the rest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from ._symbols import d

__all__ = ["Verdict", "prove_positive", "prove_decreasing", "prove_limit_zero", "prove_equal", "split_d1",
           "pieces"]

_s = sp.Symbol("s", nonnegative=True)


@dataclass(frozen=True)
class Verdict:
    """Outcome of a proof attempt: status is 'proved', 'refuted', 'trivial' or 'unknown'; witness says why.

    'trivial' marks a sign claim whose expression is identically 0 on a piece of its domain: such a
    claim has no content and is never counted as proved.
    """

    statement: str
    status: str
    witness: str
    counterexample: str | None = None

    @property
    def proved(self) -> bool:
        """True only for a completed proof."""
        return self.status == "proved"

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {"statement": self.statement, "status": self.status, "witness": self.witness,
                "counterexample": self.counterexample}


def split_d1(expr):
    """Return (value at d = 1, general branch) of an exponent; Piecewise only with an Eq(d, 1) branch.

    >>> split_d1(sp.Piecewise((sp.Rational(1, 2), sp.Eq(d, 1)), (2 / (d + 1), True)))
    (1/2, 2/(d + 1))
    """
    expr = sp.sympify(expr)
    pws = list(expr.atoms(sp.Piecewise))
    if not pws:
        return expr.subs(d, 1), expr
    for pw in pws:
        conds = [c for _, c in pw.args]
        if not (len(conds) == 2 and conds[0] == sp.Eq(d, 1) and conds[1] == sp.true):
            raise ValueError(f"unsupported Piecewise (only a d = 1 exception is allowed): {pw}")
    general = expr.xreplace({pw: pw.args[1][0] for pw in pws})
    at1 = expr.xreplace({pw: pw.args[0][0] for pw in pws}).subs(d, 1)
    return at1, general


def pieces(expr, d_min=1) -> list:
    """Return the pieces of an exponent on its domain d >= d_min: [(label, expression, d_lo, is_point)].

    A d = 1 exception (Piecewise with an Eq(d, 1) branch) inside the domain gives the point piece
    ("d = 1", value, 1, True) and the general piece on d >= 2; otherwise one piece on d >= d_min.
    Claims about piecewise rates are proved piece by piece on these domains.

    >>> pieces(sp.Piecewise((sp.Rational(1, 2), sp.Eq(d, 1)), (2 / (d + 1), True)))
    [('d = 1', 1/2, 1, True), ('d >= 2', 2/(d + 1), 2, False)]
    >>> pieces(2 / (d + 1), d_min=2)
    [('d >= 2', 2/(d + 1), 2, False)]
    """
    at1, general = split_d1(expr)
    if general != sp.sympify(expr) and d_min <= 1:
        return [("d = 1", at1, 1, True), ("d >= 2", general, 2, False)]
    lo = max(int(d_min), 2 if general != sp.sympify(expr) else 1)
    return [(f"d >= {lo}", general, lo, False)]


def _coeff_witness(expr, d0, strict):
    r = sp.cancel(sp.together(expr.subs(d, d0 + _s)))
    num, den = sp.fraction(r)
    try:
        pn, pd = sp.Poly(num, _s), sp.Poly(den, _s)
    except sp.PolynomialError:
        return None
    if not (pn.domain.is_QQ or pn.domain.is_ZZ) or not (pd.domain.is_QQ or pd.domain.is_ZZ):
        return None
    cn, cd = pn.all_coeffs(), pd.all_coeffs()
    sn = 1 if all(c >= 0 for c in cn) else (-1 if all(c <= 0 for c in cn) else 0)
    sd = 1 if all(c >= 0 for c in cd) else (-1 if all(c <= 0 for c in cd) else 0)
    if sn == 0 or sd == 0 or pn.is_zero:
        return None
    n0, d0v = sn * pn.eval(0), sd * pd.eval(0)
    if d0v <= 0:
        return None  # denominator could vanish at s = 0
    if strict and n0 <= 0:
        return None
    sign = sn * sd
    txt = (f"with d = {d0} + s, s >= 0: expression = N(s)/D(s), N(s) = {sp.expand(num)}, "
           f"D(s) = {sp.expand(den)}; all coefficients of N are {'>= 0' if sn > 0 else '<= 0'} "
           f"(N(0) = {pn.eval(0)}), all of D are {'>= 0' if sd > 0 else '<= 0'} (D(0) = {pd.eval(0)}), "
           f"so the expression is {'>' if sign > 0 else '<'}{'' if strict else '='} 0 for every s >= 0")
    return sign, txt


def _val(expr, x):
    # exact: a rational function at a rational point is a sympy Rational
    return sp.cancel(expr.subs(d, x))


def _roots_in(poly_expr, lo, open_lo):
    if poly_expr.is_number:
        return []
    roots = sp.Poly(poly_expr, d).real_roots()
    return [r for r in roots if (r > lo if open_lo else r >= lo)]


def prove_positive(expr, d_min=1, strict=True, integer=False, statement=None) -> Verdict:
    """Return a Verdict on "expr(d) > 0 (>= 0 if not strict) for every real d >= d_min".

    With integer=True the domain is the integers d >= d_min: a proof over the reals is used (stronger);
    a counterexample must then be an integer.  Exact throughout: no sampling decides a 'proved'.
    An expression that is identically 0 (on the general branch or at the d = 1 exception) is refused
    as 'trivial', strict or not: comparing a quantity with itself proves nothing.

    >>> prove_positive(1 / (2 * d + 2) - 1 / (2 * d + 4)).status
    'proved'
    >>> v = prove_positive(2 / (d + 1) - sp.Rational(1, 4))
    >>> v.status, v.counterexample
    ('refuted', '8')
    >>> prove_positive(sp.Rational(1, 4) - sp.Rational(1, 4), strict=False).status
    'trivial'
    """
    expr = sp.sympify(expr)
    rel = ">" if strict else ">="
    dom = f"integers d >= {d_min}" if integer else f"real d >= {d_min}"
    statement = statement or f"{sp.sstr(expr)} {rel} 0 for all {dom}"
    if expr.free_symbols - {d}:
        v = sp.simplify(expr)
        ok = v.is_positive if strict else v.is_nonnegative
        if ok:
            return Verdict(statement, "proved", f"sympy assumptions (all symbols positive): {v} {rel} 0")
        return Verdict(statement, "unknown", f"not a function of d alone and sympy cannot decide: {v}")
    parts = []
    at1, general = split_d1(expr)
    zero_general = sp.cancel(sp.together(general)) == 0
    if zero_general or (general != expr and d_min <= 1 and at1 == 0):
        where = "identically" if zero_general else "at d = 1 (exception branch)"
        return Verdict(statement, "trivial", f"the expression is 0 {where}: the claim compares a quantity "
                                             f"with itself and has no content (state an identity with prove_equal)")
    if general != expr:
        # the d = 1 exception: check it exactly, the general branch only on d > 1 (integers: d >= 2)
        if d_min <= 1:
            ok = (at1 > 0) if strict else (at1 >= 0)
            if not ok:
                return Verdict(statement, "refuted", f"at d = 1 the value is {at1}", "1")
            parts.append(f"at d = 1 (exception branch) the value is {at1} {rel} 0 exactly")
            d_lo, open_lo = (2, False) if integer else (1, True)
        else:
            d_lo, open_lo = d_min, False
        expr = general
    else:
        d_lo, open_lo = d_min, False
    sub = _prove_rational(sp.cancel(sp.together(expr)), d_lo, open_lo, strict, integer)
    status, witness, cex = sub
    return Verdict(statement, status, "; ".join(parts + [witness]), cex)


def _prove_rational(expr, lo, open_lo, strict, integer):
    if expr == 0:
        if strict:
            return "refuted", "the expression is identically 0", str(lo + (1 if open_lo else 0))
        return "proved", "the expression is identically 0 (so >= 0)", None
    # (1) positive-coefficient witness after d = lo + s (covers the open interval a fortiori)
    cw = _coeff_witness(expr, lo, strict)
    if cw is None and open_lo:
        # on an open interval a zero at s = 0 is harmless: accept N(0) = 0 when N has a positive coeff
        cw2 = _coeff_witness(expr, lo, strict=False)
        if cw2 and cw2[0] > 0:
            num = sp.fraction(sp.cancel(sp.together(expr.subs(d, lo + _s))))[0]
            if sp.Poly(num, _s).eval(0) == 0 and any(c != 0 for c in sp.Poly(num, _s).all_coeffs()):
                return "proved", cw2[1].replace(">= 0 for every s >= 0", "> 0 for every s > 0 (N has a positive coefficient)"), None
    if cw is not None:
        sign, txt = cw
        if sign > 0:
            return "proved", txt, None
        # s = 1: N(1) is the (nonzero, one-signed) coefficient sum and D(1) > 0, so the value is < 0 there
        return "refuted", txt + f" - the expression is negative, e.g. at d = {lo + 1}", str(lo + 1)
    # (2) exact root isolation
    num, den = sp.fraction(expr)
    try:
        nroots = _roots_in(sp.expand(num), lo, open_lo)
        droots = _roots_in(sp.expand(den), lo, open_lo)
    except (sp.PolynomialError, sp.polys.polyerrors.PolificationFailed, NotImplementedError):
        return "unknown", f"not a rational function of d: {expr}", None
    dom = f"({lo}, oo)" if open_lo else f"[{lo}, oo)"
    if droots:
        return "unknown", f"denominator {den} vanishes in {dom} at {droots}", None
    # test points: one left of / between / right of the sign-change candidates, rational
    marks = sorted(set(float(r) for r in nroots))
    pts = [Fraction(lo) + (Fraction(1, 2) if open_lo else 0)]
    for a, b in zip(marks, marks[1:]):
        pts.append(Fraction((a + b) / 2).limit_denominator(10**6))
    if marks:
        pts.append(Fraction(math.floor(marks[-1]) + 1))
    if integer:
        extra = {max(math.ceil(lo + (1e-9 if open_lo else 0)), math.floor(x)) for x in marks} | \
                {math.ceil(x) for x in marks}
        pts = sorted({Fraction(x) for x in extra if x >= lo} | {Fraction(math.ceil(p)) for p in pts})
    pts = [p for p in pts if (p > lo if open_lo else p >= lo)]
    vals = [(p, _val(expr, sp.Rational(p.numerator, p.denominator))) for p in pts]
    bad = [(p, v) for p, v in vals if (v <= 0 if strict else v < 0)]
    if not nroots:
        p, v = vals[0]
        if v > 0:
            return "proved", (f"numerator {sp.expand(num)} and denominator {sp.expand(den)} have no real root "
                              f"in {dom} (exact root isolation), so the sign is constant; at d = {p} the "
                              f"value is {v} > 0"), None
        return "refuted", f"no root in {dom} and the value at d = {p} is {v} <= 0", str(p)
    if bad:
        p, v = bad[0]
        return "refuted", f"the numerator has real roots {nroots} in {dom}; at d = {p} the value is {v}", str(p)
    if strict:
        r = nroots[0]
        if integer and not (r.is_integer):
            return "unknown", f"zeros at non-integer {nroots}; integers tested positive: {[str(p) for p, _ in vals]}", None
        return "refuted", f"the expression vanishes at d = {r} in {dom}", str(r)
    if not integer:
        return "unknown", f"roots {nroots} in {dom}; sign at test points nonnegative but not proved", None
    return "unknown", f"roots {nroots}; integers tested nonnegative but not proved", None


def prove_decreasing(expr, d_min=1, integer=False, statement=None) -> Verdict:
    """Return a Verdict on "expr(d) is strictly decreasing on real (or integer) d >= d_min".

    The general branch must have derivative < 0 on the domain (proved with :func:`prove_positive`); a
    d = 1 exception value must exceed the general branch's value at d = 1 (reals) or d = 2 (integers).

    >>> prove_decreasing(1 / (2 * d + 4)).status
    'proved'
    """
    statement = statement or (f"{sp.sstr(expr)} strictly decreasing on "
                              f"{'integers' if integer else 'real'} d >= {d_min}")
    at1, general = split_d1(expr)
    if sp.cancel(sp.diff(general, d)) == 0:
        return Verdict(statement, "refuted", f"{sp.sstr(general)} is constant in d: not strictly decreasing",
                       f"{d_min} -> {d_min + 1}")
    v = prove_positive(-sp.diff(general, d), d_min=d_min, integer=False)
    if not v.proved:
        return Verdict(statement, v.status, "derivative: " + v.witness, v.counterexample)
    witness = f"-(d/dd) = {sp.factor(-sp.diff(general, d))}: {v.witness}"
    if general != sp.sympify(expr) and d_min <= 1:
        nxt = 2 if integer else 1
        gv = general.subs(d, nxt)
        if not at1 > gv:
            # a concrete pair 1 < x with p(1) <= p(x) (x = 2 is in the domain for reals and integers)
            x = 2 if general.subs(d, 2) >= at1 else nxt
            return Verdict(statement, "refuted",
                           f"p(1) = {at1} <= p({x}) = {general.subs(d, x)} (general branch): not decreasing "
                           f"from d = 1 to d = {x}", f"1 -> {x}")
        witness = f"d = 1 value {at1} > {gv} (general branch at d = {nxt}); " + witness
    return Verdict(statement, "proved", witness)


def prove_limit_zero(expr, statement=None) -> Verdict:
    """Return a Verdict on "expr(d) -> 0 as d -> oo" for a rational function (degree test, exact).

    >>> prove_limit_zero(2 / (d + 1)).status
    'proved'
    """
    statement = statement or f"{sp.sstr(expr)} -> 0 as d -> oo"
    _, general = split_d1(expr)
    num, den = sp.fraction(sp.cancel(sp.together(general)))
    try:
        dn, dd = sp.degree(num, d), sp.degree(den, d)
    except sp.PolynomialError:
        return Verdict(statement, "unknown", f"not a rational function: {general}")
    lim = sp.limit(general, d, sp.oo)
    if dn < dd and lim == 0:
        return Verdict(statement, "proved", f"deg numerator {dn} < deg denominator {dd} (sympy limit: {lim})")
    return Verdict(statement, "refuted", f"deg numerator {dn}, deg denominator {dd}, limit {lim}")


def prove_equal(a, b, statement=None) -> Verdict:
    """Return a Verdict on "a(d) == b(d) identically": cancel(a - b) == 0 plus the d = 1 values.

    This is the one place where a zero difference is a proof: the claim is explicitly an identity
    (e.g. "the derived exponent equals the registered one"), never a sign claim.

    >>> prove_equal((d + 3) / (4 * d + 6), 1 / (2 + 2 * d / (d + 3))).status
    'proved'
    """
    statement = statement or f"{sp.sstr(a)} == {sp.sstr(b)} for symbolic d"
    a1, ag = split_d1(a)
    b1, bg = split_d1(b)
    diff = sp.cancel(sp.together(ag - bg))
    diff1 = sp.simplify(a1 - b1)
    if diff == 0 and diff1 == 0:
        extra = f"; at d = 1: {a1} == {b1}" if (ag != a or bg != b) else ""
        return Verdict(statement, "proved", f"cancel(difference) = 0 identically{extra}")
    cex = None
    if diff != 0:
        for k in range(1, 50):
            if diff.subs(d, k) != 0:
                cex = str(k)
                break
        if cex == "1" and diff1 == 0:
            cex = "2"
    else:
        cex = "1"
    return Verdict(statement, "refuted", f"difference = {sp.factor(diff)} (at d = 1: {diff1})", cex)
