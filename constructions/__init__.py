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

from bounds._exports import lazy_exports
from bounds._version import __version__  # the toolkit's single version number

# Public names, loaded on first attribute access (PEP 562, see bounds._exports): `import constructions`
# imports no submodule (and not python-flint).  To export a new name, add it here.
_EXPORTS = {
    # constructions.sphere
    "sphere_point": "constructions.sphere", "sphere_point_near": "constructions.sphere",
    "is_unit": "constructions.sphere",
    # constructions.caps
    "cap_threshold": "constructions.caps", "caps_disjoint": "constructions.caps",
    "verify_packing": "constructions.caps", "area_upper_bound": "constructions.caps",
    "maximal_packing_lower_bound": "constructions.caps",
    # constructions.packing
    "cap_packing": "constructions.packing",
    # constructions.atoms
    "atom_neuron": "constructions.atoms", "atom_sup_norm": "constructions.atoms", "cap_mass": "constructions.atoms",
    "atom_l2_sq": "constructions.atoms", "canonical_cost": "constructions.atoms",
    "population_cost": "constructions.atoms",
    # constructions.varshamov_gilbert
    "vg_code": "constructions.varshamov_gilbert", "verify_code": "constructions.varshamov_gilbert",
    # constructions.fano
    "fano_bound": "constructions.fano", "minimax_lower_bound": "constructions.fano",
    "fitted_exponent": "constructions.fano",
    # constructions.univariate
    "univariate_family": "constructions.univariate",
    # constructions.ridge, constructions.ridge_fano
    "ridge_family": "constructions.ridge", "family_values": "constructions.ridge",
    "certified_bound": "constructions.ridge_fano", "certified_comparison": "constructions.ridge_fano",
}

__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
