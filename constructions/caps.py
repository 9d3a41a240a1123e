"""Ball caps C(u) = {x in B^d_1 : u.x > 1 - eps^2} and exact verification of cap packings.

proofs_notes/theory.md §7 (App. H): the atom Phi_u is active exactly on C(u); C(u) and C(u') are disjoint iff
the angle between u and u' is at least 2 acos(1 - eps^2), i.e. iff  u.u' <= 2 (1 - eps^2)^2 - 1.
(The toolkit's reading of the paper's Lemma H.3, the number of caps: a family of pairwise disjoint caps is a packing of spherical caps
of angular radius acos(1 - eps^2) on S^{d-1}; their number N is at most the surface-area bound and a
maximal packing has N >= sigma(S^{d-1}) / sigma(cap of radius 2 acos(1 - eps^2)), so N ~ eps^{-(d-1)}.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import flint
import numpy as np
import sympy as sp

from numerics._progress import counter
from numerics.network import to_fraction
from numerics.outcome import Outcome, Quantity

from ._integrals import arb_eval, integral_expr
from .sphere import integer_form

__all__ = [
    "validate_eps",
    "cap_threshold",
    "caps_disjoint",
    "PackingReport",
    "verify_packing",
    "cap_surface_fraction",
    "area_upper_bound",
    "maximal_packing_lower_bound",
]


def validate_eps(eps) -> Fraction:
    """Return eps as a Fraction after checking 0 < eps <= 1/2 (the range of App. H); else ValueError.

    >>> validate_eps("1/8")
    Fraction(1, 8)
    """
    e = to_fraction(eps)
    if not (0 < e <= Fraction(1, 2)):
        raise ValueError(f"eps must satisfy 0 < eps <= 1/2, got {e}")
    return e


def cap_threshold(eps) -> Fraction:
    """Return 2 (1 - eps^2)^2 - 1 = cos(2 acos(1 - eps^2)), the largest u.u' of two disjoint caps.

    >>> cap_threshold("1/2")
    Fraction(1, 8)
    """
    e = Fraction(eps)
    return 2 * (1 - e * e) ** 2 - 1


def caps_disjoint(u, w, eps) -> bool:
    """Return True iff the caps C(u), C(w) of the unit directions u, w are disjoint (exact; App. H).

    Disjoint means the open caps do not meet: u.w <= 2 (1 - eps^2)^2 - 1.

    >>> caps_disjoint([1, 0], [0, 1], "1/2"), caps_disjoint([1, 0], ["3/5", "4/5"], "1/2")
    (True, False)
    """
    dot = sum(Fraction(a) * Fraction(b) for a, b in zip(u, w, strict=True))
    return dot <= cap_threshold(Fraction(eps))


@dataclass
class PackingReport:
    """Outcome of verify_packing: ``passed`` and the exact reasons when not."""

    passed: bool
    num_caps: int
    d: int
    eps: Fraction
    max_inner: Fraction | None  # largest pairwise u.u' (exact), None if fewer than 2 directions
    threshold: Fraction
    problems: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> Outcome:
        """The verdict "caps pairwise disjoint" in the shared vocabulary (numerics.outcome); exact.

        >>> o = verify_packing([[1, 0], [0, 1], [-1, 0], [0, -1]], "1/2").outcome
        >>> o.holds, o.status, str(o.quantity("max u.u'"))
        (True, 'certified', "max u.u' in [0, 0] (certified; exact)")
        """
        qs = [Quantity("u.u' threshold", lower=self.threshold, upper=self.threshold, certified=True, method="exact")]
        if self.max_inner is not None:
            qs.insert(0, Quantity("max u.u'", lower=self.max_inner, upper=self.max_inner, certified=True,
                                  method="exact"))
        detail = "; ".join(self.problems) or f"{self.num_caps} caps in d = {self.d} at eps = {self.eps}"
        return Outcome("caps pairwise disjoint", self.passed, True, "exact integer arithmetic", detail, tuple(qs))


def verify_packing(directions, eps, d: int | None = None, progress=None) -> PackingReport:
    """Return a PackingReport deciding exactly whether ``directions`` give pairwise disjoint caps.

    Checks (all in exact integer arithmetic): 0 < eps <= 1/2; every direction has d rational entries
    and norm exactly 1; every pair satisfies u.u' <= 2 (1 - eps^2)^2 - 1 (App. H, toolkit's reading).

    Args:
        directions: sequence of rational vectors (ints, Fractions, "p/q" strings or floats read exactly).
        eps: the cap parameter (rational).
        d: expected dimension (default: length of the first direction).
        progress: optional progress sink (numerics._progress.Reporter or a callable receiving messages).

    >>> verify_packing([[1, 0], [0, 1], [-1, 0], [0, -1]], "1/2").passed
    True
    >>> verify_packing([[1, 0], ["3/5", "4/5"]], "1/2").problems
    ["directions 0 and 1 overlap: u.u' = 3/5 > 1/8"]
    """
    problems: list[str] = []
    e = to_fraction(eps)
    if not (0 < e <= Fraction(1, 2)):
        problems.append(f"eps = {e} is outside (0, 1/2]")
    thr = cap_threshold(e)
    dirs = [[to_fraction(c) for c in u] for u in directions]
    if d is None:
        d = len(dirs[0]) if dirs else 0
    if d < 1:
        problems.append("dimension must be >= 1")
    bad = [i for i, u in enumerate(dirs) if len(u) != d]
    if bad:
        problems.append(f"direction {bad[0]} has {len(dirs[bad[0]])} entries, expected d = {d}")
        return PackingReport(False, len(dirs), d, e, None, thr, problems)
    if not dirs:
        problems.append("no directions")
        return PackingReport(False, 0, d, e, None, thr, problems)
    A, D = integer_form(dirs)
    G = _gram(A)
    n = len(dirs)
    for i in range(n):
        if G[i][i] != D[i] * D[i]:
            problems.append(f"direction {i} is not on the unit sphere: |u|^2 = {Fraction(G[i][i], D[i] * D[i])}")
            break
    max_inner = None
    if n >= 2:
        r, s = thr.numerator, thr.denominator
        best = None

        bar = counter(progress, f"exact pairwise check of {n} caps, rows", n)
        for i in range(n):
            bar.update()
            gi, di = G[i], D[i]
            for j in range(i + 1, n):
                lhs, rhs = s * gi[j], r * di * D[j]
                if lhs > rhs and not any("overlap" in p for p in problems):
                    problems.append(f"directions {i} and {j} overlap: u.u' = {Fraction(gi[j], di * D[j])} > {thr}")
                # track the maximum exactly (compare a/b > c/e by cross multiplication)
                if best is None or gi[j] * best[1] > best[0] * di * D[j]:
                    best = (gi[j], di * D[j])
        bar.close()
        max_inner = Fraction(best[0], best[1])
    return PackingReport(not problems, n, d, e, max_inner, thr, problems)


def _gram(A: np.ndarray) -> list[list[int]]:
    """Exact integer Gram matrix A A^T (python-flint fmpz_mat; exact big integers)."""
    M = flint.fmpz_mat([[int(x) for x in row] for row in A.tolist()])
    G = M * M.transpose()
    n = G.nrows()
    ent = G.entries()
    return [[int(ent[i * n + j]) for j in range(n)] for i in range(n)]


def cap_surface_fraction(d: int, eps) -> sp.Expr:
    """Return sigma(spherical cap of angular radius acos(1 - eps^2)) / sigma(S^{d-1}), exactly (sympy).

    = c_d int_{1-eps^2}^1 (1 - s^2)^{(d-3)/2} ds with c_d = Gamma(d/2) / (sqrt(pi) Gamma((d-1)/2))
    (marginal of the uniform law on S^{d-1}); for d = 2 it is acos(1 - eps^2) / pi, for d = 3 eps^2 / 2.

    >>> cap_surface_fraction(3, "1/8")
    1/128
    """
    e = Fraction(eps)
    return _surface_fraction_at(d, 1 - e * e)


def _surface_fraction_at(d: int, a: Fraction) -> sp.Expr:
    if d < 2:
        raise ValueError("need d >= 2")
    c = sp.gamma(sp.Rational(d, 2)) / (sp.sqrt(sp.pi) * sp.gamma(sp.Rational(d - 1, 2)))
    return sp.nsimplify(c * integral_expr([1], d - 3, a)) if d % 2 == 1 else c * integral_expr([1], d - 3, a)


def area_upper_bound(d: int, eps) -> int:
    """Return floor(1 / cap_surface_fraction): no packing of disjoint caps C(u) has more elements.

    Certified: the fraction is enclosed by arb ball arithmetic and the floor is taken of a ball
    containing no integer (raises if the enclosure is too wide).

    >>> area_upper_bound(3, "1/8"), area_upper_bound(2, "1/2")
    (128, 4)
    """
    fr = cap_surface_fraction(d, eps)
    if fr.is_Rational:
        return int(sp.floor(1 / fr))
    return _floor_certified(1 / _frac_arb(fr))


def maximal_packing_lower_bound(d: int, eps) -> int:
    """Return ceil(1 / sigma-fraction of a cap of angular radius 2 acos(1 - eps^2)) (0 if that cap is
    more than a hemisphere): every maximal packing of disjoint caps C(u) has at least this many caps,
    because caps of twice the radius around a maximal packing cover the sphere.

    >>> maximal_packing_lower_bound(3, "1/8")
    33
    """
    e = Fraction(eps)
    c2 = cap_threshold(e)  # cos(2 theta)
    if c2 <= 0:
        return 1
    fr = _surface_fraction_at(d, c2)
    if fr.is_Rational:
        return int(sp.ceiling(1 / fr))
    return _floor_certified(1 / _frac_arb(fr)) + 1


def _frac_arb(expr) -> flint.arb:
    for prec in (200, 800, 3200):
        x = arb_eval(expr, prec)
        if x.rad() < 1e-30 * abs(x.mid()):
            return x
    return x


def _floor_certified(x: flint.arb) -> int:
    lo, hi = x.lower().floor(), x.upper().floor()
    if lo != hi:
        # only possible when x is an exact integer enclosed by a ball straddling it
        raise ArithmeticError(f"cannot certify floor of {x}")
    return int(lo.unique_fmpz())
