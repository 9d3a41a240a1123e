"""Lazy package exports (PEP 562), the one export style of bounds, constructions and numerics.

Each package writes its public names module by module (``module: name1 name2 ...``), turns them into
the table ``{name: "package.module"}`` with :func:`names_by_module`, and sets ``__all__ = list(table)`` and
``__getattr__, __dir__ = lazy_exports(__name__, table)``.  A name is
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

__all__ = ["lazy_exports", "names_by_module"]


def names_by_module(package: str, text: str) -> dict:
    """Return the export table {public name: full module name} written as ``module: name name ...``.

    ``text`` lists each module of ``package`` once, as its name relative to the package followed by a
    colon, then the public names it defines, separated by white space (line breaks included), up to
    the next ``module:``.  Names keep their written order.  A name written twice, or a name before the
    first module, is a ValueError.

    Args:
        package: the package's ``__name__``.
        text: the table, e.g. ``"registry: get_rate rate_ids  rate: Rate"``.

    >>> names_by_module("bounds", "registry: get_rate rate_ids  rate: Rate")
    {'get_rate': 'bounds.registry', 'rate_ids': 'bounds.registry', 'Rate': 'bounds.rate'}
    """
    table, module = {}, None
    for word in text.split():
        if word.endswith(":"):
            module = f"{package}.{word[:-1]}"
        elif module is None:
            raise ValueError(f"{word!r} is written before any module")
        elif word in table:
            raise ValueError(f"{word!r} is exported from both {table[word]} and {module}")
        else:
            table[word] = module
    return table


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
