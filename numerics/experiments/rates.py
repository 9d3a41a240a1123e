"""Empirical rates: log-log slope of median MSE against n with a bootstrap interval over seeds.

For each n, take the median MSE over seeds; fit log(median MSE) = c + s log n by least squares; the
empirical rate is p = -s (MSE ~ n^{-p}).  The interval resamples, independently for each n, the seeds
with replacement (percentile bootstrap), recomputes the medians and refits.
"""

from __future__ import annotations

import numpy as np

__all__ = ["loglog_slope", "bootstrap_slope", "theory_exponents"]


def loglog_slope(ns, values) -> float:
    """Return the least-squares slope of log(values) against log(ns).

    >>> round(loglog_slope([10, 100, 1000], [1.0, 0.1, 0.01]), 12)
    -1.0
    """
    ns, values = np.asarray(ns, dtype=float), np.asarray(values, dtype=float)
    if len(ns) < 2 or (values <= 0).any():
        return float("nan")
    return float(np.polyfit(np.log(ns), np.log(values), 1)[0])


def bootstrap_slope(samples: dict, reps: int = 2000, level: float = 0.95, seed: int = 0):
    """Return (slope of the medians, lower, upper) for ``samples = {n: [mse over seeds]}``.

    Percentile bootstrap over seeds within each n (``reps`` resamples, fixed ``seed``).

    >>> s, lo, hi = bootstrap_slope({10: [1.0, 1.0], 100: [0.1, 0.1], 1000: [0.01, 0.01]})
    >>> round(s, 9), round(lo, 9), round(hi, 9)
    (-1.0, -1.0, -1.0)
    """
    ns = sorted(n for n, v in samples.items() if len(v))
    if len(ns) < 2:
        return float("nan"), float("nan"), float("nan")
    point = loglog_slope(ns, [np.median(samples[n]) for n in ns])
    rng = np.random.default_rng(seed)
    arrays = [np.asarray(samples[n], dtype=float) for n in ns]
    meds = np.empty((reps, len(ns)))
    for j, a in enumerate(arrays):
        idx = rng.integers(0, len(a), size=(reps, len(a)))
        meds[:, j] = np.median(a[idx], axis=1)
    logn = np.log(np.asarray(ns, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        logm = np.log(meds)
    x = logn - logn.mean()
    slopes = (logm - logm.mean(axis=1, keepdims=True)) @ x / (x @ x)
    slopes = slopes[np.isfinite(slopes)]
    if not len(slopes):
        return point, float("nan"), float("nan")
    a = (1 - level) / 2
    return point, float(np.quantile(slopes, a)), float(np.quantile(slopes, 1 - a))


# The three exponents the measured MSE rates are compared with, by their ids in bounds' registry.
EXPONENT_IDS = {"stable_upper": "mse_upper", "minimax_lower": "minimax_mse_lower", "lownorm": "lownorm_mse"}


def theory_exponents(d: int) -> dict:
    """Return the MSE exponents p (error ~ n^{-p}) from ``bounds``' registry, as floats, for dimension d.

    stable_upper = bounds 'mse_upper' (Thm 3.6: 1/(2d+4)), minimax_lower = 'minimax_mse_lower' (Thm 3.7:
    2/(d+1), 1/2 for d = 1), lownorm = 'lownorm_mse' (Parhi-Nowak 2023: (d+3)/(2d+3)).

    >>> e = theory_exponents(1); round(e["stable_upper"], 6), round(e["minimax_lower"], 6), round(e["lownorm"], 6)
    (0.166667, 0.5, 0.8)
    """
    import bounds

    out = {key: float(bounds.get_rate(rid).exponent_at(d)) for key, rid in EXPONENT_IDS.items()}
    out["source"] = "bounds.get_rate(" + ", ".join(EXPONENT_IDS.values()) + ")"
    return out
