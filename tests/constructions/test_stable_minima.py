"""App. I (Props. I.1-I.2, Cor. I.3): exact empty caps and certified stable minima; rejects kinks and fits."""

from fractions import Fraction

import numpy as np

from constructions.packing import cap_packing
from constructions.stable_minima import (atom_network, certify_minimum, empty_caps, empty_fraction_prediction,
                                         parked_network)
from numerics.network import Dataset
from numerics.sampling import sample_ball_exact


def test_empty_caps_exact_vs_float_bruteforce():
    pts, _ = cap_packing(2, "1/4")
    X = sample_ball_exact(40, 2, seed=4)
    E = empty_caps(pts, X, "1/4")
    U = np.array([[float(c) for c in u] for u in pts])
    Xf = np.array([[float(c) for c in x] for x in X])
    brute = [i for i in range(len(pts)) if (Xf @ U[i] < 1 - 1 / 16).all()]
    assert E == brute and 0 < len(E) < len(pts)


def test_boundary_point_counts_as_occupied():
    X = np.array([[Fraction(3, 4), Fraction(0)]], dtype=object)  # exactly on the boundary of C(e_1), eps = 1/2
    assert empty_caps([[1, 0], [-1, 0]], X, "1/2") == [1]


def _small_case(d=2, eps="1/4", n=60, seed=0):
    pts, _ = cap_packing(d, eps)
    X = sample_ball_exact(n, d, seed)
    E = empty_caps(pts, X, eps)
    return [pts[i] for i in E], Dataset.exact(X, [0] * n), pts, X


def test_two_stable_minima_certified_and_structure_matches_exact_hessian():
    dirs, data, _, _ = _small_case()
    for net in (atom_network(dirs, "1/4"), parked_network(dirs, "1/4")):
        a = certify_minimum(net, data, 1, exact_lambda="structure")
        b = certify_minimum(net, data, 1, exact_lambda="hessian")
        assert a.passed and b.passed and a.lambda_max == b.lambda_max == "1"
    # eta = 2 is the edge of stability (2/eta = 1 = lambda_max); eta slightly above 2 is not stable
    assert not certify_minimum(atom_network(dirs, "1/4"), data, Fraction(201, 100)).passed


def test_rejects_kink_and_nonempty_cap():
    dirs, data, pts, X = _small_case()
    occupied = [u for u in pts if u not in dirs]
    net = atom_network(occupied[:1], "1/4")
    c = certify_minimum(net, data, 1)
    assert not c.passed and not c.interpolates  # an occupied cap makes f != 0 on the data
    # a sample exactly on a kink: the Hessian does not exist and the certificate must refuse
    u = dirs[0]
    Xk = np.vstack([data.X, np.array([[c * Fraction(15, 16) for c in u]], dtype=object)])
    kd = Dataset.exact(Xk, [0] * len(Xk))
    c = certify_minimum(atom_network(dirs, "1/4"), kd, 1)
    assert not c.passed and c.kinks == 1


def test_prediction_formula():
    exact, poisson = empty_fraction_prediction(100, Fraction(1, 100))
    assert abs(exact - 0.99 ** 100) < 1e-15 and abs(poisson - np.exp(-1)) < 1e-15
