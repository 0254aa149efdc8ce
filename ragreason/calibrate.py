"""Calibrated option scoring: a per-letter prior estimated on a share of the items, divided out of every
item's scores. Two estimates (``CALIBRATIONS``):

- ``"batch"`` (Batch Calibration, Zhou et al. 2023): the mean predicted probability of each letter over
  all the items being answered, options as given. It takes out whatever leans every answer the same
  way: the position habit, and a habit for an option text that sits at the same letter in every item
  ("True" is always A in ProofWriter). The estimation pass scores every item once; those scores are
  kept (``Calibration.scored``) and answer the items, so nothing is scored twice.
- ``"pride"`` (PriDe, Zheng et al. 2023, "Large Language Models Are Not Robust Multiple Choice
  Selectors"): the position prior alone, from the items under all their cyclic rotations. n passes
  per estimation item; it leaves a habit for an option text in place.

PriDe separates position from content:
``log P_observed(position j) = log P_prior(j) + log P_debiased(option at j) + c``.
Under all n cyclic rotations of an item each option sits at each position once, so the option term
averages out and the mean observed log-probability of position j estimates ``log P_prior(j)``.
The prior is estimated on a small share of the items (no golds needed) and divided out of every
item's scores: ``P_debiased(option at j) ∝ P_observed(j) / P_prior(j)``; one scoring pass per item,
plus n passes for each estimation item.

Both estimate the prior from real items under the same prompt, which contextual calibration (a
content-free input such as "N/A" as the question) does not.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .orders import Order, option_orders, reorder
from .types import Item, option_letters, text_id

log = logging.getLogger(__name__)

CALIBRATIONS = ("batch", "pride")
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


@dataclass(frozen=True)
class Calibration:
    """The letter prior per scoring method, and (batch calibration) the raw scores per method and item id
    that it was estimated from, options as given: the same prompts need not be scored again."""

    priors: dict[str, PositionPrior]
    scored: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)


def estimate_priors(kind: str, items: Sequence[Item], methods: Iterable[str], builder: Any, generator: Any,
                    retriever: Any, adapter: str | None, top_k: int | None) -> Calibration:
    """The letter prior per scoring method: "batch" from all ``items`` scored as given, "pride" from a fixed
    share of them (the same ones on every run: those whose id hashes lowest, per option count) under all
    their cyclic rotations."""
    by_count: dict[int, list[Item]] = {}
    for item in sorted(items, key=lambda i: text_id(i.id)):
        by_count.setdefault(len(item.options), []).append(item)
    share = BATCH_SHARE if kind == "batch" else DEFAULT_SHARE
    sizes = estimation_share({n: len(group) for n, group in by_count.items()}, share)
    chosen = [item for n, group in by_count.items() for item in group[: sizes[n]]]
    contexts = retriever.retrieve_many(chosen, top_k=top_k) if retriever is not None else [None] * len(chosen)
    if kind == "batch":
        prompts = builder.build_many(chosen, contexts)
        found = {m: generator.score_options(prompts, chosen, method=m, adapter=adapter) for m in sorted(methods)}
        return Calibration({m: fit_batch_prior(m, scores) for m, scores in found.items()},
                           {m: {item.id: s for item, s in zip(chosen, scores, strict=True)}
                            for m, scores in found.items()})
    rotations = [option_orders(item, len(item.options)) for item in chosen]
    shown = [(i, order, reorder(item, order)) for i, item in enumerate(chosen) for order in rotations[i]]
    prompts = builder.build_many([v for _, _, v in shown], [contexts[i] for i, _, _ in shown])
    priors = {}
    for method in sorted(methods):
        found = generator.score_options(prompts, [v for _, _, v in shown], method=method, adapter=adapter)
        views: list[list[tuple[Order, dict[str, float]]]] = [[] for _ in chosen]
        for (i, order, _), scores in zip(shown, found, strict=True):
            views[i].append((order, scores))
        priors[method] = fit_position_prior(method, views)
        log.info("position prior (%s scoring, %d items): %s", method, priors[method].items, priors[method].by_count)
    return Calibration(priors)


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
