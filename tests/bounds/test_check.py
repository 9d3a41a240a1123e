"""bounds.check: passes on the real registry and FAILS (exit 1) when a registry entry is wrong."""

import json

import pytest
import sympy as sp

from bounds import REGISTRY, build_registry, check_claims, prove_all
from bounds.check import main
from bounds._symbols import d
from bounds.rate import Rate


def _with(rid, **changes):
    reg = build_registry()
    r = reg[rid]
    fields = {k: getattr(r, k) for k in r.__dataclass_fields__}
    fields.update(changes)
    reg[rid] = Rate(**fields)
    return reg


def test_real_registry_all_hold(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "14/14 claims proved" in out and "FAIL" not in out


def test_json_output(capsys):
    assert main(["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["all_hold"] is True
    assert all(r["holds"] for r in data["results"])
    assert all(v["status"] == "proved" for r in data["results"] for v in r["verdicts"])


def _failed(reg, claims_only=False):
    return {r.name for r in (check_claims(reg) if claims_only else prove_all(reg)) if not r.holds}


def test_wrong_upper_exponent_fails(capsys):
    reg = _with("gap_upper", exponent=1 / (2 * d + 3))
    assert main([], registry=reg) == 1
    assert "FAIL" in capsys.readouterr().out
    assert "derivation: stable-minima generalisation gap" in _failed(reg)


def test_wrong_lower_exponent_breaks_consistency():
    reg = _with("minimax_mse_lower", exponent=1 / (4 * d + 20))  # below the upper exponent 1/(2d+4)
    failed = _failed(reg)
    assert "consistency" in failed and "derivation: minimax MSE lower bound" in failed
    assert main([], registry=reg) == 1


def test_wrong_d1_exception_is_caught():
    # same general branch, wrong d = 1 value: only the exact d = 1 comparison can see it
    reg = _with("minimax_mse_lower", exponent=sp.Piecewise((sp.Rational(1, 3), sp.Eq(d, 1)), (2 / (d + 1), True)))
    assert "derivation: minimax MSE lower bound" in _failed(reg)


def test_wrong_prefactor_and_log_factor_are_caught():
    M = sp.Symbol("M", positive=True)
    assert "derivation: uniform deviation" in _failed(_with("uniform_deviation", prefactor=M ** 2))
    L = sp.Symbol("L_n", positive=True)
    assert "derivation: stable-minima MSE" in _failed(_with("mse_upper", log_factor=L ** (1 / (2 * d + 2))))


def test_claim_fails_without_a_derivation_mismatch_path():
    # low-norm gap below 1/4 violates the dimension-free claim (and the derivation)
    failed = _failed(_with("lownorm_gap", exponent=sp.Rational(1, 5)))
    assert "low_norm_dimension_free" in failed and "exponential_separation" in failed
    # unconstrained exponent below the constrained one: the validity claim must fail
    assert "validity_binds" in _failed(_with("gap_upper_unconstrained", exponent=1 / (2 * d + 6)), claims_only=True)
    # a stable-minima exponent that does not tend to 0
    assert "curse_of_dimensionality" in _failed(_with("gap_lower", exponent=(d + 1) / (2 * d)), claims_only=True)


def test_registry_untouched_by_tests():
    assert REGISTRY["gap_upper"].exponent == 1 / (2 * d + 4)


@pytest.mark.slow
def test_module_entry_point_exit_codes():
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "bounds.check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-2000:]
    r = subprocess.run([sys.executable, "-m", "bounds.check", "--bogus"], capture_output=True, text=True)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
