"""Varshamov-Gilbert sets (App. H): the exhaustive verifier accepts built codes, rejects corrupt ones."""

from math import comb

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from constructions.varshamov_gilbert import (gv_counting_bound_holds, guaranteed_size, required_distance,
                                             verify_code, vg_code)


@given(st.integers(1, 400))
@example(1222)  # large N: a float starting point used to loop (almost) forever here
@example(5000)
def test_guaranteed_size_is_the_exact_ceiling(N):
    M = guaranteed_size(N)
    assert M ** 8 >= 2 ** N and (M == 1 or (M - 1) ** 8 < 2 ** N)


@pytest.mark.parametrize("N", [8, 16, 40, 64])
def test_built_codes_pass_and_brute_force_agrees(N):
    C = vg_code(N, seed=2)
    rep = verify_code(C)
    assert rep.passed and rep.size == guaranteed_size(N)
    # independent brute force over all pairs
    dmin = min(int((C[i] != C[j]).sum()) for i in range(len(C)) for j in range(i + 1, len(C)))
    assert rep.min_hamming == dmin >= required_distance(N)


def test_corrupted_sign_vector_sets_fail():
    C = vg_code(64, seed=0)
    bad = C.copy()
    bad[3] = bad[7]
    bad[3, :2] ^= 1  # distance 2 < 8
    rep = verify_code(bad)
    assert not rep.passed and "codewords 3 and 7" in rep.problems[0]
    dup = np.vstack([C, C[-1:]])
    assert not verify_code(dup).passed
    assert not verify_code(C[:1]).passed  # too few words for 2^(N/8), and N = 64 needs 256
    assert not verify_code(vg_code(6)).passed  # N < 8
    signs = 1 - 2 * C.astype(int)
    assert verify_code(signs).passed  # +-1 encoding accepted
    signs[0, 0] = 0
    with pytest.raises(ValueError):
        verify_code(signs)


def test_counting_bound_exact():
    for N in (8, 100, 1000):
        D = required_distance(N)
        V = sum(comb(N, j) for j in range(D))
        assert gv_counting_bound_holds(N) == (2 ** (7 * N) >= V ** 8)
    big = vg_code(300, seed=0, max_size=1024)  # subset of the huge guaranteed set
    rep = verify_code(big)
    assert rep.passed and not rep.full_size_built and rep.counting_bound
