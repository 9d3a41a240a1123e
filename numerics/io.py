"""Reading and writing networks and data sets: JSON (exact strings allowed), .npz and torch state_dicts.

Formats
-------
* JSON network ``{"W": [[..], ..], "b": [..], "v": [..], "beta": x}``; JSON data ``{"X": [[..]], "y": [..]}``.
  A number is a JSON number or a string holding an exact rational ("3/7", "-2", "0.1").
  A JSON number denotes the float64 it parses to (so a float saved by :func:`save_network` comes back
  bit-identical, and its exact copy is the dyadic rational the float represents); a string denotes
  the exact rational it spells ("0.1" is 1/10).
  Kind of the result: ``kind=None`` gives "exact" if any entry is a string, else "float".
* ``.npz`` with arrays W, b, v, beta (network) or X, y (data), float64; read with allow_pickle=False.
* ``.pt`` / ``.pth``: a torch state_dict of nn.Sequential(nn.Linear(d, K), nn.ReLU(), nn.Linear(K, 1));
  torch computes relu(W x + bias), so b = -bias (theory.md's sign convention is relu(w.x - b)).

Every malformed file raises :class:`InputError` with a one-line message (CLIs print it and exit 2).
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from numerics.network import Dataset, ReluNetwork

__all__ = ["InputError", "load_network", "save_network", "load_data", "save_data"]


class InputError(ValueError):
    """A file that does not hold a valid network or data set (message is one line)."""


def _suffix(path: Path) -> str:
    s = path.suffix.lower()
    if s not in (".json", ".npz", ".pt", ".pth"):
        raise InputError(f"{path}: unknown file type {s!r}; expected .json, .npz or .pt")
    return s


def _json_number(x: Any, where: str, path: Path):
    if isinstance(x, bool) or x is None:
        raise InputError(f"{path}: {where} is {json.dumps(x)}, not a number")
    if isinstance(x, int):
        return x
    if isinstance(x, float):
        if not math.isfinite(x):
            raise InputError(f"{path}: {where} is not finite ({x})")
        return x
    if isinstance(x, str):
        try:
            return Fraction(x.strip())
        except (ValueError, ZeroDivisionError):
            raise InputError(f"{path}: {where} = {x!r} is not an exact number like \"3/7\"") from None
    raise InputError(f"{path}: {where} is a {type(x).__name__}, not a number")


def _vector(obj: Any, key: str, path: Path, length: int | None = None) -> list:
    if not isinstance(obj, list):
        raise InputError(f"{path}: {key!r} must be a list of numbers")
    if length is not None and len(obj) != length:
        raise InputError(f"{path}: {key!r} has {len(obj)} entries, expected {length}")
    return [_json_number(x, f"{key}[{i}]", path) for i, x in enumerate(obj)]


def _matrix(obj: Any, key: str, path: Path, rows: int | None = None) -> list:
    if not isinstance(obj, list) or not obj:
        raise InputError(f"{path}: {key!r} must be a non-empty list of rows")
    if rows is not None and len(obj) != rows:
        raise InputError(f"{path}: {key!r} has {len(obj)} rows, expected {rows}")
    out = []
    for r, row in enumerate(obj):
        if not isinstance(row, list):
            raise InputError(f"{path}: {key}[{r}] must be a list of numbers")
        out.append([_json_number(x, f"{key}[{r}][{c}]", path) for c, x in enumerate(row)])
        if len(out[-1]) != len(out[0]):
            raise InputError(f"{path}: {key!r} is ragged: row {r} has {len(out[-1])} entries, "
                             f"row 0 has {len(out[0])}")
    if not out[0]:
        raise InputError(f"{path}: {key!r} has rows of length 0")
    return out


def _read_json(path: Path, keys: tuple[str, ...]) -> dict:
    try:
        text = path.read_text()
    except OSError as exc:
        raise InputError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: invalid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise InputError(f"{path}: top level must be a JSON object with keys {', '.join(keys)}")
    missing = [k for k in keys if k not in obj]
    if missing:
        raise InputError(f"{path}: missing key(s) {', '.join(repr(k) for k in missing)}")
    return obj


def _has_string(x) -> bool:
    return any(_has_string(e) for e in x) if isinstance(x, list) else isinstance(x, Fraction)


def _kind(values: list, kind: str | None) -> str:
    if kind is not None:
        return kind
    return "exact" if _has_string(values) else "float"


def _read_npz(path: Path, keys: tuple[str, ...]) -> dict:
    try:
        with np.load(path, allow_pickle=False) as z:
            missing = [k for k in keys if k not in z.files]
            if missing:
                raise InputError(f"{path}: missing array(s) {', '.join(missing)}")
            out = {k: np.asarray(z[k]) for k in keys}
    except InputError:
        raise
    except (OSError, ValueError, EOFError) as exc:
        raise InputError(f"{path}: not a readable .npz file ({exc})") from None
    for k, a in out.items():
        if a.dtype.kind not in "iuf":
            raise InputError(f"{path}: array {k} has dtype {a.dtype}, expected numbers")
        if not np.all(np.isfinite(a)):
            raise InputError(f"{path}: array {k} contains non-finite values")
    return out


def load_network(path, kind: str | None = None) -> ReluNetwork:
    """Return the network stored in ``path`` (.json, .npz or torch .pt state_dict).

    Args:
        path: file name; the suffix selects the format (see module docstring).
        kind: "exact", "float" or "mpmath"; default: "exact" for JSON holding a string, else "float".

    Raises InputError for a missing, unreadable or malformed file.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "net.json")
    >>> _ = open(p, "w").write('{"W": [[1, "1/2"]], "b": ["3/7"], "v": [2], "beta": 0}')
    >>> load_network(p).b[0]
    Fraction(3, 7)
    """
    path = Path(path)
    s = _suffix(path)
    if s == ".json":
        obj = _read_json(path, ("W", "b", "v", "beta"))
        W = _matrix(obj["W"], "W", path)
        b = _vector(obj["b"], "b", path, len(W))
        v = _vector(obj["v"], "v", path, len(W))
        beta = _json_number(obj["beta"], "beta", path)
        k = _kind([W, b, v, beta], kind)
    elif s == ".npz":
        z = _read_npz(path, ("W", "b", "v", "beta"))
        W, b, v, beta = z["W"], z["b"], z["v"], z["beta"]
        if W.ndim != 2 or b.shape != (W.shape[0],) or v.shape != (W.shape[0],) or beta.size != 1:
            raise InputError(f"{path}: inconsistent shapes W {W.shape}, b {b.shape}, v {v.shape}, "
                             f"beta {beta.shape}")
        beta = float(beta.reshape(-1)[0])
        k = kind or "float"
    else:
        net = _load_torch(path)
        return net if kind is None else net.as_kind(kind)
    try:
        return ReluNetwork.of_kind(W, b, v, beta, k)
    except ValueError as exc:
        raise InputError(f"{path}: {exc}") from None


def _load_torch(path: Path) -> ReluNetwork:
    import torch

    try:
        sd = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for a bad file; all mean "not a state_dict"
        raise InputError(f"{path}: not a readable torch file ({type(exc).__name__})") from None
    if hasattr(sd, "state_dict"):
        sd = sd.state_dict()
    if not isinstance(sd, dict):
        raise InputError(f"{path}: expected a state_dict, got {type(sd).__name__}")
    try:
        net = ReluNetwork.from_torch(sd)
    except (ValueError, AttributeError, TypeError) as exc:
        raise InputError(f"{path}: {str(exc).splitlines()[0]}") from None
    if net.W.shape[1] == 0:
        raise InputError(f"{path}: input dimension 0")
    return net


def load_data(path, kind: str | None = None) -> Dataset:
    """Return the data set stored in ``path`` (.json or .npz).

    Args:
        path: file name (.json with keys X, y; or .npz with arrays X, y).
        kind: as in :func:`load_network`.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "data.json")
    >>> _ = open(p, "w").write('{"X": [[0.5, "1/3"]], "y": [1]}')
    >>> load_data(p).X[0, 1]
    Fraction(1, 3)
    """
    path = Path(path)
    s = _suffix(path)
    if s == ".json":
        obj = _read_json(path, ("X", "y"))
        X = _matrix(obj["X"], "X", path)
        y = _vector(obj["y"], "y", path, len(X))
        k = _kind([X, y], kind)
    elif s == ".npz":
        z = _read_npz(path, ("X", "y"))
        X, y = z["X"], z["y"]
        if X.ndim != 2 or y.shape != (X.shape[0],) or X.shape[0] == 0:
            raise InputError(f"{path}: inconsistent shapes X {X.shape}, y {y.shape}")
        k = kind or "float"
    else:
        raise InputError(f"{path}: data cannot be read from a torch file; use .json or .npz")
    try:
        return Dataset.of_kind(X, y, k)
    except ValueError as exc:
        raise InputError(f"{path}: {exc}") from None


def _json_value(x) -> Any:
    if isinstance(x, Fraction):
        return str(x)
    if isinstance(x, float):
        return x
    if isinstance(x, (np.floating,)):
        return float(x)
    # mpmath: write the exact binary value as a rational string, no rounding
    from numerics.network import to_fraction

    return str(to_fraction(x))


def _json_array(a) -> Any:
    a = np.asarray(a)
    if a.ndim == 0:
        return _json_value(a.item())
    return [_json_array(row) for row in a] if a.ndim > 1 else [_json_value(x) for x in a]


def save_network(net: ReluNetwork, path) -> None:
    """Write ``net`` to ``path`` (.json: exact strings for exact/mpmath, JSON numbers for floats; .npz; .pt).

    Round trip: ``load_network(p)`` returns the same numbers (exact entries exactly, floats bit-identical).

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "n.json")
    >>> save_network(ReluNetwork.exact([[1]], ["1/3"], [2], 0), p); open(p).read()
    '{"W": [["1"]], "b": ["1/3"], "v": ["2"], "beta": "0"}'
    """
    path = Path(path)
    s = _suffix(path)
    if s == ".json":
        obj = {"W": _json_array(net.W), "b": _json_array(net.b), "v": _json_array(net.v),
               "beta": _json_array(np.array(net.beta, dtype=object))}
        path.write_text(json.dumps(obj))
    elif s == ".npz":
        f = net.as_float()
        np.savez(path, W=f.W, b=f.b, v=f.v, beta=np.array(float(f.beta)))
    else:
        import torch

        torch.save(net.to_torch().state_dict(), path)


def save_data(data: Dataset, path) -> None:
    """Write ``data`` to ``path`` (.json or .npz), exactly for exact data.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "d.json")
    >>> save_data(Dataset.exact([["1/2"]], [1]), p); load_data(p).X[0, 0]
    Fraction(1, 2)
    """
    path = Path(path)
    s = _suffix(path)
    if s == ".json":
        path.write_text(json.dumps({"X": _json_array(data.X), "y": _json_array(data.y)}))
    elif s == ".npz":
        f = data.as_float()
        np.savez(path, X=f.X, y=f.y)
    else:
        raise InputError(f"{path}: data cannot be saved as a torch file; use .json or .npz")
