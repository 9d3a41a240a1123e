"""Per-neuron activity distributions at init and at the end (summaries of shattering and dimension)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("torch")

from numerics.experiments.run import run_one  # noqa: E402
from numerics.experiments.summary import _activity  # noqa: E402
from numerics.experiments.tracking import activation_distribution  # noqa: E402

pytestmark = pytest.mark.torch


@given(st.lists(st.integers(0, 50), min_size=1, max_size=40))
def test_distribution_matches_a_sorted_list_reference(counts):
    n = 50
    frac = [c / n for c in counts]
    dist = activation_distribution(frac)
    act = sorted(f for f in frac if f > 0)
    if not act:
        assert dist["max"] is None and dist["share_active"] == 0.0
        return
    m = len(act)
    med = act[m // 2] if m % 2 else (act[m // 2 - 1] + act[m // 2]) / 2
    pos = 0.9 * (m - 1)  # linear interpolation between order statistics
    lo = int(np.floor(pos))
    p90 = act[lo] + (pos - lo) * (act[min(lo + 1, m - 1)] - act[lo])
    assert dist["max"] == act[-1] and dist["median"] == pytest.approx(med, abs=1e-15)
    assert dist["p90"] == pytest.approx(p90, abs=1e-12) and dist["share_active"] == m / len(frac)
    assert dist["median"] <= dist["p90"] <= dist["max"]


def test_recomputed_init_and_final_match_the_stored_neuron_stats():
    """_activity rebuilds the init network from the seed and the end from stored parameters: it must
    agree with the per-neuron fractions the run itself stored (store_neurons)."""
    cfg = {"experiment": "shattering", "group": "a", "d": 3, "n": 24, "width": 40, "eta": 0.5, "epochs": 80,
           "seed": 4, "track_every": 40, "store_neurons": True}
    res = run_one(cfg)
    got = _activity(cfg, res)
    for when, blob in (("init", res["neurons_init"]), ("final", res["neurons_final"])):
        dist = activation_distribution(blob["active_fraction"])
        for k in ("max", "p90", "median"):
            assert got[f"act_{when}_{k}"] == dist[k]
    assert got["act_init_median"] != got["act_final_median"] or got["act_init_max"] != got["act_final_max"]
