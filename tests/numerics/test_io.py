"""Round trips and refusals of numerics.io."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings

from numerics.hessian import forward
from numerics.io import InputError, load_data, load_network, save_data, save_network
from numerics.network import Dataset, ReluNetwork
from tests.numerics._random import net_and_data, seeded_torch_model


@settings(max_examples=20)
@given(net_and_data())
def test_exact_json_round_trip(nd):
    import tempfile, os
    net, data = nd
    d = tempfile.mkdtemp()
    save_network(net, os.path.join(d, "n.json"))
    save_data(data, os.path.join(d, "d.json"))
    net2 = load_network(os.path.join(d, "n.json"))
    data2 = load_data(os.path.join(d, "d.json"))
    assert net2.kind == "exact" and data2.kind == "exact"
    assert net2.to_vector().tolist() == net.to_vector().tolist()
    assert data2.X.tolist() == data.X.tolist() and data2.y.tolist() == data.y.tolist()


def test_float_round_trips_bit_identical(tmp_path):
    rng = np.random.default_rng(3)
    net = ReluNetwork.from_float(rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=4), 0.1)
    data = Dataset.from_float(rng.normal(size=(5, 3)), rng.normal(size=5))
    for suffix in (".json", ".npz"):
        save_network(net, tmp_path / f"n{suffix}")
        save_data(data, tmp_path / f"d{suffix}")
        net2 = load_network(tmp_path / f"n{suffix}")
        assert net2.kind == "float"
        assert np.array_equal(net2.to_vector(), net.to_vector())
        assert np.array_equal(load_data(tmp_path / f"d{suffix}").X, data.X)
    # exact view of a float file is the dyadic value of the float, not the decimal text
    assert load_network(tmp_path / "n.json", kind="exact").beta == Fraction(0.1) != Fraction(1, 10)


def test_mpmath_saved_exactly(tmp_path):
    import mpmath
    with mpmath.workdps(30):
        net = ReluNetwork.exact([[1]], ["1/3"], [1], 0).as_mpmath()
    save_network(net, tmp_path / "m.json")
    back = load_network(tmp_path / "m.json")
    assert back.kind == "exact"
    assert float(abs(back.b[0] - Fraction(1, 3))) < 1e-29


@pytest.mark.torch
def test_torch_state_dict_bias_sign(tmp_path):
    import torch
    m = seeded_torch_model(3, 5, seed=0).double()
    torch.save(m.state_dict(), tmp_path / "m.pt")
    net = load_network(tmp_path / "m.pt")
    assert np.array_equal(net.b, -m[0].bias.detach().numpy())
    X = np.random.default_rng(0).normal(size=(6, 3))
    with torch.no_grad():
        ref = m(torch.from_numpy(X)).numpy()[:, 0]
    assert np.allclose(forward(net, X), ref, rtol=1e-14, atol=1e-14)
    save_network(net, tmp_path / "back.pt")
    assert np.array_equal(load_network(tmp_path / "back.pt").to_vector(), net.to_vector())
    torch.save({"weight": torch.zeros(2)}, tmp_path / "bad.pt")
    with pytest.raises(InputError, match="0.weight"):
        load_network(tmp_path / "bad.pt")
    (tmp_path / "junk.pt").write_bytes(b"not a torch file")
    with pytest.raises(InputError, match="not a readable torch file"):
        load_network(tmp_path / "junk.pt")


BAD_NETWORKS = [
    ("{", "invalid JSON"),
    ("[1, 2]", "top level"),
    ('{"W": [[1]], "b": [0], "v": [1]}', "missing key"),
    ('{"W": [[1]], "b": [0, 1], "v": [1], "beta": 0}', "'b' has 2 entries"),
    ('{"W": [[1, 2], [3]], "b": [0, 0], "v": [1, 1], "beta": 0}', "ragged"),
    ('{"W": [[1]], "b": ["x/y"], "v": [1], "beta": 0}', "not an exact number"),
    ('{"W": [[1]], "b": ["1/0"], "v": [1], "beta": 0}', "not an exact number"),
    ('{"W": [[true]], "b": [0], "v": [1], "beta": 0}', "not a number"),
    ('{"W": [[1]], "b": [0], "v": [null], "beta": 0}', "not a number"),
    ('{"W": [[1]], "b": [0], "v": [1], "beta": NaN}', "not finite"),
    ('{"W": [], "b": [], "v": [], "beta": 0}', "non-empty"),
    ('{"W": [[1]], "b": [0], "v": [1], "beta": [1]}', "not a number"),
]


# data files: non-finite values, bounded exponents and digits, unknown keys, deep nesting
BAD_DATA = [
    ('{"X": [[NaN]], "y": [0]}', "not finite"),
    ('{"X": [[Infinity]], "y": [0]}', "not finite"),
    ('{"X": [["1e100000"]], "y": [0]}', "exponent"),
    ('{"X": [[1e100000]], "y": [0]}', "outside float64's range"),
    ('{"X": [[' + "7" * 5000 + ']], "y": [0]}', "digits"),
    ('{"X": [[1]], "y": [0], "z": 1}', "unknown key"),
    ('{"X": ' + "[" * 1000 + "]" * 1000 + ', "y": [0]}', "nested too deeply"),
    ('{"X": [[1]], "y": [[[[0]]]]}', "not a number"),
]


@pytest.mark.parametrize("load, text, msg", [(load_network, *case) for case in BAD_NETWORKS]
                         + [(load_data, *case) for case in BAD_DATA])
def test_malformed_json_raises_one_line_input_error(tmp_path, load, text, msg):
    p = tmp_path / "bad.json"
    p.write_text(text)
    with pytest.raises(InputError, match=msg) as info:
        load(p)
    assert "\n" not in str(info.value)


def test_malformed_data_and_paths(tmp_path):
    p = tmp_path / "d.json"
    p.write_text('{"X": [[1, 2], [3, 4]], "y": [1]}')
    with pytest.raises(InputError, match="'y' has 1 entries"):
        load_data(p)
    with pytest.raises(InputError, match="cannot read"):
        load_data(tmp_path / "missing.json")
    with pytest.raises(InputError, match="unknown file type"):
        load_network(tmp_path / "net.txt")
    np.savez(tmp_path / "n.npz", W=np.ones((2, 2)), b=np.ones(3), v=np.ones(2), beta=np.array(0.0))
    with pytest.raises(InputError, match="inconsistent shapes"):
        load_network(tmp_path / "n.npz")
    np.savez(tmp_path / "m.npz", W=np.ones((2, 2)))
    with pytest.raises(InputError, match="missing array"):
        load_network(tmp_path / "m.npz")
    np.savez(tmp_path / "nan.npz", X=np.full((1, 1), np.nan), y=np.zeros(1))
    with pytest.raises(InputError, match="non-finite"):
        load_data(tmp_path / "nan.npz")
    (tmp_path / "z.npz").write_bytes(b"garbage")
    with pytest.raises(InputError, match="not a readable"):
        load_data(tmp_path / "z.npz")
    # a good file with the same shape is accepted (the checks are not vacuous)
    p.write_text('{"X": [[1, 2]], "y": ["1/2"]}')
    assert load_data(p).y[0] == Fraction(1, 2)


# ------------------------------------------------------------------ more input formats
def _xy(n=5, d=3, seed=4):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.normal(size=n)


def test_data_formats_agree(tmp_path):
    X, y = _xy()
    np.savez(tmp_path / "d.npz", X=X, y=y.reshape(-1, 1))          # y of shape (n, 1)
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", y)
    with open(tmp_path / "d.csv", "w") as fh:
        fh.write("x1,x2,x3,y\n")
        for row, t in zip(X, y):
            fh.write(",".join(repr(float(c)) for c in [*row, t]) + "\n")
    np.savetxt(tmp_path / "nohead.csv", np.column_stack([X, y]), delimiter=",", fmt="%.17g")
    paths = [tmp_path / "d.npz", f"{tmp_path / 'X.npy'},{tmp_path / 'y.npy'}", tmp_path / "d.csv",
             tmp_path / "nohead.csv"]
    try:
        import torch
        torch.save({"X": torch.from_numpy(X).float(), "y": torch.from_numpy(y).float().reshape(-1, 1)},
                   tmp_path / "d32.pt")
        torch.save({"X": torch.from_numpy(X), "y": torch.from_numpy(y)}, tmp_path / "d.pt")
        paths.append(tmp_path / "d.pt")
        d32 = load_data(tmp_path / "d32.pt")     # float32 read exactly as its float64 value
        assert np.array_equal(d32.X, X.astype(np.float32).astype(np.float64))
    except ImportError:
        pass
    for p in paths:
        data = load_data(p)
        assert data.kind == "float" and np.array_equal(data.X, X) and np.array_equal(data.y, y), p


def test_bad_data_files_refused(tmp_path):
    X, y = _xy()
    (tmp_path / "bad.csv").write_text("1,2,3\n4,5\n")
    with pytest.raises(InputError, match="row 2 has 2 columns"):
        load_data(tmp_path / "bad.csv")
    (tmp_path / "word.csv").write_text("a,b\n1,2\nx,3\n")
    with pytest.raises(InputError, match="non-number"):
        load_data(tmp_path / "word.csv")
    (tmp_path / "one.csv").write_text("1\n2\n")
    with pytest.raises(InputError, match="expected 2"):
        load_data(tmp_path / "one.csv")
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", y[:-1])
    with pytest.raises(InputError, match="inconsistent shapes"):
        load_data(f"{tmp_path / 'X.npy'},{tmp_path / 'y.npy'}")
    with pytest.raises(InputError, match=r"pair X.npy,y.npy"):
        load_data(tmp_path / "X.npy")
    np.savez(tmp_path / "d2.npz", X=X, y=np.zeros((5, 2)))
    with pytest.raises(InputError, match="inconsistent shapes"):
        load_data(tmp_path / "d2.npz")


@pytest.mark.torch
def test_torch_data_and_checkpoint_variants(tmp_path):
    torch = pytest.importorskip("torch")
    m = seeded_torch_model(3, 4, seed=1)
    ref = ReluNetwork.from_torch(m).to_vector()
    sd = m.state_dict()
    variants = {
        "dp.pt": {f"module.{k}": t for k, t in sd.items()},
        "compiled.pt": {f"_orig_mod.{k}": t for k, t in sd.items()},
        "both.pt": {f"module._orig_mod.{k}": t for k, t in sd.items()},
        "ckpt.pt": {"epoch": 3, "state_dict": sd},
        "ckpt2.pth": {"model_state_dict": {f"module.{k}": t for k, t in sd.items()}, "lr": 0.1},
    }
    for name, obj in variants.items():
        torch.save(obj, tmp_path / name)
        assert np.array_equal(load_network(tmp_path / name).to_vector(), ref), name
    # a pickled whole model is refused, and says what to do instead
    torch.save(m, tmp_path / "whole.pt")
    with pytest.raises(InputError, match=r"pickled .*state_dict\(\)"):
        load_network(tmp_path / "whole.pt")
    # a deeper Sequential's state_dict is not silently truncated to its first two Linear layers
    deep = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1),
                               torch.nn.ReLU(), torch.nn.Linear(1, 1))
    torch.save(deep.state_dict(), tmp_path / "deep.pt")
    with pytest.raises(InputError, match="unexpected key.*4.weight"):
        load_network(tmp_path / "deep.pt")
    torch.save({"X": torch.zeros(3, 2)}, tmp_path / "nodata.pt")
    with pytest.raises(InputError, match="keys 'X' and 'y'"):
        load_data(tmp_path / "nodata.pt")


def test_npz_network_torch_bias_name(tmp_path):
    rng = np.random.default_rng(5)
    W, b, v = rng.normal(size=(4, 2)), rng.normal(size=4), rng.normal(size=4)
    np.savez(tmp_path / "theory.npz", W=W, b=b, v=v, beta=0.5)
    np.savez(tmp_path / "torchsign.npz", W=W, bias=-b, v=v, beta=0.5)
    np.savez(tmp_path / "sd.npz", **{"0.weight": W, "0.bias": -b, "2.weight": v[None, :], "2.bias": [0.5]})
    ref = load_network(tmp_path / "theory.npz")
    assert np.array_equal(ref.b, b)
    X = rng.normal(size=(6, 2))
    for name in ("torchsign.npz", "sd.npz"):
        net = load_network(tmp_path / name)
        assert np.array_equal(net.to_vector(), ref.to_vector())
        assert np.array_equal(forward(net, X), forward(ref, X))
    np.savez(tmp_path / "both.npz", W=W, b=b, bias=-b, v=v, beta=0.5)
    with pytest.raises(InputError, match="both 'b' .* and 'bias'"):
        load_network(tmp_path / "both.npz")


def test_new_formats_never_round_silently(tmp_path):
    big = 2 ** 53 + 1
    (tmp_path / "big.csv").write_text(f"1,{big}\n2,3\n")
    with pytest.raises(InputError, match="not exactly representable"):
        load_data(tmp_path / "big.csv")
    (tmp_path / "tiny.csv").write_text("1e-400,1\n")
    with pytest.raises(InputError, match="not exactly representable"):
        load_data(tmp_path / "tiny.csv")
    np.save(tmp_path / "X.npy", np.array([[1], [2]], dtype=np.int64))
    np.save(tmp_path / "y.npy", np.array([big, 0], dtype=np.int64))
    data = load_data(f"{tmp_path / 'X.npy'},{tmp_path / 'y.npy'}")
    assert data.kind == "exact" and data.y[0] == big
    # unsigned torch-sign biases are negated exactly, not wrapped around
    np.savez(tmp_path / "u.npz", W=np.ones((1, 1)), bias=np.array([3], dtype=np.uint8), v=[1.0], beta=0.0)
    assert load_network(tmp_path / "u.npz").b[0] == -3
