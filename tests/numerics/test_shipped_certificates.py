"""Every certificate file shipped under results/ is accepted by the independent checker.

The files are those written by ``python -m numerics.certify --certificate-out`` for the certified flat
points (results/flat/certified/*/, results/flat-mse/certified/*/, results/flat/shattering-a/); each must
be a real certificate document (not a report), claim stability at the step its certify.json names, and
pass ``python -m numerics.check_certificate``.  The default run checks the smallest file of each folder
in full and the claims of all; the slow test checks every file in full.
"""

import json
from fractions import Fraction
from pathlib import Path

import pytest

from numerics.check_certificate import check, main as check_main

RESULTS = Path(__file__).resolve().parents[2] / "results"
FILES = sorted(RESULTS.rglob("certificate.json"))


def _num(text):
    return Fraction(float.fromhex(text)) if "x" in text else Fraction(text)


def test_certificates_are_shipped():
    groups = {p.relative_to(RESULTS).parts[0] for p in FILES}
    assert {"flat", "flat-mse"} <= groups
    assert (RESULTS / "flat" / "shattering-a" / "certificate.json") in FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(RESULTS)))
def test_shipped_file_is_a_stability_certificate_of_its_command(path):
    doc = json.loads(path.read_text())
    assert doc["format"] == "nsc-certificate/1" and doc["problem"]["type"] == "stability"
    assert doc["claim"]["stable"] is True
    rep = json.loads((path.parent / "certify.json").read_text())  # the numerics.certify --json output
    assert rep["exit_code"] == 0 and rep["stable"] is True
    toks = rep["command"].split()
    assert toks[toks.index("--certificate-out") + 1].endswith("certificate.json")
    eta, loss = Fraction(toks[toks.index("--eta") + 1]), toks[toks.index("--loss") + 1]
    assert doc["problem"]["loss"] == loss and _num(doc["problem"]["eta"]) == eta
    scale = 2 if loss == "mse" else 1  # the claim is about H, the half-mse Hessian (numerics.loss)
    assert _num(doc["claim"]["threshold"]) == 2 / (scale * eta)
    assert _num(doc["claim"]["lambda_max_lower"]) <= _num(doc["claim"]["lambda_max_upper"]) <= 2 / (scale * eta)


def _smallest_per_folder():
    best = {}
    for p in FILES:
        group = p.relative_to(RESULTS).parts[:2]
        if group not in best or p.stat().st_size < best[group].stat().st_size:
            best[group] = p
    return sorted(best.values())


@pytest.mark.parametrize("path", _smallest_per_folder(), ids=lambda p: str(p.relative_to(RESULTS)))
def test_smallest_shipped_certificates_pass_the_checker(path, capsys):
    assert check_main([str(path)]) == 0, capsys.readouterr().out


@pytest.mark.slow  # ~10 s for the 36 small files, longer for shattering-a (n = 512, K = 2048)
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(RESULTS)))
def test_every_shipped_certificate_passes_the_checker(path):
    status, failed, msg, _ = check(json.loads(path.read_text()))
    assert status == "valid", msg


def test_the_checker_refuses_a_shipped_certificate_with_one_field_changed():
    path = _smallest_per_folder()[0]
    doc = json.loads(path.read_text())
    doc["problem"]["data"]["y"][0] = str(_num(doc["problem"]["data"]["y"][0]) + Fraction(1, 3))
    status, failed, _, _ = check(doc)
    assert status == "invalid" and failed == "residuals"
