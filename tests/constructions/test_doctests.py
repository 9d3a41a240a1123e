"""Every docstring example in the constructions package runs and gives the printed result."""

import doctest
import importlib

import pytest

MODULES = ["sphere", "caps", "packing", "atoms", "varshamov_gilbert", "fano", "univariate", "stable_minima",
           "checks", "verify", "_integrals", "_rational", "certificate_file", "ridge", "ridge_fano", "verify_ridge"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    mod = importlib.import_module(f"constructions.{name}")
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert res.failed == 0


def test_package_doctest():
    import constructions

    assert doctest.testmod(constructions).failed == 0
