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
``_EXPORTS`` maps each public name to its module, written module by module, see :mod:`bounds._exports`).
"""

from ._exports import lazy_exports, names_by_module
from ._version import __version__  # the toolkit's single version number

# the Rate object and its registry; the balance core; exact sign proofs; derivations from proof
# ingredients; the claims; the symbols
_EXPORTS = names_by_module(__name__, """
    rate: Rate
    registry: REGISTRY get_rate rate_ids build_registry
    power_law: PowerLaw balance minimize_sum rate_exponent
    prover: Verdict prove_positive prove_decreasing prove_limit_zero prove_equal pieces
    derivations: Derivation entropy_exponent derive_uniform_deviation derive_localized_mse derive_lownorm_gap
        derive_lownorm_mse derive_gap_upper derive_mse_upper derive_minimax_lower derive_gap_lower
        derive_univariate_interior derive_ridge_lower derive_all
    claims: ClaimResult check_derivations check_claims prove_all
    _symbols: d n
""")

__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
