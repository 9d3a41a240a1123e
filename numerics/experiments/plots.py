"""Matplotlib figures of the experiments, each saved as PNG and PDF (Agg backend, no display).

CLI redrawing them from a results folder: ``python -m numerics.experiments.figures``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

__all__ = ["save", "plot_rates", "plot_slopes", "plot_shattering", "plot_vs", "plot_flat", "replot"]


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


BAND_NOTE = "shaded: min-max over seeds"


def _natural(value):
    """Sort key ordering 'd=4' before 'd=16' (numbers inside strings compared as numbers)."""
    import re

    parts = re.split(r"(-?\d+(?:\.\d+)?)", str(value))
    return [(0, float(t)) if re.fullmatch(r"-?\d+(?:\.\d+)?", t) else (1, t) for t in parts if t != ""]


def _plain_log_ticks(ax, axis: str, values=None) -> None:
    """Readable log-axis ticks: plain numbers (16, 0.5, 1e-05) rather than 2x10^1; at the data values
    when they are few, otherwise at 1, 2, 5 times powers of ten."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    target = ax.xaxis if axis == "x" else ax.yaxis
    vals = sorted({float(v) for v in (values or []) if v is not None and float(v) > 0})
    if vals and len(vals) <= 8:
        (ax.set_xticks if axis == "x" else ax.set_yticks)(vals)
    else:
        target.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    target.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    target.set_minor_formatter(NullFormatter())


def _band_handle():
    from matplotlib.patches import Patch

    return Patch(facecolor="0.5", alpha=0.25, label=BAND_NOTE)


def save(fig, out: Path, stem: str) -> list:
    """Save ``fig`` as OUT/stem.png and OUT/stem.pdf; return the two paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{stem}.png", out / f"{stem}.pdf"]
    # Fixed metadata keeps re-generated PDFs byte-stable where the backend allows.
    fig.savefig(paths[0], dpi=130, bbox_inches="tight")
    fig.savefig(paths[1], bbox_inches="tight", metadata={"CreationDate": None})
    _plt().close(fig)
    return paths


def plot_rates(table, groups, ds, metric, out, stem, title):
    """Median MSE (with the seeds' min-max band) against n, log-log, one panel per group, one line per d.

    ``table`` rows are dicts with keys group, d, n, metric + '_median', '_min', '_max'.
    """
    plt = _plt()
    fig, axes = plt.subplots(1, len(groups), figsize=(5.2 * len(groups), 4.2), squeeze=False)
    for ax, g in zip(axes[0], groups):
        for d in ds:
            rows = sorted((r for r in table if r["group"] == g and r["d"] == d), key=lambda r: r["n"])
            if not rows:
                continue
            n = [r["n"] for r in rows]
            line, = ax.loglog(n, [r[f"{metric}_median"] for r in rows], "o-", label=f"d={d}")
            ax.fill_between(n, [r[f"{metric}_min"] for r in rows], [r[f"{metric}_max"] for r in rows],
                            color=line.get_color(), alpha=0.15)
        ns = sorted({r["n"] for r in table})
        _plain_log_ticks(ax, "x", ns)
        _plain_log_ticks(ax, "y")
        ax.set_xlabel("n (training samples)")
        ax.set_ylabel(f"{metric.replace('_', ' ')} vs f0 (median over seeds)")
        ax.set_title(f"{title}: config {g}")
        handles, _ = ax.get_legend_handles_labels()
        ax.legend(handles=handles + [_band_handle()], fontsize=8)
        ax.grid(True, which="both", alpha=0.3)
    return save(fig, out, stem)


def plot_slopes(slopes, theory, out, stem, title):
    """Measured rate p = -slope (bootstrap interval) against d, beside the theory's exponents."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.2, 4.4))
    groups = sorted({s["group"] for s in slopes})
    for j, g in enumerate(groups):
        rows = sorted((s for s in slopes if s["group"] == g), key=lambda s: s["d"])
        d = np.array([s["d"] for s in rows], dtype=float) + (j - (len(groups) - 1) / 2) * 0.08
        p = np.array([s["rate"] for s in rows])
        lo = np.array([s["rate_lo"] for s in rows])
        hi = np.array([s["rate_hi"] for s in rows])
        ax.errorbar(d, p, yerr=[p - lo, hi - p], fmt="o", capsize=3, label=f"measured, config {g}")
    dd = sorted(theory)
    styles = {"stable_upper": ("k--", "stable minima MSE upper 1/(2d+4)"),
              "minimax_lower": ("k:", "minimax lower 2/(d+1) (d=1: 1/2)"),
              "lownorm": ("k-.", "low-norm (d+3)/(2d+3)")}
    for key, (style, label) in styles.items():
        ax.plot(dd, [theory[d][key] for d in dd], style, label=label)
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_xlabel("d")
    ax.set_ylabel("rate p  (MSE ~ n^-p)")
    ax.set_title(title)
    ax.legend(fontsize=7)
    ax.grid(True, alpha=0.3)
    return save(fig, out, stem)


def plot_shattering(runs, out, stem):
    """Three rows per config: lambda_max estimate vs step (with 2/eta), active fraction vs weight norm
    per neuron (final; init in grey), and loss / train / test MSE along training."""
    plt = _plt()
    fig, axes = plt.subplots(3, len(runs), figsize=(5.4 * len(runs), 11), squeeze=False)
    for j, (label, cfg, res) in enumerate(runs):
        ax = axes[0][j]
        sh = res.get("sharpness") or {}
        steps = sh.get("step", [])
        lam = [np.nan if v is None else v for v in sh.get("lambda_max_estimate", [])]
        # 2/eta first and underneath: at the edge of stability lambda_max sits just above it, and the
        # estimate must stay visible on top of the threshold line
        ax.axhline(2 / cfg["eta"], color="r", ls=(0, (4, 3)), lw=1.0, alpha=0.8, zorder=2,
                   label=f"2/eta = {2 / cfg['eta']:.3g}")
        if steps:
            last = next((v for v in reversed(lam) if v == v), None)
            tail = "" if last is None else f"; final {last:.3g}"
            ax.semilogy(steps, lam, "-", color="C0", lw=1.6, zorder=3,
                        label=f"lambda_max estimate (Lanczos, lower bound{tail})")
        ax.set_yscale("log")
        _plain_log_ticks(ax, "y")
        ax.set_xlabel("GD step")
        ax.set_ylabel("lambda_max(grad^2 L)")
        ax.set_title(f"config {label}: eta={cfg['eta']}, wd={cfg['weight_decay']}")
        ax.legend(fontsize=7)
        ax.grid(True, which="both", alpha=0.3)
        ax = axes[1][j]
        for key, style, name in (("neurons_init", dict(color="0.6", s=4), "init"),
                                 ("neurons_final", dict(color="C0", s=6), "final")):
            nd = res.get(key)
            if nd:
                frac = np.asarray(nd["active_fraction"], dtype=float)
                norm = np.asarray(nd["weight_norm"], dtype=float)
                frac = np.where(frac > 0, frac, 0.5 / cfg["n"])  # inactive neurons drawn at half a sample
                ax.scatter(frac, norm, label=name, **style)
        ax.axvline(1 / cfg["n"], color="k", lw=0.5, ls=":", label="one sample")
        ax.set_xscale("log")
        ax.set_yscale("log")
        _plain_log_ticks(ax, "x")
        ax.set_xlabel("fraction of training inputs where the neuron is active\n(neurons active on none drawn at 1/(2n))")
        ax.set_ylabel("|v_k| * ||w_k||")
        ax.legend(fontsize=7)
        ax.grid(True, which="both", alpha=0.3)
        ax = axes[2][j]
        h = res["history"]
        for key in ("loss", "train_mse", "test_mse"):
            ax.semilogy(h["step"], [np.nan if v is None else v for v in h[key]], label=key)
        _plain_log_ticks(ax, "y")
        ax.set_xlabel("GD step")
        ax.set_ylabel("loss / MSE vs f0")
        ax.legend(fontsize=7)
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    return save(fig, out, stem)


# fractions (may be 0): plotted on a linear axis
LINEAR_METRICS = ("active_neurons", "active_on_at_most_5")


def plot_vs(table, x, metrics, group_key, out, stem, title, logx=False):
    """One panel per metric: median (min-max band over seeds) against ``x``, one line per group."""
    plt = _plt()
    ncols = min(len(metrics), 3)
    nrows = -(-len(metrics) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.6 * ncols, 3.9 * nrows), squeeze=False)
    for ax in axes.flat[len(metrics):]:
        ax.set_visible(False)
    groups = sorted({r[group_key] for r in table}, key=_natural)
    for ax, m in zip(axes.flat, metrics):
        for g in groups:
            rows = sorted((r for r in table if r[group_key] == g), key=lambda r: r[x])
            xs = [r[x] for r in rows]
            med = [r.get(f"{m}_median", np.nan) for r in rows]
            line, = ax.plot(xs, med, "o-", label=str(g))
            ax.fill_between(xs, [r.get(f"{m}_min", np.nan) for r in rows], [r.get(f"{m}_max", np.nan) for r in rows],
                            color=line.get_color(), alpha=0.15)
        if logx:
            ax.set_xscale("log")
            _plain_log_ticks(ax, "x", [r[x] for r in table])
        if m not in LINEAR_METRICS:
            ax.set_yscale("log")
            _plain_log_ticks(ax, "y")
        ax.set_xlabel(x)
        ax.set_ylabel(m.replace("_", " "))
        ax.grid(True, which="both", alpha=0.3)
        handles, _ = ax.get_legend_handles_labels()
        ax.legend(handles=handles + [_band_handle()], fontsize=7)
    fig.suptitle(f"{title}: median over seeds, {BAND_NOTE}")
    fig.tight_layout()
    return save(fig, out, stem)


def plot_flat(table, out, stem, title):
    """Certified flat points: median test MSE (estimate) and median certified eta* against n, one line per d.

    ``table`` rows are the flat experiment's per-(d, n) rows (keys d, n, test_mse_median_certified,
    eta_star_median, runs, certified_flat).  Only certified points enter the MSE panel, so a d whose
    points were all refused or undecided draws no MSE line.
    """
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.2), squeeze=False)
    ds = sorted({r["d"] for r in table})
    ns = sorted({r["n"] for r in table})
    panels = (("test_mse_median_certified", "median test MSE vs f0 (estimate), certified points"),
              ("eta_star_median", "median eta* = 2/lambda_upper (certified)"))
    for ax, (key, label) in zip(axes[0], panels):
        for d in ds:
            rows = sorted((r for r in table if r["d"] == d and r.get(key) is not None
                           and np.isfinite(r[key])), key=lambda r: r["n"])
            if rows:
                ax.loglog([r["n"] for r in rows], [r[key] for r in rows], "o-", label=f"d={d}")
        _plain_log_ticks(ax, "x", ns)
        _plain_log_ticks(ax, "y")
        ax.set_xlabel("n (training samples)")
        ax.set_ylabel(label)
        ax.legend(fontsize=8)
        ax.grid(True, which="both", alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    return save(fig, out, stem)


def replot(folder) -> list:
    """Redraw the figures of one results folder from its summary.json (no training, no run store).

    Works for the experiments whose figures are drawn from the aggregated tables (rates, gelu, lownoise,
    holder, dimension, lr, underparam, flat).  The shattering figure needs every run's training history, which
    only the run store holds: ValueError (re-run ``numerics.reproduce shattering --no-run`` with the store).
    """
    from .rates import theory_exponents
    from .summary import _VS, ACTIVITY, METRICS, RATES_LIKE

    folder = Path(folder)
    summary = json.loads((folder / "summary.json").read_text())
    name = summary["experiment"]
    table = [{k: (np.nan if v is None else v) for k, v in row.items()} for row in summary.get("table", [])]
    if not table:
        raise ValueError(f"{folder}: summary.json has no table to plot")
    if name in RATES_LIKE:
        groups = sorted({r["group"] for r in table}, key=_natural)
        ds = sorted({r["d"] for r in table})
        slopes = [{k: (np.nan if v is None else v) for k, v in s.items()} for s in summary["slopes"]]
        files = plot_rates(table, groups, ds, "train_mse", folder, "mse_vs_n", name)
        files += plot_rates(table, groups, ds, "test_mse", folder, "test_mse_vs_n", name + " (test)")
        files += plot_slopes(slopes, {d: theory_exponents(d) for d in ds}, folder, "rates_vs_d",
                             f"{name}: measured rate of in-sample MSE vs theory")
        return files
    if name == "flat":
        return plot_flat(table, folder, "flat", f"{folder.name}: certified flat points")
    if name in _VS:
        x, group_key, logx = _VS[name]
        metrics = METRICS + (["lambda_max_estimate"] if name == "lr" else []) + ACTIVITY
        return plot_vs(table, x, metrics, group_key, folder, name, f"{name} sweep", logx=logx)
    raise ValueError(f"{folder}: the {name} figure needs the runs' histories from the run store; "
                     f"use python -m numerics.reproduce {name} --no-run --store STORE")
