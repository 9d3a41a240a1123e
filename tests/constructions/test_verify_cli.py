"""python -m constructions.verify: exit codes (0 pass, 1 a check failed, 2 bad input), JSON keys, rejects."""

import importlib
import json
import subprocess
import sys
from fractions import Fraction

import pytest
import sympy as sp

from constructions.caps import validate_eps, verify_packing
from constructions.checks import CHECKS, Context, InputError, check_eps, load_direction_file, run
from constructions.verify import main
from numerics.network import to_fraction
from numerics.outcome import Outcome

KEYS = {"d", "eps", "num_caps", "cap_mass", "atom_l2_sq", "vg_cost", "packing_size", "min_hamming",
        "fano_lower_bound", "empty_caps", "lambda_max", "checks"}


def _json(capsys, argv):
    rc = main(argv + ["--json"])
    out = json.loads(capsys.readouterr().out)
    return rc, out


def test_small_run_passes_with_all_json_keys(capsys):
    rc, out = _json(capsys, ["--d", "2", "--eps", "1/4"])
    assert rc == 0 and out["passed"] is True
    assert KEYS <= set(out)
    assert out["eps"] == "1/4" and out["lambda_max"] == "1" and out["num_caps"] == 8
    assert all({"name", "passed", "certified", "detail"} <= set(c) for c in out["checks"])
    assert any(not c["certified"] for c in out["checks"])  # estimates are labelled as such


def test_d1_run(capsys):
    rc, out = _json(capsys, ["--d", "1", "--eps", "1/8"])
    assert rc == 0, [c for c in out["checks"] if not c["passed"]]
    assert out["num_caps"] == 8


def _write(tmp_path, obj, name="dirs.json"):
    p = tmp_path / name
    p.write_text(obj if isinstance(obj, str) else json.dumps(obj))
    return str(p)


def test_user_directions_pass_and_fail(tmp_path, capsys):
    # 8 directions near multiples of 45 degrees; JSON decimals are read exactly (-1.0 is -1, 0.0 is 0)
    square = [[1, 0], [0, 1], [-1.0, 0.0], [0, -1], ["20/29", "21/29"], ["-20/29", "-21/29"], ["21/29", "-20/29"],
              ["-21/29", "20/29"]]
    ok = _write(tmp_path, {"d": 2, "eps": "1/4", "directions": square})
    rc, out = _json(capsys, ["--directions", ok])
    assert rc == 0 and out["num_caps"] == 8
    overlap = _write(tmp_path, {"d": 2, "eps": "1/4", "directions": square[:4] + [["3/5", "4/5"]]}, "o.json")
    rc, out = _json(capsys, ["--directions", overlap])
    assert rc == 1 and "overlap" in out["checks"][1]["detail"]
    off = _write(tmp_path, {"d": 2, "eps": "1/8", "directions": [[1, 0], ["1/2", "1/2"]]}, "off.json")
    rc, out = _json(capsys, ["--directions", off])
    assert rc == 1 and "not on the unit sphere" in out["checks"][1]["detail"]


def test_too_large_eps_fails_verification(tmp_path, capsys):
    # on the command line an eps outside the construction's range is bad input, with the right range
    for eps in ("3/4", "0.6"):
        assert main(["--d", "2", "--eps", eps]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "(0, 1/2]" in err[0] and "(0, 1)" not in err[0]
    rc, out = _json(capsys, ["--d", "2", "--eps", "1/2", "--n", "20"])   # the boundary is accepted
    assert out["checks"][0]["name"] == "eps_range" and out["checks"][0]["passed"]
    # a user's direction file with such an eps is verified, and the eps_range check fails
    f = _write(tmp_path, {"d": 2, "eps": "3/4", "directions": [[1, 0], [-1, 0]]})
    assert main(["--directions", f]) == 1


@pytest.mark.parametrize("argv", [["--eps", "abc"], ["--eps", "0"], ["--eps", "2"], ["--d", "0"], ["--n", "-3"],
                                  ["--eta", "0"], ["--sigma", "-1"], ["--bogus"], ["--d", "99"]])
def test_bad_flags_exit_2(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "error" in err[0]


@pytest.mark.parametrize("content", ["{not json", '{"d": 2, "eps": "1/8"}', '{"d": 2, "eps": "x", "directions": [[1, 0]]}',
                                     '{"d": 0, "eps": "1/8", "directions": [[1]]}', '[1, 2]',
                                     '{"d": 2, "eps": "1/8", "directions": [["a", 0]]}',
                                     '{"d": 2, "eps": "1/8", "directions": [[1e-999999999, 1]]}',
                                     '{"d": 2, "eps": "1e-999999999", "directions": [[1, 0]]}',
                                     '{"d": 2, "eps": "1/8", "directions": ' + "[" * 1000 + "]" * 1000 + '}'])
def test_malformed_direction_files_exit_2(tmp_path, content, capsys):
    f = _write(tmp_path, content)
    assert main(["--directions", f]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert main(["--directions", str(tmp_path / "missing.json")]) == 2


# values the shared conversion numerics.network.to_fraction refuses: an exponent beyond +-10000, strings
# that are not numbers, a zero denominator, booleans, non-finite floats, None, lists, irrational sympy
REFUSED = ["1e99999", "1e-99999", "abc", "1/0", "nan", True, None, float("nan"), float("inf"), [1]]


def _refusal(value) -> str:
    with pytest.raises(ValueError) as info:
        to_fraction(value)
    return str(info.value)


def test_construction_inputs_are_read_by_the_one_shared_conversion():
    import constructions.caps
    import constructions.checks
    import constructions.verify

    for module in (constructions.caps, constructions.checks, constructions.verify):
        assert module.to_fraction is to_fraction
    assert not hasattr(importlib.import_module("constructions._rational"), "to_fraction")
    assert _refusal("1e99999") == "exponent of '1e99999' is beyond +-10000"
    for value in (sp.sqrt(2), sp.Float(0.5)):
        assert "exact rational" in _refusal(value)
    with pytest.raises(ValueError, match="exponent"):
        validate_eps("1e-99999")
    with pytest.raises(ValueError, match="boolean"):
        verify_packing([[1, 0], [True, 0]], "1/4")
    assert validate_eps(sp.Rational(1, 8)) == Fraction(1, 8) and validate_eps("0.125") == Fraction(1, 8)


@pytest.mark.parametrize("flag", ["--eps", "--eta", "--sigma"])
@pytest.mark.parametrize("value", [v for v in REFUSED if isinstance(v, str)])
def test_refused_flag_values_exit_2_with_the_conversion_message(flag, value, capsys):
    assert main([flag, value]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"constructions.verify: error: argument {flag}: {_refusal(value)}"]


@pytest.mark.parametrize("value", REFUSED)
@pytest.mark.parametrize("where", ["eps", "direction"])
def test_direction_file_refuses_what_the_conversion_refuses(tmp_path, value, where, capsys):
    doc = {"d": 2, "eps": value, "directions": [[1, 0]]} if where == "eps" else \
        {"d": 2, "eps": "1/8", "directions": [[1, 0], [0, value]]}
    f = _write(tmp_path, doc)
    with pytest.raises(InputError) as info:
        load_direction_file(f)
    assert str(info.value) == f"{f}: {_refusal(value)}"
    assert main(["--directions", f]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [f"constructions.verify: error: {info.value}"]


def test_json_number_with_a_huge_exponent_is_refused_before_it_is_built(tmp_path):
    f = _write(tmp_path, '{"d": 2, "eps": 1e99999, "directions": [[1, 0]]}')
    with pytest.raises(InputError, match=r"exponent of '1e99999' is beyond \+-10000"):
        load_direction_file(f)


def test_conflicting_d_exits_2(tmp_path):
    f = _write(tmp_path, {"d": 2, "eps": "1/4", "directions": [[1, 0], [-1, 0]]})
    assert main(["--directions", f, "--d", "3"]) == 2


def test_subprocess_bad_input_no_traceback():
    r = subprocess.run([sys.executable, "-m", "constructions.verify", "--eps", "1/x"], capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_checks_list_is_extensible_and_crashes_are_failures():
    def check_extra(ctx):
        return Outcome("extra", ctx.d == 2, True, detail="d == 2")

    def check_boom(ctx):
        raise RuntimeError("boom")

    res = run(Context(d=2, eps=Fraction(1, 4), n=10), [check_eps, check_extra, check_boom])
    assert [r.holds for r in res] == [True, True, False] and "boom" in res[2].detail
    assert res[2].certified is False and res[1].method == "check_extra"  # a crash is an uncertified failure
    assert check_eps in CHECKS


@pytest.mark.slow
def test_default_run_passes():
    r = subprocess.run([sys.executable, "-m", "constructions.verify", "--json"], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stdout[-2000:]
    out = json.loads(r.stdout)
    assert out["d"] == 3 and out["eps"] == "1/8" and out["lambda_max"] == "1"


def test_gd_dynamics_check_passes_on_the_app_i_minimum():
    from constructions.checks import check_gd_dynamics

    ctx = Context(d=2, eps=Fraction(1, 4), n=20)
    r = check_gd_dynamics(ctx)
    assert r.name == "gd_dynamics" and r.holds, r.detail
    assert r.certified is False and r.status == "estimate"  # GD dynamics are evidence, never a certificate
    assert check_gd_dynamics in CHECKS


def test_gd_dynamics_check_rejects_a_sample_inside_an_atom_cap():
    """A sample moved into the first atom's cap makes that neuron active with label 0: not a minimum."""
    from numerics.network import Dataset

    from constructions.checks import check_gd_dynamics

    ctx = Context(d=2, eps=Fraction(1, 4), n=20)
    u = ctx.app_i_directions[ctx.empty[0]]  # cached: the check still believes this cap is empty
    X = ctx.data.X.tolist()
    X[0] = [Fraction(99, 100) * c for c in u]
    ctx.data = Dataset.exact(X, [0] * len(X))
    r = check_gd_dynamics(ctx)
    assert r.holds is False and "critical point" in r.detail
