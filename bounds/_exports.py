"""Lazy package exports (PEP 562), the one export style of bounds, constructions and numerics.

Each package lists its public names in a table ``{name: "package.module"}`` and sets
``__all__ = list(table)`` and ``__getattr__, __dir__ = lazy_exports(__name__, table)``.  A name is
imported from its module on first attribute access and cached in the package, so ``import numerics``
imports no submodule (and never torch) and ``import bounds`` never sympy; a submodule that is not in
the table is still reachable as an attribute (``numerics.hessian``).

>>> import bounds
>>> bounds.get_rate is bounds.registry.get_rate
True
"""

from __future__ import annotations

import importlib
import sys

__all__ = ["lazy_exports"]


def lazy_exports(package: str, table: dict):
    """Return (__getattr__, __dir__) for ``package`` whose public names ``table`` maps to their modules.

    Args:
        package: the package's ``__name__``.
        table: {public name: full name of the module defining it}.

    Returns:
        the module-level ``__getattr__(name)`` (raises AttributeError for an unknown name) and ``__dir__()``.

    >>> getattr_, dir_ = lazy_exports("bounds", {"get_rate": "bounds.registry"})
    >>> getattr_("get_rate").__name__, "get_rate" in dir_()
    ('get_rate', True)
    """

    def __getattr__(name):
        module = table.get(name)
        if module is None:
            try:  # a submodule, e.g. numerics.hessian before anything imported it
                return importlib.import_module(f"{package}.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{package}.{name}":
                    raise
                raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)  # later lookups bypass __getattr__
        return value

    def __dir__():
        return sorted(set(vars(sys.modules[package])) | set(table))

    return __getattr__, __dir__
