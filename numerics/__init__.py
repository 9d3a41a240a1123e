"""numerics: two-layer ReLU networks, exact Hessians, weighted variation, estimates (proofs_notes/theory.md §1–§5).

Public surface (loaded lazily on first attribute access, PEP 562: ``import numerics`` imports no
submodule and never torch, and ``python -m numerics.<module>`` runs without a double import):

* :mod:`numerics.network`   -- ReluNetwork, Dataset in float64 / exact Fraction / mpmath kinds;
* :mod:`numerics.hessian`   -- loss, gradient, Jacobian, Gauss-Newton, residual part, Hessian, HVP, kinks;
* :mod:`numerics.io`        -- JSON (exact "3/7" strings) / .npz / torch state_dict files, InputError;
* :mod:`numerics.sampling`  -- seeded uniform-ball samplers (float64 and exact rational);
* :mod:`numerics.curvature` -- HessianOperator, GaussNewtonOperator, ResidualOperator (product, dense, scipy);
* :mod:`numerics.lambda_estimate` -- ESTIMATES (lower bounds) of lambda_max: Lanczos (eigsh, "LA") and power;
* :mod:`numerics.variation` -- empirical / population / canonical weights, |f|_{V_g}, Term-A, Thm 3.2;
* :mod:`numerics.exact_sqrt` -- rigorous square-root arithmetic (sqrt_bounds, SqrtSum);
* :mod:`numerics.gd`, :mod:`numerics.linear_stability` -- GD at chosen precision vs linear stability;
* :mod:`numerics.outcome`  -- the result vocabulary every check reports in: Quantity (a certified
  enclosure or an estimate), Outcome (a verdict, certified or not); ``.outcome`` / ``.quantity`` on results;
* :mod:`numerics.model_api` -- certify_model / estimate_model / weighted_variation_model for a torch
  nn.Sequential(Linear, ReLU, Linear), in torch's conventions (nn.MSELoss, SGD weight_decay).

To export a new name, add ``"name": "numerics.module"`` to ``_EXPORTS``.

>>> import numerics
>>> numerics.ReluNetwork.exact([[1]], [0], [1], 0).kind
'exact'
"""

from bounds._exports import lazy_exports
from bounds._version import __version__  # the toolkit's single version number

# `numerics.hessian` is the SUBMODULE (so `import numerics.hessian as nh` works); the dense-Hessian
# function is `numerics.hessian.hessian` (`from numerics.hessian import hessian`) and is not exported
# at package level, where its name would shadow the module.  Likewise `numerics.loss` is the submodule
# of the loss conventions; the loss function is `numerics.hessian.loss`.

_EXPORTS = {
    # numerics.network
    "KINDS": "numerics.network", "ReluNetwork": "numerics.network", "Dataset": "numerics.network",
    "to_fraction": "numerics.network", "to_mpf": "numerics.network", "scalar": "numerics.network",
    "kind_of": "numerics.network", "NumberKind": "numerics.network", "number_kind": "numerics.network",
    # numerics.hessian
    "KinkError": "numerics.hessian", "preactivations": "numerics.hessian",
    "activation_pattern": "numerics.hessian", "forward": "numerics.hessian",
    "residuals": "numerics.hessian", "gradient": "numerics.hessian",
    "jacobian": "numerics.hessian", "jacobian_gram": "numerics.hessian",
    "exact_gram": "numerics.hessian", "gauss_newton": "numerics.hessian",
    "residual_vectors": "numerics.hessian", "residual_hessian": "numerics.hessian",
    "hvp": "numerics.hessian", "hvp_operator": "numerics.hessian", "hvp_parts": "numerics.hessian",
    "quadratic_form": "numerics.hessian", "gram_quadratic_form": "numerics.hessian",
    "find_kinks": "numerics.hessian",
    # numerics.curvature: one operator class per curvature matrix
    "CurvatureOperator": "numerics.curvature", "HessianOperator": "numerics.curvature",
    "GaussNewtonOperator": "numerics.curvature", "ResidualOperator": "numerics.curvature",
    # numerics.lambda_estimate
    "LambdaEstimate": "numerics.lambda_estimate", "lambda_max_estimate": "numerics.lambda_estimate",
    "lambda_max_estimate_detail": "numerics.lambda_estimate", "hessian_operator": "numerics.lambda_estimate",
    "power_lambda_max": "numerics.lambda_estimate",
    # numerics.io
    "InputError": "numerics.io", "load_network": "numerics.io", "save_network": "numerics.io",
    "load_data": "numerics.io", "save_data": "numerics.io",
    # numerics.sampling
    "sample_ball": "numerics.sampling", "sample_ball_exact": "numerics.sampling",
    "linear_labels": "numerics.sampling",
    # numerics.variation (and numerics.exact_sqrt)
    "SqrtSum": "numerics.exact_sqrt", "Atom": "numerics.variation", "VgNorm": "numerics.variation",
    "InequalityCheck": "numerics.variation", "empirical_weight": "numerics.variation",
    "empirical_weight_tilde": "numerics.variation", "neuron_atoms": "numerics.variation",
    "vg_norm": "numerics.variation", "population_weight": "numerics.variation",
    "population_weight_parts": "numerics.variation", "K_d": "numerics.variation",
    "K_d_sympy": "numerics.variation", "canonical_weight": "numerics.variation",
    "term_a_check": "numerics.variation", "theorem_3_2_check": "numerics.variation",
    "term_a_margin": "numerics.variation", "theorem_3_2_margin": "numerics.variation",
    "sqrt_bounds": "numerics.exact_sqrt", "theorem_3_2_upper": "numerics.variation",
    # numerics.flat_points
    "flat_point": "numerics.flat_points", "FlatResult": "numerics.flat_points", "certify_flatness": "numerics.flat_points",
    "exact_loss_and_gradient": "numerics.flat_points", "lambda_max_enclosure": "numerics.flat_points",
    # numerics.gd
    "gd_step": "numerics.gd", "run_gd": "numerics.gd", "mp_precision": "numerics.gd",
    # numerics.outcome: the shared result vocabulary (certified enclosure or estimate; verdicts)
    "Quantity": "numerics.outcome", "Outcome": "numerics.outcome",
    # numerics.certificates
    "StabilityCertificate": "numerics.certificates", "certify_stability": "numerics.certificates",
    # numerics.linear_stability
    "stability_experiment": "numerics.linear_stability", "stability_check": "numerics.linear_stability",
    # numerics.loss
    "LOSSES": "numerics.loss", "convention": "numerics.loss", "half_mse_threshold": "numerics.loss",
    "equivalent_half_mse_eta": "numerics.loss",
    # numerics.model_api: torch models in torch's conventions
    "certify_model": "numerics.model_api", "estimate_model": "numerics.model_api",
    "weighted_variation_model": "numerics.model_api", "ModelCertificate": "numerics.model_api",
    "ModelEstimate": "numerics.model_api",
}

__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
