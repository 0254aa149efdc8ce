"""Fitted map or batch calibration, per option count: whichever answers the solved examples better in
cross-validation.

A fitted map learns what the letter scores say, a swap included (ProofWriter), but where they say little it
learns the examples' noise: on LogiQA 2.0 en the fitted default was 6.8 pp below batch calibration
(p = 0.02; benchmarks/RESULTS.md, "Fitted or batch calibration, chosen on the examples"). Both can be
judged on the examples alone, from scores already computed: each of ``CV_FOLDS`` folds is answered by a
map fitted on the other folds (balanced over the fold) and by the fold's own batch prior, as each would
answer unseen items. Ties go to batch calibration, the correction with nothing to fit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .fitted import FittedCorrection, fit_count
from .position import fit_batch_prior

CV_FOLDS = 5


@dataclass(frozen=True)
class FoldCounts:
    """Examples of one option count answered right in cross-validation: by the map fitted on the other
    folds (on the folds where one could be fitted: ``fitted_folds`` of the ``examples``) and, on the same
    folds, by batch calibration; and by batch calibration on every fold (``batch_all``)."""

    fitted: int
    batch: int
    batch_all: int
    fitted_folds: int
    examples: int


def fold_counts(method: str, scores: Sequence[Mapping[str, float]], golds: Sequence[str],
                shares: Mapping[str, float]) -> FoldCounts:
    """``CV_FOLDS``-fold cross-validation of one option count's examples (example ``i`` in fold ``i % CV_FOLDS``)."""
    if len(scores) != len(golds):
        raise ValueError(f"{len(scores)} scored examples but {len(golds)} golds")
    fitted_right = batch_right = batch_all = covered = 0
    for fold in range(CV_FOLDS):
        held = [i for i in range(len(scores)) if i % CV_FOLDS == fold]
        rest = [i for i in range(len(scores)) if i % CV_FOLDS != fold]
        if not held:
            continue
        batch = fit_batch_prior(method, [scores[i] for i in held])
        right = sum(_top(batch.debias(scores[i])) == golds[i] for i in held)
        batch_all += right
        fit = fit_count([scores[i] for i in rest], [golds[i] for i in rest], [scores[i] for i in held], shares)
        if fit is None:  # too few examples left to fit on: the fold counts for neither
            continue
        n = len(fit[0].bias)
        fitted = FittedCorrection(method, {n: fit[0]}, {n: fit[1]} if fit[1] is not None else {}, batch)
        fitted_right += sum(_top(fitted.debias(scores[i])) == golds[i] for i in held)
        batch_right += right
        covered += len(held)
    return FoldCounts(fitted_right, batch_right, batch_all, covered, len(scores))


def fitted_wins(method: str, scores: Sequence[Mapping[str, float]], golds: Sequence[str],
                shares: Mapping[str, float]) -> bool:
    """Whether the fitted map gets more of one option count's examples right than batch calibration, in
    cross-validation (``fold_counts``)."""
    counts = fold_counts(method, scores, golds, shares)
    return counts.fitted > counts.batch


def top(scores: Mapping[str, float]) -> str:
    """The letter with the highest score (ties to the earliest)."""
    return max(scores, key=scores.__getitem__)


_top = top
