"""Summaries of stored runs: CSV and Markdown tables, JSON, figures, per experiment.

``summarize`` reads the runs of the experiment's grid from the store (runs not finished are listed as
missing, never invented), aggregates over seeds (median, min, max), and for ReLU runs computes the
numerics core's estimates of the final network (lambda_max estimate, |f|_{V_g}, Thm 3.2 margin) from the
stored parameters, caching them in the store.  Every lambda_max value is an ESTIMATE (a lower bound).
"""

from __future__ import annotations

import csv
import json
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np

from numerics._progress import Reporter
from numerics.loss import convention
from numerics.network import Dataset, ReluNetwork

from . import plots
from .rates import bootstrap_slope, theory_exponents
from .sweep import config_key
from .tracking import activation_distribution
from .weight_decay import collapse_threshold, forces_constant_fit

__all__ = ["summarize", "collect", "aggregate"]

RATES_LIKE = {"rates", "gelu", "lownoise", "holder"}
METRICS = ["train_mse", "test_mse", "final_loss", "active_neurons"]
CORE = ["lambda_max_estimate", "vg_norm", "thm32_margin"]
ACTIVITY = ["median_samples_per_active_neuron", "active_on_at_most_5"]
# distribution of per-neuron active fractions over active neurons, at init and at the end (tracking.activation_distribution)
ACTIVITY_DIST = [f"act_{when}_{stat}" for when in ("init", "final") for stat in ("max", "p90", "median")]
_CORE_NAME = "core-final-v1"


def collect(configs, store):
    """Return (runs, missing): runs = [(key, config, result)] finished in ``store``; missing = keys not."""
    runs, missing = [], []
    for c in configs:
        k = config_key(c)
        res = store.get(k)
        if res is None:
            missing.append(k)
        else:
            runs.append((k, c, res))
    return runs, missing


def aggregate(rows, by, metrics):
    """Return one row per distinct value of the ``by`` fields with median/min/max/count of each metric.

    >>> aggregate([{"g": 1, "m": 1.0}, {"g": 1, "m": 3.0}, {"g": 2, "m": 5.0}], ["g"], ["m"])[0]["m_median"]
    2.0
    """
    groups = {}
    for r in rows:
        groups.setdefault(tuple(r[b] for b in by), []).append(r)
    out = []
    for key, members in sorted(groups.items(), key=lambda kv: tuple(str(x) if isinstance(x, str) else x for x in kv[0])):
        row = dict(zip(by, key))
        row["seeds"] = len(members)
        for m in metrics:
            vals = np.array([r[m] for r in members if r.get(m) is not None], dtype=float)
            vals = vals[np.isfinite(vals)]
            row[f"{m}_median"] = float(np.median(vals)) if len(vals) else None
            row[f"{m}_min"] = float(vals.min()) if len(vals) else None
            row[f"{m}_max"] = float(vals.max()) if len(vals) else None
        out.append(row)
    return out


def _core_for_run(key, cfg, res, store, what="all"):
    """lambda_max estimate / V_g / margin of the run's final network (cached in the store)."""
    if "core" in res:
        return res["core"]
    name = _CORE_NAME if what == "all" else _CORE_NAME + "-lambda"
    # the cache is per run key, and the key of an mse run differs from its half-mse twin (loss field)
    cached = store.get_derived(key, name) or (store.get_derived(key, _CORE_NAME) if what != "all" else None)
    if cached is not None:
        return cached
    if "params" not in res or cfg.get("activation", "relu") != "relu":
        return {}
    from .tracking import core_metrics

    c, task, (W, b, v, beta) = _final_network(cfg, res)
    value = core_metrics(W, b, v, beta, task.X, task.y, c["eta"], vg=what == "all", loss=c["loss"])
    store.put_derived(key, name, value)
    return value


_CERT_NAME = "certified-flat-v1"
CERTIFIED = ["cert_lambda_lower", "cert_lambda_upper", "cert_verdict"]


def _certified_for_run(key, cfg, res, store):
    """Certified lambda_max enclosure of the run's final network and its verdict w.r.t. Theta_flat(eta)
    (numerics.flat_points.certify_flatness: structured certificate, the run's eta and loss convention; weight
    decay is not part of the flat set), cached in the store."""
    cached = store.get_derived(key, _CERT_NAME)
    if cached is not None:
        return cached
    if "params" not in res or cfg.get("activation", "relu") != "relu":
        return {}

    from numerics.flat_points import certify_flatness

    c, task, (W, b, v, beta) = _final_network(cfg, res)
    value = certify_flatness(ReluNetwork.from_float(W, b, v, beta), Dataset.from_float(task.X, task.y),
                             Fraction(float(c["eta"])), loss=c["loss"])
    store.put_derived(key, _CERT_NAME, value)
    return value


def _fmt_outward(x, up: bool, digits: int = 8) -> str:
    """Format a certified bound with ``digits`` significant digits rounded outward (so it stays a bound).

    >>> _fmt_outward(1 / 3, True), _fmt_outward(1 / 3, False), _fmt_outward(None, True)
    ('0.33333334', '0.33333333', 'n/a')
    """
    if x is None:
        return "n/a"
    from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

    d = Decimal(x)  # exact value of the float
    q = Decimal(1).scaleb(d.adjusted() - digits + 1)
    return str(d.quantize(q, rounding=ROUND_CEILING if up else ROUND_FLOOR))


def _cert_counts(table, rows, keys):
    """Add to each aggregated row 'cert_flat / not / undecided' counts of its runs' certified verdicts."""
    for t in table:
        sel = [r for r in rows if all(r.get(k) == t.get(k) for k in keys) and r.get("cert_verdict")]
        if sel:
            t["certified_flat_not_undecided"] = (f"{sum(r['cert_verdict'] == 'flat' for r in sel)} / "
                                                 f"{sum(r['cert_verdict'] == 'not flat' for r in sel)} / "
                                                 f"{sum(r['cert_verdict'] not in ('flat', 'not flat') for r in sel)}")
    return table


def _final_network(cfg, res):
    """Return (full config, its Task, (W, b, v, beta)) of a stored run: the data are re-drawn from the seed."""
    from .data import make_task
    from .run import RUN_DEFAULTS
    from .tracking import decode_params

    c = {**RUN_DEFAULTS, **cfg}
    task = make_task(c["d"], c["n"], c["sigma"], c["seed"], c["target"], c["n_test"])
    return c, task, decode_params(res["params"])


def _activity(cfg, res) -> dict:
    """Per-neuron activity of the run's final network on its training inputs (``tracking.neuron_stats``).

    Returns ``median_samples_per_active_neuron`` (median of #{i : w_k.x_i - b_k > 0} over neurons active
    on at least one input), ``active_on_at_most_5`` (fraction of those active on <= 5 inputs), and the
    distribution of active fractions over active neurons (max, 90th percentile, median) at init and at
    the end (``act_{init,final}_{max,p90,median}``; the init network is rebuilt from the seed by
    ``trainer.init_params``, exactly the run's); empty when the run stored no parameters.
    """
    if "params" not in res:
        return {}
    import torch

    from .tracking import activation_distribution, neuron_stats
    from .trainer import Params, init_params

    c, task, params = _final_network(cfg, res)
    W, b, v, beta = (torch.as_tensor(np.asarray(a, dtype=np.float64)) for a in params)
    X = torch.as_tensor(np.asarray(task.X, dtype=np.float64))
    frac, _ = neuron_stats(Params(W, b, v, beta), X)
    frac0, _ = neuron_stats(init_params(int(c["d"]), int(c["width"]), int(c["seed"])), X)
    out = {}
    for when, fr in (("init", frac0), ("final", frac)):
        dist = activation_distribution(fr)
        out.update({f"act_{when}_{k}": dist[k] for k in ("max", "p90", "median")})
    counts = np.rint(frac * c["n"])
    active = counts > 0
    if not active.any():
        return {"median_samples_per_active_neuron": None, "active_on_at_most_5": None, **out}
    return {"median_samples_per_active_neuron": float(np.median(counts[active])),
            "active_on_at_most_5": float(((counts <= 5) & active).sum() / active.sum()), **out}


def _relative_to_zero_function(rows, group, d):
    """Median test MSE at the largest n of (group, d) over 1/(d+2) = E f0^2 (linear target), else None.

    >>> _relative_to_zero_function([{"group": "a", "d": 2, "n": 8, "test_mse": 0.125, "target": None}], "a", 2)
    0.5
    """
    sel = [r for r in rows if r["group"] == group and r["d"] == d and r.get("test_mse") is not None]
    if not sel or any((r.get("target") or "linear") != "linear" for r in sel):
        return None
    n_max = max(r["n"] for r in sel)
    return float(np.median([r["test_mse"] for r in sel if r["n"] == n_max]) * (d + 2))


def _run_rows(runs, store, core: str, progress: bool = True, certified: bool = False):
    rows = []
    todo = len(runs)
    bar = Reporter(enabled=progress and core != "none").bar("core metrics of final networks", todo)
    for i, (key, cfg, res) in enumerate(runs):
        row = {"key": key, **{k: cfg.get(k) for k in ("group", "d", "n", "width", "eta", "weight_decay",
                                                         "epochs", "seed", "sigma", "activation", "target")},
               "loss": cfg.get("loss", "half-mse")}
        for m in METRICS:
            row[m] = res.get(m)
        row["diverged"] = res.get("diverged")
        if cfg.get("experiment") in _VS or cfg.get("experiment") == "shattering":
            row.update(_activity(cfg, res))
        if core != "none":
            cm = _core_for_run(key, cfg, res, store, core)
            for m in CORE:
                row[m] = cm.get(m)
            if cm.get("error"):
                row["core_error"] = cm["error"]
            bar.update()
        if certified:
            cc = _certified_for_run(key, cfg, res, store)
            row.update({"cert_lambda_lower": cc.get("lambda_max_lower"),
                        "cert_lambda_upper": cc.get("lambda_max_upper"), "cert_verdict": cc.get("verdict")})
        rows.append(row)
    bar.close()
    return rows


def _write_csv(rows, path: Path):
    if not rows:
        path.write_text("")
        return
    fields = list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in fields})


def _fmt(x, digits=4):
    if x is None:
        return "n/a"
    if isinstance(x, (int, np.integer)):
        return str(x)
    if isinstance(x, float) and not np.isfinite(x):
        return "n/a"
    return f"{x:.{digits}g}"


def _md_table(rows, cols, header=None):
    header = header or cols
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        lines.append("| " + " | ".join(_fmt(r.get(c)) if not isinstance(r.get(c), str) else r[c] for c in cols) + " |")
    return "\n".join(lines)


def _grid_text(configs):
    def vals(k):
        got = {c.get(k) for c in configs if c.get(k) is not None}
        return sorted(got) if all(isinstance(x, (int, float)) for x in got) else sorted(got, key=str)

    parts = [f"{k} in {vals(k)}" for k in ("group", "d", "n", "width", "eta", "weight_decay", "epochs", "sigma",
                                            "activation", "target") if vals(k)]
    return f"{len(configs)} runs; seeds {vals('seed')}; " + "; ".join(parts)


def summarize(name, configs, store, out, command: str = "", quick: bool = False, core: str = "all",
              progress: bool = True, certified: bool = False) -> dict:
    """Write OUT/summary.{md,csv,json}, OUT/runs.csv and figures for experiment ``name``; return the summary.

    ``core``: 'all' computes the numerics core's lambda_max estimate, |f|_{V_g} and Thm 3.2 margin of
    every final ReLU network from its stored parameters (cached in the store); 'lambda' only the
    lambda_max estimate; 'none' nothing.  ``certified``: also certify each final ReLU network's
    lambda_max (structured certificate: enclosure and verdict flat / not flat / undecided at the run's
    eta, cached in the store) beside the estimates.  The returned dict has 'text' (a short human summary),
    'files' and experiment-specific tables.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    runs, missing = collect(configs, store)
    if core not in ("all", "lambda", "none"):
        raise ValueError(f"core must be 'all', 'lambda' or 'none', not {core!r}")
    rows = _run_rows(runs, store, core=core if name not in ("gelu", "flat") else "none", progress=progress,
                     certified=certified and name not in ("gelu", "flat"))
    _write_csv(rows, out / "runs.csv")

    losses = sorted({c.get("loss", "half-mse") for c in configs})
    conv_text = "; ".join(f"{x}: {convention(x).formula}" for x in losses)
    head = [f"# {name}: summary", "", f"Command: `{command}`" if command else "", "",
            f"Loss convention: {conv_text}.  eta, weight decay (torch's: wd * theta added to the gradient), "
            "clip, the loss column, lambda_max and 2/eta are all in this convention.", "",
            f"Grid: {_grid_text(configs)}.", "",
            f"Finished runs: {len(runs)} of {len(configs)}" + (f" ({len(missing)} missing: re-run the command to resume)"
                                                              if missing else "") + ".", "",
            "MSE is measured against the noise-free target f_0: 'train_mse' on the training inputs "
            "(in-sample, the quantity of Thm 3.6), 'test_mse' on 2000 fresh inputs.  " + (
                "lambda_max values are ESTIMATES (Lanczos on the analytic HVP: lower bounds), not certificates."
                if name != "flat" else "lambda_max, eta*, ||grad L|| and Thm 3.2 columns are CERTIFIED (see below); "
                "MSEs are float64 estimates."), ""]
    if quick:
        head.insert(1, "\n**Quick grid (CI smoke test): too small and too short to say anything about rates.**\n")
    summary = {"experiment": name, "finished": len(runs), "total": len(configs), "missing": len(missing),
               "command": command, "loss": losses[0] if len(losses) == 1 else losses}
    if name == "flat":
        from .flat_runs import flat_summary

        body, extra, files = flat_summary(name, runs, out)
    elif name in RATES_LIKE:
        body, extra, files = _rates_summary(name, rows, out)
    elif name == "shattering":
        body, extra, files = _shattering_summary(runs, rows, out)
    else:
        body, extra, files = _vs_summary(name, rows, out)
    text = extra.pop("_text", f"{name}: {len(runs)}/{len(configs)} runs; summary in {out / 'summary.md'}")
    summary.update(extra)
    md = "\n".join(head + body) + "\n"
    (out / "summary.md").write_text(md)
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    files = [str(p) for p in files] + [str(out / f) for f in ("summary.md", "summary.csv", "summary.json", "runs.csv")]
    summary["files"] = files
    summary["text"] = text
    return summary


def _rates_summary(name, rows, out):
    metrics = METRICS + CORE
    table = _cert_counts(aggregate(rows, ["group", "d", "n"], metrics), rows, ["group", "d", "n"])
    _write_csv(table, out / "summary.csv")
    groups = sorted({r["group"] for r in rows})
    ds = sorted({r["d"] for r in rows})
    slopes = []
    for g in groups:
        for d in ds:
            entry = {"group": g, "d": d}
            for m in ("train_mse", "test_mse"):
                samples = {}
                for r in rows:
                    if r["group"] == g and r["d"] == d and r.get(m) is not None:
                        samples.setdefault(r["n"], []).append(r[m])
                s, lo, hi = bootstrap_slope(samples)
                pre = "rate" if m == "train_mse" else "test_rate"
                # rate p = -slope; the interval flips
                entry.update({pre: -s, f"{pre}_lo": -hi, f"{pre}_hi": -lo})
            th = theory_exponents(d)
            entry.update({k: th[k] for k in ("stable_upper", "minimax_lower", "lownorm")})
            entry["mse_largest_n_over_zero_fn"] = _relative_to_zero_function(rows, g, d)
            entry["exponent_source"] = th["source"]
            slopes.append(entry)
    _write_csv(slopes, out / "slopes.csv")
    files = []
    if rows:
        files += plots.plot_rates(table, groups, ds, "train_mse", out, "mse_vs_n", name)
        files += plots.plot_rates(table, groups, ds, "test_mse", out, "test_mse_vs_n", name + " (test)")
        files += plots.plot_slopes(slopes, {d: theory_exponents(d) for d in ds}, out, "rates_vs_d",
                                     f"{name}: measured rate of in-sample MSE vs theory")
    for e in slopes:
        e["rate_ci"] = f"{_fmt(e['rate'], 3)} [{_fmt(e['rate_lo'], 3)}, {_fmt(e['rate_hi'], 3)}]"
        e["test_rate_ci"] = f"{_fmt(e['test_rate'], 3)} [{_fmt(e['test_rate_lo'], 3)}, {_fmt(e['test_rate_hi'], 3)}]"
    body = ["## Rates (MSE ~ n^-p; p = -slope of log median MSE vs log n, 95% bootstrap interval over seeds)", "",
            _md_table(slopes, ["d", "group", "rate_ci", "test_rate_ci", "stable_upper", "minimax_lower", "lownorm",
                               "mse_largest_n_over_zero_fn"],
                      ["d", "config", "p (train MSE vs f0)", "p (test MSE vs f0)", "Thm 3.6 upper 1/(2d+4)",
                       "Thm 3.7 lower", "low-norm (d+3)/(2d+3)", "median test MSE at largest n / E f0^2"]),
            "", "Last column: the median test MSE at the largest n divided by E f0(x)^2 = 1/(d+2), the MSE of the "
            "zero function (linear target only; n/a otherwise).  A value near 1 means the fit has not learned "
            "f0 beyond a constant.",
            "", f"Theory exponents from: {sorted({e['exponent_source'] for e in slopes})}.", "",
            "## Medians over seeds", "",
            _md_table(table, ["group", "d", "n", "seeds", "train_mse_median", "test_mse_median", "final_loss_median",
                              "active_neurons_median", "lambda_max_estimate_median", "vg_norm_median",
                              "thm32_margin_median"] + (["certified_flat_not_undecided"] if any(
                                  "certified_flat_not_undecided" in t for t in table) else []),
                      ["config", "d", "n", "seeds", "train MSE", "test MSE", "loss", "frac. neurons active",
                       "lambda_max est.", "V_g norm", "Thm 3.2 margin (est.)"] + (
                          ["certified flat / not flat / undecided (structured certificate)"] if any(
                              "certified_flat_not_undecided" in t for t in table) else [])), ""]
    text = "\n".join(f"{name} d={e['d']} config {e['group']}: p = {e['rate_ci']} (train), {e['test_rate_ci']} (test); "
                     f"theory 1/(2d+4)={e['stable_upper']:.3f}, lower={e['minimax_lower']:.3f}, "
                     f"low-norm={e['lownorm']:.3f}" for e in slopes)
    return body, {"slopes": slopes, "table": table, "_text": text}, files


def _shattering_summary(runs, rows, out):
    table = []
    plot_runs = []
    loss = runs[0][1].get("loss", "half-mse") if runs else "half-mse"
    thr = "2/(d+2)" if loss == "mse" else "1/(d+2)"  # collapse_threshold(d, loss), in the run's convention
    for (key, cfg, res), row in zip(runs, rows):
        nf = res.get("neurons_final") or {}
        frac = np.asarray(nf.get("active_fraction", []), dtype=float)
        norm = np.asarray(nf.get("weight_norm", []), dtype=float)
        active = frac > 0
        n = cfg["n"]
        sh = res.get("sharpness") or {}
        lam_hist = [v for v in sh.get("lambda_max_estimate", []) if v is not None]
        core = res.get("core", {})
        entry = {
            "group": cfg["group"], "seed": cfg["seed"], "eta": cfg["eta"], "weight_decay": cfg["weight_decay"],
            "epochs": cfg["epochs"], "steps_done": res.get("steps_done"), "diverged": str(res.get("diverged")),
            "final_loss": res.get("final_loss"), "train_mse": res.get("train_mse"), "test_mse": res.get("test_mse"),
            "lambda_max_estimate": core.get("lambda_max_estimate"), "two_over_eta": 2 / cfg["eta"],
            "max_lambda_est_along": max(lam_hist) if lam_hist else None,
            "vg_norm": core.get("vg_norm"), "thm32_margin": core.get("thm32_margin"),
            "neurons_active_on_data": float(active.mean()) if len(frac) else None,
            "median_samples_per_active_neuron": float(np.median(frac[active] * n)) if active.any() else None,
            "active_neurons_on_at_most_5_samples": float(((frac * n <= 5) & active).sum() / max(active.sum(), 1))
            if len(frac) else None,
            "corr_log_frac_log_norm": float(np.corrcoef(np.log(frac[active]), np.log(norm[active]))[0, 1])
            if active.sum() > 2 else None,
            "core_error": core.get("error"),
            "collapse_threshold": float(collapse_threshold(cfg["d"], loss)),
            "forces_constant_fit": str(forces_constant_fit(cfg["d"], cfg["weight_decay"], loss)),
            "lipschitz_bound": float(norm.sum()) if len(norm) else None,
            "cert_lambda_enclosure": (None if row.get("cert_verdict") is None else
                                      f"[{_fmt_outward(row.get('cert_lambda_lower'), False)}, "
                                      f"{_fmt_outward(row.get('cert_lambda_upper'), True)}]"),
            "cert_verdict": row.get("cert_verdict"),
        }
        for when, blob in (("init", res.get("neurons_init")), ("final", nf)):
            if blob and blob.get("active_fraction") is not None:
                dist = activation_distribution(blob["active_fraction"])
                entry.update({f"act_{when}_{k}": dist[k] for k in ("max", "p90", "median")})
            else:  # recomputed from the stored parameters (rows carry it; None without parameters)
                entry.update({k: row.get(k) for k in ACTIVITY_DIST if k.startswith(f"act_{when}")})
        table.append(entry)
        plot_runs.append((f"{cfg['group']}, seed {cfg['seed']}", cfg, res))
    _write_csv(table, out / "summary.csv")
    files = plots.plot_shattering(sorted(plot_runs, key=lambda t: t[0]), out, "shattering") if plot_runs else []
    cols = ["group", "seed", "eta", "weight_decay", "epochs", "final_loss", "train_mse", "test_mse", "lambda_max_estimate",
            "cert_lambda_enclosure", "cert_verdict", "two_over_eta", "max_lambda_est_along", "vg_norm", "thm32_margin", "neurons_active_on_data",
            "median_samples_per_active_neuron", "active_neurons_on_at_most_5_samples", "corr_log_frac_log_norm",
            "lipschitz_bound", "collapse_threshold", "forces_constant_fit"]
    dist_cols = ["group", "seed"] + ACTIVITY_DIST
    dist_hdr = ["config", "seed"] + [f"{when}: {stat} active frac." for when in ("init", "end")
                             for stat in ("max", "90th pct", "median")]
    hdr = ["config", "seed", "eta", "wd", "epochs", "loss", "train MSE", "test MSE", "final lambda_max est.",
           "final lambda_max certified enclosure", "in Theta_flat(eta) (certified)", "2/eta",
           "max lambda_max est. along training (incl. init)", "V_g norm", "Thm 3.2 margin (est.)", "frac. neurons active on data",
           "median #samples per active neuron", "frac. of active neurons on <= 5 samples", "corr(log active frac, log weight)",
           "Lipschitz bound sum_k abs(v_k) norm(w_k)", thr, f"wd >= {thr}"]
    body = ["## Final state per configuration", "", _md_table(table, cols, hdr), "",
            "Per-neuron definitions: active fraction = #{i : w_k.x_i - b_k > 0}/n on the training inputs; "
            "weight norm = |v_k| * ||w_k||_2.  Figure: shattering.png / .pdf.", "",
            "## Per-neuron active fractions over active neurons (max, 90th percentile, median), at init and at the end",
            "", _md_table(table, dist_cols, dist_hdr), "",
            f"When wd >= {thr} ({loss} convention) the zero network minimises the population objective "
            "L + (wd/2)||theta||^2 (linear target, decay on all parameters; the threshold is 1/(d+2) under the "
            "half-MSE loss and 2/(d+2) on torch's wd under torch's MSELoss) "
            "(numerics.experiments.weight_decay; proofs_notes/experiments.md): a near-constant fit is then the "
            "expected outcome, not a training failure.", ""]
    text = "\n".join(f"shattering config {e['group']} seed {e['seed']}: train MSE {_fmt(e['train_mse'])}, test MSE {_fmt(e['test_mse'])}, "
                     f"lambda_max estimate {_fmt(e['lambda_max_estimate'])} vs 2/eta {_fmt(e['two_over_eta'])}, "
                     f"neurons active on data {_fmt(e['neurons_active_on_data'])}, median samples per active neuron "
                     f"{_fmt(e['median_samples_per_active_neuron'])}" for e in table)
    return body, {"table": table, "_text": text}, files


_VS = {"dimension": ("d", "group", False), "lr": ("eta", "group", True), "underparam": ("width", "group", True)}


def _vs_summary(name, rows, out):
    x, group_key, logx = _VS[name]
    metrics = METRICS + (["lambda_max_estimate"] if name == "lr" else []) + ACTIVITY
    if name == "dimension":
        metrics = metrics + ACTIVITY_DIST
    table = _cert_counts(aggregate(rows, [group_key, x], metrics + CORE), rows, [group_key, x])
    _write_csv(table, out / "summary.csv")
    files = plots.plot_vs(table, x, metrics, group_key, out, name, f"{name} sweep", logx=logx) if rows else []
    cols = [group_key, x, "seeds"] + [f"{m}_median" for m in metrics + CORE] + (
        ["certified_flat_not_undecided"] if any("certified_flat_not_undecided" in t for t in table) else [])
    body = [f"## Medians over seeds against {x}", "", _md_table(table, cols), ""]
    text = "\n".join(f"{name} {group_key}={r[group_key]} {x}={r[x]}: train MSE {_fmt(r['train_mse_median'])}, "
                     f"test MSE {_fmt(r['test_mse_median'])}, neurons active {_fmt(r['active_neurons_median'])}"
                     for r in table)
    return body, {"table": table, "_text": text}, files
