"""bounds.table and bounds.plot: formats, JSON keys, and one-line exit-2 errors on bad input."""

import csv
import io
import json

import pytest

from bounds import REGISTRY
from bounds import plot as plot_cli
from bounds import rate_figure
from bounds import table as table_cli


def _run(main, argv, capsys):
    rc = main(argv)
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def test_table_json_keys_and_values(capsys):
    rc, out, _ = _run(table_cli.main, ["--d", "1:10", "--format", "json"], capsys)
    assert rc == 0
    data = json.loads(out)
    assert all(list(r) == ["id", "quantity", "kind", "regime", "source", "d", "exponent", "exponent_float",
                           "domain", "flag"]
               for r in data)
    row = next(r for r in data if r["id"] == "gap_upper" and r["d"] == 3)
    assert row["exponent"] == "1/10" and row["exponent_float"] == 0.1
    n_rates = sum(1 for r in REGISTRY.values() if r.dims is None)
    # + univariate_interior_mse at d = 1; - gap_lower at d = 1 (its domain is d >= 2)
    assert len(data) == 10 * n_rates + 1 - 1
    assert not any(r["id"] == "gap_lower" and r["d"] == 1 for r in data)
    assert all(r["domain"] == REGISTRY[r["id"]].domain for r in data)
    # every flag printed is the registry's; the reconstructed and derived-here items carry theirs
    assert {r["id"]: r["flag"] for r in data}["lownorm_mse"] == "exponent reconstructed"
    assert {r["id"]: r["flag"] for r in data}["ridge_multi_mse_lower"] == "derived here"
    assert all((r["flag"] == "prefactor reconstructed") == REGISTRY[r["id"]].prefactor_reconstructed
               for r in data if r["flag"] != "derived here")


def test_table_json_flag_equals_format_json(capsys):
    _, a, _ = _run(table_cli.main, ["--d", "2:3", "--json"], capsys)
    _, b, _ = _run(table_cli.main, ["--d", "2:3", "--format", "json"], capsys)
    assert a == b and json.loads(a)


def test_table_quantity_filter_and_single_d(capsys):
    rc, out, _ = _run(table_cli.main, ["--d", "5", "--format", "json", "--quantity", "mse"], capsys)
    data = json.loads(out)
    assert rc == 0 and {r["quantity"] for r in data} == {"mse"} and {r["d"] for r in data} == {5}


@pytest.mark.parametrize("fmt", ["markdown", "latex", "csv"])
def test_table_text_formats(fmt, capsys):
    rc, out, _ = _run(table_cli.main, ["--d", "1:100", "--format", fmt, "--quantity", "gap"], capsys)
    assert rc == 0
    if fmt == "csv":
        parsed = list(csv.DictReader(io.StringIO(out)))
        r = next(x for x in parsed if x["id"] == "gap_lower" and x["d"] == "100")
        assert r["exponent"] == "2/101"
    elif fmt == "markdown":
        assert "| gap_upper | gap | upper | stable minima | Thm 3.5 (upper) | 1 | 1/6 |" in out
    else:
        assert "\\begin{tabular}" in out and "$\\frac{1}{6}$" in out


@pytest.mark.parametrize("argv", [["--d", "0"], ["--d", "x"], ["--format", "nope"], ["--d", "5:2"],
                                  ["--d", "1:2:3"], ["--quantity", "risk"], ["--ids", "nope"], ["--d", "-1"]])
def test_table_bad_input_exits_2_with_one_line(argv, capsys):
    with pytest.raises(SystemExit) as e:
        rc = table_cli.main(argv)
        raise SystemExit(rc)
    assert e.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "error" in err


def test_plot_png(tmp_path, capsys):
    out = tmp_path / "rates.png"
    assert plot_cli.main(["--out", str(out), "--d", "1:100"]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "wrote" in capsys.readouterr().out


@pytest.mark.slow
def test_plot_pdf(tmp_path):
    out = tmp_path / "rates.pdf"
    assert plot_cli.main(["--out", str(out), "--d", "1:20", "--json"]) == 0
    assert out.read_bytes()[:4] == b"%PDF"


def test_plot_series_are_the_registry_values():
    s = rate_figure.series([1, 2, 9])
    assert s["minimax_mse_lower"] == [0.5, 2 / 3, 0.2]
    assert s["gap_upper"] == [1 / 6, 1 / 8, 1 / 22]


@pytest.mark.parametrize("argv", [["--out", "x.jpg"], ["--out", "/nonexistent_dir/x.png"], [],
                                  ["--out", "x.png", "--d", "0"], ["--out", "x.png", "--d", "x"]])
def test_plot_bad_input_exits_2_with_one_line(argv, capsys):
    with pytest.raises(SystemExit) as e:
        raise SystemExit(plot_cli.main(argv))
    assert e.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1


def test_light_rates_match_the_sympy_registry():
    from bounds._rates_data import light_rates

    light = light_rates()
    assert list(light) == list(REGISTRY)
    for rid, r in REGISTRY.items():
        lr = light[rid]
        assert (lr.quantity, lr.kind, lr.regime, lr.source, lr.dims) == (r.quantity, r.kind, r.regime, r.source, r.dims)
        assert all(lr.exponent_at(k) == r.exponent_at(k) for k in range(1, 101))


def test_light_formula_parser_rejects_anything_but_arithmetic():
    from bounds._rates_data import LightRate

    for bad in ("__import__('os')", "d**2", "1.5/d", "x + 1"):
        with pytest.raises(ValueError):
            LightRate(dict(id="x", quantity="gap", kind="upper", regime="stable minima", source="", exponent=bad))


def test_table_and_plot_do_not_import_sympy():
    import subprocess
    import sys

    code = ("import sys; from bounds.table import main; main(['--d', '1:100', '--format', 'csv']); "
            "from bounds.rate_figure import series; series(range(1, 101)); print('SYMPY', 'sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert "SYMPY False" in out


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, bounds; print('sympy' in sys.modules, 'torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.split()
    assert out == ["False", "False"]
