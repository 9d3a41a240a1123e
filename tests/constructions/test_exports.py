"""The package exports of constructions: every name of __all__ resolves to the object its module defines."""

import importlib
import subprocess
import sys

import pytest

import constructions


@pytest.mark.parametrize("name", constructions.__all__)
def test_every_exported_name_resolves_to_its_module_object(name):
    module = importlib.import_module(constructions._EXPORTS[name])
    assert getattr(constructions, name) is getattr(module, name)
    assert name in dir(constructions)


def test_all_is_the_table_without_duplicates():
    assert constructions.__all__ == list(constructions._EXPORTS) and len(set(constructions.__all__)) == len(constructions.__all__)


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        constructions.no_such_name  # noqa: B018


def test_import_loads_no_submodule_and_no_flint():
    code = ("import sys, constructions; print(sorted(m for m in sys.modules if m.startswith('constructions.')), "
            "'flint' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[]", "False"]
