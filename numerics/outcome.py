"""What the toolkit says: certified or estimated quantities, and verdicts on claims.

Every check in the toolkit -- the stability certificate (:mod:`numerics.certificates`), the
weighted-variation checks (:mod:`numerics.variation`), GD against linear stability
(:mod:`numerics.linear_stability`), flat points (:mod:`numerics.flat_points`), the torch-model API
(:mod:`numerics.model_api`) and the construction checks (:mod:`constructions.checks`) -- reports in
this one vocabulary:

* :class:`Quantity` -- one number: either **certified** (an enclosure ``lower <= x <= upper`` of exact
  rationals, one end possibly open) or an **estimate** (a float64 ``value`` with no guarantee); with the
  method that produced it and a free-text detail.  A float value may accompany a certified enclosure
  (for display); it is never part of the guarantee.
* :class:`Outcome` -- a verdict on one claim (``lambda_max <= 2/eta``, ``|f|_Vg <= rhs``, "the caps are
  disjoint"): ``holds`` is True/False/None (None: undecided), ``certified`` says whether the verdict was
  decided by exact or rigorous arithmetic, with the quantities it rests on.

The invariants are enforced on construction, so no result can call an estimate certified: a certified
quantity has an enclosure, an estimate has none; a certified verdict decides its claim.  Each result
class of the toolkit keeps its own fields (and JSON keys) and exposes ``.outcome`` (a verdict) or
``.quantity`` (a number) in this vocabulary.

>>> from fractions import Fraction
>>> lam = Quantity("lambda_max", lower=Fraction(3), upper=Fraction(7, 2), certified=True, method="dense")
>>> str(lam), lam.status
('lambda_max in [3, 7/2] (certified; dense)', 'certified')
>>> o = Outcome("lambda_max <= 2/eta", lam.decide_at_most(4), certified=True, method="dense", quantities=(lam,))
>>> o.holds, o.status, o.verdict("STABLE", "NOT STABLE")
(True, 'certified', 'STABLE')
>>> Quantity("lambda_max", value=3.2, method="lanczos").status
'estimate'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import mpmath

__all__ = ["Quantity", "Outcome", "CERTIFIED", "ESTIMATE", "UNDECIDED", "sci"]

CERTIFIED = "certified"  # decided or enclosed by exact or rigorous arithmetic
ESTIMATE = "estimate"  # floating point, iterative solvers, Monte Carlo: no guarantee
UNDECIDED = "undecided"  # a claim neither certified nor estimated either way


def _is_flag(x) -> bool:
    return x is True or x is False


def sci(q: Fraction) -> str:
    """``q`` in scientific notation with 17 significant digits, at any magnitude (never through float).

    >>> sci(Fraction(1, 3)), sci(Fraction(10) ** 400)
    ('0.33333333333333333', '1.0e+400')
    """
    with mpmath.workdps(20):
        return mpmath.nstr(mpmath.mpf(q.numerator) / q.denominator, 17)


def _short(q: Fraction) -> str:
    """A rational in "p/q" form when short, else a 17-digit decimal (for messages only)."""
    s = str(q)
    return s if len(s) <= 40 else sci(q)


@dataclass(frozen=True)
class Quantity:
    """One reported number: certified (an exact enclosure) or an estimate (a float64 value).

    Args:
        name: what the number is (e.g. "lambda_max", "|f|_Vg", "term_a margin").
        value: a float64 value: the estimate itself, or, next to a certified enclosure, a display value
            that is not part of the guarantee.  None when not available.
        lower, upper: exact Fraction ends of the enclosure lower <= x <= upper (either may be None, an
            open end); present if and only if ``certified``.
        certified: True when the enclosure was obtained by exact or rigorous arithmetic.
        method: the algorithm that produced the number.
        detail: free text.

    Raises:
        ValueError: a certified quantity without an enclosure, an estimate carrying one, lower > upper,
            a NaN value, or a non-boolean ``certified``.
        TypeError: an end that is not a Fraction or int.

    >>> Quantity("x", lower=Fraction(2), upper=Fraction(1), certified=True)
    Traceback (most recent call last):
    ...
    ValueError: x: enclosure [2, 1] is empty (lower > upper)
    >>> Quantity("x", value=1.0, upper=Fraction(2))
    Traceback (most recent call last):
    ...
    ValueError: x: an estimate carries no enclosure (bounds given, certified=False)
    """

    name: str
    value: float | None = None
    lower: Fraction | None = None
    upper: Fraction | None = None
    certified: bool = False
    method: str = ""
    detail: str = ""

    @classmethod
    def of(cls, name: str, lower=None, upper=None, value=None, method: str = "", detail: str = ""):
        """The quantity a result reports from its fields: certified when it has a bound (``lower`` /
        ``upper``), else an estimate when it has a non-NaN ``value``, else None (nothing to report).

        >>> Quantity.of("x", value=float("nan")) is None, Quantity.of("x", upper=Fraction(2), value=1.5).status
        (True, 'certified')
        """
        if value is not None and math.isnan(value):
            value = None
        bounded = lower is not None or upper is not None
        if not bounded and value is None:
            return None
        return cls(name, None if value is None else float(value), lower, upper, bounded, method, detail)

    def __post_init__(self):
        if not _is_flag(self.certified):
            raise ValueError(f"{self.name}: certified must be True or False, got {self.certified!r}")
        for end in (self.lower, self.upper):
            if end is not None and (isinstance(end, bool) or not isinstance(end, (Fraction, int))):
                raise TypeError(f"{self.name}: enclosure ends are exact (Fraction or int), got {type(end).__name__}")
        bounded = self.lower is not None or self.upper is not None
        if self.certified and not bounded:
            raise ValueError(f"{self.name}: a certified quantity needs an enclosure (lower and/or upper)")
        if not self.certified and bounded:
            raise ValueError(f"{self.name}: an estimate carries no enclosure (bounds given, certified=False)")
        if self.lower is not None and self.upper is not None and self.lower > self.upper:
            raise ValueError(f"{self.name}: enclosure [{_short(Fraction(self.lower))}, "
                             f"{_short(Fraction(self.upper))}] is empty (lower > upper)")
        if self.value is not None and not (isinstance(self.value, (int, float)) and not isinstance(self.value, bool)
                                           and not math.isnan(self.value)):
            raise ValueError(f"{self.name}: value must be a float (+-inf: beyond float64) or None, got {self.value!r}")
        if not self.certified and self.value is None:
            raise ValueError(f"{self.name}: an estimate needs a value")

    @property
    def status(self) -> str:
        """"certified" or "estimate"."""
        return CERTIFIED if self.certified else ESTIMATE

    def decide_at_most(self, c) -> bool | None:
        """Decide ``x <= c`` from the enclosure: True if upper <= c, False if lower > c, else None.

        An estimate decides nothing (None): compare its ``value`` yourself and call that an estimate.

        >>> q = Quantity("x", lower=Fraction(1), upper=Fraction(2), certified=True)
        >>> q.decide_at_most(2), q.decide_at_most(Fraction(1, 2)), q.decide_at_most(Fraction(3, 2))
        (True, False, None)
        """
        if not self.certified:
            return None
        c = Fraction(c)
        if self.upper is not None and self.upper <= c:
            return True
        if self.lower is not None and self.lower > c:
            return False
        return None

    def decide_at_least(self, c) -> bool | None:
        """Decide ``x >= c`` from the enclosure: True if lower >= c, False if upper < c, else None.

        >>> Quantity("m", lower=Fraction(0), certified=True).decide_at_least(0)
        True
        """
        if not self.certified:
            return None
        c = Fraction(c)
        if self.lower is not None and self.lower >= c:
            return True
        if self.upper is not None and self.upper < c:
            return False
        return None

    def __str__(self) -> str:
        how = "; ".join(part for part in (self.status, self.method, self.detail) if part)
        if not self.certified:
            return f"{self.name} ~ {self.value:.10g} ({how})"
        if self.lower is not None and self.upper is not None:
            return f"{self.name} in [{_short(Fraction(self.lower))}, {_short(Fraction(self.upper))}] ({how})"
        if self.lower is not None:
            return f"{self.name} >= {_short(Fraction(self.lower))} ({how})"
        return f"{self.name} <= {_short(Fraction(self.upper))} ({how})"


@dataclass(frozen=True)
class Outcome:
    """A verdict on one claim, and whether it is certified.

    Args:
        name: the claim or check (e.g. "lambda_max <= 2/eta", "caps disjoint").
        holds: True / False, or None when undecided.
        certified: True when the verdict was decided by exact or rigorous arithmetic (then ``holds`` is
            not None); False for an estimate (a float comparison, a simulation) or an undecided claim.
        method: how it was decided.
        detail: free text (the reasons, the numbers).
        quantities: the :class:`Quantity` objects the verdict rests on.

    Raises:
        ValueError: ``certified`` with ``holds`` None, or a flag that is not a bool.
        TypeError: a quantity that is not a :class:`Quantity`.

    >>> Outcome("claim", None, certified=True)
    Traceback (most recent call last):
    ...
    ValueError: claim: a certified outcome decides its claim (holds is None)
    >>> Outcome("caps disjoint", True, certified=True).as_check()
    {'name': 'caps disjoint', 'passed': True, 'certified': True, 'detail': ''}
    """

    name: str
    holds: bool | None
    certified: bool
    method: str = ""
    detail: str = ""
    quantities: tuple = ()

    def __post_init__(self):
        if not (self.holds is None or _is_flag(self.holds)):
            raise ValueError(f"{self.name}: holds must be True, False or None, got {self.holds!r}")
        if not _is_flag(self.certified):
            raise ValueError(f"{self.name}: certified must be True or False, got {self.certified!r}")
        if self.certified and self.holds is None:
            raise ValueError(f"{self.name}: a certified outcome decides its claim (holds is None)")
        object.__setattr__(self, "quantities", tuple(self.quantities))
        for q in self.quantities:
            if not isinstance(q, Quantity):
                raise TypeError(f"{self.name}: quantities must be Quantity objects, got {type(q).__name__}")

    @property
    def status(self) -> str:
        """"certified", "estimate" (a verdict without guarantee) or "undecided"."""
        if self.certified:
            return CERTIFIED
        return ESTIMATE if self.holds is not None else UNDECIDED

    def verdict(self, yes: str = "PASS", no: str = "FAIL", undecided: str = "UNDECIDED") -> str:
        """The word for ``holds``: ``yes``, ``no`` or ``undecided``.

        >>> Outcome("c", False, certified=False).verdict()
        'FAIL'
        """
        return {True: yes, False: no, None: undecided}[self.holds]

    def as_check(self) -> dict:
        """The JSON record of a check: {name, passed, certified, detail} (passed: holds is True)."""
        return {"name": self.name, "passed": self.holds is True, "certified": self.certified,
                "detail": self.detail}

    def quantity(self, name: str) -> Quantity:
        """The quantity called ``name``; KeyError if there is none.

        >>> Outcome("c", True, True, quantities=(Quantity("x", value=1.0),)).quantity("x").value
        1.0
        """
        for q in self.quantities:
            if q.name == name:
                return q
        raise KeyError(f"{self.name}: no quantity {name!r}")
