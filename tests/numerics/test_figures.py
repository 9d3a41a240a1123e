"""Figure details: numeric legend order, explained bands, plain log ticks, lambda_max drawn above 2/eta,
and redrawing committed figures from their summaries."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from numerics.experiments import figures as figures_cli
from numerics.experiments import plots as figures

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def captured(monkeypatch):
    """Keep the figures instead of saving them."""
    figs = []

    def fake_save(fig, out, stem):
        figs.append(fig)
        return [Path(out) / f"{stem}.png"]

    monkeypatch.setattr(figures, "save", fake_save)
    yield figs
    import matplotlib.pyplot as plt
    for f in figs:
        plt.close(f)


def test_natural_order():
    assert sorted(["d=1", "d=16", "d=4", "d=64"], key=figures._natural) == ["d=1", "d=4", "d=16", "d=64"]
    assert sorted(["eta=0.5", "eta=0.25", "eta=1"], key=figures._natural) == ["eta=0.25", "eta=0.5", "eta=1"]


def _vs_table():
    rows = []
    for g, scale in (("d=1", 0.01), ("d=16", 0.5), ("d=4", 0.1), ("d=64", 0.9)):
        for w in (16, 32, 64):
            row = {"group": g, "width": w}
            for m in ("train_mse", "active_neurons"):
                row.update({f"{m}_median": scale, f"{m}_min": scale * 0.8, f"{m}_max": scale * 1.2})
            rows.append(row)
    return rows


def test_plot_vs_legend_numeric_band_explained_plain_ticks(captured, tmp_path):
    figures.plot_vs(_vs_table(), "width", ["train_mse", "active_neurons"], "group", tmp_path, "u", "t", logx=True)
    fig = captured[0]
    fig.canvas.draw()
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["d=1", "d=4", "d=16", "d=64", figures.BAND_NOTE]
    assert "min-max over seeds" in fig._suptitle.get_text()
    xt = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert xt == ["16", "32", "64"]
    yt = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert yt and not any("times" in t or "^" in t for t in yt), yt


def test_shattering_lambda_line_drawn_above_threshold(captured, tmp_path):
    steps = list(range(0, 1000, 100))
    res = {"sharpness": {"step": steps, "lambda_max_estimate": [2.26] * len(steps)},
           "history": {"step": steps, "loss": [1.0] * 10, "train_mse": [1.0] * 10, "test_mse": [1.0] * 10}}
    cfg = {"eta": 0.9, "weight_decay": 0.0, "n": 512}
    figures.plot_shattering([("a", cfg, res)], tmp_path, "s")
    ax = captured[0].axes[0]
    lam = [ln for ln in ax.get_lines() if ln.get_label().startswith("lambda_max")][0]
    thr = [ln for ln in ax.get_lines() if ln.get_label().startswith("2/eta")][0]
    assert lam.get_zorder() > thr.get_zorder()
    assert lam.get_linewidth() > thr.get_linewidth()
    assert "final 2.26" in lam.get_label()


def test_replot_from_summary_redraws_and_refuses_shattering(tmp_path):
    pytest.importorskip("matplotlib")
    for name in ("underparam", "rates"):
        src = ROOT / "results" / name / "summary.json"
        dst = tmp_path / name
        dst.mkdir()
        shutil.copy(src, dst / "summary.json")
        files = figures.replot(dst)
        assert files and all(Path(f).stat().st_size > 0 for f in files)
    (tmp_path / "sh").mkdir()
    (tmp_path / "sh" / "summary.json").write_text(json.dumps({"experiment": "shattering", "table": [{"a": 1}]}))
    with pytest.raises(ValueError, match="histories"):
        figures.replot(tmp_path / "sh")
    assert figures_cli.main([str(tmp_path / "sh")]) == 2


def test_flat_figure_draws_certified_points_only(captured, tmp_path):
    table = [{"d": 2, "n": 64, "test_mse_median_certified": 0.5, "eta_star_median": 0.3},
             {"d": 2, "n": 128, "test_mse_median_certified": 0.4, "eta_star_median": 0.25},
             {"d": 5, "n": 64, "test_mse_median_certified": None, "eta_star_median": 0.2}]
    figures.plot_flat(table, tmp_path, "flat", "flat")
    mse_ax, eta_ax = captured[-1].axes
    # d = 5 has no certified point: no MSE line for it, but its certified eta* is drawn
    assert [ln.get_label() for ln in mse_ax.get_lines()] == ["d=2"]
    assert list(mse_ax.get_lines()[0].get_ydata()) == [0.5, 0.4]
    assert sorted(ln.get_label() for ln in eta_ax.get_lines()) == ["d=2", "d=5"]


def test_replot_flat_from_the_committed_summary(tmp_path):
    dst = tmp_path / "flat"
    dst.mkdir()
    shutil.copy(ROOT / "results" / "flat" / "summary.json", dst / "summary.json")
    files = figures.replot(dst)
    assert sorted(Path(f).name for f in files) == ["flat.pdf", "flat.png"]
