"""The ``flat`` experiment: train, turn the end point into a certified flat point, and measure rates on those.

One run (:func:`run_flat`): full-batch GD as in the rates experiment (configuration (a): eta = 0.2, no weight
decay, width 4n), then numerics.flat_points.flat_point on the end point (polishing + structured certificate at the
step GD used, read exactly: the float eta's dyadic value), and the same certificate on the unpolished end
point.  The summary (:func:`flat_summary`) reports per (d, n) the share of runs certified flat, the median
eta*, certified Thm 3.2 bound and test MSE, and per d the slope of test MSE against n over CERTIFIED points
only, beside the exponents of ``bounds``.  The certified points of each d can be written out as files
(:func:`write_certified_points`).  Definitions: proofs_notes/flat_minima.md.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
from fractions import Fraction
from pathlib import Path

import numpy as np

from numerics.hessian import KinkError
from numerics.network import Dataset, ReluNetwork

__all__ = ["run_flat", "flat_grid", "flat_summary", "write_certified_points", "certify_files", "FLAT_POLISH_STEPS"]

FLAT_POLISH_STEPS = 5000


def flat_grid(quick: bool, epochs: int, ds=None, ns=None, seeds=None, polish_steps=None) -> list:
    """Return the run configs of the flat experiment (full: d in {1,2,3,5,8,10}, n in {64..1024}, 3 seeds).

    >>> len(flat_grid(False, 10000)), len(flat_grid(True, 300))
    (90, 4)
    """
    if quick:
        ds, ns, seeds = ds or [1, 3], ns or [16, 32], seeds or [0]
    else:
        ds, ns, seeds = ds or [1, 2, 3, 5, 8, 10], ns or [64, 128, 256, 512, 1024], seeds or [0, 1, 2]
    steps = polish_steps if polish_steps is not None else (300 if quick else FLAT_POLISH_STEPS)
    return [{"experiment": "flat", "group": "a", "d": d, "n": n, "width": 4 * n, "seed": s, "sigma": 1.0,
             "eta": 0.2, "weight_decay": 0.0, "epochs": epochs, "track_every": max(1, epochs // 25),
             "polish_steps": steps}
            for d in ds for n in ns for s in seeds]


def _encode(net) -> dict:
    f = net.as_float()
    theta = np.concatenate([f.v, np.asarray(f.W).reshape(-1), f.b, [float(f.beta)]]).astype("<f8")
    return {"K": int(f.K), "d": int(f.d), "theta_b64": base64.b64encode(theta.tobytes()).decode()}


def run_flat(config: dict) -> dict:
    """Return the JSON-able result of one flat run: training summary, flat report of the polished point,
    the certificate of the unpolished end point, and the polished parameters (lossless float64).

    >>> r = run_flat({"d": 1, "n": 8, "width": 8, "epochs": 50, "eta": 0.2, "polish_steps": 50})
    >>> sorted(r)[:3], r["flat"]["loss"]
    (['end_point', 'flat', 'flat_params'], 'half-mse')
    """
    from numerics.flat_points import flat_point, flat_report

    from .run import run_one
    from .summary import _final_network

    cfg = dict(config)
    steps = int(cfg.pop("polish_steps", FLAT_POLISH_STEPS))
    train = run_one({**cfg, "store_params": True})
    out = {"train": {k: train.get(k) for k in ("final_loss", "train_mse", "test_mse", "steps_done",
                                               "train_seconds", "diverged", "active_neurons", "loss_convention")}}
    if train.get("diverged"):
        out.update(flat=None, end_point=None, flat_params=None, error="training diverged")
        return out
    c, task, (W, b, v, beta) = _final_network(cfg, train)
    net, data = ReluNetwork.from_float(W, b, v, beta), Dataset.from_float(task.X, task.y)
    eta = Fraction(float(c["eta"]))  # the step GD used, exactly
    loss = c.get("loss", "half-mse")
    try:
        r = flat_point(net, data, eta, loss=loss, polish_steps=steps, f0=task.f0_train, X_test=task.X_test,
                       f0_test=task.f0_test)
        e = flat_point(net, data, eta, loss=loss, polish_steps=0, f0=task.f0_train, X_test=task.X_test,
                       f0_test=task.f0_test, vg_exact=False)
    except KinkError as exc:
        out.update(flat=None, end_point=None, flat_params=None, error=f"KinkError: {exc}")
        return out
    out["flat"] = flat_report(r)
    ep = flat_report(e)
    out["end_point"] = {k: ep[k] for k in ("certified_flat_at_eta", "lambda_max_lower_float",
                                           "lambda_max_upper_float", "eta_star_float", "grad_norm_upper_float",
                                           "loss_float", "test_mse", "train_mse")}
    out["flat_params"] = _encode(r.network)
    return out


def _decode(blob):
    K, d = blob["K"], blob["d"]
    th = np.frombuffer(base64.b64decode(blob["theta_b64"]), dtype="<f8").astype(np.float64)
    return ReluNetwork.from_float(th[K:K + K * d].reshape(K, d), th[K + K * d:K * (d + 2)], th[:K], float(th[-1]))


def _med(xs):
    xs = [float(x) for x in xs if x is not None and np.isfinite(float(x))]
    return float(np.median(xs)) if xs else None


def _rows(runs):
    rows = []
    for key, cfg, res in runs:
        f, e = res.get("flat") or {}, res.get("end_point") or {}
        rows.append({"key": key, "d": cfg["d"], "n": cfg["n"], "width": cfg["width"], "seed": cfg["seed"],
                     "eta": cfg["eta"], "loss": cfg.get("loss", "half-mse"), "epochs": cfg["epochs"],
                     "certified_flat": f.get("certified_flat_at_eta"),
                     "lambda_max_lower": f.get("lambda_max_lower_float"),
                     "lambda_max_upper": f.get("lambda_max_upper_float"), "eta_star": f.get("eta_star_float"),
                     "grad_norm_upper": f.get("grad_norm_upper_float"), "loss_value": f.get("loss_float"),
                     "vg_norm": f.get("vg_norm"), "thm32_upper": f.get("thm32_upper_float"),
                     "train_mse": f.get("train_mse"), "test_mse": f.get("test_mse"),
                     "polish_steps_done": (f.get("polish") or {}).get("steps"),
                     "end_certified_flat": e.get("certified_flat_at_eta"), "end_eta_star": e.get("eta_star_float"),
                     "end_grad_norm_upper": e.get("grad_norm_upper_float"), "end_test_mse": e.get("test_mse"),
                     "error": res.get("error")})
    return rows


def flat_summary(name, runs, out: Path):
    """Return (markdown body, extra summary fields, files) of the flat experiment (see the module doc)."""
    from .rates import bootstrap_slope, theory_exponents
    from .summary import _fmt, _md_table, _write_csv

    rows = _rows(runs)
    _write_csv(rows, out / "runs.csv")
    table = []
    for d, n in sorted({(r["d"], r["n"]) for r in rows}):
        sel = [r for r in rows if r["d"] == d and r["n"] == n]
        cert = [r for r in sel if r["certified_flat"] is True]
        table.append({
            "d": d, "n": n, "runs": len(sel), "certified_flat": len(cert),
            "certified_not_flat": sum(r["certified_flat"] is False for r in sel),
            "undecided": sum(r["certified_flat"] is None for r in sel),
            "end_point_certified_flat": sum(r["end_certified_flat"] is True for r in sel),
            "share_certified": len(cert) / len(sel) if sel else None,
            "eta_star_median": _med(r["eta_star"] for r in sel),
            "thm32_upper_median_certified": _med(r["thm32_upper"] for r in cert),
            "vg_norm_median_certified": _med(r["vg_norm"] for r in cert),
            "grad_norm_upper_median": _med(r["grad_norm_upper"] for r in sel),
            "end_grad_norm_upper_median": _med(r["end_grad_norm_upper"] for r in sel),
            "test_mse_median_certified": _med(r["test_mse"] for r in cert),
            "end_test_mse_median": _med(r["end_test_mse"] for r in sel),
        })
    _write_csv(table, out / "summary.csv")
    slopes = []
    for d in sorted({r["d"] for r in rows}):
        samples = {}
        for r in rows:
            if r["d"] == d and r["certified_flat"] is True and r["test_mse"] is not None:
                samples.setdefault(r["n"], []).append(r["test_mse"])
        s, lo, hi = bootstrap_slope(samples)
        th = theory_exponents(d)
        slopes.append({"d": d, "ns_with_certified_points": " ".join(map(str, sorted(samples))), "points": sum(map(len, samples.values())),
                       "test_rate": -s, "test_rate_lo": -hi, "test_rate_hi": -lo,
                       "stable_upper": th["stable_upper"], "minimax_lower": th["minimax_lower"],
                       "lownorm": th["lownorm"], "exponent_source": th["source"]})
    _write_csv(slopes, out / "slopes.csv")
    for e in slopes:
        e["test_rate_ci"] = f"{_fmt(e['test_rate'], 3)} [{_fmt(e['test_rate_lo'], 3)}, {_fmt(e['test_rate_hi'], 3)}]"
    body = [
        "## What is certified", "",
        "For every run the GD end point is polished (GD on L with a decreasing step, numerics.flat_points.polish) and "
        "the polished point is certified with the structured certificate: lambda_max enclosure, eta* = "
        "2/lambda_upper, the verdict at the step GD used (exactly the float eta), the exact loss, a certified "
        "upper bound on ||grad L|| and the certified Thm 3.2 upper bound on |f|_Vg.  Test MSE (against f_0, 2000 "
        "fresh inputs) is a float64 estimate; |f|_Vg is exact for K n <= 2e5 and a float64 estimate above.  "
        "'end point' columns: the same certificate on the unpolished GD end point.", "",
        "## Per (d, n)", "",
        _md_table(table, ["d", "n", "runs", "certified_flat", "certified_not_flat", "undecided",
                          "end_point_certified_flat", "eta_star_median", "thm32_upper_median_certified",
                          "vg_norm_median_certified", "grad_norm_upper_median", "end_grad_norm_upper_median",
                          "test_mse_median_certified", "end_test_mse_median"],
                  ["d", "n", "runs", "certified flat", "certified not flat", "undecided",
                   "end point certified flat", "median eta* (cert.)", "median Thm 3.2 bound (cert.)",
                   "median |f|_Vg", "median ||grad L|| bound (cert.)", "same at end point",
                   "median test MSE (certified points, est.)", "median test MSE at end point (est.)"]), "",
        "## Rates over certified points only (test MSE ~ n^-p; 95% bootstrap interval over seeds)", "",
        _md_table(slopes, ["d", "points", "ns_with_certified_points", "test_rate_ci", "stable_upper",
                           "minimax_lower", "lownorm"],
                  ["d", "certified points", "n with certified points", "p (test MSE vs f0)",
                   "Thm 3.6 upper 1/(2d+4)", "Thm 3.7 lower", "low-norm (d+3)/(2d+3)"]), "",
    ]
    text = "\n".join(f"{name} d={e['d']}: {e['points']} certified points, p = {e['test_rate_ci']} (test); "
                     f"theory 1/(2d+4)={e['stable_upper']:.3f}" for e in slopes)
    from .plots import plot_flat
    files = plot_flat(table, out, "flat", f"{out.name}: certified flat points")
    return body, {"table": table, "slopes": slopes, "_text": text}, files


def certify_files(folder: Path, eta: str, loss: str, prefix: str = "") -> int:
    """Certify FOLDER/network.json on FOLDER/data.json at step ``eta`` with ``python -m numerics.certify``.

    Writes FOLDER/certificate.json (the certificate file of ``--certificate-out``, re-checkable by
    ``python -m numerics.check_certificate``) and FOLDER/certify.json (the ``--json`` output, with the
    exit code and the command, its paths relative to the folder's parent when ``prefix`` is the folder's
    name followed by a slash).  Returns the exit code of numerics.certify (0: certified stable,
    Prop. 2.1: lambda_max(grad^2 L) <= 2/eta).

    >>> import tempfile
    >>> from numerics.io import save_data, save_network
    >>> from numerics.network import Dataset, ReluNetwork
    >>> f = Path(tempfile.mkdtemp())
    >>> save_network(ReluNetwork.exact([[1]], [5], [1], 0), f / "network.json")
    >>> save_data(Dataset.exact([[1]], [0]), f / "data.json")
    >>> certify_files(f, "2", "half-mse"), sorted(p.name for p in f.iterdir())
    (0, ['certificate.json', 'certify.json', 'data.json', 'network.json'])
    """
    from numerics.certify import main as certify_main

    folder = Path(folder)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(io.StringIO()):
        code = certify_main(["--network", str(folder / "network.json"), "--data", str(folder / "data.json"),
                             "--eta", eta, "--loss", loss, "--json", "--quiet",
                             "--certificate-out", str(folder / "certificate.json")])
    cert = json.loads(buf.getvalue()) if buf.getvalue().strip() else {}
    cert["exit_code"] = code
    cert.pop("certificate_file", None)  # an absolute path; the command below names the file
    cert["command"] = (f"python -m numerics.certify --network {prefix}network.json --data {prefix}data.json "
                       f"--eta {eta} --loss {loss} --json --certificate-out {prefix}certificate.json")
    (folder / "certify.json").write_text(json.dumps(cert, indent=2) + "\n")
    return code


def write_certified_points(runs, out: Path, per_d: int = 3) -> list:
    """Write up to ``per_d`` certified flat points per d under OUT/certified/<run key>/ and return the folders.

    Each folder: network.json (exact strings of the certified point), data.json (exact), certificate.json
    (the certificate file written by ``python -m numerics.certify --certificate-out`` on those two files at
    the exact step, re-checkable by ``python -m numerics.check_certificate``), certify.json (that command's
    ``--json`` output) and flat.json (the numerics.flat report).  The smallest n are preferred.
    """
    from numerics.io import save_data, save_network

    from .data import make_task
    from .run import RUN_DEFAULTS

    written = []
    ds = sorted({cfg["d"] for _, cfg, _ in runs})
    for d in ds:
        cands = sorted(((cfg["n"], cfg["seed"], key, cfg, res) for key, cfg, res in runs
                        if cfg["d"] == d and (res.get("flat") or {}).get("certified_flat_at_eta") is True),
                       key=lambda t: (t[0], t[1]))
        for n, seed, key, cfg, res in cands[:per_d]:
            folder = out / "certified" / key
            folder.mkdir(parents=True, exist_ok=True)
            c = {**RUN_DEFAULTS, **{k: v for k, v in cfg.items() if k != "polish_steps"}}
            task = make_task(c["d"], c["n"], c["sigma"], c["seed"], c["target"], c["n_test"])
            net = _decode(res["flat_params"]).as_exact()
            save_network(net, folder / "network.json")
            save_data(Dataset.from_float(task.X, task.y).as_exact(), folder / "data.json")
            eta = str(Fraction(float(cfg["eta"])))
            certify_files(folder, eta, cfg.get("loss", "half-mse"), prefix=f"{folder.name}/")
            (folder / "flat.json").write_text(json.dumps({"config": cfg, **res["flat"]}, indent=2))
            written.append(str(folder))
    return written
