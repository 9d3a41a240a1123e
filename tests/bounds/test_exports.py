"""The package exports of bounds: every name of __all__ resolves to the object its module defines."""

import importlib
import subprocess
import sys

import pytest

import bounds


@pytest.mark.parametrize("name", bounds.__all__)
def test_every_exported_name_resolves_to_its_module_object(name):
    module = importlib.import_module(bounds._EXPORTS[name])
    assert getattr(bounds, name) is getattr(module, name)
    assert name in dir(bounds)


def test_all_is_the_table_without_duplicates():
    assert bounds.__all__ == list(bounds._EXPORTS) and len(set(bounds.__all__)) == len(bounds.__all__)


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        bounds.no_such_name  # noqa: B018


def test_import_loads_no_submodule_and_no_sympy():
    code = ("import sys, bounds; print(sorted(m for m in sys.modules if m.startswith('bounds.')), "
            "'sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["['bounds._exports',", "'bounds._version']", "False"]
