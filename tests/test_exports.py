"""The package exports of bounds, constructions and numerics (one lazy table each, bounds._exports).

For each package: every name of __all__ resolves to the object its module defines, __all__ is the table
without duplicates, an unknown name is an AttributeError, and importing the package loads none of its
submodules nor the heavy dependency it must not pay for at import (sympy, python-flint, torch).
"""

import importlib
import subprocess
import sys

import pytest

# package -> (the dependency its import must not load, the modules whose import needs torch)
PACKAGES = {"bounds": ("sympy", set()), "constructions": ("flint", set()),
            "numerics": ("torch", {"numerics.flat_points", "numerics.model_api"})}


def _names():
    for pkg, (_, torch_modules) in PACKAGES.items():
        mod = importlib.import_module(pkg)
        for name in mod.__all__:
            marks = [pytest.mark.torch] if mod._EXPORTS[name] in torch_modules else []
            yield pytest.param(pkg, name, marks=marks, id=f"{pkg}.{name}")


@pytest.mark.parametrize("pkg, name", list(_names()))
def test_every_exported_name_resolves_to_its_module_object(pkg, name):
    package = importlib.import_module(pkg)
    module = importlib.import_module(package._EXPORTS[name])
    assert getattr(package, name) is getattr(module, name)
    assert name in dir(package)


@pytest.mark.parametrize("pkg", PACKAGES)
def test_all_is_the_table_without_duplicates(pkg):
    package = importlib.import_module(pkg)
    assert package.__all__ == list(package._EXPORTS) and len(set(package.__all__)) == len(package.__all__)


@pytest.mark.parametrize("pkg", PACKAGES)
def test_unknown_name_is_an_attribute_error(pkg):
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        getattr(importlib.import_module(pkg), "no_such_name")


@pytest.mark.parametrize("pkg", PACKAGES)
def test_import_loads_no_submodule_and_not_its_heavy_dependency(pkg):
    heavy = PACKAGES[pkg][0]
    code = (f"import sys, {pkg}; print(sorted(m for m in sys.modules if m.startswith('{pkg}.') "
            f"and m not in ('bounds._exports', 'bounds._version')), '{heavy}' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[]", "False"]


def test_a_name_written_under_two_modules_is_refused():
    from bounds._exports import names_by_module

    assert names_by_module("a", "x: f\n  g  y: h") == {"f": "a.x", "g": "a.x", "h": "a.y"}
    with pytest.raises(ValueError, match="'g' is exported from both a.x and a.y"):
        names_by_module("a", "x: f g y: g")
    with pytest.raises(ValueError, match="'f' is written before any module"):
        names_by_module("a", "f x: g")
