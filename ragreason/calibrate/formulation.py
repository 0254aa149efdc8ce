"""Letters or cloze, and which normalisation: chosen per task on its solved examples.

How options are scored decides what a small model can show (OLMES, Gu et al. 2024, picks the better of the
multiple-choice and the cloze formulation per task). Each candidate method scores the solved examples the
fitted calibration would (``fitted_examples``: at most ``FIT_ITEMS`` per option count, the same ones every
run) and is judged by how many it answers right in cross-validation under the calibration the recipe
runs: for "fitted", the better of the fitted map and batch calibration per option count (the choice the
calibration itself makes), for "batch" batch calibration, otherwise the raw scores. The most right wins;
ties go to the earlier candidate. The scores are remembered (``estimate``), so the calibration that
follows scores nothing twice; cloze, cloze-token and cloze-char share one pass.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..data.prior import LetterPrior
from ..types import Item
from .estimate import fitted_examples, score_groups
from .fitted import MIN_FIT
from .select import fold_counts, top

log = logging.getLogger(__name__)

AUTO = "auto"  # the score setting that asks for this choice


@dataclass(frozen=True)
class MethodChoice:
    """The chosen scoring method, and each candidate's examples answered right in cross-validation."""

    method: str
    right: dict[str, int]
    examples: int

    def describe(self) -> str:
        shown = ", ".join(f"{m} {100 * r / self.examples:.1f}%" for m, r in self.right.items())
        return f"{self.method} (cross-validated on {self.examples} solved examples: {shown})"


def choose_method(candidates: Sequence[str], examples: Sequence[Item], calibrate: str | None, builder: Any,
                  generator: Any, retriever: Any, adapter: str | None, top_k: int | None,
                  progress: bool = False) -> MethodChoice | None:
    """The candidate that answers the solved ``examples`` best in cross-validation; None with fewer than
    ``MIN_FIT`` of them (too few to tell the methods apart)."""
    chosen = fitted_examples([e for e in examples if e.answer is not None])
    if len(chosen) < MIN_FIT:
        return None
    scored = score_groups([chosen], list(candidates), builder, generator, retriever, adapter, top_k, progress)[0]
    shares = LetterPrior.fit(chosen).shares
    right = {m: _right(m, [scored[m][i.id] for i in chosen], chosen, calibrate, shares) for m in candidates}
    best = max(candidates, key=lambda m: right[m])  # ties: the earliest candidate
    choice = MethodChoice(best, right, len(chosen))
    log.info("option scoring: %s", choice.describe())
    return choice


def _right(method: str, scores: list[dict[str, float]], items: list[Item], calibrate: str | None,
           shares: dict[int, dict[str, float]]) -> int:
    if calibrate not in ("fitted", "batch"):
        return sum(top(s) == i.answer for s, i in zip(scores, items, strict=True))
    total = 0
    for n in sorted({len(i.options) for i in items}):
        group = [k for k, i in enumerate(items) if len(i.options) == n]
        counts = fold_counts(method, [scores[k] for k in group], [items[k].answer or "" for k in group], shares[n])
        fitted = counts.fitted + counts.batch_all - counts.batch  # a fold without a map is batch-calibrated
        total += max(fitted, counts.batch_all) if calibrate == "fitted" else counts.batch_all
    return total
