"""Reading and writing networks and data sets: JSON (exact strings allowed), .npz and torch state_dicts.

Formats
-------
* JSON network ``{"W": [[..], ..], "b": [..], "v": [..], "beta": x}``; JSON data ``{"X": [[..]], "y": [..]}``.
  A number is a JSON number or a string holding an exact rational ("3/7", "-2", "0.1", "1e-400").
  Reading rules (nothing passes through float64 unless the rule says so):

  - a JSON integer (``12``, ``9007199254740993``, a 400-digit integer) is that integer, exactly;
  - a JSON decimal literal (``0.1``, ``1e-5``) denotes its float64 value with ``decimals="float"``
    (the default: a float saved by :func:`save_network` comes back bit-identical, and its exact copy is
    the dyadic rational the float represents), or the exact decimal fraction it spells with
    ``decimals="exact"`` (``0.1`` is 1/10).  Under ``"float"`` a non-zero literal whose float64 value
    would be infinite or zero (``1e400``, ``1e-400``) is refused, never rounded to inf or 0;
  - a string denotes the exact rational it spells ("0.1" is 1/10, "1e400" is 10^400);
  - decimal exponents beyond +-10000 digits, NaN / Infinity, and nesting deeper than a matrix are
    refused.  Keys other than the expected ones are refused unless ``lenient=True``.

  Kind of the result: ``kind=None`` gives "exact" if any entry is not exactly a float64 (a string, an
  exact decimal, an integer beyond 2^53 that float64 would round), else "float" (every entry is then
  exactly its float64, so nothing is lost).
* ``.npz`` with arrays W, b, v, beta (network) or X, y (data) of float (at most 64-bit) or integer
  dtype; read with allow_pickle=False.  Floats stay the exact dyadic values they are; integer arrays
  beyond 2^53 give an "exact" result.
  A network .npz may name the hidden biases ``bias`` in torch's sign instead of ``b`` (b = -bias); a
  file holding both is refused as ambiguous.  A torch state_dict saved with ``np.savez(path, **{k:
  t.numpy() for k, t in sd.items()})`` (arrays ``0.weight``, ``0.bias``, ``2.weight``, ``2.bias``) is read too.
* ``.pt`` / ``.pth``: a torch state_dict of nn.Sequential(nn.Linear(d, K), nn.ReLU(), nn.Linear(K, 1));
  torch computes relu(W x + bias), so b = -bias (the sign convention of proofs_notes/theory.md §1 is relu(w.x - b)).
  Checkpoints are accepted as saved by ``DataParallel`` / ``DistributedDataParallel`` (keys prefixed
  ``module.``) and ``torch.compile`` (``_orig_mod.``), or nested under ``"state_dict"`` /
  ``"model_state_dict"`` / ``"model"``.  A state_dict does not record the activation: the file is read as
  the ReLU architecture above.  A pickled whole model is refused (loading a pickle can execute code):
  save ``model.state_dict()`` instead.
* Data also as ``.csv`` (one row per sample, the last column is y; an optional header line), a pair of
  ``.npy`` files given as ``X.npy,y.npy``, or a torch ``.pt`` dict of tensors with keys ``X`` and ``y``.
  In every data format y may have shape (n,) or (n, 1).

Every malformed file raises :class:`InputError` with a one-line message (CLIs print it and exit 2).
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from bounds._cli import InputError  # a file that does not hold a valid network or data set
from numerics.network import MAX_EXPONENT, Dataset, ReluNetwork, _exact_decimal, to_fraction

__all__ = ["InputError", "load_network", "save_network", "load_data", "save_data"]


def _suffix(path: Path) -> str:
    s = path.suffix.lower()
    if s not in (".json", ".npz", ".pt", ".pth"):
        raise InputError(f"{path}: unknown file type {s!r}; expected .json, .npz or .pt")
    return s


DECIMALS = ("float", "exact")
def _decimal_literal(text: str, decimals: str):
    """A JSON decimal literal read by the documented rule: its float64 value, or (``decimals="exact"``)
    the exact decimal fraction; a float64 value that would be inf or 0 for a non-zero literal is refused."""
    if decimals == "exact":
        return _exact_decimal(text)
    x = float(text)
    if not math.isfinite(x) or (x == 0 and _exact_decimal(text) != 0):
        raise ValueError(f"the decimal literal {text} is outside float64's range (it would read as {x}); "
                         f"write it as a string \"{text}\" or read decimals exactly (--decimals exact)")
    return x


def _exact_float64(x: int) -> bool:
    """True iff the integer x is exactly a float64."""
    try:
        return int(float(x)) == x
    except OverflowError:
        return False


def _json_number(x: Any, where: str, path: Path):
    if isinstance(x, bool) or x is None:
        raise InputError(f"{path}: {where} is {json.dumps(x)}, not a number")
    if isinstance(x, (int, Fraction)):
        return x
    if isinstance(x, float):
        if not math.isfinite(x):
            raise InputError(f"{path}: {where} is not finite ({x})")
        return x
    if isinstance(x, str):
        try:
            return _exact_decimal(x)
        except (ValueError, ZeroDivisionError) as exc:
            why = f" ({exc})" if "exponent" in str(exc) or "digits" in str(exc) else ""
            raise InputError(f"{path}: {where} = {x[:40]!r} is not an exact number like \"3/7\"{why}") from None
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


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not finite (only finite numbers are read)")


def _read_json(path: Path, keys: tuple[str, ...], decimals: str = "float", lenient: bool = False) -> dict:
    """The JSON object in ``path`` read by the rules of the module docstring (integers exact, decimal
    literals by ``decimals``), with exactly ``keys`` (extra keys allowed only if ``lenient``)."""
    if decimals not in DECIMALS:
        raise ValueError(f"decimals must be one of {DECIMALS}, got {decimals!r}")
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read file ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        obj = json.loads(text, parse_int=int, parse_constant=_refuse_constant,
                         parse_float=lambda s: _decimal_literal(s, decimals))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: invalid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply (a network or data file is at most a matrix)") from None
    except (ValueError, ZeroDivisionError) as exc:  # a hook refused a literal (range, exponent, digits)
        raise InputError(f"{path}: {' '.join(str(exc).split())}") from None
    if not isinstance(obj, dict):
        raise InputError(f"{path}: top level must be a JSON object with keys {', '.join(keys)}")
    missing = [k for k in keys if k not in obj]
    if missing:
        raise InputError(f"{path}: missing key(s) {', '.join(repr(k) for k in missing)}")
    extra = [k for k in obj if k not in keys]
    if extra and not lenient:
        raise InputError(f"{path}: unknown key(s) {', '.join(repr(k) for k in extra[:5])}; expected exactly "
                         f"{', '.join(keys)} (--lenient ignores extra keys)")
    return obj


def _has_string(x) -> bool:
    """True if some entry of the (validated, at most 2-deep) nested list is not exactly a float64."""
    if isinstance(x, list):
        return any(_has_string(e) for e in x)
    return isinstance(x, Fraction) or (isinstance(x, int) and not _exact_float64(x))


def _kind(values: list, kind: str | None) -> str:
    if kind is not None:
        return kind
    return "exact" if _has_string(values) else "float"


def _check_number_array(path, label: str, a: np.ndarray) -> None:
    """Raise InputError unless ``a`` holds finite integers or floats of at most 64 bits (``label`` names it)."""
    if a.dtype.kind not in "iuf":
        raise InputError(f"{path}: {label} has dtype {a.dtype}, expected numbers")
    if a.dtype.kind == "f" and a.dtype.itemsize > 8:  # long double: float64 would round it
        raise InputError(f"{path}: {label} has dtype {a.dtype}; store float64 (or smaller) floats")
    if not np.all(np.isfinite(a)):
        raise InputError(f"{path}: {label} contains non-finite values")


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
        _check_number_array(path, f"array {k}", a)
    return out


def _npz_kind(arrays) -> str:
    """"exact" if some integer array holds a value float64 would round (beyond 2^53), else "float"."""
    for a in arrays:
        if a.dtype.kind in "iu" and a.size and not all(_exact_float64(int(x)) for x in a.reshape(-1)):
            return "exact"
    return "float"


def load_network(path, kind: str | None = None, *, decimals: str = "float",
                 lenient: bool = False) -> ReluNetwork:
    """Return the network stored in ``path`` (.json, .npz or torch .pt state_dict).

    Args:
        path: file name; the suffix selects the format (see module docstring).
        kind: "exact", "float" or "mpmath"; default: "exact" if some entry is not exactly a float64
            (a string, an exact decimal, an integer float64 would round), else "float".
        decimals: JSON decimal literals denote their float64 value ("float") or the exact decimal
            fraction they spell ("exact"); see the module docstring.
        lenient: accept (and ignore) JSON keys other than W, b, v, beta.

    Raises InputError for a missing, unreadable or malformed file, or a value the rules refuse.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "net.json")
    >>> _ = open(p, "w").write('{"W": [[1, "1/2"]], "b": ["3/7"], "v": [2], "beta": 0}')
    >>> load_network(p).b[0]
    Fraction(3, 7)
    """
    path = Path(path)
    s = _suffix(path)
    if s == ".json":
        obj = _read_json(path, ("W", "b", "v", "beta"), decimals, lenient)
        W = _matrix(obj["W"], "W", path)
        b = _vector(obj["b"], "b", path, len(W))
        v = _vector(obj["v"], "v", path, len(W))
        beta = _json_number(obj["beta"], "beta", path)
        k = _kind([W, b, v, beta], kind)
    elif s == ".npz":
        W, b, v, beta_arr = _read_npz_network(path)
        if W.ndim != 2 or b.shape != (W.shape[0],) or v.shape != (W.shape[0],) or beta_arr.size != 1:
            raise InputError(f"{path}: inconsistent shapes W {W.shape}, b {b.shape}, v {v.shape}, "
                             f"beta {beta_arr.shape}")
        beta = beta_arr.reshape(-1)[0].item()  # a Python int or float, not rounded
        k = kind or _npz_kind([W, b, v, beta_arr])
    else:
        net = _load_torch(path)
        return net if kind is None else net.as_kind(kind)
    try:
        return ReluNetwork.of_kind(W, b, v, beta, k)
    except OverflowError:  # kind "float" asked for a value beyond float64's range
        raise InputError(f"{path}: a value is beyond float64's range, so it cannot be read as float64 "
                         "(read it exactly instead)") from None
    except ValueError as exc:
        raise InputError(f"{path}: {exc}") from None


_TORCH_KEYS = ("0.weight", "0.bias", "2.weight", "2.bias")
_PREFIXES = ("module.", "_orig_mod.")
_NESTED = ("state_dict", "model_state_dict", "model")


def _torch_load(path: Path):
    """torch.load with weights_only=True: tensors and plain containers only, never arbitrary pickles."""
    import pickle

    import torch

    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        if "Unsupported global" in str(exc):  # a pickled class such as nn.Sequential
            raise InputError(
                f"{path}: holds a pickled Python object (a whole model?), which is not loaded because "
                "unpickling can execute code; save the weights with torch.save(model.state_dict(), path) "
                "or call numerics.certify_model(model, ...) from Python") from None
        raise InputError(f"{path}: not a readable torch file (UnpicklingError)") from None
    except Exception as exc:  # torch raises many types for a bad file; all mean "not a state_dict"
        raise InputError(f"{path}: not a readable torch file ({type(exc).__name__})") from None


def _strip_prefixes(sd: dict) -> dict:
    """Remove the key prefixes DataParallel (``module.``) and torch.compile (``_orig_mod.``) add."""
    out = {}
    for key, value in sd.items():
        k = str(key)
        changed = True
        while changed:
            changed = False
            for p in _PREFIXES:
                if k.startswith(p):
                    k, changed = k[len(p):], True
        out[k] = value
    return out


def _state_dict(path: Path, obj) -> dict:
    if isinstance(obj, dict):
        for key in _NESTED:  # a training checkpoint {"state_dict": ..., "epoch": ...}
            if key in obj and isinstance(obj[key], dict) and not any(k in obj for k in _TORCH_KEYS):
                obj = obj[key]
                break
    if not isinstance(obj, dict):
        raise InputError(f"{path}: expected a state_dict, got {type(obj).__name__}")
    sd = _strip_prefixes(obj)
    extra = sorted(k for k in sd if k not in _TORCH_KEYS)
    if extra:
        raise InputError(f"{path}: unexpected key(s) {', '.join(extra[:4])}: expected exactly "
                         f"{', '.join(_TORCH_KEYS)} of nn.Sequential(nn.Linear(d, K), nn.ReLU(), nn.Linear(K, 1))")
    return sd


def _load_torch(path: Path) -> ReluNetwork:
    sd = _state_dict(path, _torch_load(path))
    try:
        net = ReluNetwork.from_torch(sd)
    except (ValueError, AttributeError, TypeError) as exc:
        raise InputError(f"{path}: {str(exc).splitlines()[0]}") from None
    if net.W.shape[1] == 0:
        raise InputError(f"{path}: input dimension 0")
    return net


def _negated(a: np.ndarray, path: Path, name: str) -> np.ndarray:
    """-a exactly (torch's bias to the theory's b); unsigned integers are widened first, not wrapped."""
    if a.dtype.kind == "u":
        if a.size and int(a.max()) >= 2 ** 63:
            raise InputError(f"{path}: {name} holds integers beyond int64; store them as a signed type")
        a = a.astype(np.int64)
    return -a


def _read_npz_network(path: Path):
    """Return (W, b, v, beta) arrays of a network .npz: names W, b (or torch's bias, b = -bias), v, beta,
    or a whole torch state_dict (0.weight, 0.bias, 2.weight, 2.bias)."""
    try:
        with np.load(path, allow_pickle=False) as z:
            names = set(z.files)
    except (OSError, ValueError, EOFError) as exc:
        raise InputError(f"{path}: not a readable .npz file ({exc})") from None
    if set(_TORCH_KEYS) <= names:
        z = _read_npz(path, _TORCH_KEYS)
        v = z["2.weight"]
        if v.ndim != 2 or v.shape[0] != 1:
            raise InputError(f"{path}: 2.weight has shape {v.shape}, expected (1, K) (one output)")
        return z["0.weight"], _negated(z["0.bias"], path, "0.bias"), v[0], z["2.bias"]
    if "b" in names and "bias" in names:
        raise InputError(f"{path}: holds both 'b' (theory's sign, relu(w.x - b)) and 'bias' (torch's sign, "
                         "relu(W x + bias)); keep one")
    if "bias" in names:
        z = _read_npz(path, ("W", "bias", "v", "beta"))
        return z["W"], _negated(z["bias"], path, "bias"), z["v"], z["beta"]
    z = _read_npz(path, ("W", "b", "v", "beta"))
    return z["W"], z["b"], z["v"], z["beta"]


def _column(y: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Labels of shape (n, 1) as (n,); anything else unchanged (the caller checks the shape)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1 and y.shape[0] == np.asarray(X).shape[0]:
        return y[:, 0]
    return y


def _finite_xy(path, X: np.ndarray, y: np.ndarray):
    X, y = np.asarray(X), _column(np.asarray(y), X)
    for name, a in (("X", X), ("y", y)):
        _check_number_array(path, name, a)
    if X.ndim != 2 or X.shape[0] == 0 or y.shape != (X.shape[0],):
        raise InputError(f"{path}: inconsistent shapes X {X.shape}, y {y.shape}; expected (n, d) and (n,) "
                         "or (n, 1)")
    # floats widen exactly to float64; integer arrays stay integers (read exactly, see _npz_kind)
    return tuple(a if a.dtype.kind in "iu" else a.astype(np.float64) for a in (X, y))


def _read_csv(path: Path):
    import csv

    try:
        with open(path, newline="") as fh:
            rows = [r for r in csv.reader(fh) if r and any(c.strip() for c in r)]
    except OSError as exc:
        raise InputError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable CSV file ({exc})") from None

    def numbers(row):
        try:
            vals = [float(c) for c in row]
        except ValueError:
            return None
        for c, x in zip(row, vals):
            # CSV numbers denote their float64 value (as JSON decimals do); refused: a non-zero literal that
            # becomes 0 or inf, and an integer float64 would round
            text = c.strip()
            nonzero = any(ch in "123456789" for ch in text.lower().split("e")[0])
            if (x == 0 and nonzero) or math.isinf(x) or (text.lstrip("+-").isdigit() and int(text) != int(x)):
                raise InputError(f"{path}: {c.strip()!r} is not exactly representable in float64 as read from "
                                 "CSV; store exact values in JSON (strings such as \"3/7\")")
        return vals

    if rows and numbers(rows[0]) is None:  # a header line
        rows = rows[1:]
    if not rows:
        raise InputError(f"{path}: no data rows")
    values = []
    for i, row in enumerate(rows):
        nums = numbers(row)
        if nums is None:
            raise InputError(f"{path}: row {i + 1} holds a non-number: {','.join(row)[:60]!r}")
        if len(nums) != len(rows[0]) or len(nums) < 2:
            raise InputError(f"{path}: row {i + 1} has {len(nums)} columns, expected {max(len(rows[0]), 2)} "
                             "(inputs, then y in the last column)")
        values.append(nums)
    a = np.array(values, dtype=np.float64)
    return _finite_xy(path, a[:, :-1], a[:, -1])


def _read_npy(path: Path) -> np.ndarray:
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise InputError(f"{path}: not a readable .npy file ({exc})") from None


def _load_data_other(path):
    """(X, y) float64 arrays for the data formats beyond .json / .npz, or None for those two."""
    text = str(path)
    if "," in text and not Path(text).exists():
        parts = [Path(p.strip()) for p in text.split(",")]
        if len(parts) != 2 or any(p.suffix.lower() != ".npy" for p in parts):
            raise InputError(f"{text}: a pair of files must be given as X.npy,y.npy")
        return _finite_xy(text, _read_npy(parts[0]), _read_npy(parts[1]))
    path = Path(path)
    s = path.suffix.lower()
    if s == ".csv":
        return _read_csv(path)
    if s == ".npy":
        raise InputError(f"{path}: a .npy file holds one array; give X and y as a pair X.npy,y.npy")
    if s in (".pt", ".pth"):
        obj = _torch_load(path)
        if not isinstance(obj, dict) or "X" not in obj or "y" not in obj:
            raise InputError(f"{path}: expected a dict of tensors with keys 'X' and 'y', got "
                             f"{type(obj).__name__}" + (f" with keys {sorted(map(str, obj))[:4]}"
                                                          if isinstance(obj, dict) else ""))
        X, y = obj["X"], obj["y"]
        for name, t in (("X", X), ("y", y)):
            if not hasattr(t, "detach"):
                raise InputError(f"{path}: {name} is a {type(t).__name__}, expected a tensor")
        import torch

        if X.is_complex() or y.is_complex():
            raise InputError(f"{path}: complex tensors")
        return _finite_xy(path, X.detach().to("cpu", torch.float64).numpy(),
                          y.detach().to("cpu", torch.float64).numpy())
    return None


def load_data(path, kind: str | None = None, *, decimals: str = "float", lenient: bool = False) -> Dataset:
    """Return the data set stored in ``path`` (.json, .npz, .csv, .pt or a pair ``X.npy,y.npy``).

    Args:
        path: file name (.json with keys X, y; .npz with arrays X, y; .csv with y in the last column;
            .pt holding a dict of tensors X, y; or two .npy files joined by a comma).
        kind, decimals, lenient: as in :func:`load_network` (decimals and lenient apply to JSON).

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "data.json")
    >>> _ = open(p, "w").write('{"X": [[0.5, "1/3"]], "y": [1]}')
    >>> load_data(p).X[0, 1]
    Fraction(1, 3)
    """
    other = _load_data_other(path)
    if other is not None:
        X, y = other
        try:
            return Dataset.of_kind(X, y, kind or _npz_kind([X, y]))
        except ValueError as exc:
            raise InputError(f"{path}: {exc}") from None
    path = Path(path)
    s = _suffix(path)
    if s == ".json":
        obj = _read_json(path, ("X", "y"), decimals, lenient)
        X = _matrix(obj["X"], "X", path)
        y = _vector(obj["y"], "y", path, len(X))
        k = _kind([X, y], kind)
    elif s == ".npz":
        z = _read_npz(path, ("X", "y"))
        X, y = z["X"], _column(z["y"], z["X"])
        if X.ndim != 2 or y.shape != (X.shape[0],) or X.shape[0] == 0:
            raise InputError(f"{path}: inconsistent shapes X {X.shape}, y {y.shape}")
        k = kind or _npz_kind([X, y])
    else:  # pragma: no cover - .pt data is read by _load_data_other
        raise InputError(f"{path}: unknown data file type")
    try:
        return Dataset.of_kind(X, y, k)
    except OverflowError:  # kind "float" asked for a value beyond float64's range
        raise InputError(f"{path}: a value is beyond float64's range, so it cannot be read as float64 "
                         "(read it exactly instead)") from None
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
