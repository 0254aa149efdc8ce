"""Estimating a calibration for a set of items: the scoring passes each kind needs, and what they give."""

from __future__ import annotations

import json
import logging
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..data.prior import LetterPrior
from ..orders import Order, option_orders, reorder
from ..types import Item, text_id
from .fitted import FIT_ITEMS, FittedCorrection, LetterModel, fit_count
from .position import (
    DEFAULT_SHARE,
    PositionPrior,
    estimation_share,
    fit_batch_prior,
    fit_position_prior,
)
from .select import fitted_wins

log = logging.getLogger(__name__)

CALIBRATIONS = ("batch", "fitted", "pride")
AS_GIVEN = ("batch", "fitted")  # the kinds that correct the scores of the options as given (not across orders)
Correction = PositionPrior | FittedCorrection


@dataclass(frozen=True)
class Calibration:
    """The correction per scoring method, and (batch and fitted calibration) the raw scores per method and
    item id that it was estimated from, options as given: the same prompts need not be scored again."""

    priors: dict[str, Correction]
    scored: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)


def estimate_priors(kind: str, items: Sequence[Item], methods: Iterable[str], builder: Any, generator: Any,
                    retriever: Any, adapter: str | None, top_k: int | None,
                    examples: Sequence[Item] | None = None) -> Calibration:
    """The correction per scoring method: "batch" from all ``items`` scored as given; "fitted" from up to
    ``FIT_ITEMS`` of the solved ``examples`` per option count (the same ones on every run: those whose id
    hashes lowest) scored as given, then balanced over all ``items``; "pride" from a fixed share of
    ``items`` under all their cyclic rotations."""
    methods = sorted(methods)
    if kind == "pride":
        return _pride(items, methods, builder, generator, retriever, adapter, top_k)
    scored = _score(items, methods, builder, generator, retriever, adapter, top_k)
    batch = {m: fit_batch_prior(m, [scored[m][item.id] for item in items]) for m in methods}
    if kind == "batch":
        return Calibration(dict(batch), scored)
    if not examples:
        raise ValueError("fitted calibration needs solved examples (items with gold answers)")
    chosen = _lowest_hashes(examples, lambda n, total: min(total, FIT_ITEMS))
    fitted = _score(chosen, methods, builder, generator, retriever, adapter, top_k)
    shares = LetterPrior.fit(examples).shares
    priors: dict[str, Correction] = {}
    for method in methods:
        models: dict[int, LetterModel] = {}
        offsets: dict[int, tuple[float, ...]] = {}
        for n in sorted({len(i.options) for i in chosen}):
            group = [i for i in chosen if len(i.options) == n]
            found, golds = [fitted[method][i.id] for i in group], [i.answer or "" for i in group]
            if not fitted_wins(method, found, golds, shares[n]):
                continue
            answered = [scored[method][i.id] for i in items if len(i.options) == n]
            fit = fit_count(found, golds, answered, shares[n])
            if fit is None:
                continue
            models[n] = fit[0]
            if fit[1] is not None:
                offsets[n] = fit[1]
        log.info("fitted letter map (%s scoring): option counts %s (the others batch-calibrated, by cross-validation "
                 "on the examples) from %s examples; offsets %s", method, sorted(models),
                 {n: m.examples for n, m in models.items()}, offsets)
        priors[method] = FittedCorrection(method, models, offsets, batch[method])
    return Calibration(priors, scored)


def _lowest_hashes(items: Sequence[Item], size) -> list[Item]:
    """Per option count, the ``size(count, total)`` items whose ids hash lowest."""
    by_count: dict[int, list[Item]] = {}
    for item in sorted(items, key=lambda i: text_id(i.id)):
        by_count.setdefault(len(item.options), []).append(item)
    return [item for n, group in by_count.items() for item in group[: size(n, len(group))]]


_SCORED: weakref.WeakKeyDictionary[Any, dict[tuple, dict[str, float]]] = weakref.WeakKeyDictionary()


def _score(items, methods, builder, generator, retriever, adapter, top_k) -> dict[str, dict[str, dict[str, float]]]:
    """Raw scores per method and item id, options as given. A prompt this generator already scored (the same
    solved examples for every arm of a benchmark) is not scored again."""
    items = list(items)
    contexts = retriever.retrieve_many(items, top_k=top_k) if retriever is not None else [None] * len(items)
    prompts = builder.build_many(items, contexts)
    try:
        memo = _SCORED.setdefault(generator, {})
    except TypeError:  # a generator that cannot be weakly referenced: no memory between calls
        memo = {}
    found: dict[str, dict[str, dict[str, float]]] = {}
    for method in methods:
        keys = [(adapter, method, json.dumps([p.messages, i.options])) for p, i in zip(prompts, items, strict=True)]
        todo = [k for k, key in enumerate(keys) if key not in memo]
        if todo:
            scores = generator.score_options([prompts[k] for k in todo], [items[k] for k in todo], method=method,
                                             adapter=adapter)
            memo.update((keys[k], s) for k, s in zip(todo, scores, strict=True))
        found[method] = {item.id: memo[key] for item, key in zip(items, keys, strict=True)}
    return found


def _pride(items, methods, builder, generator, retriever, adapter, top_k) -> Calibration:
    counts: dict[int, int] = {}
    for item in items:
        counts[len(item.options)] = counts.get(len(item.options), 0) + 1
    sizes = estimation_share(counts, DEFAULT_SHARE)
    chosen = _lowest_hashes(items, lambda n, total: sizes[n])
    contexts = retriever.retrieve_many(chosen, top_k=top_k) if retriever is not None else [None] * len(chosen)
    rotations = [option_orders(item, len(item.options)) for item in chosen]
    shown = [(i, order, reorder(item, order)) for i, item in enumerate(chosen) for order in rotations[i]]
    prompts = builder.build_many([v for _, _, v in shown], [contexts[i] for i, _, _ in shown])
    priors: dict[str, Correction] = {}
    for method in methods:
        found = generator.score_options(prompts, [v for _, _, v in shown], method=method, adapter=adapter)
        views: list[list[tuple[Order, dict[str, float]]]] = [[] for _ in chosen]
        for (i, order, _), scores in zip(shown, found, strict=True):
            views[i].append((order, scores))
        prior = fit_position_prior(method, views)
        log.info("position prior (%s scoring, %d items): %s", method, prior.items, prior.by_count)
        priors[method] = prior
    return Calibration(priors)


