"""Every docstring example in bounds runs."""

import doctest
import importlib

import pytest

MODULES = ["bounds", "bounds.rate", "bounds.registry", "bounds.power_law", "bounds.prover", "bounds.derivations",
           "bounds.claims", "bounds.rate_table", "bounds.rate_figure", "bounds.table", "bounds.plot", "bounds.check", "bounds._cli", "bounds._exports", "bounds._rates_data"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    mod = importlib.import_module(name)
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert res.failed == 0
