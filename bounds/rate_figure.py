"""The figure of the rate exponents against d and of the sample-complexity comparison (matplotlib Agg).

CLI: ``python -m bounds.plot``.
"""

from __future__ import annotations

__all__ = ["SUFFIXES", "series", "make_figure"]

SUFFIXES = (".png", ".pdf")


def series(dims, registry=None) -> dict:
    """Return {rate_id: [float p(d) for d in dims]} for the plotted rates (exact values, then float).

    Outside a rate's domain the value is nan (gap_lower has no d = 1 value).

    >>> series([1, 2])["minimax_mse_lower"], series([1, 2])["gap_lower"]
    ([0.5, 0.6666666666666666], [nan, 0.6666666666666666])
    """
    from ._rates_data import light_rates

    reg = light_rates() if registry is None else registry
    ids = ("gap_upper", "mse_upper", "gap_lower", "minimax_mse_lower", "lownorm_gap", "lownorm_mse",
           "uniform_deviation", "gap_upper_unconstrained", "ridge_multi_mse_lower")
    return {i: [reg[i].exponent_float(k) if reg[i].applies(k) else float("nan") for k in dims] for i in ids}


def make_figure(dims, registry=None):
    """Return a matplotlib Figure (two panels: exponents and sample-complexity exponents against d).

    Left panel: the stable-minima band between 1/(2d+4) (Thm 3.5/3.6) and 2/(d+1) (Thm 3.7) and the
    low-norm exponents; right panel: 1/p on a log scale (samples n ≍ eps^(-1/p) for error eps).

    >>> len(make_figure([1, 2, 3]).axes)
    2
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    s = series(dims, registry)
    # fixed margins: constrained layout would triple the drawing time (it draws to measure)
    fig = Figure(figsize=(11, 4.2))
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.12, top=0.92, wspace=0.22)
    ax, bx = fig.subplots(1, 2)
    ax.fill_between(dims, s["gap_upper"], s["minimax_mse_lower"], color="tab:red", alpha=0.2,
                    label="stable minima: between upper and lower")
    ax.plot(dims, s["gap_upper"], color="tab:red", lw=2, label="stable upper 1/(2d+4) (Thm 3.5/3.6)")
    ax.plot(dims, s["minimax_mse_lower"], color="tab:red", lw=1, ls="--",
            label="stable lower 2/(d+1), d=1: 1/2 (Thm 3.7)")
    ax.plot(dims, s["ridge_multi_mse_lower"], color="tab:purple", lw=1, ls="-.",
            label="lower 4/(3d+5): ridge bumps on caps (derived here, not the paper)")
    ax.plot(dims, s["gap_upper_unconstrained"], color="tab:orange", lw=1, ls=":",
            label="unconstrained balance 1/(2d+2)")
    ax.plot(dims, s["lownorm_gap"], color="tab:blue", lw=2, label="low-norm gap 1/4")
    ax.plot(dims, s["uniform_deviation"], color="tab:blue", lw=1, ls=":", label="Lemma F.5 (d+3)/(4d+6)")
    ax.plot(dims, s["lownorm_mse"], color="tab:green", lw=2, label="low-norm MSE (d+3)/(2d+3)")
    ax.set_xscale("log")
    ax.set_xlabel("dimension d")
    ax.set_ylabel("rate exponent p  (error ≍ n^-p)")
    ax.set_title("Rate exponents")
    ax.set_ylim(0, 1.2)
    ax.legend(fontsize=7, ncol=2, loc="upper right")
    inv = lambda v: [1 / x for x in v]  # noqa: E731
    bx.fill_between(dims, inv(s["minimax_mse_lower"]), inv(s["mse_upper"]), color="tab:red", alpha=0.2,
                    label="stable minima: needed (Thm 3.7) .. sufficient (Thm 3.6)")
    bx.plot(dims, inv(s["minimax_mse_lower"]), color="tab:red", lw=2, label="stable minima need ≥ ε^-(d+1)/2")
    bx.plot(dims, inv(s["lownorm_gap"]), color="tab:blue", lw=2, label="low-norm gap: ≤ ε^-4 suffice")
    bx.plot(dims, inv(s["lownorm_mse"]), color="tab:green", lw=2, label="low-norm MSE: ε^-(2d+3)/(d+3)")
    bx.set_xscale("log")
    bx.set_yscale("log")
    bx.set_xlabel("dimension d")
    bx.set_ylabel("1/p: n ≍ ε^(-1/p) samples for error ε")
    bx.set_title("Sample complexity")
    bx.legend(fontsize=7)
    return fig
