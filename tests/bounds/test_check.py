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
    assert "16/16 claims proved" in out and "FAIL" not in out
    # no claim is passed on an identically-zero difference unless it is stated as an identity
    assert "trivial" not in out


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


def test_wrong_d1_value_is_caught():
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


def test_no_proved_sign_claim_is_vacuous():
    """Every 'proved' verdict either is an explicit identity or has a difference that is not identically 0:
    checked independently by re-reading the statements (identity verdicts say so) and evaluating the
    derived and registered exponents at many d (a vacuous 'x >= x' would show as equal everywhere)."""
    for r in prove_all():
        for v in r.verdicts:
            assert v.status in ("proved",), (r.name, v.statement)
            assert "identically 0 (so >= 0)" not in v.witness
    # the old vacuous statements are gone
    texts = " ".join(v.statement for r in prove_all() for v in r.verdicts)
    assert "= 1/4 >= 1/4" not in texts and "eps^-(4) <= eps^-4" not in texts
    assert ">= eps^-((d+1)/2), real d >= 1" not in texts


def test_vacuous_claim_is_refused_as_trivial():
    """A registry in which the low-norm MSE exponent is exactly 1/2 makes 'p > 1/2' a 0 > 0 claim: it must be
    refused (refuted for strict claims); a non-strict comparison of a quantity with itself must be 'trivial'."""
    from bounds import prove_positive

    assert prove_positive(_with("lownorm_gap", exponent=sp.Rational(1, 4))["lownorm_gap"].exponent - sp.Rational(1, 4),
                          strict=False).status == "trivial"
    failed = _failed(_with("lownorm_mse", exponent=sp.Rational(1, 2)), claims_only=True)
    assert "low_norm_dimension_free" in failed


def test_ratio_claim_is_piecewise():
    """The ratio p_minimax / p_mse_upper is 3 at d = 1 and in (4, 16/3] on d >= 2: both pieces are stated, and
    a registry with a d = 1 ratio inside (4, 16/3] breaks the d = 1 piece."""
    (c,) = [r for r in check_claims() if r.name == "consistency"]
    info = " ".join(c.info)
    assert "at d = 1: 1/2 / 1/6 = 3" in info and "(4, 16/3]" in info and "(4, 6]" not in info
    # mse_upper(1) = 1/9 makes the ratio at d = 1 equal 9/2, inside the d >= 2 range: the claim must fail
    bad = _with("mse_upper", exponent=sp.Piecewise((sp.Rational(1, 9), sp.Eq(d, 1)), (1 / (2 * d + 4), True)))
    assert "consistency" in _failed(bad, claims_only=True)


def test_gap_lower_has_no_d1_value_and_its_claims_start_at_2():
    r = REGISTRY["gap_lower"]
    assert r.d_min == 2 and not r.applies(1) and r.applies(2)
    (c,) = [x for x in check_claims() if x.name == "consistency"]
    gap_statements = [v.statement for v in c.verdicts if "p_gap_lower" in v.statement]
    assert gap_statements and all("d = 1" not in s for s in gap_statements)
    assert all("(d >= 2)" in s or "-> 0" in s for s in gap_statements)


def test_monotonicity_is_per_piece_and_the_switch_is_explained():
    (m,) = [x for x in check_claims() if x.name == "curse_of_dimensionality"]
    mm = [v.statement for v in m.verdicts if "p_minimax_mse_lower" in v.statement and "decreasing" in v.statement]
    assert mm == ["p_minimax_mse_lower = 2/(d + 1) strictly decreasing on real d >= 2"]
    (s,) = [x for x in check_claims() if x.name == "d1_construction_switch"]
    assert "two different constructions" in s.statement and "Construction H.7" in " ".join(s.info)
    assert all("genuine exception" not in v.statement for v in s.verdicts)


def test_derived_here_ridge_claims_fail_on_a_wrong_exponent():
    """The ridge exponents are derived (not typed in): a wrong registry value fails the derivation, and one
    below the stable-minima upper exponent fails the consistency part of the ridge claim."""
    failed = _failed(_with("ridge_multi_mse_lower", exponent=1 / (3 * d + 5)))
    assert "derivation: ridge-bump lower bounds (derived here, not from the paper)" in failed
    assert "ridge_vs_thm_3_7" in _failed(_with("ridge_multi_mse_lower", exponent=1 / (2 * d + 6)), claims_only=True)


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
