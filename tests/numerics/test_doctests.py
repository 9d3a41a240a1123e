"""Every docstring example in numerics runs and gives the printed result."""

import doctest
import importlib
from pathlib import Path

import pytest

# Modules whose examples (or whose import) need torch are marked `torch`.
MODULES = ["numerics", "numerics._charpoly_cert", "numerics._cli", "numerics._exact_schur", "numerics._progress", "numerics._rigorous",
           "numerics._structured_cert", "numerics._weights_fast",
           "numerics.certificate_file", "numerics.certificates", "numerics.certify", "numerics.curvature", "numerics.exact_sqrt", "numerics.gd", "numerics.hessian", "numerics.io", "numerics.lambda_estimate",
           "numerics.loss", "numerics.outcome", "numerics.reproduce", "numerics.sampling", "numerics.linear_stability", "numerics.polish", "numerics.stability", "numerics.stability_cases", "numerics.threads",
           "numerics.variation",
           "numerics.experiments.configs", "numerics.experiments.data", "numerics.experiments.rates",
           "numerics.experiments.summary", "numerics.experiments.sweep", "numerics.experiments.weight_decay"]
TORCH_MODULES = ["numerics.device", "numerics.network", "numerics.model_api", "numerics.experiments.run", "numerics.experiments.tracking",
                 "numerics.experiments.trainer", "numerics.flat_points", "numerics.experiments.flat_runs"]

_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", MODULES + [pytest.param(m, marks=pytest.mark.torch) for m in TORCH_MODULES])
def test_doctests(name):
    mod = importlib.import_module(name)
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert res.attempted > 0, f"{name} has no examples: drop it from the list"
    assert res.failed == 0


def test_every_module_with_examples_is_listed():
    # A module whose source shows an interactive prompt must be in one of the lists above.
    found = set()
    for path in (_ROOT / "numerics").rglob("*.py"):
        if ">>> " in path.read_text(encoding="utf-8"):
            parts = path.relative_to(_ROOT).with_suffix("").parts
            found.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    assert found == set(MODULES) | set(TORCH_MODULES)
