"""Certificate files of the App. H / App. I construction, re-checked by the independent checker."""

import copy
import json
from fractions import Fraction

import pytest

from constructions.certificate_file import construction_document
from constructions.checks import K_MAX_CERTIFY, Context, check_app_i, check_code, check_eps, check_packing, run
from constructions.verify import main
from numerics import check_certificate as cc
from numerics.certificate_file import content_digest


@pytest.fixture(scope="module")
def doc():
    ctx = Context(d=2, eps=Fraction(1, 4), n=60, seed=1)
    results = run(ctx, [check_eps, check_packing, check_code, check_app_i])
    assert all(r.holds for r in results if r.certified)
    return construction_document(ctx, results, K_MAX_CERTIFY)


def _redigest(d):
    d["claim"]["problem_sha256"] = content_digest(d["problem"])
    d["claim"]["witness_sha256"] = content_digest(d["witness"])
    return d


def test_construction_certificate_is_valid_and_claims_everything(doc):
    status, failed, msg, done = cc.check(doc)
    assert status == "valid", msg
    assert {"packing_disjoint", "code_distance", "code_size", "empty_caps", "stable_minimum_atoms"} <= set(done)
    assert doc["claim"]["app_i"]["stable"] is True and doc["claim"]["app_i"]["lambda_max"] == "1"


def _mutations(doc):
    C, W, P = doc["claim"], doc["witness"], doc["problem"]
    E = C["app_i"]["empty_caps"]
    full = [i for i in range(C["num_caps"]) if i not in E][0]
    u = [cc.num(x) for x in W["directions"][E[0]]]
    inside = [str(Fraction(c) * Fraction(99, 100)) for c in u]  # a sample inside the empty cap C(u)
    return [
        ("direction entry changed (not unit)", ("witness", "directions", 0, 0),
         str(cc.num(W["directions"][0][0]) + Fraction(1, 10 ** 9)), "packing_unit"),
        ("code word duplicated", ("witness", "code", 1), W["code"][0], "code_distance"),
        ("code size overstated", ("claim", "code", "size"), C["code"]["size"] + 1, "code_claim"),
        ("an empty cap dropped from the list", ("claim", "app_i", "empty_caps"), E[1:], "empty_caps"),
        ("an occupied cap listed as empty", ("claim", "app_i", "empty_caps"), sorted(E + [full]), "empty_caps"),
        ("a sample moved into an empty cap", ("problem", "X", 0), inside, "empty_caps"),
        ("eta changed", ("problem", "eta"), "3", "threshold"),
        ("loss flipped", ("problem", "loss"), "mse", "threshold"),
        ("stability flipped", ("claim", "app_i", "stable"), False, "stable_minimum"),
        ("lambda_max changed", ("claim", "app_i", "lambda_max"), "2", "stable_minimum"),
        ("eps changed", ("problem", "eps"), "1/3", "packing_disjoint"),
    ]


def test_every_construction_mutation_is_rejected_mathematically(doc):
    for name, path, value, check in _mutations(doc):
        bad = copy.deepcopy(doc)
        obj = bad
        for key in path[:-1]:
            obj = obj[key]
        obj[path[-1]] = value
        assert cc.check(bad)[0] == "invalid", name  # digests alone already reject it
        status, failed = cc.check(_redigest(bad))[:2]
        assert (status, failed) == ("invalid", check), (name, failed)


def test_code_bit_flip_is_still_a_valid_code_but_not_the_issued_certificate(doc):
    """Flipping one bit keeps the distance >= ceil(N/8) here (the code has slack): only the digest rejects."""
    bad = copy.deepcopy(doc)
    bad["witness"]["code"][0] = format(int(bad["witness"]["code"][0], 16) ^ 1, "x")
    assert cc.check(bad)[:2] == ("invalid", "witness_digest")
    assert cc.check(_redigest(bad))[0] == "valid"


def test_verify_cli_writes_a_certificate_the_checker_accepts(tmp_path, capsys):
    out = tmp_path / "construction.json"
    assert main(["--d", "2", "--eps", "1/4", "--n", "60", "--certificate-out", str(out)]) in (0, 1)
    doc = json.loads(out.read_text())
    assert cc.main([str(out)]) == 0
    assert doc["claim"].get("packing_disjoint") is True and "code" in doc["claim"]
