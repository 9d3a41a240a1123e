"""Tests for numerics.linear_stability (and its CLI numerics.stability): GD at high precision against linear stability (Prop. 2.1)."""

import json
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import numerics.linear_stability as stab
from numerics.hessian import loss
from numerics.linear_stability import fit_rate, linear_analysis, stability_check, stability_experiment
from numerics.network import Dataset, ReluNetwork
from numerics.polish import polish_minimum
from numerics.stability import main
from numerics.stability_cases import construction_case, gd_endpoint_case, interpolating_case


@pytest.fixture(scope="module")
def interp():
    net, data = interpolating_case()
    return net, data, linear_analysis(net, data, dps=50)


@pytest.fixture(scope="module")
def constr():
    net, data = construction_case(n=8, seed=1)
    return net, data, linear_analysis(net, data, dps=50)


def _fd_hessian_lambda_max(net, data, h=1e-4):
    """Reference lambda_max: central second differences of the loss in float64 (no analytic H)."""
    net, data = net.as_float(), data.as_float()
    th = net.to_vector()
    P = th.size

    def L(x):
        return loss(ReluNetwork.from_vector(x, net.K, net.d), data)

    H = np.empty((P, P))
    for i in range(P):
        for j in range(P):
            ei, ej = np.zeros(P), np.zeros(P)
            ei[i], ej[j] = h, h
            H[i, j] = (L(th + ei + ej) - L(th + ei - ej) - L(th - ei + ej) + L(th - ei - ej)) / (4 * h * h)
    return np.linalg.eigvalsh((H + H.T) / 2)[-1]


def test_fit_rate():
    assert abs(fit_rate([3 * 1.2 ** t for t in range(20)]) - 1.2) < 1e-13
    with mpmath.workdps(50):
        vals = [mpmath.mpf(10) ** -40 * mpmath.mpf("0.8") ** t for t in range(30)]
    assert abs(fit_rate(vals) - 0.8) < 1e-13
    assert fit_rate([1.0, 0.5]) is None and fit_rate([1.0, 0.0, 1.0]) is None


@given(
    st.fractions(min_value=Fraction(1, 100), max_value=Fraction(5), max_denominator=1000),
    st.fractions(min_value=Fraction(1, 1000), max_value=Fraction(10**6), max_denominator=1000),
    st.integers(min_value=3, max_value=60),
)
@example(Fraction(1), Fraction(1), 3)  # rate exactly 1: constant sequence
def test_fit_rate_recovers_any_geometric_rate(rate, c, length):
    with mpmath.workdps(40):
        vals = [mpmath.mpf(c.numerator) / c.denominator * (mpmath.mpf(rate.numerator) / rate.denominator) ** t
                for t in range(length)]
    assert abs(fit_rate(vals) - float(rate)) <= 1e-12 * float(rate)
    assert abs(fit_rate([-v if t % 2 else v for t, v in enumerate(vals)]) - float(rate)) <= 1e-12 * float(rate)


@given(st.fractions(min_value=Fraction(1, 50), max_value=Fraction(4), max_denominator=200))
@example(Fraction(2))  # the threshold itself: rate exactly 1, still "linearly stable"
def test_rates_on_the_construction_are_those_of_e_beta(constr, eta):
    # H = e_beta e_beta^T: one mode with rate |1 - eta|, every other mode flat (rate 1).
    r = constr[2].rates(eta)
    assert abs(r["predicted_rate"] - abs(1 - float(eta))) < 1e-14
    assert abs(r["spectral_radius"] - max(1.0, abs(1 - float(eta)))) < 1e-14
    assert r["null_dim"] == r["num_params"] - 1
    assert r["linearly_stable_predicted"] is (eta <= 2)


def test_construction_is_the_trivially_flat_minimum(constr):
    net, data, a = constr
    assert a.gradient_exactly_zero
    # Hessian = e_beta e_beta^T: one eigenvalue 1, the rest 0 (proofs_notes/theory.md §3, §8).
    assert abs(a.lambda_max - 1) < mpmath.mpf(10) ** -45
    assert all(abs(x) < mpmath.mpf(10) ** -45 for x in a.eigenvalues[:-1])
    assert abs(abs(a.top_vector[-1]) - 1) < mpmath.mpf(10) ** -45
    assert a.kink_margin > 0 and a.rates(Fraction(9, 5))["eta_threshold"] == 2.0


def test_interpolating_lambda_max_against_finite_differences(interp):
    net, data, a = interp
    assert a.gradient_exactly_zero
    ref = _fd_hessian_lambda_max(net, data)
    assert abs(float(a.lambda_max) - ref) < 1e-5 * ref
    assert abs(a.rates(1)["eta_threshold"] - 2) > 0.05  # neurons active on data: threshold is not 2
    assert a.rates(1)["null_dim"] >= 1  # rescaling symmetry of each active neuron is flat


@pytest.mark.parametrize("factor,rate,stays", [(Fraction(9, 10), 0.8, True), (Fraction(11, 10), 1.2, False)])
def test_interpolating_rate_and_fate(interp, factor, rate, stays):
    net, data, a = interp
    r = stability_experiment(net, data, eta_factor=factor, steps=120, sizes=("1e-12",), certify=False, analysis=a)
    assert abs(r["predicted_rate"] - rate) < 1e-12
    assert abs(r["observed_rate"] - rate) <= 1e-6 * rate  # the 1e-6 relative accuracy the check promises
    for run in r["runs"]:
        assert run["stayed"] is stays and run["escaped"] is not stays
        assert run["linear_window"] >= 20
        assert run["linear_prediction_rel_error"] < 1e-6  # all modes, not just the top one
        assert not run["may_have_crossed_kink"] or not stays
    assert r["stable_observed"] is stays and r["linearly_stable_predicted"] is stays


@pytest.mark.parametrize("eta,rate,stays", [("9/5", 0.8, True), ("11/5", 1.2, False)])
def test_construction_threshold_is_two(constr, eta, rate, stays):
    net, data, a = constr
    r = stability_experiment(net, data, eta=eta, steps=60, sizes=("1e-12", "1e-4"), certify=False, analysis=a)
    assert r["eta_threshold"] == 2.0
    assert abs(r["observed_rate"] - rate) <= 1e-9 * rate  # beta-dynamics are exactly linear
    assert all(run["stayed"] is stays for run in r["runs"])
    for run in r["runs"]:
        if stays and run["direction"] == "random":
            # dead-neuron directions are flat: the perturbation's non-beta part never moves
            assert run["final_distance"] > 0.5 * run["initial_distance"]


def test_precision_restored_after_analysis_and_experiment():
    mpmath.mp.dps = 23
    net, data = construction_case(n=4)
    a = linear_analysis(net, data, dps=40)
    stability_experiment(net, data, eta_factor="0.9", steps=10, sizes=("1e-8",), directions=("top",),
                         certify=False, analysis=a)
    assert mpmath.mp.dps == 23


def test_float64_path_runs_and_reports_no_dps(interp):
    net, data, _ = interp
    r = stability_experiment(net, data, eta_factor="0.9", kind="float", steps=40, sizes=("1e-6",),
                             certify=False)
    assert r["dps"] is None and r["stable_observed"]
    assert abs(r["observed_rate"] - 0.8) < 1e-3


# --- the check for constructions.verify: passes on minima, rejects broken inputs -----------------


@pytest.mark.parametrize("case", ["interp", "constr"])
def test_check_passes_on_minima(case, request):
    net, data, _ = request.getfixturevalue(case)
    res = stability_check(net, data, steps=60)
    assert res.holds, res.detail
    assert res.certified is False and res.status == "estimate"
    assert set(res.as_check()) == {"name", "passed", "certified", "detail"}
    assert not res.quantity("lambda_max").certified  # the eigen-solver's value is an estimate


def test_check_rejects_non_critical_point():
    net, data = interpolating_case()
    bad = Dataset.exact(data.X, [y + Fraction(1, 10) for y in data.y])
    res = stability_check(net, bad, steps=20)
    assert res.holds is False and "critical" in res.detail


def test_check_rejects_kink():
    net = ReluNetwork.exact([[1, 0]], [Fraction(1, 2)], [1], 0)
    data = Dataset.exact([[Fraction(1, 2), 0]], [0])  # z = 1/2 - 1/2 = 0: on the kink
    res = stability_check(net, data, steps=20)
    assert res.holds is False and "Hessian" in res.detail


def test_check_rejects_saddle():
    # An exact critical point with negative curvature: one neuron active on both points (z = 1),
    # v = w = 0, b = -1, beta = 0, so f = 0 and r = (-1, +1).  grad_beta = mean(r) = 0,
    # grad_v = mean(r * relu(z)) = 0, grad_w = grad_b = 0 (v = 0).  The residual part of the Hessian
    # has the (v, w) entry mean(r * x) = -1 while the (w, w) entry is 0: an indefinite block.
    net = ReluNetwork.exact([[0]], [-1], [0], 0)
    data = Dataset.exact([[1], [-1]], [1, -1])
    a = linear_analysis(net, data, dps=30)
    assert a.gradient_exactly_zero and a.lambda_min < 0  # residual curvature: a saddle
    res = stability_check(net, data, steps=20)
    assert res.holds is False and "not a minimum" in res.detail


def test_check_detects_gradient_hessian_mismatch(monkeypatch):
    # If the Hessian disagreed with the gradient the dynamics are built from, the check must fail.
    net, data = interpolating_case()
    real = stab._hessian
    monkeypatch.setattr(stab, "_hessian", lambda n, d: 2 * real(n, d))
    res = stability_check(net, data, steps=60)
    assert res.holds is False and "FAIL" in res.detail


# --- CLI -----------------------------------------------------------------------------------------


def test_cli_json_keys(capsys):
    rc = main(["--construction", "--n", "6", "--eta-factor", "0.9", "--steps", "40", "--sizes", "1e-12",
               "--dps", "30", "--no-certify", "--json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("lambda_max", "eta", "eta_threshold", "predicted_rate", "observed_rate", "stable_observed", "dps"):
        assert key in out
    assert out["dps"] == 30 and out["stable_observed"] is True and abs(out["eta"] - 1.8) < 1e-12


def test_cli_human(capsys):
    rc = main(["--interpolating", "--n", "6", "--eta-factor", "1.1", "--steps", "60", "--sizes", "1e-12",
               "--dps", "30", "--no-certify"])
    assert rc == 0
    out = capsys.readouterr().out
    assert "ESCAPED" in out and "ESTIMATES" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["--construction", "--eta", "0"],
        ["--construction", "--eta", "abc"],
        ["--construction"],
        ["--network", "nonexistent.json", "--eta", "1"],
        ["--network", "/nonexistent/net.json", "--data", "/nonexistent/d.json", "--eta", "1"],
        ["--construction", "--eta", "1", "--dps", "0"],
        ["--construction", "--eta", "1", "--sizes", "2"],
    ],
)
def test_cli_bad_input_exits_2_with_one_line(argv, capsys):
    try:
        rc = main(argv)
    except SystemExit as exc:
        rc = exc.code
    assert rc == 2
    err = capsys.readouterr().err.strip()
    assert err and len(err.splitlines()) == 1


@pytest.mark.parametrize("flag", ["--eta", "--eta-factor", "--sizes"])
def test_cli_refuses_a_huge_decimal_exponent_without_expanding_it(flag, capsys):
    """10^(10^8) as an exact rational would take minutes and gigabytes; it is refused at once, in one line."""
    argv = ["--construction", flag, "1e100000000"] + (["--eta", "1"] if flag == "--sizes" else [])
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].endswith(f"argument {flag}: exponent of '1e100000000' is beyond +-10000")


# --- GD end points polished at high precision; files ----------------------------------------------


def test_polish_minimum_reaches_a_critical_point():
    net, data = interpolating_case()
    bumped = ReluNetwork.from_vector(net.to_vector() + Fraction(1, 500), net.K, net.d)
    pol, info = polish_minimum(bumped, data, dps=40)
    assert pol.kind == "mpmath" and info["converged"] and info["gradient_norm"] < 1e-30
    assert info["loss"] < 1e-60  # zero-residual minimum: Gauss-Newton converges quadratically
    a = linear_analysis(pol, data, dps=40)
    assert not a.gradient_exactly_zero and float(a.gradient_norm) < 1e-30 and a.lambda_min > -1e-30


@pytest.mark.slow
def test_gd_endpoint_polished_minimum_rates():
    net, data, info = gd_endpoint_case(dps=50)
    assert info["converged"]
    a = linear_analysis(net, data, dps=50)
    assert abs(a.rates(1)["eta_threshold"] - 2) > 0.05
    for factor, rate, stays in ((Fraction(9, 10), 0.8, True), (Fraction(11, 10), 1.2, False)):
        r = stability_experiment(net, data, eta_factor=factor, steps=120, sizes=("1e-12",), certify=False,
                                 analysis=a)
        assert abs(r["observed_rate"] - rate) <= 1e-6 * rate
        assert r["stable_observed"] is stays
    assert stability_check(net, data, steps=80).holds


def test_cli_network_and_data_files(tmp_path, capsys):
    from numerics.io import save_data, save_network

    net, data = interpolating_case()
    save_network(net, tmp_path / "net.json")
    save_data(data, tmp_path / "data.json")
    common = ["--eta-factor", "0.9", "--steps", "40", "--sizes", "1e-12", "--dps", "30", "--no-certify", "--json"]
    assert main(["--network", str(tmp_path / "net.json"), "--data", str(tmp_path / "data.json")] + common) == 0
    from_files = json.loads(capsys.readouterr().out)
    assert main(["--interpolating", "--n", "6"] + common) == 0
    built = json.loads(capsys.readouterr().out)
    assert from_files["lambda_max_digits"] == built["lambda_max_digits"]
    assert from_files["gradient_exactly_zero"] is True
    (tmp_path / "bad.json").write_text("{not json")
    assert main(["--network", str(tmp_path / "bad.json"), "--data", str(tmp_path / "data.json")] + common) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    save_data(Dataset.exact([[0, 0, 0]], [0]), tmp_path / "d3.json")
    assert main(["--network", str(tmp_path / "net.json"), "--data", str(tmp_path / "d3.json")] + common) == 2


def test_certificate_of_numerics_certify_is_reported():
    net, data = construction_case(n=6)
    ok = stability_experiment(net, data, eta="9/5", steps=5, sizes=("1e-12",), directions=("top",), dps=30)
    assert ok["certified"] is True and ok["certificate"]["stable"] is True
    bad = stability_experiment(net, data, eta="11/5", steps=5, sizes=("1e-12",), directions=("top",), dps=30)
    assert bad["certificate"]["stable"] is False


def test_cli_polish_and_non_critical_warning(tmp_path, capsys):
    from numerics.io import save_data, save_network

    net, data = interpolating_case()
    bumped = ReluNetwork.from_vector(net.to_vector() + Fraction(1, 1000), net.K, net.d)
    save_network(bumped, tmp_path / "net.json")
    save_data(data, tmp_path / "data.json")
    files = ["--network", str(tmp_path / "net.json"), "--data", str(tmp_path / "data.json")]
    common = ["--eta-factor", "0.9", "--steps", "30", "--sizes", "1e-12", "--dps", "30", "--no-certify"]
    assert main(files + common) == 0
    assert "NOT a critical point" in capsys.readouterr().out
    assert main(files + common + ["--polish", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["critical_point"] is True and r["gradient_norm"] < 1e-15
    assert main(["--construction", "--eta", "1", "--polish"]) == 2


def test_check_fails_when_certificate_and_dynamics_disagree(monkeypatch):
    # A certificate claiming "stable" at 1.1 x 2/lambda_max contradicts the escaping GD run.
    net, data = construction_case(n=6)
    monkeypatch.setattr(stab, "_certificate", lambda n, d, e: {"certified": True, "stable": True, "detail": "fake"})
    res = stability_check(net, data, steps=60)
    assert res.holds is False and "certificate says stable=True but GD escaped" in res.detail
