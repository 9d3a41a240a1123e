"""Rates analysis (slopes, bootstrap, exponents from bounds) and the core metrics recorded by runs."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from numerics.experiments.rates import bootstrap_slope, loglog_slope, theory_exponents
from numerics.experiments.summary import aggregate


@given(p=st.fractions(min_value=Fraction(1, 20), max_value=3), c=st.fractions(min_value=Fraction(1, 10), max_value=10))
def test_slope_of_an_exact_power_law_is_its_exponent(p, c):
    ns = [32, 64, 128, 256, 512]
    vals = [float(c) * n ** (-float(p)) for n in ns]
    assert math.isclose(loglog_slope(ns, vals), -float(p), rel_tol=1e-9, abs_tol=1e-12)


def test_bootstrap_interval_contains_the_point_and_widens_with_noise():
    rng = np.random.default_rng(1)
    ns = [32, 64, 128, 256, 512]
    tight = {n: list(n ** -0.5 * np.exp(0.01 * rng.standard_normal(5))) for n in ns}
    loose = {n: list(n ** -0.5 * np.exp(0.5 * rng.standard_normal(5))) for n in ns}
    s, lo, hi = bootstrap_slope(tight)
    assert lo <= s <= hi and abs(s + 0.5) < 0.02 and hi - lo < 0.05
    s2, lo2, hi2 = bootstrap_slope(loose)
    assert lo2 <= s2 <= hi2 and (hi2 - lo2) > 5 * (hi - lo)


def test_slope_refuses_degenerate_input():
    assert math.isnan(loglog_slope([32], [0.1]))
    assert math.isnan(loglog_slope([32, 64], [0.1, 0.0]))  # log of 0: no slope, not -inf
    assert all(math.isnan(x) for x in bootstrap_slope({32: [0.1, 0.2]}))


def test_theory_exponents_are_those_of_theory_md_section_6():
    for d in range(1, 6):
        e = theory_exponents(d)
        assert math.isclose(e["stable_upper"], 1 / (2 * d + 4))
        assert math.isclose(e["minimax_lower"], 0.5 if d == 1 else 2 / (d + 1))
        assert math.isclose(e["lownorm"], (d + 3) / (2 * d + 3))
        assert e["source"].startswith("bounds")


def test_aggregate_median_min_max_skip_missing_values():
    rows = [{"g": "a", "m": 1.0}, {"g": "a", "m": None}, {"g": "a", "m": 5.0}, {"g": "b", "m": float("nan")}]
    a, b = aggregate(rows, ["g"], ["m"])
    assert (a["m_median"], a["m_min"], a["m_max"], a["seeds"]) == (3.0, 1.0, 5.0, 3)
    assert b["m_median"] is None


@pytest.mark.slow
@pytest.mark.torch
def test_run_records_the_core_estimates_of_its_final_network():
    """The tracked lambda_max is numerics.estimate's value and a lower bound on the dense eigvalsh one;
    V_g is numerics.variation.vg_norm; all on the network the run ends with."""
    from numerics.lambda_estimate import lambda_max_estimate
    from numerics.experiments.data import make_task
    from numerics.experiments.run import run_one
    from numerics.experiments.tracking import decode_params
    from numerics.hessian import hessian
    from numerics.network import Dataset, ReluNetwork
    from numerics.variation import vg_norm

    cfg = {"d": 2, "n": 12, "width": 6, "epochs": 40, "eta": 0.5, "sharpness_every": 20, "vg_every": 40,
           "track_every": 10, "final_core_metrics": True}
    r = run_one(cfg)
    assert r["sharpness"]["step"] == [0, 20, 40]
    net = ReluNetwork.from_float(*decode_params(r["params"]))
    t = make_task(2, 12, 1.0, 0)
    data = Dataset.from_float(t.X, t.y)
    lam = lambda_max_estimate(net, data)
    dense = float(np.linalg.eigvalsh(hessian(net, data).astype(float))[-1])
    assert math.isclose(r["sharpness"]["lambda_max_estimate"][-1], lam, rel_tol=1e-8)
    assert math.isclose(r["core"]["lambda_max_estimate"], dense, rel_tol=1e-6)
    assert math.isclose(r["core"]["vg_norm"], vg_norm(net, data.X).value, rel_tol=1e-12)
    assert r["sharpness"]["vg_norm"][1] is None and r["sharpness"]["vg_norm"][2] is not None  # cadence
    assert r["two_over_eta"] == 4.0


@pytest.mark.torch
def test_run_rejects_unknown_fields_and_bad_cadence():
    from numerics.experiments.run import run_one

    with pytest.raises(ValueError, match="unknown config fields"):
        run_one({"d": 1, "n": 4, "width": 2, "epochs": 1, "learning_rate": 0.1})
    with pytest.raises(ValueError, match="multiple"):
        run_one({"d": 1, "n": 4, "width": 2, "epochs": 1, "sharpness_every": 3, "vg_every": 4})


@pytest.mark.torch
def test_divergent_run_is_marked_not_hidden():
    from numerics.experiments.run import run_one

    r = run_one({"d": 2, "n": 16, "width": 64, "epochs": 200, "eta": 50.0, "clip": None, "track_every": 1,
                 "store_params": False, "n_test": 10})
    assert r["diverged"] is True and r["steps_done"] < 200


def _tracked_along_gd(tracker, seed):
    """[(tracker's estimate, dense lambda_max)] after each 5 of 20 GD steps (lr 0.05) on a seeded task
    with d = 2, n = 20, K = 8."""
    import torch
    from numerics.experiments.data import make_task
    from numerics.experiments.tracking import relu_network
    from numerics.experiments.trainer import train_step, init_params
    from numerics.hessian import hessian
    from numerics.network import Dataset

    t = make_task(2, 20, 1.0, seed=seed)
    X, y = torch.from_numpy(t.X), torch.from_numpy(t.y)
    p = init_params(2, 8, seed)
    data = Dataset.from_float(t.X, t.y)
    pairs = []
    for _ in range(4):
        for _ in range(5):
            train_step(p, X, y, 0.05)
        net = relu_network(*p.numpy())
        dense = float(np.linalg.eigvalsh(hessian(net, data).astype(float))[-1])
        pairs.append((tracker.estimate(net, data), dense))
    return pairs


def test_warm_started_sharpness_matches_lanczos_and_dense_along_gd():
    """SharpnessTracker('warm') returns Rayleigh quotients: never above the dense lambda_max, and equal to
    it (to tolerance) when the top eigenvector moves little between GD iterates."""
    from numerics.experiments.tracking import SharpnessTracker

    warm = SharpnessTracker("warm", cold_every=100, tol=1e-10, maxiter=5000)
    for got, dense in _tracked_along_gd(warm, seed=3):
        assert got <= dense * (1 + 1e-9) and math.isclose(got, dense, rel_tol=1e-4)
    assert warm.methods[0] == "lanczos" and "power (warm start)" in warm.methods
    with pytest.raises(ValueError):
        SharpnessTracker("arnoldi")


def test_warm_lanczos_sharpness_matches_dense_along_gd():
    """SharpnessTracker('warm-lanczos'): warm calls are eigsh from the previous eigenvector; every value
    is below the dense lambda_max (Rayleigh quotient) and equal to it to tolerance along GD."""
    from numerics.experiments.tracking import SharpnessTracker, relu_network
    from numerics.hessian import KinkError
    from numerics.network import Dataset

    tr = SharpnessTracker("warm-lanczos", cold_every=100, tol=1e-10, maxiter=5000)
    for got, dense in _tracked_along_gd(tr, seed=4):
        assert got <= dense * (1 + 1e-9) and math.isclose(got, dense, rel_tol=1e-6)
    assert tr.methods[0] == "lanczos" and tr.methods[1:] == ["lanczos (warm start)"] * 3
    assert len(tr.hvps) == 4 and all(0 < h < tr.hvps[0] for h in tr.hvps[1:])  # warm calls are cheaper
    kinked = relu_network(np.array([[1.0, 0.0]]), np.array([0.25]), np.array([1.0]), 0.0)
    tr.vector = np.ones(4)
    with pytest.raises(KinkError):  # the warm path refuses kinks too
        tr.estimate(kinked, Dataset.from_float(np.array([[0.25, 0.5]]), np.array([0.0])))


def test_cold_lanczos_tracking_with_a_small_basis_matches_the_default_basis(monkeypatch):
    """SharpnessTracker('lanczos') (the run default) runs eigsh with a basis of 8: the same eigenvalue as
    scipy's default basis and the dense lambda_max, to tolerance; with a basis too small to converge in
    its restart budget it falls back to the default basis, with the same result."""
    from numerics.lambda_estimate import lambda_max_estimate_detail
    from numerics.experiments.tracking import SharpnessTracker, relu_network
    from numerics.hessian import hessian
    from numerics.network import Dataset

    rng = np.random.default_rng(5)
    net = relu_network(rng.standard_normal((12, 3)), rng.standard_normal(12) * 0.2, rng.standard_normal(12), 0.1)
    data = Dataset.from_float(rng.uniform(-0.5, 0.5, size=(30, 3)), rng.standard_normal(30))
    dense = float(np.linalg.eigvalsh(hessian(net, data).astype(float))[-1])
    ref = lambda_max_estimate_detail(net, data)
    tr = SharpnessTracker("lanczos")
    got = tr.estimate(net, data)
    assert got <= dense * (1 + 1e-12) and math.isclose(got, dense, rel_tol=1e-9)
    assert math.isclose(got, ref.value, rel_tol=1e-12) and tr.hvps[0] < ref.matvecs
    import numerics.lambda_estimate as est

    calls = []

    def recording(*args, **kwargs):
        calls.append(kwargs.get("ncv"))
        return lambda_max_estimate_detail(*args, **kwargs)

    monkeypatch.setattr(est, "lambda_max_estimate_detail", recording)
    starved = SharpnessTracker("lanczos", cold_ncv=2, cold_maxiter=1)
    got2 = starved.estimate(net, data)
    assert calls == [2, None] and math.isclose(got2, ref.value, rel_tol=1e-12)  # fell back to the default


def test_relative_to_zero_function_uses_the_largest_n_median_and_skips_other_targets():
    from numerics.experiments.summary import _relative_to_zero_function
    rows = [{"group": "a", "d": 3, "n": n, "test_mse": m, "target": None}
            for n, m in [(32, 9.0), (64, 0.1), (64, 0.2), (64, 0.3)]]
    assert _relative_to_zero_function(rows, "a", 3) == pytest.approx(0.2 * 5)   # median at n=64 times (d+2)
    assert _relative_to_zero_function(rows, "b", 3) is None
    holder = [dict(r, target="holder") for r in rows]
    assert _relative_to_zero_function(holder, "a", 3) is None


@pytest.mark.parametrize("seed", [0, 3])
def test_activity_of_a_stored_network_matches_a_direct_count_on_its_training_inputs(seed):
    from numerics.experiments.data import make_task
    from numerics.experiments.summary import _activity
    from numerics.experiments.tracking import encode_params
    from numerics.experiments.trainer import init_params
    d, n, K = 3, 40, 30
    cfg = {"experiment": "dimension", "d": d, "n": n, "width": K, "seed": seed, "sigma": 1.0}
    p = init_params(d, K, seed + 100)
    got = _activity(cfg, {"params": encode_params(p)})
    X = make_task(d, n, 1.0, seed).X
    W, b = p.W.numpy(), p.b.numpy()
    counts = [sum(1 for i in range(n) if sum(W[k, j] * X[i, j] for j in range(d)) - b[k] > 0) for k in range(K)]
    active = [c for c in counts if c > 0]
    assert got["median_samples_per_active_neuron"] == pytest.approx(float(np.median(active)))
    assert got["active_on_at_most_5"] == pytest.approx(sum(c <= 5 for c in active) / len(active))
    assert _activity(cfg, {}) == {}
