"""Estimating a calibration for a set of items: the scoring passes each kind needs, and what they give."""

from __future__ import annotations

import json
import logging
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..data.prior import LetterPrior
from ..generate.scoring import is_cloze
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

SCORE_CHUNK = 64  # prompts per scoring call: the progress bar moves this often
Correction = PositionPrior | FittedCorrection


def orders_problem(calibrate: str | None, orders: int | str) -> str | None:
    """Why ``calibrate`` cannot correct scores read under ``orders`` option orders (a count, or "all"; None: it
    can)."""
    if calibrate in AS_GIVEN and orders != 1:
        return (f"{calibrate} calibration corrects the scores of the options as given; with several option orders "
                "use calibrate='pride'")
    return None


@dataclass(frozen=True)
class Calibration:
    """The correction per scoring method, and (batch and fitted calibration) the raw scores per method and
    item id that it was estimated from, options as given: the same prompts need not be scored again."""

    priors: dict[str, Correction]
    scored: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)


def estimate_priors(kind: str, items: Sequence[Item], methods: Iterable[str], builder: Any, generator: Any,
                    retriever: Any, adapter: str | None, top_k: int | None,
                    examples: Sequence[Item] | None = None, progress: bool = False) -> Calibration:
    """The correction per scoring method: "batch" from all ``items`` scored as given; "fitted" from up to
    ``FIT_ITEMS`` of the solved ``examples`` per option count (the same ones on every run: those whose id
    hashes lowest) scored as given, then balanced over all ``items``; "pride" from a fixed share of
    ``items`` under all their cyclic rotations. ``progress``: a "calibrating" bar over the prompts scored."""
    methods = sorted(methods)
    if kind == "pride":
        return _pride(items, methods, builder, generator, retriever, adapter, top_k, progress)
    if kind != "batch" and not examples:
        raise ValueError("fitted calibration needs solved examples (items with gold answers)")
    chosen = fitted_examples(examples or []) if kind != "batch" else []
    scored, fitted = score_groups([list(items), chosen], methods, builder, generator, retriever, adapter, top_k,
                                  progress)
    batch = {m: fit_batch_prior(m, [scored[m][item.id] for item in items]) for m in methods}
    if kind == "batch":
        return Calibration(dict(batch), scored)
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


def fitted_examples(examples: Sequence[Item]) -> list[Item]:
    """The solved examples the fitted calibration scores: per option count, the ``FIT_ITEMS`` whose ids hash
    lowest (the same ones on every run)."""
    return _lowest_hashes(examples, lambda n, total: min(total, FIT_ITEMS))


def _lowest_hashes(items: Sequence[Item], size) -> list[Item]:
    """Per option count, the ``size(count, total)`` items whose ids hash lowest."""
    by_count: dict[int, list[Item]] = {}
    for item in sorted(items, key=lambda i: text_id(i.id)):
        by_count.setdefault(len(item.options), []).append(item)
    return [item for n, group in by_count.items() for item in group[: size(n, len(group))]]


_SCORED: weakref.WeakKeyDictionary[Any, dict[tuple, dict[str, float]]] = weakref.WeakKeyDictionary()


Scores = dict[str, dict[str, dict[str, float]]]  # method -> item id -> letter -> score


def score_groups(groups: list[list[Item]], methods, builder, generator, retriever, adapter, top_k,
                 progress: bool) -> list[Scores]:
    """Raw scores per method and item id of each group of items, options as given, under one progress bar;
    each method reads the prompts of its own formulation (``PromptBuilder.for_scoring``). A prompt this
    generator already scored (the same solved examples for every arm of a benchmark) is not scored again."""
    items = [item for group in groups for item in group]
    contexts = retriever.retrieve_many(items, top_k=top_k) if retriever is not None else [None] * len(items)
    built: dict[bool, list] = {}  # by formulation: cloze or not
    for m in methods:
        if is_cloze(m) not in built:
            built[is_cloze(m)] = builder.for_scoring(m).build_many(items, contexts)
    prompts = {m: built[is_cloze(m)] for m in methods}
    try:
        memo = _SCORED.setdefault(generator, {})
    except TypeError:  # a generator that cannot be weakly referenced: no memory between calls
        memo = {}
    keys = {m: [(adapter, m, json.dumps([p.messages, i.options])) for p, i in zip(prompts[m], items, strict=True)]
            for m in methods}
    todo = {m: list({key: k for k, key in enumerate(keys[m]) if key not in memo}.values()) for m in methods}
    with _bar(sum(map(len, todo.values())), progress) as bar:
        for method in methods:
            scores = _chunked(generator, [prompts[method][k] for k in todo[method]], [items[k] for k in todo[method]],
                              method, adapter, bar)
            memo.update((keys[method][k], s) for k, s in zip(todo[method], scores, strict=True))
    found, start = [], 0
    for group in groups:
        found.append({m: {item.id: memo[keys[m][start + j]] for j, item in enumerate(group)} for m in methods})
        start += len(group)
    return found


def _chunked(generator, prompts, items, method, adapter, bar) -> list[dict[str, float]]:
    out: list[dict[str, float]] = []
    for start in range(0, len(prompts), SCORE_CHUNK):
        out += generator.score_options(prompts[start: start + SCORE_CHUNK], items[start: start + SCORE_CHUNK],
                                       method=method, adapter=adapter)
        bar.update(min(SCORE_CHUNK, len(prompts) - start))
    return out


def _bar(total: int, progress: bool):
    from ..console import bar

    return bar(total, "calibrating", "prompt", enabled=progress)


def _pride(items, methods, builder, generator, retriever, adapter, top_k, progress) -> Calibration:
    counts: dict[int, int] = {}
    for item in items:
        counts[len(item.options)] = counts.get(len(item.options), 0) + 1
    sizes = estimation_share(counts, DEFAULT_SHARE)
    chosen = _lowest_hashes(items, lambda n, total: sizes[n])
    contexts = retriever.retrieve_many(chosen, top_k=top_k) if retriever is not None else [None] * len(chosen)
    rotations = [option_orders(item, len(item.options)) for item in chosen]
    shown = [(i, order, reorder(item, order)) for i, item in enumerate(chosen) for order in rotations[i]]
    priors: dict[str, Correction] = {}
    with _bar(len(shown) * len(methods), progress) as bar:
        for method in methods:
            prompts = builder.for_scoring(method).build_many([v for _, _, v in shown],
                                                             [contexts[i] for i, _, _ in shown])
            found = _chunked(generator, prompts, [v for _, _, v in shown], method, adapter, bar)
            views: list[list[tuple[Order, dict[str, float]]]] = [[] for _ in chosen]
            for (i, order, _), scores in zip(shown, found, strict=True):
                views[i].append((order, scores))
            prior = fit_position_prior(method, views)
            log.info("position prior (%s scoring, %d items): %s", method, prior.items, prior.by_count)
            priors[method] = prior
    return Calibration(priors)


