"""Varshamov-Gilbert sign-vector sets for the packing family f_xi (App. H).

Toolkit's reading of the Varshamov-Gilbert lemma used for the packing family (App. H): for N >= 8 there is a set
Xi of at least 2^{N/8} sign vectors in {-1, +1}^N with pairwise Hamming distance >= N/8. The toolkit
builds such a set greedily (seeded random candidates, each accepted iff it is at distance >= ceil(N/8)
from all accepted ones) and verifies the minimum distance exhaustively over all pairs (exact integer
popcounts). When 2^{N/8} is too large to build, a subset is built and verified, and the guaranteed size is
proved by the exact Gilbert-Varshamov counting bound: a maximal code of minimum distance D has at least
2^N / V(N, D-1) words, V(N, r) = sum_{j <= r} C(N, j), and 2^{7N} >= V(N, D-1)^8 gives >= 2^{N/8}.
Vectors are stored as 0/1 bits (bit 1 <-> xi_i = -1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import comb, isqrt

import numpy as np

from numerics.outcome import Outcome, Quantity

__all__ = ["required_distance", "guaranteed_size", "gv_counting_bound_holds", "vg_code", "CodeReport",
           "verify_code"]


def required_distance(N: int) -> int:
    """Return ceil(N / 8), the pairwise Hamming distance the family needs.

    >>> required_distance(105), required_distance(8)
    (14, 1)
    """
    return -(-N // 8)


def guaranteed_size(N: int) -> int:
    """Return ceil(2^{N/8}), the smallest integer M with M^8 >= 2^N (exact).

    >>> guaranteed_size(8), guaranteed_size(105)
    (2, 8934)
    """
    x = 2 ** N
    r = isqrt(isqrt(isqrt(x)))  # floor(x^(1/8)) exactly: nested integer square roots
    return r if r ** 8 >= x else r + 1


def gv_counting_bound_holds(N: int) -> bool:
    """Return True iff 2^{7N} >= V(N, ceil(N/8) - 1)^8, i.e. the Gilbert-Varshamov counting bound
    guarantees a code of >= 2^{N/8} words with minimum distance >= N/8 (exact integers).

    >>> gv_counting_bound_holds(8), gv_counting_bound_holds(1000)
    (True, True)
    """
    D = required_distance(N)
    V = sum(comb(N, j) for j in range(D))
    return 2 ** (7 * N) >= V ** 8


def _pack(bits: np.ndarray) -> np.ndarray:
    # 64-bit words: 8x fewer XOR/popcount operations than bytes
    b = np.packbits(bits.astype(np.uint8), axis=-1)
    pad = (-b.shape[-1]) % 8
    if pad:
        b = np.concatenate([b, np.zeros(b.shape[:-1] + (pad,), dtype=np.uint8)], axis=-1)
    return np.ascontiguousarray(b).view(np.uint64)


def _pair_dist(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Hamming distances between the packed rows of A and of B, shape (len(A), len(B))."""
    out = np.zeros((len(A), len(B)), dtype=np.int64)
    for w in range(A.shape[1]):  # one 64-bit word at a time: no (len(A), len(B), words) temporary
        out += np.bitwise_count(np.bitwise_xor(A[:, w, None], B[None, :, w]))
    return out


def vg_code(N: int, seed: int = 0, max_size: int = 10000, max_draws: int | None = None) -> np.ndarray:
    """Return a greedy code: an (M, N) uint8 0/1 array with pairwise Hamming distance >= ceil(N/8).

    M = min(guaranteed_size(N), max_size) unless the draws run out first (the verifier then reports it).

    >>> C = vg_code(16, seed=0); C.shape, verify_code(C).passed
    ((4, 16), True)
    """
    if N < 1:
        raise ValueError("need N >= 1")
    target = min(guaranteed_size(N), max_size)
    D = required_distance(N)
    rng = np.random.default_rng(seed)
    max_draws = max_draws if max_draws is not None else 50 * target + 1000
    out = np.zeros((target, N), dtype=np.uint8)
    packed = np.zeros((target, (N + 63) // 64), dtype=np.uint64)
    m, draws = 0, 0
    while m < target and draws < max_draws:
        block = rng.integers(0, 2, size=(min(512, max_draws - draws), N), dtype=np.uint8)
        draws += len(block)
        pblock = _pack(block)
        # distances to the accepted words and inside the block, then the sequential greedy rule
        far = _pair_dist(pblock, packed[:m]).min(axis=1) >= D if m else np.ones(len(block), dtype=bool)
        inner = _pair_dist(pblock, pblock)
        taken: list[int] = []
        mask = np.zeros(len(block), dtype=bool)
        for i in np.flatnonzero(far):
            if not (inner[i, mask] < D).any():
                taken.append(int(i))
                mask[i] = True
                if m + len(taken) == target:
                    break
        k = len(taken)
        out[m:m + k], packed[m:m + k] = block[taken], pblock[taken]
        m += k
    return out[:m]


@dataclass
class CodeReport:
    """Result of verify_code (exact integer arithmetic)."""

    passed: bool
    size: int
    N: int
    min_hamming: int | None
    required_distance: int
    guaranteed_size: int
    full_size_built: bool
    counting_bound: bool
    problems: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> Outcome:
        """The Varshamov-Gilbert requirements as a verdict in the shared vocabulary (numerics.outcome); exact.

        >>> verify_code([[0, 0], [1, 1]]).outcome.status
        'certified'
        """
        qs = [Quantity("required distance", lower=self.required_distance, upper=self.required_distance,
                       certified=True, method="ceil(N/8)")]
        if self.min_hamming is not None:
            qs.insert(0, Quantity("min Hamming distance", lower=self.min_hamming, upper=self.min_hamming,
                                  certified=True, method="exhaustive over all pairs"))
        how = "built" if self.full_size_built else "counting bound" if self.counting_bound else "neither"
        detail = "; ".join(self.problems) or f"{self.size} codewords of length {self.N}; size 2^(N/8): {how}"
        return Outcome("Varshamov-Gilbert code", self.passed, True, "exact integer arithmetic", detail, tuple(qs))


def verify_code(code, N: int | None = None, block: int = 512, min_subset: int = 1024) -> CodeReport:
    """Return a CodeReport: exhaustive minimum pairwise Hamming distance of a 0/1 (or +-1) code and the
    Varshamov-Gilbert requirements (distance >= ceil(N/8); size >= 2^{N/8}, either built or, when only a
    subset is built, by the exact counting bound).

    Args:
        code: (M, N) array of 0/1 bits or of -1/+1 signs.
        N: expected length (default: number of columns).
        min_subset: when fewer than 2^{N/8} words are given, at least min(2^{N/8}, min_subset) must be
            (a verified subset of a set whose size is guaranteed by the counting bound).

    >>> verify_code(np.array([[0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1]])).passed
    True
    >>> verify_code(np.array([[0] * 8, [0] * 8])).problems[0]
    'codewords 0 and 1 are at Hamming distance 0 < 1'
    """
    C = np.asarray(code)
    problems: list[str] = []
    if C.ndim != 2:
        raise ValueError("code must be a 2-D array")
    if N is None:
        N = C.shape[1]
    if C.shape[1] != N:
        problems.append(f"codewords have length {C.shape[1]}, expected N = {N}")
    vals = set(np.unique(C).tolist())
    if vals <= {0, 1}:
        bits = C.astype(np.uint8)
    elif vals <= {-1, 1}:
        bits = (C < 0).astype(np.uint8)
    else:
        raise ValueError("code entries must be 0/1 or -1/+1")
    D = required_distance(N)
    G = guaranteed_size(N)
    M = len(bits)
    P = _pack(bits)
    dmin, arg = None, None
    for s in range(0, M, block):
        # rows s..s+block against rows s..M-1 only: each pair once
        X = _pair_dist(P[s:s + block], P[s:])
        b = X.shape[0]
        X[:, :b][np.tril(np.ones((b, b), dtype=bool))] = N + 1  # diagonal and pairs inside the block seen twice
        if X.size:
            j = np.unravel_index(np.argmin(X), X.shape)
            if dmin is None or X[j] < dmin:
                dmin, arg = int(X[j]), (s + int(j[0]), s + int(j[1]))
    if M < 2:
        dmin = None
    elif dmin < D:
        a, b = sorted(arg)
        problems.append(f"codewords {a} and {b} are at Hamming distance {dmin} < {D}")
    full = M >= G
    cb = gv_counting_bound_holds(N)
    if N < 8:
        problems.append(f"Varshamov-Gilbert needs N >= 8, got N = {N}")
    if not full and not cb:
        problems.append(f"only {M} < 2^(N/8) codewords and the counting bound does not hold")
    if not full and M < min(G, min_subset):
        problems.append(f"only {M} codewords: need 2^(N/8) -> {G}, or a verified subset of >= {min(G, min_subset)}")
    return CodeReport(not problems, M, N, dmin, D, G, full, cb, problems)
