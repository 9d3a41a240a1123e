"""Certificate file of the App. H / App. I construction: its certified properties with their witnesses.

One JSON document in numerics.certificate_file's format (re-checked by ``python -m
numerics.check_certificate``, which shares no code with the toolkit), with problem type "construction":

* ``problem``: d, eps, the sample size n and the exact samples X (App. I), eta and the loss convention;
* ``claim`` (only properties whose certified check passed in constructions.verify):
  - ``num_caps`` and ``packing_disjoint``: N unit rational directions with pairwise disjoint caps
    (Lemma H.2: u.u' <= 2(1-eps^2)^2 - 1);
  - ``code``: a Varshamov-Gilbert set of ``size`` words of ``length`` bits with pairwise Hamming distance
    >= ``min_distance`` = ceil(length/8), and its size bound: "direct" (size^8 >= 2^length) or "counting"
    (the Gilbert-Varshamov counting bound, when only a subset was built) (Construction H.4);
  - ``app_i``: the exact list of empty caps, the number of atoms used, and that the atom network and the
    same neurons with b = 2 are stable minima with lambda_max = 1 <= threshold (Props. I.1-I.2);
* ``witness``: the directions (exact "p/q") and the code words (hex, bit i = 1 <=> xi_i = -1).

Not in the file (their checks need closed-form integrals or statistics): packing size against the
area bounds, atom norms, costs, Fano bound, the L2 gap, and every estimate.
"""

from __future__ import annotations

from fractions import Fraction

from numerics.certificate_file import FORMAT, CertificateError, content_digest, encode_number
from numerics.loss import DEFAULT_LOSS, half_mse_threshold

__all__ = ["construction_document"]


def _passed(results, name) -> bool:
    return any(r.name == name and r.holds is True and r.certified for r in results)


def construction_document(ctx, results, k_max: int, loss: str = DEFAULT_LOSS) -> dict:
    """Return the certificate document of a constructions.verify run (its Context and check results).

    Args:
        ctx: the constructions.verify Context after :func:`constructions.checks.run`.
        results: the list of check results of that run; only passed certified properties are claimed.
        k_max: at most this many empty-cap atoms were certified (constructions.checks.K_MAX_CERTIFY).
        loss: loss convention of eta ("half-mse" or "mse").

    Raises CertificateError when no certified property passed.

    >>> from constructions.checks import Context, run, check_packing
    >>> ctx = Context(d=2, eps=Fraction(1, 2), n=4)
    >>> doc = construction_document(ctx, run(ctx, [check_packing]), 200)
    >>> doc["claim"]["packing_disjoint"], doc["claim"]["num_caps"] == len(doc["witness"]["directions"])
    (True, True)
    """
    enc = encode_number
    dirs = [list(u) for u in ctx.app_i_directions] if ctx.d == 1 else [list(u) for u in ctx.directions]
    problem = {"type": "construction", "d": ctx.d, "eps": enc(ctx.eps), "n": ctx.n, "eta": enc(ctx.eta),
               "loss": loss}
    claim: dict = {"num_caps": len(dirs)}
    witness: dict = {"directions": [[enc(Fraction(c)) for c in u] for u in dirs]}
    if ctx.d >= 2 and _passed(results, "packing_disjoint"):
        claim["packing_disjoint"] = True
    if _passed(results, "varshamov_gilbert"):
        code, rep = ctx.code, ctx.code_report
        N = int(code.shape[1])
        M = int(code.shape[0])
        claim["code"] = {"length": N, "size": M, "min_distance": -(-N // 8),
                         "size_bound": "direct" if M ** 8 >= 2 ** N else "counting"}
        witness["code"] = [format(int("0" + "".join(str(int(b)) for b in row[::-1]), 2), "x") for row in code]
    if _passed(results, "stable_minimum_atoms") and _passed(results, "stable_minimum_zero"):
        problem["X"] = [[enc(x) for x in row] for row in ctx.data.X]
        c = half_mse_threshold(ctx.eta, loss)
        claim["app_i"] = {"empty_caps": [int(i) for i in ctx.empty], "atoms": min(len(ctx.empty), k_max),
                          "lambda_max": "1", "threshold": enc(c), "stable": bool(1 <= c)}
    if len(claim) == 1:
        raise CertificateError("no certified property passed: nothing to write in a certificate file")
    claim["problem_sha256"] = content_digest(problem)
    claim["witness_sha256"] = content_digest(witness)
    return {"format": FORMAT, "problem": problem, "claim": claim, "witness": witness}
