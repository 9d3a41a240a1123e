"""constructions: the paper's lower-bound construction (App. H, I), built exactly and verified.

* :mod:`constructions.sphere`   -- exact rational points on S^{d-1} (inverse stereographic projection);
* :mod:`constructions.caps`     -- caps C(u), exact disjointness verifier, surface-area bounds (number of caps: paper's Lemma H.3);
* :mod:`constructions.packing`  -- large exact cap packings (polygon for d = 2, greedy + energy for d >= 3);
* :mod:`constructions.atoms`    -- atoms Phi_u: sup norm, exact L2 norm, cap mass, V_g costs (atom cost: paper's Lemma H.2);
* :mod:`constructions.varshamov_gilbert` -- sign-vector sets with verified minimum distance (App. H);
* :mod:`constructions.fano`     -- Fano minimax lower bound and its exponent (App. H, Thm 3.7);
* :mod:`constructions.univariate` -- the d = 1 bump construction (paper's Construction H.7 / Prop. H.8);
* :mod:`constructions.stable_minima` -- App. I: empty caps, certified stable minima (Props. I.1-I.2, Cor. I.3);
* :mod:`constructions.checks`   -- every check of the construction (Context, CHECKS, run);
* :mod:`constructions.verify`   -- the CLI ``python -m constructions.verify`` running every check;
* :mod:`constructions.ridge`, :mod:`constructions.ridge_fano`, :mod:`constructions.verify_ridge` -- ridge-bump
  packing families probing Thm 3.7 (derived here, not from the paper): exact membership in F, certified
  Fano bounds, optimisation and fitted exponents; ``verify --family ridge|ridge-multi``;
* :mod:`constructions.tightness` -- the CLI comparing the certified Fano bounds of the families.

>>> from constructions import sphere_point, verify_packing
>>> verify_packing([sphere_point([0]), sphere_point([1])], "1/2").passed
True
"""

from bounds._exports import lazy_exports, names_by_module
from bounds._version import __version__  # the toolkit's single version number

# Public names, loaded on first attribute access (PEP 562, see bounds._exports): `import constructions`
# imports no submodule (and not python-flint).  To export a new name, add it to its module's entry here.
_EXPORTS = names_by_module(__name__, """
    sphere: sphere_point sphere_point_near is_unit
    caps: cap_threshold caps_disjoint verify_packing area_upper_bound maximal_packing_lower_bound
    packing: cap_packing
    atoms: atom_neuron atom_sup_norm cap_mass atom_l2_sq canonical_cost population_cost
    varshamov_gilbert: vg_code verify_code
    fano: fano_bound minimax_lower_bound fitted_exponent
    univariate: univariate_family
    ridge: ridge_family family_values
    ridge_fano: certified_bound certified_comparison
""")

__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
