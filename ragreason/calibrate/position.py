"""Constant per-letter corrections: a letter prior estimated from the items' own scores, divided out of
every item's scores (no golds needed). Two estimates:

- ``"batch"`` (Batch Calibration, Zhou et al. 2023): the mean predicted probability of each letter over
  all the items being answered, options as given. It takes out whatever leans every answer the same
  way: the position habit, and a habit for an option text that sits at the same letter in every item
  ("True" is always A in ProofWriter).
- ``"pride"`` (PriDe, Zheng et al. 2023, "Large Language Models Are Not Robust Multiple Choice
  Selectors"): the position prior alone, from the items under all their cyclic rotations. n passes
  per estimation item; it leaves a habit for an option text in place.

PriDe separates position from content:
``log P_observed(position j) = log P_prior(j) + log P_debiased(option at j) + c``.
Under all n cyclic rotations of an item each option sits at each position once, so the option term
averages out and the mean observed log-probability of position j estimates ``log P_prior(j)``.
The prior is divided out of every item's scores: ``P_debiased(option at j) ∝ P_observed(j) / P_prior(j)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..orders import Order
from ..types import option_letters

DEFAULT_SHARE = 0.05  # of the items, per option count, on which the prior is estimated
MIN_ITEMS = 8  # estimation items per option count at least (all of them when there are fewer)
BATCH_SHARE = 1.0  # batch calibration: the mean over all the items (a quarter gave larger letter gaps)
BATCH_PSEUDO = 4.0  # uniform pseudo-items in the batch mean, so an option count with few items is barely moved


@dataclass(frozen=True)
class PositionPrior:
    """The estimated probability of each position regardless of content, per option count."""

    method: str
    by_count: dict[int, tuple[float, ...]]
    items: int = 0

    def __post_init__(self) -> None:
        for count, prior in self.by_count.items():
            if len(prior) != count or min(prior) <= 0 or abs(sum(prior) - 1) > 1e-6:
                raise ValueError(f"the prior for {count} options must be {count} positive probabilities summing "
                                 f"to 1, got {prior}")

    def debias(self, scores: Mapping[str, float]) -> dict[str, float]:
        """Log-probabilities per letter (letters as shown) with the position prior divided out; scores of an
        option count without an estimate come back as their log-softmax."""
        logp = log_softmax(scores)
        prior = self.by_count.get(len(scores))
        if prior is None:
            return logp
        letters = option_letters(len(scores))
        return {letter: logp[letter] - math.log(prior[letters.index(letter)]) for letter in logp}


def fit_position_prior(method: str, rotated: Sequence[Sequence[tuple[Order, Mapping[str, float]]]]) -> PositionPrior:
    """The prior from items scored under all their cyclic rotations: per item, (order, scores keyed by the
    letters as shown) for each of its n rotations. Per-item priors are averaged per option count."""
    sums: dict[int, list[float]] = {}
    counts: dict[int, int] = {}
    for views in rotated:
        n = _check_rotations(views)
        mean = [sum(log_softmax(scores)[letter] for _, scores in views) / n for letter in option_letters(n)]
        prior = _softmax(mean)
        total = sums.setdefault(n, [0.0] * n)
        for j in range(n):
            total[j] += prior[j]
        counts[n] = counts.get(n, 0) + 1
    by_count = {n: tuple(v / counts[n] for v in total) for n, total in sums.items()}
    by_count = {n: tuple(p / sum(prior) for p in prior) for n, prior in by_count.items()}
    return PositionPrior(method, by_count, sum(counts.values()))


def fit_batch_prior(method: str, scores: Sequence[Mapping[str, float]], pseudo: float = BATCH_PSEUDO
                    ) -> PositionPrior:
    """The prior as the mean predicted probability of each letter (options as given), per option count,
    with ``pseudo`` uniform items mixed in: one lone item of an option count would otherwise be divided by
    its own probabilities, leaving every letter tied."""
    sums: dict[int, list[float]] = {}
    counts: dict[int, int] = {}
    for found in scores:
        n = len(found)
        probs = log_softmax(found)
        total = sums.setdefault(n, [0.0] * n)
        for j, letter in enumerate(option_letters(n)):
            total[j] += math.exp(probs[letter])
        counts[n] = counts.get(n, 0) + 1
    by_count = {n: tuple(max((v + pseudo / n) / (counts[n] + pseudo), 1e-12) for v in total)
                for n, total in sums.items()}
    return PositionPrior(method, {n: tuple(p / sum(prior) for p in prior) for n, prior in by_count.items()},
                         sum(counts.values()))


def estimation_share(counts: Mapping[int, int], share: float = DEFAULT_SHARE, at_least: int = MIN_ITEMS
                     ) -> dict[int, int]:
    """How many items of each option count to estimate the prior on."""
    if not 0 < share <= 1:
        raise ValueError(f"the estimation share must be in (0, 1], got {share}")
    return {n: min(total, max(at_least, math.ceil(share * total))) for n, total in counts.items()}


def log_softmax(scores: Mapping[str, float]) -> dict[str, float]:
    if not scores:
        return {}
    top = max(scores.values())
    norm = top + math.log(sum(math.exp(v - top) for v in scores.values()))
    return {letter: value - norm for letter, value in scores.items()}


def _softmax(values: Sequence[float]) -> list[float]:
    top = max(values)
    exps = [math.exp(v - top) for v in values]
    total = sum(exps)
    return [e / total for e in exps]


def _check_rotations(views: Sequence[tuple[Order, Mapping[str, float]]]) -> int:
    if not views:
        raise ValueError("an estimation item needs its rotations' scores")
    n = len(views[0][0])
    shifts = {order[0] for order, _ in views}
    cyclic = all(order == tuple((order[0] + j) % n for j in range(n)) for order, _ in views)
    if len(views) != n or shifts != set(range(n)) or not cyclic:
        raise ValueError(f"PriDe needs each of the {n} cyclic rotations once, got {[o for o, _ in views]}")
    for _, scores in views:
        if set(scores) != set(option_letters(n)):
            raise ValueError(f"scores {dict(scores)} do not name the {n} options")
    return n
