"""numerics: two-layer ReLU networks, exact Hessians, weighted variation, estimates (theory.md section 1).

Public surface (torch is imported lazily, only by functions that need it):

* :mod:`numerics.network`  -- ReluNetwork, Dataset in float64 / exact Fraction / mpmath kinds;
* :mod:`numerics.hessian`  -- loss, gradient, Jacobian, Gauss-Newton, residual part, Hessian, HVP, kinks;
* :mod:`numerics.io`       -- JSON (exact "3/7" strings) / .npz / torch state_dict files, InputError;
* :mod:`numerics.sampling` -- seeded uniform-ball samplers (float64 and exact rational);
* :mod:`numerics.estimate` -- ESTIMATES (lower bounds) of lambda_max: Lanczos (eigsh, "LA") and power;
* :mod:`numerics.weights`  -- empirical / population / canonical weights, |f|_{V_g}, Term-A and Thm 3.2 checks;
"""

from numerics.estimate import (LambdaEstimate, hessian_operator, lambda_max_estimate,
                               lambda_max_estimate_detail, power_lambda_max)
from numerics.hessian import (KinkError, activation_pattern, find_kinks, forward, gauss_newton,
                              gradient, hessian, hvp, hvp_operator, jacobian, loss, preactivations,
                              residual_hessian, residual_vectors, residuals)
from numerics.io import InputError, load_data, load_network, save_data, save_network
from numerics.network import KINDS, Dataset, ReluNetwork, kind_of, scalar, to_fraction, to_mpf
from numerics.sampling import linear_labels, sample_ball, sample_ball_exact
from numerics.weights import (Atom, InequalityCheck, K_d, K_d_sympy, SqrtSum, VgNorm, canonical_weight,
                              empirical_weight, empirical_weight_tilde, neuron_atoms,
                              population_weight, population_weight_parts, sqrt_bounds, term_a_check,
                              term_a_margin, theorem_3_2_check, theorem_3_2_margin, vg_norm)

__all__ = [
    # network
    "KINDS", "ReluNetwork", "Dataset", "to_fraction", "to_mpf", "scalar", "kind_of",
    # hessian
    "KinkError", "preactivations", "activation_pattern", "forward", "residuals", "loss", "gradient",
    "jacobian", "gauss_newton", "residual_vectors", "residual_hessian", "hessian", "hvp",
    "hvp_operator", "find_kinks",
    # estimate
    "LambdaEstimate", "lambda_max_estimate", "lambda_max_estimate_detail", "hessian_operator",
    "power_lambda_max",
    # io
    "InputError", "load_network", "save_network", "load_data", "save_data",
    # sampling
    "sample_ball", "sample_ball_exact", "linear_labels",
    # weights
    "SqrtSum", "Atom", "VgNorm", "InequalityCheck", "empirical_weight", "empirical_weight_tilde",
    "neuron_atoms", "vg_norm", "population_weight", "population_weight_parts", "K_d", "K_d_sympy",
    "canonical_weight", "term_a_check", "theorem_3_2_check", "term_a_margin", "theorem_3_2_margin",
    "sqrt_bounds",
]

# GD at chosen precision and its cross-check against linear stability (issue 5; numerics.gd,
# numerics.stability).
from numerics.gd import gd_step, mp_precision, run_gd  # noqa: E402
from numerics.stability import stability_check, stability_experiment  # noqa: E402

__all__ += ["gd_step", "run_gd", "mp_precision", "stability_experiment", "stability_check"]
