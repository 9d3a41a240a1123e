"""Analytic loss, gradient, Jacobian, Hessian and Hessian-vector product of a two-layer ReLU network.

proofs_notes/theory.md §2–§3: L(theta) = (1/(2n)) sum_i (f(x_i) - y_i)^2 and

    grad^2 L = (1/n) J^T J  +  (1/n) sum_i r_i grad^2_theta f(x_i),     r_i = f(x_i) - y_i,

where the only nonzero second derivatives of f are d2f/dv_k dw_k = 1[z_ik > 0] x_i and
d2f/dv_k db_k = -1[z_ik > 0], z_ik = w_k.x_i - b_k.  The residual part is therefore block diagonal,
one rank-2 block per neuron built from a_k = (1/n) sum_i r_i 1[z_ik>0] (x_i, -1).

L is twice differentiable at theta only if no z_ik is exactly 0 (a data point on a kink); then the
Hessian does not exist and :func:`hessian`, :func:`hvp`, :func:`residual_hessian` raise
:class:`KinkError` naming (i, k) instead of guessing.

Every function is written once with numpy operations valid for the three number kinds of
:mod:`numerics.network` (float64, exact Fraction, mpmath mpf); results have the kind of the inputs.
The activation pattern 1[z_ik > 0] is always decided *exactly*: for float and mpmath inputs, entries
whose computed z_ik lies within a rigorous rounding-error bound of 0 are recomputed in exact rational
arithmetic, so a float Hessian uses the same pattern as the exact one.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from numerics.network import Dataset, ReluNetwork, number_kind, to_fraction

__all__ = [
    "KinkError",
    "preactivations",
    "activation_pattern",
    "forward",
    "residuals",
    "loss",
    "gradient",
    "jacobian",
    "jacobian_gram",
    "gauss_newton",
    "residual_hessian",
    "residual_vectors",
    "hessian",
    "hvp",
    "hvp_operator",
    "hvp_parts",
    "quadratic_form",
    "gram_quadratic_form",
    "find_kinks",
    "exact_gram",
]


class KinkError(ValueError):
    """Raised when a data point lies exactly on a neuron's kink: the Hessian of L does not exist."""

    def __init__(self, kinks):
        self.kinks = list(kinks)
        i, k = self.kinks[0]
        more = f" (and {len(self.kinks) - 1} more)" if len(self.kinks) > 1 else ""
        super().__init__(
            f"data point i={i} lies exactly on the kink of neuron k={k} (w_k.x_i = b_k){more}: "
            "the loss is not twice differentiable here, so its Hessian does not exist")


# ---------------------------------------------------------------------------- input checks and kind arrays
def _check(net: ReluNetwork, X: np.ndarray) -> None:
    if X.ndim != 2 or X.shape[1] != net.d:
        raise ValueError(f"inputs have shape {X.shape}, network expects (n, {net.d})")


def _check_pair(net: ReluNetwork, data: Dataset) -> None:
    if net.kind != data.kind:
        raise ValueError(f"network is {net.kind!r} but data are {data.kind!r}; convert one of them "
                         "(as_exact / as_float / as_mpmath)")
    _check(net, data.X)


def _mask_as(mask: np.ndarray, kind: str) -> np.ndarray:
    """0/1 array of the given kind (so that object arithmetic never mixes in Python bools)."""
    nk = number_kind(kind)
    if nk.dtype is np.float64:
        return mask.astype(np.float64)
    one, zero = nk.one(), nk.zero()
    out = np.empty(mask.shape, dtype=object)
    out[mask] = one
    out[~mask] = zero
    return out


def _coprime_fraction_maker():
    """Fast Fraction(p, q) for p, q already coprime with q > 0 (skips the gcd)."""
    try:
        Fraction(1, 2, _normalize=False)
        return lambda p, q: Fraction(p, q, _normalize=False)
    except TypeError:  # Python >= 3.12
        return getattr(Fraction, "_from_coprime_ints", Fraction)


_coprime_fraction = _coprime_fraction_maker()


def exact_gram(A: np.ndarray, B: np.ndarray | None = None, scale: Fraction | None = None) -> np.ndarray:
    """Return scale * A^T B (B defaults to A) for object arrays of Fractions, exactly (python-flint fmpq_mat).

    flint multiplies in C (over a common denominator), orders of magnitude faster than numpy's
    object-dtype matmul, with the same exact result.

    >>> A = np.array([[Fraction(1, 2), Fraction(1)], [Fraction(1, 3), Fraction(0)]], dtype=object)
    >>> exact_gram(A).tolist() == (A.T @ A).tolist()
    True
    """
    import flint

    def to_flint(M):
        return flint.fmpq_mat(M.shape[0], M.shape[1],
                              [flint.fmpq(x.numerator, x.denominator) for x in M.flat])

    FA = to_flint(A)
    FB = FA if B is None else to_flint(B)
    G = FA.transpose() * FB
    if scale is not None:
        G = G * flint.fmpq(scale.numerator, scale.denominator)
    out = np.empty((G.nrows(), G.ncols()), dtype=object)
    # flint keeps entries in lowest terms with positive denominators
    out.flat[:] = [_coprime_fraction(int(e.p), int(e.q)) for e in G.entries()]
    return out


def preactivations(net: ReluNetwork, X: np.ndarray) -> np.ndarray:
    """Return Z with Z[i, k] = w_k . x_i - b_k (proofs_notes/theory.md §3), shape (n, K), kind of the inputs.

    >>> net = ReluNetwork.exact([[1, 1]], ["1/2"], [1], 0)
    >>> preactivations(net, np.array([[Fraction(1), Fraction(0)]], dtype=object))
    array([[Fraction(1, 2)]], dtype=object)
    """
    _check(net, X)
    return X @ net.W.T - net.b[None, :]


def _exact_z(net: ReluNetwork, X: np.ndarray, i: int, k: int) -> Fraction:
    return sum((to_fraction(X[i, j]) * to_fraction(net.W[k, j]) for j in range(net.d)),
               Fraction(0)) - to_fraction(net.b[k])


def _uncertain_entries(net: ReluNetwork, X: np.ndarray, Z: np.ndarray):
    """Indices (i, k) whose computed Z may differ in sign from the exact value (float / mpmath kinds).

    A dot product of length d followed by one subtraction, in any summation order (BLAS included),
    has error <= gamma_{d+1} (|X||W|^T + |b|), gamma_m = m u / (1 - m u) (Higham, Thm 3.5 / 3.4);
    a factor 2 on top covers fused multiply-adds and any slack.
    """
    nk = number_kind(net.kind)
    if nk.is_exact:
        return np.zeros((0,), dtype=int), np.zeros((0,), dtype=int)
    u = nk.unit_roundoff()
    m = net.d + 1
    gamma = 2.0 * m * u / (1.0 - m * u)
    # sum_j |x_ij||w_kj| <= ||x_i|| ||w_k|| (Cauchy-Schwarz): an outer product instead of a matmul;
    # the float norms carry relative error <= (d+1)u, covered by the factor 2 in gamma and the 1e-12
    # An overflow makes a bound inf: every entry it touches is then "uncertain" and re-decided exactly,
    # which is the safe side, so numpy's overflow warning is silenced rather than printed.
    with np.errstate(over="ignore"):
        if nk.is_float:
            xn, wn, bb, absz = (np.linalg.norm(X, axis=1), np.linalg.norm(net.W, axis=1), np.abs(net.b),
                                np.abs(Z))
        else:
            f = np.vectorize(float, otypes=[np.float64])
            xn, wn = np.sqrt(f(X) ** 2 @ np.ones(net.d)), np.sqrt(f(net.W) ** 2 @ np.ones(net.d))
            bb, absz = np.abs(f(net.b)), np.abs(f(Z))
        # bound = gamma (xn wn^T + bb) (1 + 1e-12) + 1e-300, built in place (one n x K temporary)
        g = gamma * (1 + 1e-12)
        bound = np.multiply.outer(g * xn, wn) if nk.is_float else g * (xn[:, None] * wn[None, :])
        bound += g * bb[None, :]
        bound += 1e-300
    return np.nonzero(absz <= bound)


# ---------------------------------------------------------------------------- exact fast path
# Above this n*K*d, exact first-order quantities (pattern, kinks, forward, loss, gradient, a_k) avoid
# the (n, K) object arrays: the pattern comes from float64 with a rigorous error bound plus exact
# rechecks, and every sum over data points is one python-flint matrix product with the 0/1 pattern.
_FAST_EXACT = 20000


def _use_fast_exact(net: ReluNetwork, X: np.ndarray) -> bool:
    return number_kind(net.kind).is_exact and X.shape[0] * net.K * max(net.d, 1) >= _FAST_EXACT


def _exact_pattern_fast(net: ReluNetwork, X: np.ndarray):
    """(exact boolean pattern 1[z>0], sorted exact kinks) for exact inputs, without exact Z.

    The rounded inputs x~ = fl(x) etc. carry relative error <= u, so the float64 value of
    w~.x~ - b~ is within gamma_{d+3} (sum |x~||w~| + |b~|) of the exact z (Higham s.3.1); a factor 2,
    the Cauchy-Schwarz bound and a relative slack make it safe.  Entries inside the bound are
    recomputed exactly.  Inputs too small/large for float64 fall back to the exact object path.
    """
    f = np.vectorize(float, otypes=[np.float64])
    Xf, Wf, bf = f(X), f(net.W), f(net.b)
    for arr in (Xf, Wf, bf):
        nz = np.abs(arr[arr != 0])
        if nz.size and (nz.min() < 1e-280 or nz.max() > 1e280):
            return None
    Zf = Xf @ Wf.T - bf[None, :]
    m = net.d + 3
    u = 2.0 ** -53
    gamma = 2.0 * m * u / (1.0 - m * u)
    bound = gamma * (np.linalg.norm(Xf, axis=1)[:, None] * np.linalg.norm(Wf, axis=1)[None, :]
                     + np.abs(bf)[None, :]) * (1 + 1e-12) + 1e-300
    mask = Zf > 0
    kinks = []
    for i, k in zip(*np.nonzero(np.abs(Zf) <= bound)):
        z = _exact_z(net, X, int(i), int(k))
        mask[i, k] = z > 0
        if z == 0:
            kinks.append((int(i), int(k)))
    return mask, sorted(kinks)


def _fmpq_mat(M: np.ndarray):
    import flint

    return flint.fmpq_mat(M.shape[0], M.shape[1], [flint.fmpq(x.numerator, x.denominator) for x in M.flat])


def _from_flint(G) -> np.ndarray:
    out = np.empty((G.nrows(), G.ncols()), dtype=object)
    out.flat[:] = [_coprime_fraction(int(e.p), int(e.q)) for e in G.entries()]
    return out


def _mask_product(mask: np.ndarray, M: np.ndarray, transpose: bool) -> np.ndarray:
    """Exact D^T M (transpose) or D M for the 0/1 pattern D and a Fraction matrix M (python-flint)."""
    import flint

    B = mask.T if transpose else mask
    F = flint.fmpz_mat(B.shape[0], B.shape[1], B.astype(np.int64).ravel().tolist())
    return _from_flint(F * _fmpq_mat(M))


def _fast_residual_sums(net: ReluNetwork, data: Dataset, mask: np.ndarray):
    """(r, S) with r the exact residuals and S = D^T [r x_i | -r] (K, d+1) = n a_k."""
    X = data.X
    VWb = np.concatenate([net.W * net.v[:, None], -(net.b * net.v)[:, None]], axis=1)
    T = _mask_product(mask, VWb, transpose=False)               # (n, d+1)
    f = (T[:, :-1] * X).sum(axis=1) + T[:, -1] + net.beta
    r = f - data.y
    S = _mask_product(mask, np.concatenate([X * r[:, None], -r[:, None]], axis=1), transpose=True)
    return r, S


def _pattern(net: ReluNetwork, X: np.ndarray):
    """(Z, exact boolean pattern 1[z>0], sorted exact kinks) in one pass."""
    Z = preactivations(net, X)
    if number_kind(net.kind).is_exact:
        mask = np.asarray(Z > 0, dtype=bool)
        ii, kk = np.nonzero(Z == 0)
        return Z, mask, [(int(i), int(k)) for i, k in zip(ii, kk)]
    mask = np.asarray(Z > 0, dtype=bool)
    kinks = []
    for i, k in zip(*_uncertain_entries(net, X, Z)):
        z = _exact_z(net, X, int(i), int(k))
        mask[i, k] = z > 0
        if z == 0:
            kinks.append((int(i), int(k)))
    return Z, mask, sorted(kinks)


def activation_pattern(net: ReluNetwork, X: np.ndarray) -> np.ndarray:
    """Return the boolean (n, K) array 1[z_ik > 0], decided in exact arithmetic.

    For float/mpmath inputs, entries with |computed z| within the rounding-error bound are recomputed
    exactly from the (exactly representable) stored numbers, so the pattern is that of the exact point.

    >>> net = ReluNetwork.from_float([[0.1, 0.2]], [0.30000000000000004], [1.0], 0.0)
    >>> float(preactivations(net, np.array([[1.0, 1.0]]))[0, 0])  # rounds to 0 in float64 ...
    0.0
    >>> activation_pattern(net, np.array([[1.0, 1.0]]))  # ... but the exact value is -2.8e-17
    array([[False]])
    """
    if _use_fast_exact(net, X):
        fast = _exact_pattern_fast(net, X)
        if fast is not None:
            return fast[0]
    return _pattern(net, X)[1]


def find_kinks(net: ReluNetwork, X: np.ndarray) -> list[tuple[int, int]]:
    """Return all (i, k) with w_k . x_i - b_k == 0 EXACTLY (data point i on the kink of neuron k).

    Exact for every number kind: float/mpmath candidates are rechecked in rational arithmetic.

    >>> net = ReluNetwork.exact([[1, 0], [0, 1]], ["1/2", 5], [1, 1], 0)
    >>> find_kinks(net, np.array([[Fraction(1, 2), Fraction(0)]], dtype=object))
    [(0, 0)]
    """
    if _use_fast_exact(net, X):
        _check(net, X)
        fast = _exact_pattern_fast(net, X)
        if fast is not None:
            return fast[1]
    return _pattern(net, X)[2]


def _require_smooth(net: ReluNetwork, X: np.ndarray) -> None:
    kinks = find_kinks(net, X)
    if kinks:
        raise KinkError(kinks)


def _parts(net: ReluNetwork, X: np.ndarray, smooth: bool = False):
    """Return (D, A, DV): 0/1 pattern, relu(Z), and D * v (all of the network's kind).

    With ``smooth=True`` raise KinkError if a data point lies on a kink (same single pass).
    """
    Z, mask, kinks = _pattern(net, X)
    if smooth and kinks:
        raise KinkError(kinks)
    D = _mask_as(mask, net.kind)
    A = Z * D
    return D, A, D * net.v[None, :]


# ---------------------------------------------------------------------------- zeroth / first order
def forward(net: ReluNetwork, X: np.ndarray) -> np.ndarray:
    """Return f(x_i) = sum_k v_k relu(w_k.x_i - b_k) + beta for each row x_i of X, shape (n,).

    >>> net = ReluNetwork.exact([[1]], [0], [3], "1/2")
    >>> forward(net, np.array([[Fraction(2)], [Fraction(-1)]], dtype=object))
    array([Fraction(13, 2), Fraction(1, 2)], dtype=object)
    """
    if _use_fast_exact(net, X):
        _check(net, X)
        fast = _exact_pattern_fast(net, X)
        if fast is not None:
            VWb = np.concatenate([net.W * net.v[:, None], -(net.b * net.v)[:, None]], axis=1)
            T = _mask_product(fast[0], VWb, transpose=False)
            return (T[:, :-1] * X).sum(axis=1) + T[:, -1] + net.beta
    _, A, _ = _parts(net, X)
    return A @ net.v + net.beta


def residuals(net: ReluNetwork, data: Dataset) -> np.ndarray:
    """Return r_i = f(x_i) - y_i, shape (n,).

    >>> residuals(ReluNetwork.exact([[1]], [0], [1], 0), Dataset.exact([[2]], [1]))
    array([Fraction(1, 1)], dtype=object)
    """
    _check_pair(net, data)
    return forward(net, data.X) - data.y


def loss(net: ReluNetwork, data: Dataset):
    """Return L(theta) = (1/(2n)) sum_i (f(x_i) - y_i)^2 (proofs_notes/theory.md §2), a scalar of the kind.

    >>> loss(ReluNetwork.exact([[1]], [0], [1], 0), Dataset.exact([[2], [0]], [1, 0]))
    Fraction(1, 4)
    """
    r = residuals(net, data)
    return (r @ r) * number_kind(net.kind).inv(2 * data.n)


def jacobian(net: ReluNetwork, X: np.ndarray) -> np.ndarray:
    """Return J (n, P), J[i] = grad_theta f(x_i) in the layout [v | W | b | beta].

    df/dv_k = relu(z_ik), df/dw_k = v_k 1[z_ik>0] x_i, df/db_k = -v_k 1[z_ik>0], df/dbeta = 1.
    (At a kink the one-sided choice 1[z>0] is used; the gradient of L is then a subgradient.)

    >>> jacobian(ReluNetwork.from_float([[1.0]], [0.0], [2.0], 0.0), np.array([[3.0]]))
    array([[ 3.,  6., -2.,  1.]])
    """
    D, A, DV = _parts(net, X)
    n, K, d = X.shape[0], net.K, net.d
    JW = (DV[:, :, None] * X[:, None, :]).reshape(n, K * d)
    ones = number_kind(net.kind).zeros((n, 1)) + number_kind(net.kind).one()
    return np.concatenate([A, JW, -DV, ones], axis=1)


def jacobian_gram(net: ReluNetwork, X: np.ndarray) -> np.ndarray:
    """Return J J^T (n x n), J the Jacobian of :func:`jacobian`, without forming J: O(n^2 K).

    J_i . J_l = (A A^T)_il + (DV DV^T)_il (x_i . x_l + 1) + 1, with A = relu(Z), DV = 1[Z>0] diag(v).
    (1/n) J J^T has the same nonzero eigenvalues as the Gauss-Newton part (1/n) J^T J (Term-A, Thm 3.2).
    Exact inputs use python-flint for the products.

    >>> net, X = ReluNetwork.from_float([[1.0]], [0.0], [2.0], 0.0), np.array([[3.0], [-1.0]])
    >>> jacobian_gram(net, X)
    array([[50.,  1.],
           [ 1.,  1.]])
    """
    _, A, DV = _parts(net, X)
    nk = number_kind(net.kind)
    if nk.is_exact and A.size:
        AA, DD, XX = exact_gram(A.T), exact_gram(DV.T), exact_gram(X.T)
    else:
        AA, DD, XX = A @ A.T, DV @ DV.T, X @ X.T
    G = AA + DD * (XX + nk.one()) + nk.one()
    if nk.is_float:
        G = 0.5 * (G + G.T)
    return G


def gradient(net: ReluNetwork, data: Dataset) -> np.ndarray:
    """Return grad L = (1/n) J^T r, shape (P,), without forming J (cost O(nKd)).

    >>> [str(g) for g in gradient(ReluNetwork.exact([[1]], [0], [1], 0), Dataset.exact([[2]], [1]))]
    ['2', '2', '-1', '1']
    """
    _check_pair(net, data)
    if _use_fast_exact(net, data.X):
        fast = _exact_pattern_fast(net, data.X)
        if fast is not None:
            r, S = _fast_residual_sums(net, data, fast[0])
            inv = Fraction(1, data.n)
            # sum_i r_i relu(z_ik) = w_k . S_k[:d] + b_k S_k[d];  W-part v_k S_k[:d];  b-part v_k S_k[d]
            gv = ((net.W * S[:, :-1]).sum(axis=1) + net.b * S[:, -1]) * inv
            gW = (S[:, :-1] * net.v[:, None]).reshape(-1) * inv
            gb = S[:, -1] * net.v * inv
            return np.concatenate([gv, gW, gb, np.array([r.sum() * inv], dtype=object)])
    D, A, DV = _parts(net, data.X)
    r = (A @ net.v + net.beta - data.y) * number_kind(net.kind).inv(data.n)
    return _jt_times(A, DV, data.X, r)


def _jt_times(A, DV, X, s) -> np.ndarray:
    """J^T s for J assembled from (A, DV, X), without forming J (matrix products only)."""
    gv = A.T @ s
    # W-part (DV * s).T @ X and b-part -DV^T s share one product DV^T [s*X | s]
    Ws = DV.T @ np.concatenate([X * s[:, None], s[:, None]], axis=1)
    return np.concatenate([gv, Ws[:, :-1].reshape(-1), -Ws[:, -1], np.array([s.sum()], dtype=gv.dtype)])


def _j_times(A, DV, X, u, K, d) -> np.ndarray:
    """J u for J assembled from (A, DV, X), without forming J (matrix products only).

    sum_k DV_ik (x_i.uW_k - ub_k) = sum_j x_ij (DV uW)_ij - (DV ub)_i, so no n x K temporary is made.
    """
    uv, ubeta = u[:K], u[-1]
    T = DV @ np.concatenate([u[K:K + K * d].reshape(K, d), u[K + K * d:K * (d + 2), None]], axis=1)
    return A @ uv + (T[:, :-1] * X).sum(axis=1) - T[:, -1] + ubeta


# ---------------------------------------------------------------------------- second order
def gauss_newton(net: ReluNetwork, data: Dataset) -> np.ndarray:
    """Return the Gauss-Newton part (1/n) J^T J, shape (P, P), symmetric positive semidefinite.

    >>> G = gauss_newton(ReluNetwork.exact([[1]], [0], [1], 0), Dataset.exact([[1]], [0]))
    >>> G[-1, -1]
    Fraction(1, 1)
    """
    _check_pair(net, data)
    J = jacobian(net, data.X)
    nk = number_kind(net.kind)
    if nk.is_exact and J.size:
        G = exact_gram(J, scale=nk.inv(data.n))
    else:
        G = (J.T @ J) * nk.inv(data.n)
    if nk.is_float:
        G = 0.5 * (G + G.T)
    return G


def residual_vectors(net: ReluNetwork, data: Dataset) -> np.ndarray:
    """Return a (K, d+1): a_k = (1/n) sum_i r_i 1[z_ik>0] (x_i, -1), the residual block of neuron k.

    The residual Hessian restricted to (v_k, w_k, b_k) is [[0, a_k^T], [a_k, 0]], eigenvalues +-||a_k||.

    >>> residual_vectors(ReluNetwork.exact([[1]], [0], [1], 0), Dataset.exact([[2]], [1]))
    array([[Fraction(2, 1), Fraction(-1, 1)]], dtype=object)
    """
    _check_pair(net, data)
    if _use_fast_exact(net, data.X):
        fast = _exact_pattern_fast(net, data.X)
        if fast is not None:
            return _fast_residual_sums(net, data, fast[0])[1] * Fraction(1, data.n)
    D, A, DV = _parts(net, data.X)
    r = (A @ net.v + net.beta - data.y) * number_kind(net.kind).inv(data.n)
    Dr = D * r[:, None]
    return np.concatenate([Dr.T @ data.X, -Dr.sum(axis=0)[:, None]], axis=1)


def residual_hessian(net: ReluNetwork, data: Dataset) -> np.ndarray:
    """Return (1/n) sum_i r_i grad^2_theta f(x_i), shape (P, P); raises KinkError at a kink.

    >>> R = residual_hessian(ReluNetwork.exact([[1]], [0], [1], 0), Dataset.exact([[2]], [1]))
    >>> R[0, 1], R[1, 0], R[0, 2]
    (Fraction(2, 1), Fraction(2, 1), Fraction(-1, 1))
    """
    _check_pair(net, data)
    _require_smooth(net, data.X)
    a = residual_vectors(net, data)
    K, d = net.K, net.d
    B = number_kind(net.kind).zeros((net.num_params, net.num_params))
    for k in range(K):
        cols = list(range(K + k * d, K + (k + 1) * d)) + [K + K * d + k]
        B[k, cols] = a[k]
        B[cols, k] = a[k]
    return B


def hessian(net: ReluNetwork, data: Dataset) -> np.ndarray:
    """Return the dense Hessian grad^2 L = (1/n) J^T J + residual part, shape (P, P), symmetric.

    Raises KinkError (naming i and k) when a data point lies on a kink (proofs_notes/theory.md §3).

    >>> H = hessian(ReluNetwork.exact([[1]], [0], [1], 0), Dataset.exact([[2]], [1]))
    >>> bool((H == H.T).all()), H[0, 1]
    (True, Fraction(6, 1))
    """
    _check_pair(net, data)
    _require_smooth(net, data.X)
    H = gauss_newton(net, data)
    a = residual_vectors(net, data)
    K, d = net.K, net.d
    # add the rank-2 residual blocks in place (only K(d+1) entries change, no P x P addition)
    for k in range(K):
        cols = list(range(K + k * d, K + (k + 1) * d)) + [K + K * d + k]
        H[k, cols] = H[k, cols] + a[k]
        H[cols, k] = H[cols, k] + a[k]
    return H


def gram_quadratic_form(net: ReluNetwork, X: np.ndarray, s):
    """Return ||J^T s||^2 = s^T (J J^T) s for s in R^n (exactly for exact inputs; flint fast path at scale).

    (J^T s) has v-part w_k.S_k + b_k S_k[d], W-part v_k S_k[:d], b-part v_k S_k[d], beta-part sum s,
    with S = D^T [s x_i | -s] (one product with the 0/1 pattern).  Divided by n ||s||^2 it is a Rayleigh
    quotient of J J^T / n: a LOWER bound on lambda_max of the Gauss-Newton part (Term-A).

    >>> net, X = ReluNetwork.exact([[1]], [0], [2], 0), np.array([[Fraction(3)], [Fraction(-1)]], dtype=object)
    >>> gram_quadratic_form(net, X, np.array([Fraction(1), Fraction(0)], dtype=object))
    Fraction(50, 1)
    """
    _check(net, X)
    s = np.asarray(s)
    if _use_fast_exact(net, X):
        fast = _exact_pattern_fast(net, X)
        if fast is not None:
            sq = np.array([x if isinstance(x, Fraction) else to_fraction(x) for x in s.ravel()], dtype=object)
            S = _mask_product(fast[0], np.concatenate([X * sq[:, None], -sq[:, None]], axis=1), transpose=True)
            gv = (net.W * S[:, :-1]).sum(axis=1) + net.b * S[:, -1]
            gW = S[:, :-1] * net.v[:, None]
            gb = S[:, -1] * net.v
            return gv @ gv + (gW * gW).sum() + gb @ gb + sq.sum() ** 2
    _, A, DV = _parts(net, X)
    g = _jt_times(A, DV, X, s)
    return g @ g


def quadratic_form(net: ReluNetwork, data: Dataset, vec):
    """Return u^T grad^2 L u (so u^T H u / u^T u is a Rayleigh quotient, a LOWER bound on lambda_max).

    u^T H u = (1/n) ||J u||^2 + 2 sum_k u_{v_k} a_k . (u_{w_k}, u_{b_k}).  For large exact inputs J u is
    one python-flint product with the 0/1 pattern: (J u)_i = sum_k D_ik [v_k (x_i.u_{w_k} - u_{b_k})
    + u_{v_k} (x_i.w_k - b_k)] + u_beta.  Raises KinkError at a kink.

    >>> net, data = ReluNetwork.exact([[1]], [0], [1], 0), Dataset.exact([[2]], [1])
    >>> u = np.array([Fraction(1), 0, 0, 0], dtype=object)
    >>> quadratic_form(net, data, u) == (u @ hessian(net, data) @ u)
    True
    """
    _check_pair(net, data)
    if _use_fast_exact(net, data.X):
        fast = _exact_pattern_fast(net, data.X)
        if fast is not None:
            mask, kinks = fast
            if kinks:
                raise KinkError(kinks)
            K, d, X = net.K, net.d, data.X
            u = np.array([x if isinstance(x, Fraction) else to_fraction(x) for x in np.asarray(vec).ravel()],
                         dtype=object)
            if u.shape != (net.num_params,):
                raise ValueError(f"vector has shape {u.shape}, expected ({net.num_params},)")
            uv, uW, ub, ubeta = u[:K], u[K:K + K * d].reshape(K, d), u[K + K * d:K * (d + 2)], u[-1]
            M = np.concatenate([uW * net.v[:, None] + net.W * uv[:, None],
                                -(ub * net.v + net.b * uv)[:, None]], axis=1)
            T = _mask_product(mask, M, transpose=False)
            Ju = (T[:, :-1] * X).sum(axis=1) + T[:, -1] + ubeta
            _, S = _fast_residual_sums(net, data, mask)
            cross = ((S[:, :-1] * uW).sum(axis=1) + S[:, -1] * ub) @ uv
            return ((Ju @ Ju) + 2 * cross) * Fraction(1, data.n)
    u = np.asarray(vec)
    return u @ hvp(net, data, u)


def hvp(net: ReluNetwork, data: Dataset, vec) -> np.ndarray:
    """Return grad^2 L @ vec without forming the Hessian; O(nKd) vectorised matrix products.

    (1/n) J^T (J u) is applied factor by factor; the residual part acts blockwise through a_k.
    Raises KinkError at a kink.  For many products at one point use :func:`hvp_operator`.

    >>> net, data = ReluNetwork.exact([[1]], [0], [1], 0), Dataset.exact([[2]], [1])
    >>> e = np.array([Fraction(1), 0, 0, 0], dtype=object)
    >>> bool((hvp(net, data, e) == hessian(net, data) @ e).all())
    True
    """
    return hvp_operator(net, data)(vec)


def hvp_operator(net: ReluNetwork, data: Dataset):
    """Return a function u -> grad^2 L @ u with the per-point factors (pattern, a_k) computed once.

    Each call costs a few (n x K)-by-(K x d) matrix products; no Python loop over neurons.
    Raises KinkError at a kink (when built).  The operator objects of :mod:`numerics.curvature`
    (Hessian, Gauss-Newton, residual part) are built on the same factors.

    >>> net, data = ReluNetwork.from_float([[1.0]], [0.0], [1.0], 0.0), Dataset.from_float([[2.0]], [1.0])
    >>> hvp_operator(net, data)(np.array([1.0, 0, 0, 0]))
    array([ 4.,  6., -3.,  2.])
    """
    gn, res = hvp_parts(net, data)

    def apply(vec) -> np.ndarray:
        out = gn(vec)
        out += res(vec)
        return out

    return apply


def hvp_parts(net: ReluNetwork, data: Dataset):
    """Return (u -> (1/n) J^T J u, u -> B u): the Gauss-Newton and residual parts of grad^2 L as functions.

    The factors (pattern D, activations A, D v, residual vectors a_k) are computed once, in the number
    kind of ``net``; each call checks the vector's length and works in that kind (float64 arrays for
    float, object arrays of Fraction / mpf otherwise).  Raises KinkError at a kink.

    >>> net, data = ReluNetwork.exact([[1]], [0], [1], 0), Dataset.exact([[2]], [1])
    >>> gn, res = hvp_parts(net, data)
    >>> e = np.array([Fraction(1), 0, 0, 0], dtype=object)
    >>> bool((gn(e) + res(e) == hessian(net, data) @ e).all())
    True
    """
    _check_pair(net, data)
    K, d, n, kind = net.K, net.d, data.n, net.kind
    D, A, DV = _parts(net, data.X, smooth=True)
    X = data.X
    inv_n = number_kind(kind).inv(n)
    dtype = number_kind(kind).dtype
    r = (A @ net.v + net.beta - data.y) * inv_n
    # a_k = sum_i r_i D_ik (x_i, -1): one product D^T [r x | r] (no n x K temporary)
    aWb = D.T @ np.concatenate([X * r[:, None], r[:, None]], axis=1)
    aW, ab = aWb[:, :-1], -aWb[:, -1]
    P = net.num_params

    def vector(vec) -> np.ndarray:
        u = np.asarray(vec)
        if u.shape != (P,):
            raise ValueError(f"vector has shape {u.shape}, expected ({P},)")
        return u.astype(dtype, copy=False)  # float64 for float, object (Fraction / mpf entries) otherwise

    def gauss_newton_part(vec) -> np.ndarray:
        u = vector(vec)
        return _jt_times(A, DV, X, _j_times(A, DV, X, u, K, d) * inv_n)

    def residual_part(vec) -> np.ndarray:
        # blocks [[0, a_k^T], [a_k, 0]] on (v_k; w_k, b_k)
        u = vector(vec)
        uv, uW, ub = u[:K], u[K:K + K * d].reshape(K, d), u[K + K * d:K * (d + 2)]
        out = number_kind(kind).zeros(P)
        out[:K] = (aW * uW).sum(axis=1) + ab * ub
        out[K:K + K * d] = (aW * uv[:, None]).reshape(-1)
        out[K + K * d:K * (d + 2)] = ab * uv
        return out

    return gauss_newton_part, residual_part
