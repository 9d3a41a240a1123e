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

To export a new name, add it after its module's name in the table ``_EXPORTS`` below.

>>> import numerics
>>> numerics.ReluNetwork.exact([[1]], [0], [1], 0).kind
'exact'
"""

from bounds._exports import lazy_exports, names_by_module
from bounds._version import __version__  # the toolkit's single version number

# `numerics.hessian` is the SUBMODULE (so `import numerics.hessian as nh` works); the dense-Hessian
# function is `numerics.hessian.hessian` (`from numerics.hessian import hessian`) and is not exported
# at package level, where its name would shadow the module.  Likewise `numerics.loss` is the submodule
# of the loss conventions; the loss function is `numerics.hessian.loss`.

# curvature: one operator class per curvature matrix; outcome: the shared result vocabulary (certified
# enclosure or estimate; verdicts); model_api: torch models in torch's conventions
_EXPORTS = names_by_module(__name__, """
    network: KINDS ReluNetwork Dataset to_fraction to_mpf scalar kind_of NumberKind number_kind
    hessian: KinkError preactivations activation_pattern forward residuals gradient jacobian jacobian_gram
        exact_gram gauss_newton residual_vectors residual_hessian hvp hvp_operator hvp_parts quadratic_form
        gram_quadratic_form find_kinks
    curvature: CurvatureOperator HessianOperator GaussNewtonOperator ResidualOperator
    lambda_estimate: LambdaEstimate lambda_max_estimate lambda_max_estimate_detail hessian_operator
        power_lambda_max
    io: InputError load_network save_network load_data save_data
    sampling: sample_ball sample_ball_exact linear_labels
    exact_sqrt: SqrtSum sqrt_bounds
    variation: Atom VgNorm InequalityCheck empirical_weight empirical_weight_tilde neuron_atoms vg_norm
        population_weight population_weight_parts K_d K_d_sympy canonical_weight term_a_check
        theorem_3_2_check term_a_margin theorem_3_2_margin theorem_3_2_upper
    flat_points: flat_point FlatResult certify_flatness exact_loss_and_gradient lambda_max_enclosure
    gd: gd_step run_gd mp_precision
    outcome: Quantity Outcome
    certificates: StabilityCertificate certify_stability
    linear_stability: stability_experiment stability_check
    loss: LOSSES convention half_mse_threshold equivalent_half_mse_eta
    model_api: certify_model estimate_model weighted_variation_model ModelCertificate ModelEstimate
""")

__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
