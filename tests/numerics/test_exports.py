"""The package exports of numerics: every name of __all__ resolves to the object its module defines."""

import importlib
import subprocess
import sys

import pytest

import numerics


# names whose module imports torch
_TORCH = {"numerics.flat_points", "numerics.model_api"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.torch) if numerics._EXPORTS[n] in _TORCH else n
                                  for n in numerics.__all__])
def test_every_exported_name_resolves_to_its_module_object(name):
    module = importlib.import_module(numerics._EXPORTS[name])
    assert getattr(numerics, name) is getattr(module, name)
    assert name in dir(numerics)


def test_all_is_the_table_without_duplicates():
    assert numerics.__all__ == list(numerics._EXPORTS) and len(set(numerics.__all__)) == len(numerics.__all__)


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        numerics.no_such_name  # noqa: B018


def test_import_loads_no_submodule_and_never_torch():
    code = ("import sys, numerics; print(sorted(m for m in sys.modules if m.startswith('numerics.')), "
            "'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[]", "False"]
