"""Weighted variation |f|_{V_g} of a two-layer ReLU network and the Term-A / Theorem 3.2 checkers.

proofs_notes/theory.md §5 (the empirical weight is RECONSTRUCTED there; see proofs_notes/
thm_3_2_flatness_regularity.md).  X uniform on the training inputs, u in S^{d-1}, t in R:

    g~(u,t) = P(X.u > t)^2 * E[X.u - t | X.u > t] * sqrt(1 + ||E[X | X.u > t]||^2)   (0 if empty),
    g(u,t)  = min{ g~(u,t), g~(-u,-t) }.

With S = {i : x_i.u > t}, m = |S|:  g~ = (m / n^2) * sum_{i in S} (x_i.u - t) * sqrt(1 + ||mean_S x||^2).

Exactness.  For a neuron v relu(w.x - b) with rational (w, b), u = w/||w||, t = b/||w|| are irrational,
but in a_j g(u_j, t_j) with a_j = v_j ||w_j|| the factor ||w_j|| cancels:

    |a_j| g~(u_j, t_j) = |v_j| (m / n^2) sum_{i in S} (w_j.x_i - b_j) * sqrt(1 + ||mean_S x||^2),

a rational times the square root of a rational.  So for exact data |f|_{V_g} is an exact sum
sum_j c_j sqrt(r_j) (:class:`SqrtSum`), the min in g is decided exactly (compare c^2 r), and
:meth:`SqrtSum.bounds` gives rigorous rational bounds from integer square roots.  That is what the
checkers use for certified margins.

Population weight (X ~ Uniform(B^d_1)) and its asymptotic constant:  G(t) = Q(t) S(t) sqrt(1 + m(t)^2)
~ K_d (1 - t)^{d+2} as t -> 1 with K_d = 2^{d + 5/2} c1(d)^2 / ((d+1)^2 (d+3)) (derivation in the note).

Square-root arithmetic (SqrtSum, sqrt_bounds): numerics.exact_sqrt.  CLI: ``python -m numerics.weights``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Sequence

import mpmath
import numpy as np

import numerics.hessian as _hessian
from numerics.exact_sqrt import SqrtSum, _cmp_csqrt, sqrt_bounds
from numerics.hessian import hessian, jacobian_gram, quadratic_form
from numerics.loss import convention
from numerics.network import Dataset, ReluNetwork, number_kind, to_fraction
from numerics.outcome import Outcome, Quantity

__all__ = [
    "Atom",
    "VgNorm",
    "InequalityCheck",
    "empirical_weight",
    "empirical_weight_tilde",
    "neuron_atoms",
    "vg_norm",
    "population_weight",
    "population_weight_parts",
    "K_d",
    "K_d_sympy",
    "canonical_weight",
    "term_a_check",
    "theorem_3_2_check",
    "term_a_margin",
    "theorem_3_2_margin",
    "theorem_3_2_upper",
]


# ---------------------------------------------------------------------------- empirical weight
def _one_side(z: Sequence[Fraction], X: np.ndarray, n: int):
    """(coef, radicand) of (m/n^2) sum_{z_i>0} z_i * sqrt(1 + ||mean x||^2) over {i: z_i > 0}."""
    idx = [i for i, zi in enumerate(z) if zi > 0]
    if not idx:
        return Fraction(0), Fraction(0)
    m = len(idx)
    mean = [sum((X[i, j] for i in idx), Fraction(0)) / m for j in range(X.shape[1])]
    coef = Fraction(m, n * n) * sum((z[i] for i in idx), Fraction(0))
    return coef, 1 + sum((c * c for c in mean), Fraction(0))


def _exact_X(X) -> np.ndarray:
    X = np.asarray(X)
    if X.dtype == object and all(isinstance(x, Fraction) for x in X.flat):
        return X
    out = np.empty(X.shape, dtype=object)
    for idx, x in np.ndenumerate(X):
        out[idx] = to_fraction(x.item() if isinstance(x, np.generic) else x)
    return out


def _normal(u, t, X):
    u = [to_fraction(c) for c in np.asarray(u, dtype=object).reshape(-1)]
    t = to_fraction(t)
    X = _exact_X(X)
    if len(u) != X.shape[1]:
        raise ValueError(f"u has {len(u)} entries but data have dimension {X.shape[1]}")
    nrm2 = sum((c * c for c in u), Fraction(0))
    if nrm2 == 0:
        raise ValueError("u must be nonzero")
    z = [sum((X[i, j] * u[j] for j in range(len(u))), Fraction(0)) - t for i in range(X.shape[0])]
    return z, X, nrm2


def empirical_weight_tilde(u, t, X) -> SqrtSum:
    """Return g~(u/||u||, t/||u||) exactly (proofs_notes/theory.md §5, reconstructed), as c * sqrt(r).

    (u, t) is the hyperplane u.x = t; u need not be a unit vector (it is normalised, exactly: the
    1/||u|| is folded into the square root), so rational (w, b) of a neuron can be passed directly.

    >>> X = np.array([[Fraction(1)], [Fraction(-1)]], dtype=object)
    >>> empirical_weight_tilde([1], 0, X).sympy()    # (1/2)^2 * 1 * sqrt(1 + 1)
    sqrt(2)/4
    """
    z, X, nrm2 = _normal(u, t, X)
    c, r = _one_side(z, X, X.shape[0])
    return SqrtSum(((c, r / nrm2),)) if c else SqrtSum(())


def empirical_weight(u, t, X) -> SqrtSum:
    """Return g(u,t) = min{g~(u,t), g~(-u,-t)} exactly (proofs_notes/theory.md §5, reconstructed).

    The min of the two c sqrt(r) values is decided exactly (compare c^2 r).

    >>> X = np.array([[Fraction(1)], [Fraction(-1)], [Fraction(1, 2)]], dtype=object)
    >>> empirical_weight([1], 0, X).sympy()
    sqrt(2)/9
    """
    z, X, nrm2 = _normal(u, t, X)
    n = X.shape[0]
    cp, rp = _one_side(z, X, n)
    cm, rm = _one_side([-zi for zi in z], X, n)
    c, r = (cp, rp) if _cmp_csqrt(cp, rp, cm, rm) <= 0 else (cm, rm)
    return SqrtSum(((c, r / nrm2),)) if c else SqrtSum(())


# ---------------------------------------------------------------------------- atoms and |f|_{V_g}
@dataclass(frozen=True)
class Atom:
    """Neurons sharing one hyperplane: sum_j v_j relu(w_j.x - b_j) = a relu(u.x - t) + (affine in x).

    ``w``, ``b`` are the (exact) parameters of the first neuron of the group, every other member is a
    nonzero multiple s_j c_j (w, b) with c_j > 0 and s_j = +-1; ``coef`` = sum_j v_j c_j, so that
    a = coef * ||w||, u = w/||w||, t = b/||w||.  A member of opposite orientation contributes the same
    coefficient because relu(-z) = relu(z) - z: v c relu(-z) = v c relu(z) - v c z, and the affine rest
    costs nothing.  ``affine``: w = 0 or |t| >= R (the neuron is affine on the data ball, cost 0).
    """

    w: tuple
    b: Fraction
    coef: Fraction
    neurons: tuple
    affine: bool

    @property
    def norm_w(self) -> float:
        return math.sqrt(sum(float(c) ** 2 for c in self.w))

    @property
    def a(self) -> float:
        """Outer weight a = coef * ||w|| (float)."""
        return float(self.coef) * self.norm_w

    @property
    def u(self) -> np.ndarray:
        """Unit normal w/||w|| (float)."""
        return np.array([float(c) for c in self.w]) / self.norm_w

    @property
    def t(self) -> float:
        """Offset b/||w|| (float)."""
        return float(self.b) / self.norm_w


def neuron_atoms(net: ReluNetwork, R=1, include_affine: bool = False) -> list[Atom]:
    """Return the atoms of ``net``: neurons merged by equal hyperplane (u, t) ~ (-u, -t) (Example 3.1).

    Positive multiples of (w, b) are the same neuron; so, up to an affine function, is the opposite
    orientation: relu(z) - relu(-z) = z, hence v1 relu(z) + v2 relu(-z) = (v1 + v2) relu(z) - v2 z, and
    the atom's coefficient is v1 + v2 after normalising each (w, b) by its scale.  The weight g is
    symmetric (g(u, t) = g(-u, -t)), so |f|_{V_g} = sum over hyperplanes of |a| g.  Grouping is exact:
    (w, b) is divided by w_l for the first nonzero coordinate l (sign included), in rationals (floats and
    mpf values convert exactly).  Atoms with w = 0 or b^2 >= R^2 ||w||^2 (hyperplane misses the open
    ball of radius R, so the neuron is affine there) are dropped unless ``include_affine``.
    Groups are listed in first-seen order.

    >>> net = ReluNetwork.exact([[1, 0], [2, 0], [0, 1]], [0, 0, 5], [1, 3, 7], 0)
    >>> [(a.neurons, a.coef) for a in neuron_atoms(net)]
    [((0, 1), Fraction(7, 1))]
    >>> pair = ReluNetwork.exact([[1], [-1]], [0, 0], [1, -1], 0)   # relu(x) - relu(-x) = x
    >>> [(a.neurons, a.coef) for a in neuron_atoms(pair)]
    [((0, 1), Fraction(0, 1))]
    """
    R = to_fraction(R)
    groups: dict[tuple, list] = {}
    order = []
    for k in range(net.K):
        w = tuple(to_fraction(c) for c in net.W[k])
        b = to_fraction(net.b[k])
        v = to_fraction(net.v[k])
        nz = next((c for c in w if c != 0), None)
        if nz is None:
            key = ("zero", k)
            scale = Fraction(1)
        else:
            # key: (w, b) / w_l, identical for (w, b) and -(w, b); the coefficient uses |w_l| only
            scale = abs(nz)
            key = tuple(c / nz for c in w) + (b / nz,)
        if key not in groups:
            groups[key] = [w, b, scale, Fraction(0), []]
            order.append(key)
        g = groups[key]
        g[3] += v * scale / g[2]     # c_j = scale_j / scale_0 > 0, for either orientation
        g[4].append(k)
    out = []
    for key in order:
        w, b, _, coef, ks = groups[key]
        nrm2 = sum((c * c for c in w), Fraction(0))
        affine = nrm2 == 0 or b * b >= R * R * nrm2
        if affine and not include_affine:
            continue
        out.append(Atom(w, b, coef, tuple(ks), affine))
    return out


@dataclass(frozen=True)
class VgNorm:
    """|f|_{V_g}: ``value`` (float), and when ``certified`` an exact ``exact`` SqrtSum with rigorous
    rational ``lower`` <= value <= ``upper``; ``weight`` names g; ``num_atoms`` counts non-affine atoms,
    ``num_dropped`` the neurons dropped as affine on the ball."""

    value: float
    lower: Fraction | None
    upper: Fraction | None
    exact: SqrtSum | None
    certified: bool
    weight: str
    num_atoms: int
    num_dropped: int

    @property
    def quantity(self) -> Quantity:
        """|f|_{V_g} in the shared vocabulary (numerics.outcome): certified enclosure or estimate.

        >>> net = ReluNetwork.exact([[1]], [0], [2], 0)
        >>> q = vg_norm(net, np.array([[Fraction(1)], [Fraction(-1)]], dtype=object), bits=8).quantity
        >>> q.status, q.lower ** 2 <= Fraction(1, 2) <= q.upper ** 2   # the exact value is sqrt(2)/2
        ('certified', True)
        """
        how = "exact SqrtSum" if self.certified else "float64"
        return Quantity("|f|_Vg", value=self.value, lower=self.lower if self.certified else None,
                        upper=self.upper if self.certified else None, certified=self.certified,
                        method=f"{how}, weight {self.weight}",
                        detail=f"{self.num_atoms} atoms, {self.num_dropped} affine neurons dropped")


def _check_radius(X: np.ndarray, R: Fraction) -> None:
    for i in range(X.shape[0]):
        if sum((c * c for c in X[i]), Fraction(0)) > R * R:
            raise ValueError(f"data point i={i} lies outside the ball of radius R={R}; pass a larger R")


def vg_norm(net: ReluNetwork, X, R=1, weight: str | Callable = "empirical",
            exact: bool | None = None, bits: int = 64) -> VgNorm:
    """Return |f_theta|_{V_g} = sum_j |a_j| g(u_j, t_j) over merged atoms (Example 3.1, proofs_notes/theory.md §5).

    Args:
        net: the network (any number kind).
        X: training inputs (n, d), ||x_i|| <= R (checked).
        R: data radius; neurons with |t| >= R are affine on the ball and dropped (g vanishes there too).
        weight: "empirical" (g of proofs_notes/theory.md §5, reconstructed), "canonical" ((1-|t|)^{d+2}), "population"
            (G(|t|) for Uniform(B^d_1)), "path" (g = 1), or a callable g(u, t) -> float.
        exact: for the empirical weight, compute the exact SqrtSum (default: when net is exact-kind);
            otherwise a vectorised float64 estimate.  Other weights are evaluated in mpmath/float.
        bits: precision of the rigorous rational bounds.

    >>> net = ReluNetwork.exact([[1]], [0], [2], 0)
    >>> X = np.array([[Fraction(1)], [Fraction(-1)]], dtype=object)
    >>> r = vg_norm(net, X); r.exact.sympy(), r.certified
    (sqrt(2)/2, True)
    """
    Rq = to_fraction(R)
    atoms = neuron_atoms(net, Rq)
    dropped = net.K - sum(len(a.neurons) for a in atoms)
    name = weight if isinstance(weight, str) else getattr(weight, "__name__", "custom")
    if weight == "empirical":
        if exact is None:
            exact = number_kind(net.kind).is_exact
        if exact:
            Xq = _exact_X(X)
            _check_radius(Xq, Rq)
            live = [a for a in atoms if a.coef != 0]
            if live and Xq.shape[0] * len(live) * Xq.shape[1] >= _hessian._FAST_EXACT:
                terms = _vg_terms_fast(live, Xq)
            else:
                terms = []
                for atom in live:
                    g = empirical_weight(atom.w, atom.b, Xq)
                    # |a| g = |coef| ||w|| * c sqrt(r / ||w||^2) = |coef| c sqrt(r)
                    nrm2 = sum((c * c for c in atom.w), Fraction(0))
                    terms += [(abs(atom.coef) * c, r * nrm2) for c, r in g.terms]
            s = SqrtSum(tuple(terms))
            lo, hi = s.bounds(bits)
            return VgNorm(float(s), lo, hi, s, True, name, len(atoms), dropped)
        value = _vg_empirical_float(atoms, np.asarray(X, dtype=np.float64), float(Rq))
        return VgNorm(value, None, None, None, False, name, len(atoms), dropped)
    if weight == "path" and (exact or (exact is None and number_kind(net.kind).is_exact)):
        # g = 1: |f| = sum_j |coef_j| ||w_j||, exactly a SqrtSum
        s = SqrtSum(tuple((abs(a.coef), sum((c * c for c in a.w), Fraction(0))) for a in atoms if a.coef))
        lo, hi = s.bounds(bits)
        return VgNorm(float(s), lo, hi, s, True, name, len(atoms), dropped)
    d = net.d
    if weight == "canonical":
        gfun = lambda u, t: float(canonical_weight(t, d))  # noqa: E731
    elif weight == "population":
        gfun = lambda u, t: float(population_weight(abs(t), d))  # noqa: E731
    elif weight == "path":
        gfun = lambda u, t: 1.0  # noqa: E731
    elif callable(weight):
        gfun = weight
    else:
        raise ValueError(f"unknown weight {weight!r}")
    Xf = np.asarray(X, dtype=np.float64) if not (isinstance(X, np.ndarray) and X.dtype == object) \
        else np.vectorize(float, otypes=[np.float64])(X)
    if Xf.size and np.max(np.linalg.norm(Xf, axis=1)) > float(Rq) * (1 + 1e-12):
        raise ValueError(f"data lie outside the ball of radius R={Rq}; pass a larger R")
    value = math.fsum(abs(a.a) * gfun(a.u, a.t) for a in atoms)
    return VgNorm(value, None, None, None, False, name, len(atoms), dropped)


def _vg_terms_fast(atoms: list[Atom], X: np.ndarray) -> list:
    """Exact SqrtSum terms of sum_j |a_j| g(u_j, t_j) with every data sum one flint product.

    For an atom (w, b) and side S = {z > 0} (resp. {z < 0}): m = |S|, s = sum_S x_i, and
    sum_S z_i = s.w - m b, so the 0/1 patterns and D^T [X | 1] are all that is needed.
    """
    n = X.shape[0]
    K = len(atoms)
    W = np.array([list(a.w) for a in atoms], dtype=object).reshape(K, X.shape[1])
    b = np.array([a.b for a in atoms], dtype=object)
    probe = ReluNetwork(W, b, np.array([Fraction(1)] * K, dtype=object), Fraction(0), "exact")
    fast = _hessian._exact_pattern_fast(probe, X)
    if fast is None:
        mask, kinks = _hessian._pattern(probe, X)[1:]
    else:
        mask, kinks = fast
    neg = ~mask
    for i, k in kinks:
        neg[i, k] = False
    ones = np.empty((n, 1), dtype=object)
    ones.fill(Fraction(1))
    XA = np.concatenate([X, ones], axis=1)
    Spos = _hessian._mask_product(mask, XA, transpose=True)
    Sneg = _hessian._mask_product(neg, XA, transpose=True)
    terms = []
    n2 = n * n
    for k, atom in enumerate(atoms):
        sides = []
        for S, sign in ((Spos, 1), (Sneg, -1)):
            m = int(S[k, -1])
            if m == 0:
                sides.append((Fraction(0), Fraction(0)))
                continue
            sx = S[k, :-1]
            sz = sign * (sum((sx[j] * atom.w[j] for j in range(len(atom.w))), Fraction(0)) - m * atom.b)
            sides.append((Fraction(m, n2) * sz, 1 + sum((c * c for c in sx), Fraction(0)) / (m * m)))
        (cp, rp), (cm, rm) = sides
        c, r = (cp, rp) if _cmp_csqrt(cp, rp, cm, rm) <= 0 else (cm, rm)
        if c:
            # unnormalised (w, b): |a| g = |coef| ||w|| * c sqrt(r) / ||w|| = |coef| c sqrt(r)
            terms.append((abs(atom.coef) * c, r))
    return terms


def _vg_empirical_float(atoms: list[Atom], X: np.ndarray, R: float) -> float:
    """Vectorised float64 estimate of sum_j |a_j| g(u_j, t_j) (same formula as the exact path)."""
    if not atoms:
        return 0.0
    if X.size and np.max(np.linalg.norm(X, axis=1)) > R * (1 + 1e-12):
        raise ValueError(f"data lie outside the ball of radius R={R}; pass a larger R")
    n = X.shape[0]
    W = np.array([[float(c) for c in a.w] for a in atoms])
    b = np.array([float(a.b) for a in atoms])
    coef = np.array([abs(float(a.coef)) for a in atoms])
    Z = X @ W.T - b[None, :]
    vals = []
    for sgn in (1.0, -1.0):
        Zs = sgn * Z
        M = (Zs > 0).astype(np.float64)
        m = M.sum(axis=0)
        sz = (Zs * M).sum(axis=0)
        mean = (M.T @ X) / np.maximum(m, 1)[:, None]
        vals.append(m / n ** 2 * sz * np.sqrt(1 + (mean ** 2).sum(axis=1)))
    return float(np.sum(coef * np.minimum(vals[0], vals[1])))


# ---------------------------------------------------------------------------- population weight
def _c1(d):
    d = mpmath.mpf(d)
    return mpmath.gamma(d / 2 + 1) / (mpmath.sqrt(mpmath.pi) * mpmath.gamma((d + 1) / 2))


def population_weight_parts(t, d: int) -> tuple:
    """Return (Q, S, m): P(X_1 > t), E[(X_1 - t)_+], E[X_1 | X_1 > t] for X ~ Uniform(B^d_1), in mpmath.

    Marginal density c1 (1 - s^2)^{(d-1)/2}; Q from the regularised incomplete beta function,
    int_t^1 s c1 (1-s^2)^{(d-1)/2} ds = c1 (1-t^2)^{(d+1)/2} / (d+1) in closed form.

    >>> [mpmath.nstr(x, 12) for x in population_weight_parts(0, 1)]
    ['0.5', '0.25', '0.5']
    """
    t = mpmath.mpf(t)
    if t >= 1:
        return mpmath.mpf(0), mpmath.mpf(0), mpmath.mpf(1)
    if t <= -1:
        return mpmath.mpf(1), -t, mpmath.mpf(0)
    a = mpmath.mpf(d - 1) / 2
    tail = mpmath.betainc(a + 1, mpmath.mpf(1) / 2, 0, 1 - t * t, regularized=True) / 2
    Q = tail if t >= 0 else 1 - tail
    first = _c1(d) * (1 - t * t) ** (a + 1) / (2 * (a + 1))   # E[X_1 1{X_1 > t}]
    return Q, first - t * Q, first / Q


def population_weight(t, d: int):
    """Return G(t) = Q(t) S(t) sqrt(1 + m(t)^2), the weight of Uniform(B^d_1) at offset t (proofs_notes/theory.md §5).

    The population weight is g_P(u, t) = G(|t|).

    >>> mpmath.nstr(population_weight(0, 1), 12)   # Q = 1/2, S = 1/4, m = 1/2: sqrt(5)/16
    '0.139754248594'
    """
    Q, S, m = population_weight_parts(t, d)
    return Q * S * mpmath.sqrt(1 + m * m)


def K_d(d: int):
    """Return K_d = 2^{d+5/2} c1(d)^2 / ((d+1)^2 (d+3)), the constant in G(t) ~ K_d (1-t)^{d+2} (t -> 1).

    Derivation: with delta = 1 - t, 1 - s^2 ~ 2(1 - s), Q ~ c1 2^a delta^{a+1}/(a+1),
    S ~ c1 2^a delta^{a+2}/((a+1)(a+2)), m -> 1, a = (d-1)/2.

    >>> mpmath.almosteq(K_d(1), mpmath.sqrt(2) / 8)
    True
    """
    d = int(d)
    return mpmath.mpf(2) ** (d + mpmath.mpf(5) / 2) * _c1(d) ** 2 / ((d + 1) ** 2 * (d + 3))


def K_d_sympy(d: int):
    """Return K_d as an exact sympy expression.

    >>> K_d_sympy(1)
    sqrt(2)/8
    """
    import sympy

    d = sympy.Integer(d)
    c1 = sympy.gamma(d / 2 + 1) / (sympy.sqrt(sympy.pi) * sympy.gamma((d + 1) / 2))
    return sympy.simplify(2 ** (d + sympy.Rational(5, 2)) * c1 ** 2 / ((d + 1) ** 2 * (d + 3)))


def canonical_weight(t, d: int):
    """Return (1 - |t|)^{d+2} for |t| < 1 and 0 otherwise (the weight in the paper's statements).

    Exact for rational t (Fraction in, Fraction out), else mpmath.

    >>> canonical_weight(Fraction(1, 2), 1)
    Fraction(1, 8)
    """
    if isinstance(t, (Fraction, int)):
        t = Fraction(t)
        return (1 - abs(t)) ** (d + 2) if abs(t) < 1 else Fraction(0)
    t = mpmath.mpf(t)
    return (1 - abs(t)) ** (d + 2) if abs(t) < 1 else mpmath.mpf(0)


# ---------------------------------------------------------------------------- checkers
@dataclass(frozen=True)
class InequalityCheck:
    """Outcome of checking ``lhs <= rhs``; margin = rhs - lhs (>= 0 means the inequality holds).

    ``margin`` is a float64 estimate.  ``margin_lower``/``margin_upper`` are rigorous rational bounds
    (None when not available); ``holds`` is True/False only when certified by those bounds, else None.
    """

    name: str
    lhs: float
    rhs: float
    margin: float
    margin_lower: Fraction | None
    margin_upper: Fraction | None
    holds: bool | None
    certified: bool
    method: str
    details: dict = field(default_factory=dict)

    @property
    def outcome(self) -> Outcome:
        """The verdict on lhs <= rhs in the shared vocabulary (numerics.outcome).

        Certified iff ``holds`` was decided by the rigorous margin bounds; the quantity "<name> margin"
        (rhs - lhs) carries those bounds when they exist (they may exist and still leave the verdict
        undecided), else the float64 margin as an estimate.
        """
        margin = Quantity.of(f"{self.name} margin", self.margin_lower, self.margin_upper, self.margin, self.method,
                             f"rhs - lhs, lhs ~ {self.lhs:.6g}, rhs ~ {self.rhs:.6g}")
        margins = (margin,) if margin else ()
        return Outcome(f"{self.name}: lhs <= rhs", self.holds, self.certified and self.holds is not None,
                       self.method, f"margin {self.margin:.6g}", margins)


def _verdict(lo, hi):
    if lo is not None and lo >= 0:
        return True
    if hi is not None and hi < 0:
        return False
    return None


def _rational_vector(x: np.ndarray, bits: int = 40) -> np.ndarray:
    scale = float(np.max(np.abs(x))) or 1.0
    return np.array([Fraction(int(round(c / scale * 2 ** bits)), 2 ** bits) for c in x], dtype=object)


def _rigorous_lambda_bounds(M: np.ndarray, top_vec: np.ndarray):
    """(lo, hi): Rayleigh quotient of a rational vector (lower) and Gershgorin (upper), exact M."""
    u = _rational_vector(top_vec)
    uu = u @ u
    lo = (u @ (M @ u)) / uu if uu else None
    return lo, _gershgorin(M)


def _gershgorin(M: np.ndarray) -> Fraction:
    """max_i (M_ii + sum_{j != i} |M_ij|) >= lambda_max(M) for a symmetric exact matrix."""
    diag = M.diagonal()
    return max(diag - np.abs(diag) + np.abs(M).sum(axis=1))


def _float(a) -> np.ndarray:
    return np.vectorize(float, otypes=[np.float64])(a) if a.dtype == object else a


def _to_float(x) -> float:
    """float(x) for a Fraction of any magnitude: +-inf beyond float64's range instead of OverflowError."""
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


def _eig_top(M: np.ndarray):
    """(lam, vec): float64 estimate of the top eigenpair of an exact symmetric matrix of any magnitude.

    Computed on M 2^-s, s chosen so that the largest entry is about 2^500 (lambda(M 2^-s) = lambda(M) 2^-s
    exactly), so nothing overflows; lam is +-inf if lambda_max(M) itself is beyond float64's range.
    vec only feeds exact Rayleigh quotients, so its accuracy never affects a certified bound.

    >>> M = np.array([[Fraction(10) ** 400, 0], [0, Fraction(1)]], dtype=object)
    >>> lam, vec = _eig_top(M); lam, float(abs(vec[0]))
    (inf, 1.0)
    """
    big = max((abs(Fraction(x)) for x in M.flat), default=Fraction(0))
    s = 0 if big == 0 else big.numerator.bit_length() - big.denominator.bit_length() - 500
    scale = Fraction(2) ** (-s)
    A = np.array([[float(Fraction(x) * scale) for x in row] for row in M], dtype=np.float64)
    ev, V = np.linalg.eigh(0.5 * (A + A.T))
    try:
        lam = math.ldexp(float(ev[-1]), s)
    except OverflowError:
        lam = math.inf if ev[-1] > 0 else -math.inf
    return lam, V[:, -1]


def term_a_check(net: ReluNetwork, data: Dataset, R=1, rigorous: bool | None = None,
                 weight="empirical") -> InequalityCheck:
    """Check Term-A: lambda_max((1/n) sum_i grad f(x_i) grad f(x_i)^T) >= 1 + 2 |f|_{V_g} (proof of Thm 3.2).

    lambda_max(J^T J / n) = lambda_max(J J^T / n) is computed on the n x n Gram matrix: a float64
    estimate, and, when ``rigorous`` (default for exact-kind inputs), rigorous bounds from the exact Gram
    matrix (Rayleigh quotient of a rationalised top eigenvector below, Gershgorin above) combined with
    the exact |f|_{V_g} bounds.  ``weight`` is passed to :func:`vg_norm` (the theorem is about the
    empirical weight; other weights serve to show the checker rejects).  A data point exactly on a
    neuron's kink leaves grad f(x_i) undefined (relu'(0) has no value), so the check refuses it with
    :class:`numerics.hessian.KinkError`, as :func:`theorem_3_2_check` does.

    >>> net = ReluNetwork.exact([[1]], ["1/2"], [1], 0)
    >>> data = Dataset.exact([[1], [0]], [0, 0])
    >>> c = term_a_check(net, data); c.holds, c.certified
    (True, True)
    """
    if rigorous is None:
        rigorous = number_kind(net.kind).is_exact
    _hessian._require_smooth(net, data.X)
    n = data.n
    # float64 estimate on the rounded point; the rigorous bounds below use the exact point
    Mq = None
    try:
        with np.errstate(all="ignore"):
            Mf = jacobian_gram(net.as_float(), data.as_float().X) / n
    except OverflowError:  # an exact value beyond float64's range
        Mf = None
    if Mf is not None and np.all(np.isfinite(Mf)):
        evals, evecs = np.linalg.eigh(0.5 * (Mf + Mf.T))
        lam, top = float(evals[-1]), evecs[:, -1]
    elif n <= 300:  # float64 overflowed: the exact Gram matrix, rescaled by a power of two
        Mq = jacobian_gram(net.as_exact(), data.as_exact().X) * Fraction(1, n)
        lam, top = _eig_top(Mq)
    else:
        lam, top = math.nan, None
    vg = vg_norm(net, data.X, R=R, exact=rigorous, weight=weight)
    rigorous = rigorous and vg.certified
    lo = hi = None
    details = {"lambda_max_gn_estimate": lam, "vg_norm": vg.value}
    if rigorous and top is not None:
        ne, Xq = net.as_exact(), data.as_exact().X
        if Mq is not None or (n <= 300 and not _hessian._use_fast_exact(ne, Xq)):
            Mq = jacobian_gram(ne, Xq) * Fraction(1, n) if Mq is None else Mq
            llo, lhi = _rigorous_lambda_bounds(Mq, top)
        else:
            # large: exact Rayleigh quotient ||J^T s||^2 / (n ||s||^2) below; no cheap upper bound
            s_vec = _rational_vector(top)
            llo, lhi = _hessian.gram_quadratic_form(ne, Xq, s_vec) / (n * (s_vec @ s_vec)), None
        lo = None if llo is None else llo - 1 - 2 * vg.upper
        hi = None if lhi is None else lhi - 1 - 2 * vg.lower
        details.update(lambda_max_gn_lower=llo, lambda_max_gn_upper=lhi)
    return InequalityCheck("term_a", 1 + 2 * vg.value, lam, lam - 1 - 2 * vg.value, lo, hi,
                           _verdict(lo, hi), rigorous,
                           "exact Gram matrix: Rayleigh quotient / Gershgorin; exact |f|_Vg bounds"
                           if rigorous else "float64 eigh estimate", details)


def term_a_margin(net: ReluNetwork, data: Dataset, R=1) -> float:
    """Return the float64 estimate of lambda_max(J^T J/n) - 1 - 2|f|_{V_g} (see :func:`term_a_check`).

    >>> term_a_margin(ReluNetwork.from_float([[1.0]], [5.0], [1.0], 0.0), Dataset.from_float([[1.0]], [0.0]))
    0.0
    """
    return term_a_check(net, data, R=R, rigorous=False).margin


def theorem_3_2_check(net: ReluNetwork, data: Dataset, lambda_max=None, R=1,
                      rigorous: bool | None = None, weight="empirical", loss: str = "half-mse") -> InequalityCheck:
    """Check Theorem 3.2: |f|_{V_g} <= lambda_max(grad^2 L)/2 - 1/2 + (R+1) sqrt(2 L(theta)).

    In torch's convention (``loss="mse"``, L_mse = 2L, grad^2 L_mse = 2 grad^2 L; numerics.loss) the same
    inequality reads |f|_{V_g} <= lambda_max(grad^2 L_mse)/4 - 1/2 + (R+1) sqrt(L_mse): a given
    ``lambda_max`` is then read as that of grad^2 L_mse and divided by 2 before use.

    Args:
        lambda_max: None (computed: dense float64 eigvalsh estimate; with ``rigorous``, a rigorous lower
            bound from the exact Rayleigh quotient of the rationalised top eigenvector via exact HVPs,
            and Gershgorin on the exact Hessian when P <= 400), a number (taken as an estimate), or a
            pair (lo, hi) of rigorous bounds (e.g. from numerics.certify), in convention ``loss``.
        R: data radius (the (R+1) factor and the affine-neuron rule of |f|_{V_g}).
        rigorous: use exact arithmetic (default for exact-kind inputs).
        weight: passed to :func:`vg_norm` (the theorem is about the empirical weight).

    >>> net = ReluNetwork.exact([[1]], ["1/2"], [1], 0)
    >>> c = theorem_3_2_check(net, Dataset.exact([[1], [0]], [0, 0])); c.holds
    True
    """
    from numerics.hessian import loss as half_mse_loss

    scale = convention(loss).hessian_scale
    if lambda_max is not None and scale != 1:
        lambda_max = (tuple(None if x is None else to_fraction(x) / scale for x in lambda_max)
                      if isinstance(lambda_max, tuple) else float(lambda_max) / scale)
    if rigorous is None:
        rigorous = number_kind(net.kind).is_exact
    Rq = to_fraction(R)
    vg = vg_norm(net, data.X, R=Rq, exact=rigorous, weight=weight)
    with np.errstate(all="ignore"):
        L = half_mse_loss(net, data)
    if isinstance(L, float) and not math.isfinite(L):  # float64 overflow: exact loss if needed, else no estimate
        Lq = half_mse_loss(net.as_exact(), data.as_exact()) if rigorous else None
    else:
        Lq = to_fraction(L) if not isinstance(L, Fraction) else L
    lam_lo = lam_hi = None
    details = {}
    if lambda_max is None:
        Hq = hessian(net.as_exact(), data.as_exact()) if rigorous and net.num_params <= 400 else None
        Hf = None
        if Hq is None and net.num_params <= 3000:
            try:
                with np.errstate(all="ignore"):
                    Hf = _float(hessian(net, data))
            except OverflowError:  # an exact entry beyond float64's range
                Hf = np.full((1, 1), math.inf)
            if not np.all(np.isfinite(Hf)) and net.num_params <= 400:  # rescale the exact Hessian instead
                Hq, Hf = hessian(net.as_exact(), data.as_exact()), None
        vec = None
        if Hq is not None:
            lam, vec = _eig_top(Hq)
        elif Hf is None:
            from numerics.lambda_estimate import lambda_max_estimate

            try:
                with np.errstate(over="raise", invalid="raise"):  # an overflow must not reach ARPACK as NaN
                    lam, vec = lambda_max_estimate(net.as_float(), data.as_float(), return_vector=True)
            except (OverflowError, RuntimeError, ArithmeticError):  # incl. ArpackError, FloatingPointError
                lam = math.nan
        elif np.all(np.isfinite(Hf)):
            ev, V = np.linalg.eigh(0.5 * (Hf + Hf.T))
            lam, vec = float(ev[-1]), V[:, -1]
        else:
            lam = math.nan
        if vec is not None and not np.all(np.isfinite(vec)):
            vec = None
        details["lambda_max_estimate"] = lam
        if rigorous and vec is not None:
            ne, de = net.as_exact(), data.as_exact()
            u = _rational_vector(vec)
            lam_lo = quadratic_form(ne, de, u) / (u @ u)
            if Hq is not None:
                lam_hi = _gershgorin(Hq)
    elif isinstance(lambda_max, tuple):
        lam_lo, lam_hi = (to_fraction(x) if x is not None else None for x in lambda_max)
        lam = _to_float(lam_lo if lam_hi is None else (lam_hi if lam_lo is None else (lam_lo + lam_hi) / 2))
    else:
        lam = _to_float(lambda_max)
    with np.errstate(all="ignore"):
        rhs = lam / 2 - 0.5 + (_to_float(Rq) + 1) * math.sqrt(2 * (math.inf if Lq is None else _to_float(Lq)))
    lo = hi = None
    if rigorous and vg.certified:
        s_lo, s_hi = sqrt_bounds(2 * Lq)
        if lam_lo is not None:
            lo = lam_lo / 2 - Fraction(1, 2) + (Rq + 1) * s_lo - vg.upper
        if lam_hi is not None:
            hi = lam_hi / 2 - Fraction(1, 2) + (Rq + 1) * s_hi - vg.lower
        details.update(lambda_max_lower=lam_lo, lambda_max_upper=lam_hi)
    details["vg_norm"] = vg.value
    certified = lo is not None or hi is not None
    return InequalityCheck("theorem_3_2", vg.value, rhs, rhs - vg.value, lo, hi, _verdict(lo, hi),
                           certified, "exact Rayleigh quotient / Gershgorin; exact |f|_Vg and sqrt bounds"
                           if certified else "float64 estimate", details)


def theorem_3_2_upper(lambda_max_upper, half_mse_loss, R=1, loss: str = "half-mse") -> Fraction:
    """Return a certified upper bound on |f|_{V_g} from Theorem 3.2: lam/2 - 1/2 + (R+1) sqrt(2 L).

    ``lambda_max_upper`` is a certified upper bound on lambda_max of grad^2 L_conv in convention
    ``loss`` (numerics.loss; it is divided by the convention's Hessian scale, 2 for "mse"), and
    ``half_mse_loss`` the exact L = (1/2n) sum r^2.  sqrt is bounded above by :func:`sqrt_bounds`, so
    the result (an exact Fraction) is >= the theorem's right-hand side.

    >>> theorem_3_2_upper(3, 0) == 1
    True
    >>> theorem_3_2_upper(6, 0, loss="mse") == 1
    True
    """
    lam = to_fraction(lambda_max_upper) / convention(loss).hessian_scale
    Lq, Rq = to_fraction(half_mse_loss), to_fraction(R)
    if Lq < 0 or Rq < 0:
        raise ValueError("the loss and R must be >= 0")
    return lam / 2 - Fraction(1, 2) + (Rq + 1) * sqrt_bounds(2 * Lq)[1]


def theorem_3_2_margin(net: ReluNetwork, data: Dataset, lambda_max=None, R=1) -> float:
    """Return the float64 estimate of lambda_max/2 - 1/2 + (R+1) sqrt(2L) - |f|_{V_g} (Theorem 3.2).

    >>> theorem_3_2_margin(ReluNetwork.from_float([[1.0]], [5.0], [1.0], 0.0),
    ...                    Dataset.from_float([[1.0]], [0.0]), lambda_max=1.0)
    0.0
    """
    return theorem_3_2_check(net, data, lambda_max=lambda_max, R=R, rigorous=False).margin
