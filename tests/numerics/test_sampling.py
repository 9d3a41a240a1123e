"""Seeded uniform-ball samplers."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, strategies as st

from numerics.sampling import linear_labels, sample_ball, sample_ball_exact


def test_sample_ball_seeded_and_inside():
    X = sample_ball(2000, 4, seed=5)
    assert np.array_equal(X, sample_ball(2000, 4, seed=5))
    assert not np.array_equal(X, sample_ball(2000, 4, seed=6))
    assert (np.linalg.norm(X, axis=1) <= 1).all()


@pytest.mark.parametrize("d", [1, 2, 5])
def test_sample_ball_radius_law(d):
    # uniform in B^d: P(||x|| <= r) = r^d; with 20000 points the KS distance is < 0.02 w.h.p.
    r = np.sort(np.linalg.norm(sample_ball(20000, d, seed=d), axis=1))
    emp = np.arange(1, r.size + 1) / r.size
    assert np.max(np.abs(emp - r ** d)) < 0.02
    # and the direction is isotropic: the mean is near 0
    assert np.abs(sample_ball(20000, d, seed=d).mean(axis=0)).max() < 0.02


@given(st.integers(0, 10 ** 6), st.integers(1, 6), st.sampled_from([1, 3, 10, 2 ** 20]))
def test_exact_points_strictly_inside(seed, d, q):
    X = sample_ball_exact(7, d, seed, denominator=q)
    for row in X:
        assert all(isinstance(c, Fraction) and q % c.denominator == 0 for c in row)
        assert sum(c * c for c in row) < 1


def test_exact_points_track_float_sample():
    Xf = sample_ball(50, 3, seed=2)
    Xq = sample_ball_exact(50, 3, seed=2, denominator=2 ** 20)
    assert np.abs(Xf - Xq.astype(float)).max() <= 2 ** -20


def test_exact_radius_and_degenerate_grid():
    X = sample_ball_exact(20, 2, seed=0, denominator=1, radius=Fraction(1, 2))
    assert (X == 0).all()   # the only grid point strictly inside radius 1/2 with q = 1
    with pytest.raises(ValueError):
        sample_ball_exact(2, 2, seed=0, denominator=0)


def test_linear_labels():
    X = sample_ball(100, 3, seed=0)
    y, w = linear_labels(X, seed=1, sigma=0.0)
    assert np.allclose(y, X @ w) and np.isclose(np.linalg.norm(w), 1)
    y1, _ = linear_labels(X, seed=1, sigma=1.0)
    assert 0.5 < np.std(y1 - X @ w) < 1.5
