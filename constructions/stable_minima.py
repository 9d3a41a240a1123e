"""App. I: the packing construction realised by certified stable minima that agree on every sample.

Toolkit's reading (proofs_notes/theory.md §8; statements reconstructed):
- Prop. I.1 (empty caps): with n samples uniform in B^d_1 and N disjoint caps of mass q each, a cap is
  empty with probability (1 - q)^n ~ exp(-n q) (Poissonization); with eps = kappa n^{-1/(d+1)}, n q is of
  order one, so a constant fraction of the N caps is empty with high probability.
- Prop. I.2 (stable interpolant): with labels y = 0, the network of atoms on empty caps has no neuron
  active on the data, so f = 0 on the data, L = 0, grad L = 0, and grad^2 L = e_beta e_beta^T (only
  df/dbeta = 1 survives): lambda_max = 1 exactly, linearly stable for every eta <= 2.
- Cor. I.3: the zero function (here: the same neurons moved off the ball, b = 2) is also a stable
  minimum with the same data fit; the two differ by ||f||_{L2(P_X)} = sqrt(K ||Phi||^2) ~ n^{-1/(d+1)}.

Certification goes through the numerics core (numerics.certificates.certify_stability when present, else the
exact dense Hessian of numerics.hessian compared entrywise with e_beta e_beta^T); kinks are excluded by
numerics.hessian.find_kinks in exact arithmetic. This module writes no Hessian of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import flint
import numpy as np
import sympy as sp

from numerics.certificates import certify_stability
from numerics.hessian import activation_pattern, find_kinks, hessian, residuals
from numerics.network import ReluNetwork
from numerics.outcome import Outcome, Quantity

from ._integrals import arb_eval
from .caps import validate_eps
from .sphere import integer_form

__all__ = ["empty_caps", "empty_fraction_prediction", "atom_network", "parked_network", "certify_minimum",
           "MinimumCertificate"]


def empty_caps(directions, X, eps) -> list[int]:
    """Return the indices of caps containing no sample: u.x_i < 1 - eps^2 for every i (exact, Prop. I.1).

    A sample exactly on the cap boundary counts as occupied (it would sit on the atom's kink).

    >>> empty_caps([[1, 0], [-1, 0]], np.array([[Fraction(9, 10), Fraction(0)]], dtype=object), "1/2")
    [1]
    """
    e = validate_eps(eps)
    a = 1 - e * e
    if len(directions) == 0:
        return []
    A, D = integer_form(directions)
    Xi, E = integer_form(list(X)) if len(X) else (np.zeros((0, A.shape[1]), dtype=object), np.zeros(0, dtype=object))
    if len(X) == 0:
        return list(range(len(directions)))
    G = flint.fmpz_mat([[int(c) for c in r] for r in A.tolist()]) * flint.fmpz_mat(
        [[int(c) for c in r] for r in Xi.tolist()]).transpose()
    r, s = a.numerator, a.denominator
    out = []
    Ej = [int(x) for x in E]
    for i in range(len(directions)):
        di = int(D[i])
        if all(s * int(G[i, j]) < r * di * Ej[j] for j in range(len(Ej))):
            out.append(i)
    return out


def empty_fraction_prediction(n: int, q) -> tuple[float, float]:
    """Return ((1 - q)^n, exp(-n q)): exact expected empty fraction and its Poissonization (floats
    from certified arb enclosures of the exact cap mass q).

    >>> [round(p, 12) for p in empty_fraction_prediction(10, sp.Rational(1, 10))]
    [0.3486784401, 0.367879441171]
    """
    qa = arb_eval(sp.sympify(q), 256)
    return float((1 - qa) ** n), float((-n * qa).exp())


def atom_network(directions, eps):
    """Return the exact numerics.ReluNetwork sum_i Phi_{u_i} (w = u, b = 1 - eps^2, v = eps^{-2}, beta = 0).

    >>> atom_network([[1, 0]], "1/2").K
    1
    """
    e = validate_eps(eps)
    K = len(directions)
    d = len(directions[0]) if K else 1
    W = [[Fraction(c) for c in u] for u in directions] if K else np.zeros((0, d), dtype=object)
    return ReluNetwork.exact(W, [1 - e * e] * K, [1 / (e * e)] * K, 0)


def parked_network(directions, eps):
    """Return the same neurons with b = 2: each hyperplane misses the unit ball, so the function is 0.

    >>> parked_network([[1, 0]], "1/2").b[0]
    Fraction(2, 1)
    """
    e = validate_eps(eps)
    K = len(directions)
    d = len(directions[0]) if K else 1
    W = [[Fraction(c) for c in u] for u in directions] if K else np.zeros((0, d), dtype=object)
    return ReluNetwork.exact(W, [Fraction(2)] * K, [1 / (e * e)] * K, 0)


@dataclass
class MinimumCertificate:
    """Outcome of certify_minimum."""

    passed: bool
    certified: bool
    lambda_max: str | None
    stable: bool | None
    kinks: int
    interpolates: bool
    method: str
    detail: str
    extra: dict = field(default_factory=dict)

    @property
    def outcome(self) -> Outcome:
        """The verdict "stable minimum" (Prop. I.2) in the shared vocabulary (numerics.outcome).

        Its quantity "lambda_max" is exact (1) when the exact argument applied, else certify_stability's
        enclosure (half-mse convention).
        """
        qs = ()
        if self.lambda_max == "1":
            qs = (Quantity("lambda_max", lower=Fraction(1), upper=Fraction(1), certified=True,
                           method="exact: Hessian = e_beta e_beta^T"),)
        else:
            lo, hi = (self.extra.get(k, "None") for k in ("lambda_max_lower", "lambda_max_upper"))
            if lo != "None" or hi != "None":
                qs = (Quantity("lambda_max", lower=None if lo == "None" else Fraction(lo),
                               upper=None if hi == "None" else Fraction(hi), certified=True,
                               method="certify_stability"),)
        return Outcome("stable minimum (Prop. I.2)", self.passed, self.certified, self.method, self.detail, qs)


def certify_minimum(net, data, eta, exact_lambda: str | None = "structure") -> MinimumCertificate:
    """Return a MinimumCertificate: exact zero residuals, no kinks, and lambda_max(grad^2 L) <= 2/eta
    certified through numerics (Prop. I.2).

    Stability is decided by numerics.certificates.certify_stability. The value lambda_max = 1 exactly is
    established by ``exact_lambda``:
      "structure": no neuron active on any sample (numerics.hessian.activation_pattern, exact) and all
        residuals exactly 0 give, by the formulas of proofs_notes/theory.md §3, grad f(x_i) = e_beta and no
        residual term, so grad^2 L = e_beta e_beta^T, whose eigenvalues are exactly {0, 1};
      "hessian": the exact dense Hessian of numerics.hessian.hessian is compared entrywise with
        e_beta e_beta^T (slower; used in the tests);
      None: only the certify_stability enclosure is reported.

    >>> from numerics.network import Dataset
    >>> X = np.array([[Fraction(0), Fraction(0)]], dtype=object)
    >>> c = certify_minimum(atom_network([[1, 0]], "1/2"), Dataset.exact(X, [0]), 1)
    >>> c.passed, c.lambda_max, c.kinks
    (True, '1', 0)
    """
    eta = Fraction(eta)
    kinks = find_kinks(net, data.X)
    r = residuals(net, data)
    interp = all(x == 0 for x in r)
    if kinks:
        i, k = kinks[0]
        return MinimumCertificate(False, True, None, None, len(kinks), interp, "find_kinks",
                                  f"sample {i} lies on the kink of neuron {k}: loss not twice differentiable")

    methods, details, extra = [], [], {}
    c = certify_stability(net, data, eta)
    lo, hi = c.lambda_max_lower, c.lambda_max_upper
    lam = str(hi) if (hi is not None and lo == hi) else f"[{_short(lo)}, {_short(hi)}]"
    stable, certified = c.stable, bool(c.certified)
    methods.append(f"certify_stability/{c.method}")
    details.append(c.detail)
    extra.update(lambda_max_lower=str(lo), lambda_max_upper=str(hi))
    if exact_lambda == "structure":
        silent = not bool(np.asarray(activation_pattern(net, data.X)).any())
        extra["hessian_is_e_beta_e_beta_T"] = silent and interp
        methods.append("exact: no active neuron and zero residuals => Hessian = e_beta e_beta^T"
                       if silent and interp else "exact structure argument does not apply")
        if silent and interp:
            lam = "1"
    elif exact_lambda is not None:
        # exact dense Hessian (numerics.hessian); equal to e_beta e_beta^T => spectrum exactly {0, 1}

        H = hessian(net, data)
        P = H.shape[0]
        E = np.zeros((P, P), dtype=object)
        E[:] = Fraction(0)
        E[P - 1, P - 1] = Fraction(1)
        rank_one = bool((H == E).all())
        methods.append("exact Hessian == e_beta e_beta^T" if rank_one else "exact Hessian != e_beta e_beta^T")
        extra["hessian_is_e_beta_e_beta_T"] = rank_one
        if rank_one:
            lam = "1"
            exact_stable = 1 <= 2 / eta
            if stable is not None and stable != exact_stable:
                details.append("certify_stability disagrees with the exact Hessian")
                stable = None
    ok = interp and certified and stable is True and (exact_lambda is None or extra.get("hessian_is_e_beta_e_beta_T", False))
    return MinimumCertificate(ok, certified, lam, stable, 0, interp, " + ".join(methods), " | ".join(details), extra)


def _short(x) -> str:
    if x is None:
        return "None"
    x = Fraction(x)
    s = str(x)
    return s if len(s) <= 20 else f"{float(x):.15g}"
