"""bounds: the symbolic rate engine for Liang-Qiao-Wang-Parhi (NeurIPS 2025).

Every rate of the paper (and the literature rates it compares with) is a structured :class:`Rate`
whose exponent p(d) is an exact sympy expression; :mod:`bounds.derivations` re-derives the exponents
from the proof ingredients by balancing power laws, and :mod:`bounds.claims` proves the paper's claims
about them for all real d >= 1 with printed witnesses.

    >>> import bounds
    >>> bounds.get_rate("minimax_mse_lower").exponent_at(3)
    Fraction(1, 2)

CLIs: ``python -m bounds.table``, ``python -m bounds.check``, ``python -m bounds.plot``.
Importing this package is cheap: sympy is loaded on first use of a public name (PEP 562).
"""

from importlib import import_module

from ._version import __version__  # the toolkit's single version number

__all__ = [
    # the Rate object and the registry
    "Rate", "REGISTRY", "get_rate", "rate_ids", "build_registry",
    # the balance core
    "PowerLaw", "balance", "minimize_sum", "rate_exponent",
    # exact sign proofs
    "Verdict", "prove_positive", "prove_decreasing", "prove_limit_zero", "prove_equal", "pieces",
    # derivations from proof ingredients
    "Derivation", "entropy_exponent", "derive_uniform_deviation", "derive_localized_mse", "derive_lownorm_gap",
    "derive_lownorm_mse", "derive_gap_upper", "derive_mse_upper", "derive_minimax_lower", "derive_gap_lower",
    "derive_univariate_interior", "derive_ridge_lower", "derive_all",
    # claims
    "ClaimResult", "check_derivations", "check_claims", "prove_all",
    # symbols
    "d", "n",
]

_WHERE = {
    "Rate": "rate",
    "REGISTRY": "registry", "get_rate": "registry", "rate_ids": "registry", "build_registry": "registry",
    "PowerLaw": "power_law", "balance": "power_law", "minimize_sum": "power_law", "rate_exponent": "power_law",
    "Verdict": "prover", "prove_positive": "prover", "prove_decreasing": "prover", "prove_limit_zero": "prover",
    "prove_equal": "prover", "pieces": "prover",
    "ClaimResult": "claims", "check_derivations": "claims", "check_claims": "claims", "prove_all": "claims",
    "d": "_symbols", "n": "_symbols",
}
_WHERE.update({name: "derivations" for name in __all__ if name == "Derivation" or name == "entropy_exponent"
               or name.startswith("derive_")})


def __getattr__(name):
    # lazy: `import bounds` must not pay for sympy until a rate is actually used
    if name in _WHERE:
        value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'bounds' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
