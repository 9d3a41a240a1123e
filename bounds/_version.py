"""The toolkit's version: the single source read by pyproject.toml (setuptools dynamic version) and
exported as ``bounds.__version__``, ``constructions.__version__`` and ``numerics.__version__``."""

__version__ = "0.1.0"
