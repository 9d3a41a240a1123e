"""bounds: the symbolic rate engine for Liang-Qiao-Wang-Parhi (NeurIPS 2025).

Every rate of the paper (and the literature rates it compares with) is a structured :class:`Rate`
whose exponent p(d) is an exact sympy expression; :mod:`bounds.derivations` re-derives the exponents
from the proof ingredients by balancing power laws, and :mod:`bounds.claims` proves the paper's claims
about them for all real d >= 1 with printed witnesses.

    >>> import bounds
    >>> bounds.get_rate("minimax_mse_lower").exponent_at(3)
    Fraction(1, 2)

CLIs: ``python -m bounds.table``, ``python -m bounds.check``, ``python -m bounds.plot``.
Importing this package is cheap: sympy is loaded on first use of a public name (PEP 562; the table
``_EXPORTS`` maps each public name to its module, see :mod:`bounds._exports`).
"""

from ._exports import lazy_exports
from ._version import __version__  # the toolkit's single version number

_EXPORTS = {
    # the Rate object and the registry
    "Rate": "bounds.rate", "REGISTRY": "bounds.registry", "get_rate": "bounds.registry",
    "rate_ids": "bounds.registry", "build_registry": "bounds.registry",
    # the balance core
    "PowerLaw": "bounds.power_law", "balance": "bounds.power_law", "minimize_sum": "bounds.power_law",
    "rate_exponent": "bounds.power_law",
    # exact sign proofs
    "Verdict": "bounds.prover", "prove_positive": "bounds.prover", "prove_decreasing": "bounds.prover",
    "prove_limit_zero": "bounds.prover", "prove_equal": "bounds.prover", "pieces": "bounds.prover",
    # derivations from proof ingredients
    "Derivation": "bounds.derivations", "entropy_exponent": "bounds.derivations",
    "derive_uniform_deviation": "bounds.derivations", "derive_localized_mse": "bounds.derivations",
    "derive_lownorm_gap": "bounds.derivations", "derive_lownorm_mse": "bounds.derivations",
    "derive_gap_upper": "bounds.derivations", "derive_mse_upper": "bounds.derivations",
    "derive_minimax_lower": "bounds.derivations", "derive_gap_lower": "bounds.derivations",
    "derive_univariate_interior": "bounds.derivations", "derive_ridge_lower": "bounds.derivations",
    "derive_all": "bounds.derivations",
    # claims
    "ClaimResult": "bounds.claims", "check_derivations": "bounds.claims", "check_claims": "bounds.claims",
    "prove_all": "bounds.claims",
    # symbols
    "d": "bounds._symbols", "n": "bounds._symbols",
}

__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
