"""Trainer: analytic gradient vs autograd and finite differences; GD step vs torch SGD; neuron statistics."""

import math

import numpy as np
import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st

from numerics.experiments.data import make_task, sample_unit_ball, target_function
from numerics.experiments.tracking import decode_params, encode_params, neuron_stats
from numerics.experiments.trainer import (DTYPE, Params, Workspace, train_step, init_params,
                                          loss_and_gradient, params_to_vector)
from tests.numerics._random import trainer_task

pytestmark = pytest.mark.torch


def _autograd(p, X, y, activation):
    leaves = [t.clone().requires_grad_(True) for t in p.tensors()]
    W, b, v, beta = leaves
    Z = X @ W.T - b
    A = torch.relu(Z) if activation == "relu" else torch.nn.functional.gelu(Z)
    loss = 0.5 * ((A @ v + beta - y) ** 2).mean()
    loss.backward()
    return float(loss.detach()), [t.grad for t in leaves]


@pytest.mark.parametrize("activation", ["relu", "gelu"])
@pytest.mark.parametrize("d,n,K,seed", [(1, 5, 3, 0), (3, 17, 8, 1), (10, 40, 31, 2)])
def test_gradient_matches_autograd(activation, d, n, K, seed):
    p, X, y = trainer_task(d, n, K, seed)
    L, g = loss_and_gradient(p, X, y, activation)
    L_ref, g_ref = _autograd(p, X, y, activation)
    assert math.isclose(float(L), L_ref, rel_tol=1e-12)
    for a, b in zip(g.tensors(), g_ref):
        assert torch.allclose(a, b, rtol=1e-10, atol=1e-13)


@settings(max_examples=15)
@given(d=st.integers(1, 4), K=st.integers(1, 6), seed=st.integers(0, 10_000))
@example(d=1, K=1, seed=0)
def test_gradient_matches_central_finite_differences(d, K, seed):
    """Independent reference: (L(theta + h e_j) - L(theta - h e_j)) / 2h, float64, for every coordinate."""
    p, X, y = trainer_task(d, 7, K, seed)
    _, g = loss_and_gradient(p, X, y)
    flat = [g.W.reshape(-1), g.b, g.v, g.beta.reshape(1)]
    h = 1e-6
    for t, gt in zip(p.tensors(), flat):
        view = t.reshape(-1)
        for j in range(view.numel()):
            old = float(view[j])
            view[j] = old + h
            Lp = float(loss_and_gradient(p, X, y)[0])
            view[j] = old - h
            Lm = float(loss_and_gradient(p, X, y)[0])
            view[j] = old
            fd = (Lp - Lm) / (2 * h)
            # a kink crossed inside [old-h, old+h] breaks the FD reference; such draws are vanishingly rare
            assert abs(fd - float(gt[j])) <= 1e-6 * (1 + abs(fd)), (j, fd, float(gt[j]))


def test_gradient_check_rejects_a_wrong_gradient():
    """The autograd comparison can fail: a sign error in the bias gradient (b enters as -b) is caught."""
    p, X, y = trainer_task(3, 17, 8, 1)
    _, g = loss_and_gradient(p, X, y)
    _, g_ref = _autograd(p, X, y, "relu")
    assert not torch.allclose(-g.b, g_ref[1], rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("wd,scale", [(0.0, 1.0), (0.1, 1.0), (0.1, 300.0)])
def test_gd_step_matches_torch_sgd_with_clipping_and_weight_decay(wd, scale):
    """One step equals torch's clip_grad_norm_(50) followed by SGD with weight decay.

    The SGD update is written out as torch.optim.SGD documents it (p <- p - lr (grad + wd p)) because
    the first torch.optim step in a process costs seconds of one-off imports.  scale=300 makes the
    clipping bite.
    """
    p, X, y = trainer_task(4, 23, 9, 3)
    y = y * scale
    eta = 0.3
    leaves = [t.clone().requires_grad_(True) for t in p.tensors()]
    W, b, v, beta = leaves
    loss = 0.5 * ((torch.relu(X @ W.T - b) @ v + beta - y) ** 2).mean()
    loss.backward()
    total = float(torch.nn.utils.clip_grad_norm_(leaves, 50.0))
    with torch.no_grad():
        for t in leaves:
            t.sub_(eta * (t.grad + wd * t))
    L, gnorm = train_step(p, X, y, eta, wd, 50.0, "relu", Workspace(23, 9, 4))
    assert math.isclose(gnorm, total, rel_tol=1e-12)
    if scale > 1:
        assert gnorm > 50  # the clipping branch was exercised
    for a, ref in zip(p.tensors(), leaves):
        assert torch.allclose(a, ref.detach(), rtol=1e-12, atol=1e-14)


def test_neuron_stats_match_a_direct_count():
    p, X, _ = trainer_task(3, 50, 12, 4)
    frac, norm = neuron_stats(p, X)
    Xn, W, b, v = X.numpy(), p.W.numpy(), p.b.numpy(), p.v.numpy()
    for k in range(12):
        count = sum(1 for i in range(50) if sum(W[k, j] * Xn[i, j] for j in range(3)) - b[k] > 0)
        assert frac[k] == count / 50
        assert math.isclose(norm[k], abs(v[k]) * math.sqrt(sum(w * w for w in W[k])), rel_tol=1e-14)


def test_neuron_stats_count_a_point_on_the_kink_as_inactive():
    """z = 0 exactly is inactive (relu'(0) = 0); a count using >= would differ here."""
    p = Params(torch.tensor([[1.0]], dtype=DTYPE), torch.tensor([0.5], dtype=DTYPE),
               torch.tensor([1.0], dtype=DTYPE), torch.tensor(0.0, dtype=DTYPE))
    frac, _ = neuron_stats(p, torch.tensor([[0.5], [0.75], [0.25]], dtype=DTYPE))
    assert frac.tolist() == [1 / 3]


def test_params_roundtrip_is_lossless_and_in_the_core_layout():
    p = init_params(3, 4, 7)
    W, b, v, beta = decode_params(encode_params(p))
    assert np.array_equal(W, p.W.numpy()) and np.array_equal(b, p.b.numpy()) and np.array_equal(v, p.v.numpy())
    theta = params_to_vector(p)
    assert np.array_equal(theta[:4], v) and np.array_equal(theta[4:16], W.reshape(-1)) and theta[-1] == beta


def test_init_is_kaiming_scaled_and_seeded():
    p, q = init_params(8, 4000, 1), init_params(8, 4000, 1)
    assert torch.equal(p.W, q.W)
    assert abs(float(p.W.var()) - 2 / 8) < 0.02 and abs(float(p.v.var()) * 4000 - 1) < 0.1
    assert not torch.equal(p.W, init_params(8, 4000, 2).W)


def test_task_samples_lie_in_the_ball_and_target_is_fixed_across_seeds():
    X = sample_unit_ball(500, 4, np.random.default_rng(0))
    assert (np.linalg.norm(X, axis=1) <= 1).all()
    t0, t1 = make_task(3, 40, 0.0, seed=0, target="holder"), make_task(3, 40, 0.0, seed=1, target="holder")
    f0 = target_function("holder", 3)
    assert np.allclose(t0.y, f0(t0.X)) and np.allclose(t1.y, f0(t1.X))  # sigma = 0: labels are the target
    lin = make_task(2, 30, 1.0, seed=0)
    assert np.allclose(lin.f0_train, lin.X @ (np.ones(2) / np.sqrt(2)))
    with pytest.raises(ValueError):
        target_function("cubic", 2)
    with pytest.raises(ValueError):
        make_task(0, 10, 1.0, 0)
