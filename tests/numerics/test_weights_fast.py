"""The vectorised ball path of |f|_{V_g} against the exact rational path (numerics.variation), including
merged neurons: positive multiples and opposite orientations (relu(z) - relu(-z) = z is affine)."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics._weights_fast import atom_groups, certify_extras, gauss_newton_lambda_estimate, vg_enclosure
from numerics.hessian import jacobian_gram
from numerics.network import Dataset, ReluNetwork
from numerics.sampling import sample_ball
from numerics.variation import neuron_atoms, term_a_margin, theorem_3_2_margin, vg_norm


def _network_with_pairs(d, K, seed, n_pairs=3, n_multiples=3, n_zero=1, n_affine=2):
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((K, d))
    b = rng.standard_normal(K) * 0.3
    v = rng.standard_normal(K)
    j = 0
    for _ in range(n_pairs):  # opposite orientation: (w', b') = -c (w, b)
        c = [1.0, 0.5, 3.0][j % 3]
        W[j + 1], b[j + 1] = -c * W[j], -c * b[j]
        j += 2
    for _ in range(n_multiples):  # positive multiple
        W[j + 1], b[j + 1] = 2.0 * W[j], 2.0 * b[j]
        j += 2
    for _ in range(n_zero):
        W[j] = 0.0
        j += 1
    for _ in range(n_affine):  # hyperplane outside the unit ball
        b[j] = 2.0 * np.linalg.norm(W[j])
        j += 1
    # exactly cancelling pair: v relu(z) + (-v) relu(-z)... coefficient v + (-v) = 0
    W[j + 1], b[j + 1], v[j + 1] = -W[j], -b[j], -v[j]
    return ReluNetwork.from_float(W, b, v, 0.1)


def _exact_bounds(net, X):
    r = vg_norm(net.as_exact(), Dataset.from_float(X, np.zeros(len(X))).as_exact().X, exact=True, bits=300)
    return r


@pytest.mark.parametrize("seed", range(6))
def test_enclosure_contains_exact_value_with_merged_pairs(seed):
    d, K, n = 3, 24, 40
    net = _network_with_pairs(d, K, seed)
    X = sample_ball(n, d, seed)
    lo, hi, atoms = vg_enclosure(net, X)
    ex = _exact_bounds(net, X)
    tol = Fraction(1, 2 ** 250)
    assert Fraction(lo) <= ex.lower + tol and Fraction(hi) >= ex.upper - tol
    assert hi - lo <= 1e-12 * (1 + hi)
    assert atoms == ex.num_atoms
    # the grouping is that of the exact path
    exact_groups = [list(a.neurons) for a in neuron_atoms(net.as_exact(), include_affine=True)]
    assert atom_groups(net.W, net.b) == exact_groups


def test_opposite_orientation_merges_and_cancels():
    X = sample_ball(30, 2, 1)
    single = ReluNetwork.from_float([[1.0, 0.5]], [0.1], [2.0], 0.0)
    pair = ReluNetwork.from_float([[1.0, 0.5], [-2.0, -1.0]], [0.1, -0.2], [2.0, -1.0], 0.0)
    # coefficient 2 + (-1) * 2/1 = 0: the pair is affine on the data, |f|_Vg = 0
    lo, hi, _ = vg_enclosure(pair, X)
    assert lo == 0.0 and hi < 1e-14
    flip = ReluNetwork.from_float([[1.0, 0.5], [-2.0, -1.0]], [0.1, -0.2], [2.0, 1.0], 0.0)
    lo, hi, _ = vg_enclosure(flip, X)          # coefficient 2 + 2 = 4: twice the single neuron
    lo1, hi1, _ = vg_enclosure(single, X)
    assert lo <= 2 * hi1 and hi >= 2 * lo1 and lo > 0


def test_kinks_and_exact_rational_inputs():
    # a data point exactly on the hyperplane (z = 0) belongs to neither side, as in the exact path
    net = ReluNetwork.exact([[1, 0], ["1/3", 0]], ["1/4", "1/12"], [1, "1/3"], 0)  # same hyperplane twice
    X = np.array([[Fraction(1, 4), Fraction(0)], [Fraction(1, 2), Fraction(1, 3)], [Fraction(-1, 2), 0]],
                 dtype=object)
    lo, hi, atoms = vg_enclosure(net, X)
    ex = vg_norm(net, X, exact=True, bits=300)
    assert atoms == ex.num_atoms == 1
    assert Fraction(lo) <= ex.lower + Fraction(1, 2 ** 250) and Fraction(hi) >= ex.upper - Fraction(1, 2 ** 250)


def test_data_outside_the_ball_is_refused():
    net = ReluNetwork.from_float([[1.0]], [0.0], [1.0], 0.0)
    with pytest.raises(ValueError, match="outside"):
        vg_enclosure(net, np.array([[1.5]]))
    assert vg_enclosure(net, np.array([[1.0], [-1.0]]))[1] > 0  # on the sphere is fine


def test_broken_grouping_would_be_detected():
    """A path that does not merge the opposite pair disagrees with the exact value (the test has teeth)."""
    X = sample_ball(30, 2, 2)
    pair = ReluNetwork.from_float([[1.0, 0.5], [-1.0, -0.5]], [0.1, -0.1], [1.0, -1.0], 0.0)
    unmerged = sum(vg_enclosure(ReluNetwork.from_float([w], [bb], [vv], 0.0), X)[1]
                   for w, bb, vv in zip(pair.W, pair.b, pair.v))
    ex = _exact_bounds(pair, X)
    assert abs(unmerged - float(ex.value)) > 1e-3
    lo, hi, _ = vg_enclosure(pair, X)
    assert lo <= float(ex.value) <= hi


@settings(max_examples=25, derandomize=True, deadline=None)
@given(st.integers(0, 10 ** 6), st.integers(1, 4), st.integers(2, 12))
def test_random_networks_match_exact(seed, d, K):
    rng = np.random.default_rng(seed)
    W = np.round(rng.standard_normal((K, d)) * 4) / 4
    b = np.round(rng.standard_normal(K) * 4) / 8
    if K >= 2 and seed % 2:
        W[1], b[1] = -W[0] * 0.5, -b[0] * 0.5
    net = ReluNetwork.from_float(W, b, np.round(rng.standard_normal(K) * 8) / 8, 0.0)
    X = np.round(sample_ball(15, d, seed) * 8) / 16  # dyadic, inside the ball, many exact kinks
    lo, hi, atoms = vg_enclosure(net, X)
    ex = _exact_bounds(net, X)
    tol = Fraction(1, 2 ** 250)
    assert Fraction(lo) <= ex.lower + tol and Fraction(hi) >= ex.upper - tol and atoms == ex.num_atoms


def test_extras_match_the_weights_estimates():
    rng = np.random.default_rng(4)
    d, K, n = 3, 20, 25
    net = ReluNetwork.from_float(rng.standard_normal((K, d)), rng.standard_normal(K) * 0.2,
                                 rng.standard_normal(K), 0.3)
    X = sample_ball(n, d, 4)
    data = Dataset.from_float(X, rng.standard_normal(n))
    lam_gn = float(np.linalg.eigvalsh(jacobian_gram(net, X) / n)[-1])
    assert gauss_newton_lambda_estimate(net, X) == pytest.approx(lam_gn, rel=1e-12)
    e = certify_extras(net, data, lambda_max=7.5)
    assert e["vg_norm"] == pytest.approx(vg_norm(net, X, exact=False).value, rel=1e-12)
    assert e["term_a_margin"] == pytest.approx(term_a_margin(net, data), rel=1e-10, abs=1e-10)
    assert e["theorem_3_2_margin"] == pytest.approx(theorem_3_2_margin(net, data, lambda_max=7.5), rel=1e-10,
                                                     abs=1e-10)


def test_gauss_newton_estimate_beyond_the_dense_path():
    """n > 64 takes the Lanczos path on the mirrored Gram: it must equal the dense eigenvalue (the 1 1^T
    term entering every entry once)."""
    rng = np.random.default_rng(7)
    d, K, n = 3, 15, 100
    net = ReluNetwork.from_float(rng.standard_normal((K, d)), rng.standard_normal(K) * 0.2,
                                 rng.standard_normal(K), 0.0)
    X = sample_ball(n, d, 7)
    lam_gn = float(np.linalg.eigvalsh(np.array(jacobian_gram(net, X), dtype=float) / n)[-1])
    assert gauss_newton_lambda_estimate(net, X) == pytest.approx(lam_gn, rel=1e-9)


def test_extras_with_the_certificates_pattern_and_estimates_match_the_standalone_ones():
    """The certify CLI hands the structured certificate's exact pattern, loss and Gram estimate to the
    extras: the enclosure must be identical and the estimates equal to rounding (merged atoms included)."""
    from numerics._structured_cert import StructuredParts
    from numerics.certificates import certify_stability
    from numerics.certify import _report

    rng = np.random.default_rng(11)
    d, K, n = 3, 40, 90
    W = rng.standard_normal((K, d))
    b = rng.standard_normal(K) * 0.2
    W[1], b[1] = -W[0] * 0.5, -b[0] * 0.5  # an atom of two neurons
    net = ReluNetwork.from_float(W, b, rng.standard_normal(K), 0.1)
    data = Dataset.from_float(sample_ball(n, d, 11), rng.standard_normal(n))
    parts = StructuredParts(net, data)
    assert vg_enclosure(net, data.X, pattern=parts.mask) == vg_enclosure(net, data.X)
    cert = certify_stability(net, data, "1/100", method="structured")
    rep = _report(cert, net, data)
    ref = certify_extras(net, data, lambda_max=cert.estimate)
    assert (rep["vg_norm_lower"], rep["vg_norm_upper"]) == (ref["vg_norm_lower"], ref["vg_norm_upper"])
    for key in ("term_a_margin", "theorem_3_2_margin"):
        assert rep[key] == pytest.approx(ref[key], rel=1e-9, abs=1e-9)
