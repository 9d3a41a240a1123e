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
from tests.numerics._random import net_and_data


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
    torch.manual_seed(0)
    m = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 1)).double()
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


@pytest.mark.parametrize("text,msg", BAD_NETWORKS)
def test_malformed_network_json_raises_input_error(tmp_path, text, msg):
    p = tmp_path / "bad.json"
    p.write_text(text)
    with pytest.raises(InputError, match=msg) as info:
        load_network(p)
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
