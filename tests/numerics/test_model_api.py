"""numerics.certify_model / estimate_model / weighted_variation_model on torch models.

References are independent of the toolkit's analytic Hessian: torch autograd's dense Hessian of
nn.MSELoss (+ wd/2 ||theta||^2) in float64, and torch's own gradient.
"""

import doctest
import json
from fractions import Fraction

import numpy as np
import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

import numerics  # noqa: E402
from numerics import model_api  # noqa: E402
from numerics.network import ReluNetwork  # noqa: E402

pytestmark = pytest.mark.torch


def _model(d=2, K=4, seed=0, dtype=torch.float64):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(d, K), nn.ReLU(), nn.Linear(K, 1)).to(dtype)


def _data(n=12, d=2, seed=1):
    g = torch.Generator().manual_seed(seed)
    X = torch.rand(n, d, generator=g, dtype=torch.float64) - 0.5
    y = X.sum(dim=1, keepdim=True) ** 2
    return X, y


def _train(model, X, y, lr, steps, wd=0.0):
    opt = torch.optim.SGD(model.parameters(), lr=lr, weight_decay=wd)
    for _ in range(steps):
        opt.zero_grad()
        nn.MSELoss()(model(X), y).backward()
        opt.step()
    return model


def _objective(model, X, y, wd):
    """theta -> nn.MSELoss + (wd/2)||theta||^2 as a function of the flat parameter vector (float64)."""
    shapes = [p.shape for p in model.parameters()]
    sizes = [p.numel() for p in model.parameters()]

    def f(theta):
        parts = torch.split(theta, sizes)
        W1, b1, W2, b2 = (t.reshape(s) for t, s in zip(parts, shapes))
        out = torch.relu(X @ W1.T + b1) @ W2.T + b2
        return ((out - y) ** 2).mean() + 0.5 * wd * (theta ** 2).sum()

    theta = torch.cat([p.detach().double().reshape(-1) for p in model.parameters()])
    return f, theta


def _torch_lambda_max(model, X, y, wd=0.0):
    f, theta = _objective(model, X.double(), y.double().reshape(-1, 1), wd)
    H = torch.autograd.functional.hessian(f, theta).numpy()
    return float(np.linalg.eigvalsh(0.5 * (H + H.T))[-1])


def _torch_grad_norm(model, X, y, wd=0.0):
    f, theta = _objective(model, X.double(), y.double().reshape(-1, 1), wd)
    theta.requires_grad_(True)
    (g,) = torch.autograd.grad(f(theta), theta)
    return float(g.norm())


def test_doctests():
    assert doctest.testmod(model_api, optionflags=doctest.ELLIPSIS).failed == 0


def test_package_exports():
    assert numerics.certify_model is model_api.certify_model
    assert numerics.estimate_model is model_api.estimate_model
    assert callable(numerics.weighted_variation_model)


@pytest.mark.parametrize("wd", [0.0, 0.01])
def test_trained_model_certified_at_its_own_lr_matches_torch_hessian(wd):
    X, y = _data()
    lr = 0.05
    model = _train(_model(), X, y, lr, 300, wd)
    res = numerics.certify_model(model, X, y, lr, weight_decay=wd)
    lam = _torch_lambda_max(model, X, y, wd)
    assert res.certified and res.stable is True
    assert res.threshold == 2 / lr
    assert res.lambda_max_lower <= lam * (1 + 1e-9) and lam <= res.lambda_max_upper * (1 + 1e-9)
    assert res.lambda_max_upper <= res.threshold
    # grad_norm_upper bounds torch's gradient norm of the same objective, and not loosely
    g = _torch_grad_norm(model, X, y, wd)
    assert g <= res.grad_norm_upper * (1 + 1e-9) and res.grad_norm_upper <= g * (1 + 1e-9) + 1e-300
    assert not res.critical_point and "NOT a critical point" in repr(res)
    # the same result in the shared vocabulary: certified verdict, an enclosure holding torch's lambda_max
    o = res.outcome
    assert o.status == "certified" and o.holds is True and o.quantity("lambda_max").decide_at_most(res.threshold)
    q = o.quantity("lambda_max")
    assert float(q.lower) <= lam * (1 + 1e-9) and lam <= float(q.upper) * (1 + 1e-9)
    assert o.quantity("||grad||").decide_at_least(g * (1 - 1e-9)) is not False


def test_unstable_at_large_lr_and_conventions_agree():
    X, y = _data()
    model = _train(_model(), X, y, 0.05, 100)
    lam = _torch_lambda_max(model, X, y)
    lr = 2 / (0.8 * lam)  # 2/lr = 0.8 lambda_max: certified NOT stable
    res = numerics.certify_model(model, X, y, lr)
    assert res.certified and res.stable is False
    assert res.lambda_max_lower <= lam * (1 + 1e-9)
    assert res.lambda_max_lower > res.threshold
    # the same point in the theory's convention: the Hessian is half of torch's (numerics.loss)
    half = numerics.certify_model(model, X, y, 2 * lr, loss="half-mse")
    assert half.stable is False
    assert abs(half.lambda_max_lower - res.lambda_max_lower / 2) <= 1e-9 * lam
    assert res.half_mse["threshold"] == pytest.approx(float(numerics.half_mse_threshold(Fraction(lr), "mse")))


def test_weight_decay_beyond_2_over_lr_is_never_stable():
    X, y = _data()
    res = numerics.certify_model(_model(), X, y, lr=1.0, weight_decay=3.0)
    assert res.certified and res.stable is False


def test_any_dtype_is_copied_exactly():
    X, y = _data()
    for dtype in (torch.float32, torch.float16, torch.bfloat16):
        m = _model(dtype=dtype)
        net = model_api.network_from_model(m)
        assert np.array_equal(net.W, m[0].weight.detach().double().numpy())
        assert np.array_equal(net.b, -m[0].bias.detach().double().numpy())
        assert Fraction(net.W[0, 0]) == Fraction(float(m[0].weight.detach()[0, 0]))
    m32 = _model(dtype=torch.float32)
    r32 = numerics.certify_model(m32, X.float(), y.float(), 0.05)
    r64 = numerics.certify_model(m32.double(), X.float().double(), y.float().double(), 0.05)
    assert (r32.exact, r32.stable) == (r64.exact, r64.stable)


def test_y_shapes_and_arrays():
    X, y = _data()
    m = _model()
    a = numerics.certify_model(m, X, y, 0.05)
    b = numerics.certify_model(m, X.numpy(), y.numpy().reshape(-1), 0.05)
    c = numerics.certify_model(m, X.tolist(), y.reshape(-1).tolist(), torch.tensor(0.05, dtype=torch.float64))
    assert a.exact == b.exact == c.exact
    with pytest.raises(ValueError, match=r"y must have shape \(12,\) or \(12, 1\)"):
        numerics.certify_model(m, X, torch.zeros(12, 2), 0.05)
    with pytest.raises(ValueError, match="dimension 2, X has 3 columns"):
        numerics.certify_model(m, torch.zeros(12, 3), y, 0.05)


@pytest.mark.parametrize("lr, match", [
    (torch.tensor([0.1]), r"0-dim tensor, got a tensor of shape \(1,\)"),
    ((0.1,), "must be a number, got a tuple"),
    (-0.1, "must be positive"),
    (0, "must be positive"),
    ("fast", "must be a positive number"),
    (True, "must be a positive number"),
])
def test_bad_lr_refused(lr, match):
    X, y = _data()
    with pytest.raises(ValueError, match=match):
        numerics.certify_model(_model(), X, y, lr)


@pytest.mark.parametrize("build, match", [
    (lambda: nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1)), r"layer 1 of the model is Tanh\(\)"),
    (lambda: nn.Sequential(nn.Linear(2, 3), nn.GELU(), nn.Linear(3, 1)), "layer 1 of the model is GELU"),
    (lambda: nn.Sequential(nn.Linear(2, 3, bias=False), nn.ReLU(), nn.Linear(3, 1)), "layer 0 .* without bias"),
    (lambda: nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1, bias=False)), "layer 2 .* without bias"),
    (lambda: nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 2)), "one output"),
    (lambda: nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 1)),
     "5 layers"),
    (lambda: nn.Sequential(nn.Conv1d(2, 3, 1), nn.ReLU(), nn.Linear(3, 1)), "layer 0 of the model is Conv1d"),
    (lambda: nn.Linear(2, 1), "not nn.Sequential"),
    (lambda: (np.eye(2), np.zeros(2), np.ones(2), 0.0), "tuple of 4 items"),
    (lambda: _model().state_dict(), "a dict"),
])
def test_unsupported_models_refused_naming_the_layer(build, match):
    X, y = _data()
    with pytest.raises(ValueError, match=match):
        numerics.certify_model(build(), X, y, 0.05)
    with pytest.raises(ValueError, match=match):
        numerics.estimate_model(build(), X, y)


def test_exact_critical_point_and_json():
    # every neuron dead on the data and beta = mean(y): grad = 0 exactly, H = e_beta e_beta^T
    m = _model(d=1, K=2)
    with torch.no_grad():
        m[0].weight.fill_(1.0)
        m[0].bias.fill_(-5.0)
        m[2].bias.fill_(0.5)
    X, y = torch.tensor([[0.5], [-0.5]], dtype=torch.float64), torch.tensor([0.25, 0.75], dtype=torch.float64)
    res = numerics.certify_model(m, X, y, lr=1.0)   # torch Hessian 2 e e^T: lambda_max = 2 = 2/lr
    assert res.critical_point and res.grad_norm_upper == 0.0
    assert res.stable is True and res.lambda_max_upper == 2.0
    assert numerics.certify_model(m, X, y, lr=1.0000001).stable is False
    d = json.loads(res.to_json())
    assert d["stable"] is True and d["loss"] == "mse" and d["critical_point"] is True
    assert d["exact"]["threshold"] == "2"
    assert "exact critical point" in repr(res) and "certified" in repr(res)


def test_estimate_model_against_torch_hessian():
    X, y = _data()
    m = _train(_model(), X, y, 0.05, 50)
    lam = _torch_lambda_max(m, X, y, 0.01)
    e = numerics.estimate_model(m, X, y, lr=2 / (0.9 * lam), weight_decay=0.01)
    assert e.certified is False and e.lambda_max_estimate == pytest.approx(lam, rel=1e-8)
    assert e.exceeds_threshold is True and "ESTIMATE" in repr(e)
    assert json.loads(e.to_json())["kind"].startswith("estimate")
    o = e.outcome  # an estimate's verdict: never certified, lambda_max carries no enclosure
    assert o.status == "estimate" and o.holds is False and o.quantity("lambda_max").lower is None
    assert numerics.estimate_model(m, X, y, weight_decay=0.01).outcome.status == "undecided"  # no lr


def test_weighted_variation_model_matches_vg_norm():
    X, _ = _data()
    m = _model()
    r = numerics.weighted_variation_model(m, X, exact=True)
    ref = numerics.vg_norm(ReluNetwork.from_torch(m).as_exact(),
                           np.array([[Fraction(float(x)) for x in row] for row in X.numpy()], dtype=object))
    assert r.certified and r.lower == ref.lower and r.upper == ref.upper
    assert numerics.weighted_variation_model(m, X).value == pytest.approx(float(r.value), rel=1e-12)


def test_from_torch_refuses_a_module_that_is_not_relu():
    m = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    with pytest.raises(ValueError, match=r"layer 1 of the model is Tanh\(\)"):
        ReluNetwork.from_torch(m)
    ok = _model()
    assert np.array_equal(ReluNetwork.from_torch(ok).to_vector(), ReluNetwork.from_torch(ok.state_dict()).to_vector())


def test_weight_decay_argument_forms():
    X, y = _data()
    m = _model()
    a = numerics.certify_model(m, X, y, 0.05, weight_decay=0.01)
    b = numerics.certify_model(m, X, y, 0.05, weight_decay=torch.tensor(0.01, dtype=torch.float64))
    assert a.exact == b.exact
    for bad, match in ((-0.1, ">= 0"), ("lots", "must be a number"), (torch.tensor([0.1]), "0-dim tensor")):
        with pytest.raises(ValueError, match=match):
            numerics.certify_model(m, X, y, 0.05, weight_decay=bad)
