"""Two-layer ReLU networks and data sets in one of three number kinds (proofs_notes/theory.md §1).

f(x) = sum_k v_k relu(w_k . x - b_k) + beta   (note the MINUS sign on b).

A network or data set holds numpy arrays of one *number kind*:

* ``"float"``  -- dtype float64;
* ``"exact"``  -- dtype object holding :class:`fractions.Fraction`;
* ``"mpmath"`` -- dtype object holding :class:`mpmath.mpf` (arithmetic at the current mpmath precision).

The maths in :mod:`numerics.hessian` is written once with numpy operations that work for all three.
Conversions to ``"exact"`` are exact: a float (or an mpf) becomes its exact dyadic rational, so a
certificate computed on the exact copy speaks about the very point the floats represent.

Parameter layout (vectors, Jacobians, Hessians, HVPs everywhere in the toolkit)::

    theta = [ v_1..v_K | w_1 (d entries) .. w_K | b_1..b_K | beta ],   P = K(d+2)+1.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

__all__ = ["KINDS", "NumberKind", "number_kind", "ReluNetwork", "Dataset", "to_fraction", "to_mpf", "kind_of", "scalar"]

KINDS = ("float", "exact", "mpmath")
MAX_EXPONENT = 10_000  # decimal exponents beyond this are refused (10^(10^9) would exhaust memory)


def _check_exponent(text: str) -> None:
    """ValueError when the decimal exponent of ``text`` is beyond +-MAX_EXPONENT (a well-formed number
    whose exact value would exhaust memory); a malformed exponent is left for Fraction to report."""
    mant, e, exp = text.strip().lower().partition("e")
    if e:
        try:
            ok = abs(int(exp)) <= MAX_EXPONENT
        except ValueError:
            ok = True
        if not ok:
            raise ValueError(f"exponent of {text!r} is beyond +-{MAX_EXPONENT}")


def _exact_decimal(text: str) -> Fraction:
    """The exact rational a decimal literal or "p/q" string spells; ValueError if malformed or its
    exponent exceeds MAX_EXPONENT."""
    _check_exponent(text)
    return Fraction(text.strip())


def to_fraction(x: Any) -> Fraction:
    """Return ``x`` as an exact :class:`Fraction` (a float or mpf becomes its exact dyadic value).

    Accepts int, str ("3/7", "0.1", "-2", "1e-5": decimals are read exactly), Fraction, float / numpy
    float, mpmath mpf, python-flint fmpq and sympy Rational.  Refused with a one-line ``ValueError``:
    bools, non-finite values, anything not rational (a sympy Float or sqrt(2), None, a list) and
    strings that are not a number or whose decimal exponent is beyond +-MAX_EXPONENT (10000; the exact
    value of "1e999999999" would exhaust memory).  This is the one conversion of user-given numbers
    to exact rationals for numerics and constructions.

    >>> to_fraction("3/7"), to_fraction(0.5), to_fraction(0.1) == Fraction(1, 10)
    (Fraction(3, 7), Fraction(1, 2), False)
    >>> to_fraction("1e99999")
    Traceback (most recent call last):
    ValueError: exponent of '1e99999' is beyond +-10000
    """
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (bool, np.bool_)):
        raise ValueError(f"a boolean is not a number: {x!r}")
    if isinstance(x, numbers.Integral):
        return Fraction(int(x))
    if isinstance(x, str):
        _check_exponent(x)  # says why a well-formed but too large number is refused
        try:
            return Fraction(x.strip())
        except (ValueError, ZeroDivisionError) as exc:
            raise ValueError(f"not an exact number string: {x!r}") from exc
    if isinstance(x, (float, np.floating)):
        xf = float(x)
        if not math.isfinite(xf):
            raise ValueError(f"non-finite number {x!r}")
        return Fraction(xf)
    if isinstance(x, mpmath.mpf):
        if not mpmath.isfinite(x):
            raise ValueError(f"non-finite number {x!r}")
        # mpf.man_exp drops the sign; the raw tuple (sign, man, exp, bc) keeps it.
        sign, man, exp, _ = x._mpf_
        value = Fraction(int(man)) * (Fraction(2) ** int(exp))
        return -value if sign else value
    # python-flint fmpq / fmpz, sympy Rational and anything else rational-like
    if hasattr(x, "p") and hasattr(x, "q"):  # python-flint fmpq, sympy Rational
        return Fraction(int(x.p), int(x.q))
    if hasattr(x, "numerator") and hasattr(x, "denominator"):
        return Fraction(int(x.numerator), int(x.denominator))
    raise ValueError(f"cannot convert {type(x).__name__} {x!r} to an exact rational")


def to_mpf(x: Any) -> mpmath.mpf:
    """Return ``x`` as an mpmath mpf rounded once at the current precision.

    >>> to_mpf("1/4")
    mpf('0.25')
    """
    if isinstance(x, mpmath.mpf):
        return +x
    q = to_fraction(x)
    return mpmath.mpf(q.numerator) / q.denominator


class NumberKind:
    """One arithmetic of the toolkit as an object (in the manner of mpmath's ctx_fp / ctx_mp).

    The three instances (:func:`number_kind`: "float" = IEEE float64, "exact" = Fraction, "mpmath" = mpf at
    the current precision) know their zero, one, 1/n, unit roundoff, numpy dtype and how to convert a
    value, so code written once runs in every kind.

    >>> k = number_kind("exact")
    >>> k.one(), k.inv(3), k.convert("0.1"), k.zeros(2)
    (Fraction(1, 1), Fraction(1, 3), Fraction(1, 10), array([Fraction(0, 1), Fraction(0, 1)], dtype=object))
    >>> number_kind("float").unit_roundoff() == 2.0 ** -53
    True
    >>> number_kind("mpmath").text(mpmath.mpf(1) / 3, 5), number_kind("float").text(0.1, 5)
    ('0.33333', '0.1')
    >>> [(k.name, k.is_exact, k.is_float, k.variable_precision) for k in map(number_kind, ("float", "exact", "mpmath"))]
    [('float', False, True, False), ('exact', True, False, False), ('mpmath', False, False, True)]
    """

    name = ""
    dtype: Any = object
    #: True when every operation is exact (no rounding): Fraction arithmetic.
    is_exact = False
    #: True when values are IEEE float64 held in numpy float64 arrays (not object arrays).
    is_float = False
    #: True when the working precision is a setting (mpmath's mp.dps), so a dps argument applies.
    variable_precision = False

    def convert(self, value: Any):
        """Return ``value`` as a scalar of this kind."""
        raise NotImplementedError

    def one(self):
        """Return 1 in this kind."""
        return self.convert(1)

    def zero(self):
        """Return 0 in this kind."""
        return self.one() * 0

    def inv(self, n: int):
        """Return 1/n in this kind (exact for "exact", rounded once otherwise)."""
        return self.one() / n

    def zeros(self, shape) -> np.ndarray:
        """Return an array of zeros of this kind."""
        z = np.empty(shape, dtype=object)
        z.fill(self.zero())
        return z

    def unit_roundoff(self) -> float:
        """Return the unit roundoff of one rounded operation: 2^-prec at mpmath's current precision (float: 2^-53).

        Exact arithmetic never rounds; for it the value is that of the current mpmath precision and unused.
        """
        return float(mpmath.mpf(2) ** (-mpmath.mp.prec))

    def text(self, value: Any, digits: int) -> str:
        """Return ``value`` (of this kind) as text with ``digits`` significant digits (exact: all of them)."""
        return str(value)

    def __repr__(self) -> str:
        return f"number_kind({self.name!r})"


class _Float(NumberKind):
    name, dtype = "float", np.float64
    is_float = True

    def convert(self, value: Any) -> float:
        if isinstance(value, (float, int, np.floating, np.integer)) and not isinstance(value, bool):
            return float(value)
        return float(to_fraction(value))

    def one(self) -> float:
        return 1.0

    def inv(self, n: int) -> float:
        return 1.0 / n

    def zeros(self, shape) -> np.ndarray:
        return np.zeros(shape)

    def unit_roundoff(self) -> float:
        return 2.0 ** -53

    def text(self, value: Any, digits: int) -> str:
        return repr(float(value))  # float64 carries its own 17 digits


class _Exact(NumberKind):
    name = "exact"
    is_exact = True

    def convert(self, value: Any) -> Fraction:
        return to_fraction(value)

    def inv(self, n: int) -> Fraction:
        return Fraction(1, n)


class _Mpmath(NumberKind):
    name = "mpmath"
    variable_precision = True

    def convert(self, value: Any):
        return to_mpf(value)

    def inv(self, n: int):
        return mpmath.mpf(1) / n

    def text(self, value: Any, digits: int) -> str:
        return mpmath.nstr(value, digits)


_NUMBER_KINDS = {k.name: k for k in (_Float(), _Exact(), _Mpmath())}


def number_kind(kind: str) -> NumberKind:
    """Return the :class:`NumberKind` named ``kind`` ("float", "exact" or "mpmath"); ValueError otherwise.

    >>> number_kind("mpmath").name
    'mpmath'
    """
    try:
        return _NUMBER_KINDS[kind]
    except (KeyError, TypeError):
        raise ValueError(f"unknown number kind {kind!r}; expected one of {KINDS}") from None


def scalar(value: Any, kind: str):
    """Return ``value`` as a scalar of number kind ``kind`` (float, Fraction or mpf).

    >>> scalar("1/2", "exact"), scalar("1/2", "float")
    (Fraction(1, 2), 0.5)
    """
    return number_kind(kind).convert(value)


def _array(values: Any, kind: str, ndim: int, name: str) -> np.ndarray:
    """Convert nested sequences / arrays to a numpy array of the given kind and dimension."""
    if number_kind(kind).is_float:
        if isinstance(values, np.ndarray) and values.dtype == object:
            arr = np.vectorize(lambda z: scalar(z, "float"), otypes=[np.float64])(values)
        else:
            try:
                arr = np.asarray(values, dtype=np.float64)
            except (TypeError, ValueError):
                arr = np.vectorize(lambda z: scalar(z, "float"), otypes=[np.float64])(
                    np.asarray(values, dtype=object))
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains non-finite values")
    else:
        src = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
        if src.dtype != object:
            src = src.astype(object)
        conv = number_kind(kind).convert
        arr = np.empty(src.shape, dtype=object)
        for idx, z in np.ndenumerate(src):
            arr[idx] = conv(z.item() if isinstance(z, np.generic) else z)
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    return arr


def kind_of(arr: np.ndarray) -> str:
    """Return the number kind ("float", "exact" or "mpmath") of a numpy array.

    >>> kind_of(np.zeros(2)), kind_of(np.array([Fraction(1)], dtype=object))
    ('float', 'exact')
    """
    if arr.dtype == np.float64:
        return "float"
    if arr.dtype == object:
        first = next(iter(arr.flat), None)
        if first is None or isinstance(first, Fraction):
            return "exact"
        if isinstance(first, mpmath.mpf):
            return "mpmath"
    raise ValueError(f"array of dtype {arr.dtype} holding {type(next(iter(arr.flat), None))} "
                     "is not of a supported number kind")


class _KindCopies:
    """What a ReluNetwork and a Dataset share: the input dimension and the copies in another number kind.

    Each defines ``_entries()``, the arguments of its ``of_kind`` before the kind (W, b, v, beta or X, y).
    """

    @property
    def d(self) -> int:
        """Input dimension: the number of columns of W (a network) or of X (a data set)."""
        return self._entries()[0].shape[1]

    def as_kind(self, kind: str, dps: int | None = None):
        """Return a copy in number kind ``kind`` (mpmath entries rounded at ``dps`` digits if given).

        The same object when it already has that kind and the kind has a fixed precision; a new copy
        for mpmath (whose entries are rounded at the precision in force, or at ``dps`` digits).

        >>> ReluNetwork.from_float([[0.1]], [0], [1], 0).as_kind("exact").W[0, 0] == Fraction(0.1)
        True
        >>> Dataset.from_float([[0.5]], [1]).as_kind("mpmath", dps=30).y[0]
        mpf('1.0')
        """
        precise = number_kind(kind).variable_precision  # ValueError for an unknown kind
        if kind == self.kind and not precise:
            return self
        if precise and dps is not None:
            with mpmath.workdps(dps):
                return type(self).of_kind(*self._entries(), kind)
        return type(self).of_kind(*self._entries(), kind)

    def as_exact(self):
        """Return the exact-rational copy (floats convert exactly to dyadic rationals)."""
        return self.as_kind("exact")

    def as_float(self):
        """Return the float64 copy (rationals rounded to nearest)."""
        return self.as_kind("float")

    def as_mpmath(self, dps: int | None = None):
        """Return the mpmath copy, entries rounded once at ``dps`` digits (default: current precision)."""
        return self.as_kind("mpmath", dps)


@dataclass(frozen=True, eq=False)
class ReluNetwork(_KindCopies):
    """Two-layer ReLU network f(x) = sum_k v_k relu(w_k.x - b_k) + beta of one number kind.

    Build with :meth:`exact`, :meth:`from_float`, :meth:`from_vector` or :meth:`from_torch`.

    >>> net = ReluNetwork.exact([[1, 0]], ["1/2"], [2], 0)
    >>> net.K, net.d, net.num_params, net.kind
    (1, 2, 5, 'exact')
    """

    W: np.ndarray
    b: np.ndarray
    v: np.ndarray
    beta: Any
    kind: str

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown number kind {self.kind!r}")
        K = self.W.shape[0]
        if self.W.ndim != 2 or self.b.shape != (K,) or self.v.shape != (K,):
            raise ValueError(f"inconsistent shapes W {self.W.shape}, b {self.b.shape}, v {self.v.shape}")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def of_kind(cls, W, b, v, beta, kind: str) -> "ReluNetwork":
        """Return a network with every entry converted to number kind ``kind``.

        >>> ReluNetwork.of_kind([[1.0]], [0.0], [1.0], 0.0, "mpmath").kind
        'mpmath'
        """
        Wa = _array(W, kind, 2, "W")
        ba = _array(b, kind, 1, "b")
        va = _array(v, kind, 1, "v")
        if Wa.shape[0] != ba.shape[0] or Wa.shape[0] != va.shape[0]:
            raise ValueError(f"W has {Wa.shape[0]} rows but b has {ba.shape[0]} and v {va.shape[0]} entries")
        return cls(Wa, ba, va, scalar(beta, kind), kind)

    @classmethod
    def exact(cls, W, b, v, beta=0) -> "ReluNetwork":
        """Return an exact-rational network (ints, "3/7" strings, Fractions; floats exactly).

        >>> ReluNetwork.exact([[0.5]], ["1/3"], [1], 0).b[0]
        Fraction(1, 3)
        """
        return cls.of_kind(W, b, v, beta, "exact")

    @classmethod
    def from_float(cls, W, b, v, beta=0.0) -> "ReluNetwork":
        """Return a float64 network.

        >>> ReluNetwork.from_float([[1, 2]], [0], [1], 0).W.dtype
        dtype('float64')
        """
        return cls.of_kind(W, b, v, beta, "float")

    @classmethod
    def from_vector(cls, theta, K: int, d: int) -> "ReluNetwork":
        """Return the network with parameter vector ``theta`` (layout [v | W row-major | b | beta]).

        The number kind is that of ``theta``.

        >>> ReluNetwork.from_vector(np.arange(5.0), 1, 2).W
        array([[1., 2.]])
        """
        theta = np.asarray(theta)
        if theta.shape != (K * (d + 2) + 1,):
            raise ValueError(f"theta has shape {theta.shape}, expected ({K * (d + 2) + 1},) for K={K}, d={d}")
        kind = kind_of(theta)
        v = theta[:K].copy()
        W = theta[K:K + K * d].reshape(K, d).copy()
        b = theta[K + K * d:K * (d + 2)].copy()
        return cls(W, b, v, theta[-1], kind)

    @classmethod
    def from_torch(cls, module) -> "ReluNetwork":
        """Return the float64 network of nn.Sequential(Linear(d,K), ReLU(), Linear(K,1)) or its state_dict.

        torch computes relu(W x + bias), so b = -bias.  A module is checked to be exactly that
        architecture (another activation, a missing bias or more layers raise ValueError naming the
        layer); a state_dict cannot say which activation it was trained with and is read as ReLU.

        >>> import torch
        >>> m = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
        >>> ReluNetwork.from_torch(m).K
        3
        """
        if hasattr(module, "state_dict") and hasattr(module, "children"):
            from numerics.model_api import network_from_model

            return network_from_model(module)
        sd = module
        try:
            W = sd["0.weight"].detach().double().cpu().numpy()
            bias = sd["0.bias"].detach().double().cpu().numpy()
            v = sd["2.weight"].detach().double().cpu().numpy()
            beta = sd["2.bias"].detach().double().cpu().numpy()
        except KeyError as exc:
            raise ValueError(f"state_dict lacks key {exc}; expected keys 0.weight, 0.bias, 2.weight, 2.bias "
                             "of nn.Sequential(nn.Linear(d, K), nn.ReLU(), nn.Linear(K, 1))") from None
        if v.ndim != 2 or v.shape[0] != 1 or beta.shape != (1,):
            raise ValueError(f"output layer must be Linear(K, 1); got weight shape {v.shape}")
        return cls.from_float(W, -bias, v[0], float(beta[0]))

    # ------------------------------------------------------------------ properties
    @property
    def K(self) -> int:
        """Number of hidden neurons."""
        return self.W.shape[0]

    @property
    def num_params(self) -> int:
        """P = K(d+2)+1."""
        return self.K * (self.d + 2) + 1

    # ------------------------------------------------------------------ conversions, d: see _KindCopies
    def _entries(self) -> tuple:
        return self.W, self.b, self.v, self.beta

    def to_vector(self) -> np.ndarray:
        """Return theta = [v | W row-major | b | beta] as a 1-D array of this kind.

        >>> ReluNetwork.from_float([[1, 2]], [3], [4], 5).to_vector()
        array([4., 1., 2., 3., 5.])
        """
        dtype = number_kind(self.kind).dtype
        out = np.empty(self.num_params, dtype=dtype)
        K, d = self.K, self.d
        out[:K] = self.v
        out[K:K + K * d] = self.W.reshape(-1)
        out[K + K * d:K * (d + 2)] = self.b
        out[-1] = self.beta
        return out

    def to_torch(self):
        """Return a float64 nn.Sequential(Linear(d,K), ReLU(), Linear(K,1)) computing this network.

        >>> import torch
        >>> net = ReluNetwork.from_float([[1.0]], [0.5], [2.0], 0.0)
        >>> net.to_torch()(torch.tensor([[1.0]], dtype=torch.float64)).item()
        1.0
        """
        import torch

        f = self.as_float()
        m = torch.nn.Sequential(torch.nn.Linear(self.d, self.K), torch.nn.ReLU(),
                                torch.nn.Linear(self.K, 1)).double()
        with torch.no_grad():
            m[0].weight.copy_(torch.from_numpy(f.W))
            m[0].bias.copy_(torch.from_numpy(-f.b))
            m[2].weight.copy_(torch.from_numpy(f.v[None, :]))
            m[2].bias.fill_(float(f.beta))
        return m

    def __repr__(self) -> str:
        return f"ReluNetwork(K={self.K}, d={self.d}, kind={self.kind!r})"


@dataclass(frozen=True, eq=False)
class Dataset(_KindCopies):
    """Data {(x_i, y_i)}: X of shape (n, d), y of shape (n,), of one number kind.

    >>> Dataset.exact([[0, 1], ["1/2", 0]], [1, 0]).n
    2
    """

    X: np.ndarray
    y: np.ndarray
    kind: str

    def __post_init__(self):
        if self.X.ndim != 2 or self.y.shape != (self.X.shape[0],):
            raise ValueError(f"inconsistent shapes X {self.X.shape}, y {self.y.shape}")

    @classmethod
    def of_kind(cls, X, y, kind: str) -> "Dataset":
        """Return a data set with entries converted to number kind ``kind`` (y of shape (n,) or (n, 1)).

        >>> Dataset.of_kind([[1]], [2], "float").y
        array([2.])
        """
        Xa = _array(X, kind, 2, "X")
        if np.ndim(y) == 2 and np.shape(y)[1] == 1:  # a column of labels, as torch's targets often are
            y = np.asarray(y)[:, 0]
        ya = _array(y, kind, 1, "y")
        if Xa.shape[0] != ya.shape[0]:
            raise ValueError(f"X has {Xa.shape[0]} rows but y has {ya.shape[0]} entries")
        return cls(Xa, ya, kind)

    @classmethod
    def exact(cls, X, y) -> "Dataset":
        """Return an exact-rational data set (floats convert exactly)."""
        return cls.of_kind(X, y, "exact")

    @classmethod
    def from_float(cls, X, y) -> "Dataset":
        """Return a float64 data set."""
        return cls.of_kind(X, y, "float")

    @property
    def n(self) -> int:
        """Number of samples."""
        return self.X.shape[0]

    def _entries(self) -> tuple:  # the arguments of of_kind; conversions, d: see _KindCopies
        return self.X, self.y

    def __repr__(self) -> str:
        return f"Dataset(n={self.n}, d={self.d}, kind={self.kind!r})"
