"""``answer``: items -> retrieved context -> prompts -> sampled answers -> votes -> answers, as a ``Recipe`` says.

A readable function, not an engine. With ``out=path.jsonl`` every answered item is appended (and
flushed) as soon as its batch is done, and a rerun skips the items already there: a crash loses at
most the batch in flight, and nothing is answered twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .calibrate import (
    BATCH_PSEUDO,
    BATCH_SHARE,
    CV_FOLDS,
    DEFAULT_SHARE,
    FIT_C,
    FIT_ITEMS,
    MAX_PRICE,
    MIN_BALANCE,
    MIN_FIT,
    Calibration,
    estimate_priors,
)
from .calibrate.formulation import AUTO
from .data.prior import LetterPrior
from .generate.scoring import answer_choices
from .orders import Order, reorder, scores_to_original, to_original
from .prompt import PromptBuilder
from .prompt.tokens import ModelTokenCounter
from .recipe.recipe import Recipe
from .recipe.sampling import Sampling
from .results import JsonlLog, answer_from_record, answer_to_record
from .retrieve.rerank import RERANK_METHOD, with_model
from .types import Answer, Generation, Generator, Item, Retriever
from .vote import Vote, generation_source, vote_from_scores

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOptions:
    """How a run goes, beside what answers: ``batch_size`` items per engine call (and per write to ``out``);
    ``record_extra`` adds fields to each record written to ``out`` (e.g. the gold answer); ``calibrate_on``:
    estimate the "batch" and "pride" priors, and balance the "fitted" answers, over these items instead of
    the items answered (a superset, so that answering a slice of them first answers it as the whole would)."""

    batch_size: int = 32
    record_extra: Callable[[Item, Answer], dict[str, Any]] | None = None
    calibrate_on: Sequence[Item] | None = None

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {self.batch_size}")


def answer(
    items: Sequence[Item],
    recipe: Recipe | None = None,
    *,
    generator: Generator,
    retriever: Retriever | None = None,
    examples: Sequence[Item] | None = None,
    out: str | Path | None = None,
    progress: bool = True,
    options: RunOptions | None = None,
) -> list[Answer]:
    """Answer every item by ``recipe`` (default: ``Recipe()``, one greedy sample, read and voted); returns
    answers in item order (those resumed from ``out`` included).

    ``retriever``: each item's context (``recipe.top_k`` documents; none without one). ``examples``: solved items
    (with gold answers, none of them among ``items``: those that are, are left out) that the "fitted"
    calibration is fitted on, that "auto" scoring chooses its method on (without enough of them
    ``policy.BLIND_SCORE``), and whose letter shares ``recipe.prior`` weighs the scores by.
    Sampled answers and the option scores' vote are voted by ``recipe.voter``; under several option orders
    (``recipe.permutations``) all are asked in one engine call, votes mapped back to the original letters and
    voted together (scores averaged over the orders into one vote), ``Answer.by_order`` keeping each order's
    answer."""
    recipe = recipe or Recipe()
    options = options or RunOptions()
    _check_unique(items)
    solved = _solved(items, examples)
    if recipe.calibrate == "fitted" and not solved:
        raise ValueError("calibrate='fitted' needs examples=: solved items (with gold answers) that are not "
                         "among the items being answered")
    if recipe.prior and not solved:
        raise ValueError("a recipe with prior=True needs examples=: solved items whose golds give the letter shares")
    prior = LetterPrior.fit(solved) if recipe.prior else None
    chooses = AUTO in (recipe.score, recipe.fallback.scoring)
    fit_on = solved if recipe.calibrate == "fitted" else None
    key = run_key(recipe, generator, retriever, prior=prior, examples=fit_on, chosen_on=solved if chooses else None)
    builder = recipe.prompt.builder(ModelTokenCounter(generator))
    retriever = with_model(retriever, generator, recipe.adapter)  # documents reranked by this model, where asked for
    done = JsonlLog(out) if out is not None else None
    if done is not None:
        _check_key(done, key)
    todo = [item for item in items if done is None or item.id not in done]
    if done is not None and len(todo) < len(items):
        log.info("%s: resuming, %d of %d items already answered", out, len(items) - len(todo), len(items))
    started = time.perf_counter()
    if chooses and todo:
        recipe = _choose(recipe, solved, builder, generator, retriever, progress)
    methods = {m for m in (recipe.score, recipe.fallback.scoring) if m}
    calibration = estimate_priors(recipe.calibrate, options.calibrate_on or items, methods, builder, generator,
                                  retriever, recipe.adapter, recipe.top_k, fit_on, progress) \
        if recipe.calibrate and todo else None
    share = (time.perf_counter() - started) / len(todo) if methods and todo else 0.0  # the items' scores, mostly
    plan = _Plan(recipe, builder, generator, retriever, calibration, prior, share)
    fresh: dict[str, Answer] = {}
    for batch in _batches(todo, options.batch_size, progress):
        answers = _answer_batch(batch, plan)
        if done is not None:
            extra = options.record_extra or (lambda item, answer: {})
            done.append([answer_to_record(a, run_key=key, **extra(i, a)) for i, a in zip(batch, answers, strict=True)])
        fresh.update((a.item_id, a) for a in answers)
    return [fresh[i.id] if i.id in fresh else answer_from_record(done.records[i.id]) for i in items]  # type: ignore[union-attr]


@dataclass(frozen=True)
class _Plan:
    """What answers a batch: the recipe (its "auto" scoring resolved) and what it was turned into."""

    recipe: Recipe
    builder: PromptBuilder
    generator: Generator
    retriever: Retriever | None
    calibration: Calibration | None
    prior: LetterPrior | None
    setup_share: float = 0.0  # choosing the scoring method and calibrating (which scores the items), per item


@dataclass(frozen=True)
class _View:
    """One item as shown under one option order."""

    index: int  # of the item in its batch
    order: Order
    item: Item


def _answer_batch(batch: list[Item], plan: _Plan) -> list[Answer]:
    r = plan.recipe
    contexts = plan.retriever.retrieve_many(batch, top_k=r.top_k) if plan.retriever is not None else [None] * len(batch)
    views = [_View(i, order, reorder(item, order))
             for i, item in enumerate(batch) for order in r.permutations.orders(item)]
    shown_items, shown_contexts = [v.item for v in views], [contexts[v.index] for v in views]
    samples = _sample(plan.generator, plan.builder.build_many(shown_items, shown_contexts), shown_items, r.sampling,
                      r.adapter) if r.sampling.n > 0 else [[] for _ in views]
    started = time.perf_counter()
    scores = _scores(plan, plan.builder.for_scoring(r.score).build_many(shown_items, shown_contexts), shown_items,
                     r.score) if r.score else None
    scoring_s = (time.perf_counter() - started) / len(batch) + plan.setup_share if r.score else plan.setup_share
    several = len(views) > len(batch)
    shown: list[list[tuple[list[Vote], Vote | None, list[Generation]]]] = [[] for _ in batch]
    own: list[list[int]] = [[] for _ in batch]  # each item's views
    for k, view in enumerate(views):
        own[view.index].append(k)
        gens = [replace(g, order=view.order) if several else g for g in samples[k]]
        votes = [Vote(to_original(r.reader(view.item, g.text), view.order), generation_source(g), g.logprob)
                 for g in gens]
        scored = vote_from_scores(_weigh(scores_to_original(scores[k], view.order), batch[view.index], plan.prior),
                                  f"score:{r.score}") if scores else None
        shown[view.index].append((votes, scored, gens))
    answers = []
    for i, item in enumerate(batch):
        votes = [v for vs, _, _ in shown[i] for v in vs]
        if scores is not None:
            mean = _mean_scores([scores[k] for k in own[i]], [views[k].order for k in own[i]])
            votes.append(vote_from_scores(_weigh(mean, item, plan.prior), source=f"score:{r.score}"))
        answer = r.voter.vote(item.id, votes, generations=[g for _, _, gs in shown[i] for g in gs], context=contexts[i])
        if several:  # each order's own answer, for CircularEval
            by_order = tuple(r.voter.vote(item.id, vs + ([sv] if sv else [])).choice for vs, sv, _ in shown[i])
            answer = replace(answer, by_order=by_order)
        answers.append(replace(answer, scoring_s=scoring_s) if scoring_s else answer)
    return _fall_back(plan, batch, contexts, answers)


def _weigh(scores: dict[str, float], item: Item, prior: LetterPrior | None) -> dict[str, float]:
    """Scores keyed by the original letters, plus the log of each letter's share of the training golds."""
    if prior is None:
        return scores
    shares = prior.log_shares(item)
    return {letter: value + shares[letter] for letter, value in scores.items()}


def _scores(plan: _Plan, prompts, items, method) -> list[dict[str, float]]:
    """Option scores per prompt (letters as shown), with the letter prior divided out when calibrating; the
    items the calibration already scored (batch calibration, options as given) are not scored again."""
    generator, adapter, calibration = plan.generator, plan.recipe.adapter, plan.calibration
    if calibration is None:
        return generator.score_options(prompts, items, method=method, adapter=adapter)
    known = calibration.scored.get(method, {})
    todo = [k for k, item in enumerate(items) if item.id not in known]
    found = generator.score_options([prompts[k] for k in todo], [items[k] for k in todo], method=method,
                                    adapter=adapter) if todo else []
    fresh = dict(zip(todo, found, strict=True))
    raw = [fresh[k] if k in fresh else known[item.id] for k, item in enumerate(items)]
    prior = calibration.priors.get(method)
    return [prior.debias(s) for s in raw] if prior is not None else raw


def _mean_scores(scores: list[dict[str, float]], orders: list[Order]) -> dict[str, float]:
    """Scores made under several orders, keyed by the original letters and averaged (one order: as is)."""
    if len(scores) == 1:
        return scores_to_original(scores[0], orders[0])
    mapped = [scores_to_original(s, o) for s, o in zip(scores, orders, strict=True)]
    return {letter: sum(m[letter] for m in mapped) / len(mapped) for letter in mapped[0]}


def _fall_back(plan: _Plan, items, contexts, answers: list[Answer]) -> list[Answer]:
    """The answers, with the fallback's choice where no vote named an option (one scoring pass for all, options
    as given)."""
    fallback = plan.recipe.fallback
    missing = [k for k, a in enumerate(answers) if a.choice is None]
    if fallback.policy == "none" or not missing:
        return answers
    if fallback.policy == "prior":
        letters = [fallback.prior.choice(items[k]) for k in missing]  # type: ignore[union-attr]
    else:
        started = time.perf_counter()
        prompts = plan.builder.for_scoring(fallback.method).build_many([items[k] for k in missing],
                                                                       [contexts[k] for k in missing])
        scores = _scores(plan, prompts, [items[k] for k in missing], fallback.method)
        letters = [vote_from_scores(_weigh(s, items[k], plan.prior)).choice
                   for k, s in zip(missing, scores, strict=True)]
        share, scored = (time.perf_counter() - started) / len(missing), set(missing)
        answers = [replace(a, scoring_s=a.scoring_s + share) if k in scored else a for k, a in enumerate(answers)]
    out = list(answers)
    for k, letter in zip(missing, letters, strict=True):
        out[k] = fallback.answered(answers[k], letter)
    return out


def _sample(generator, prompts, items, sampling: Sampling, adapter) -> list[list[Generation]]:
    """n samples per prompt: one call asking for n, or (``separate``) n calls asking for one each;
    ``constrained``: each sample is one of the item's answer lines."""
    calls, per_call = (sampling.n, 1) if sampling.separate else (1, sampling.n)
    extra = {"choices": [answer_choices(p, i) for p, i in zip(prompts, items, strict=True)]} if sampling.constrained \
        else {}  # generators written before constrained decoding need not know the argument
    out: list[list[Generation]] = [[] for _ in prompts]
    for call in range(calls):
        batch = generator.generate(
            prompts, n=per_call, temperature=sampling.effective_temperature, top_p=sampling.top_p,
            max_tokens=sampling.max_tokens, adapter=adapter, stop=list(sampling.stop) or None, **extra,
        )
        for i, samples in enumerate(batch):
            out[i] += [replace(g, sample=call) for g in samples] if sampling.separate else samples
    return out


def _batches(items: list[Item], size: int, progress: bool):
    from .console import bar

    with bar(len(items), "answering", "item", enabled=progress) as shown:
        for start in range(0, len(items), size):
            batch = items[start: start + size]
            yield batch
            shown.update(len(batch))


def _solved(items: Sequence[Item], examples: Sequence[Item] | None) -> list[Item]:
    """The solved examples the fitted calibration and the choice of a scoring method learn from, less any
    item being answered (its gold would leak into its own answer)."""
    solved = [e for e in examples or () if e.answer is not None]
    answering = {i.id for i in items}
    kept = [e for e in solved if e.id not in answering]
    if len(kept) < len(solved):
        log.warning("%d of the %d solved examples are among the items being answered; they are left out of what "
                    "learns from the examples", len(solved) - len(kept), len(solved))
    return kept


def _choose(recipe: Recipe, solved, builder, generator, retriever, progress) -> Recipe:
    """The recipe with "auto" (its score, its fallback's method) replaced by the method chosen on the solved
    examples."""
    from .calibrate.formulation import choose_method
    from .policy import BLIND_SCORE, SCORE_CANDIDATES

    found = choose_method(SCORE_CANDIDATES, solved, recipe.calibrate, builder, generator, retriever, recipe.adapter,
                          recipe.top_k, progress) if solved else None
    method = found.method if found is not None else BLIND_SCORE
    if found is None:
        log.info("option scoring: %s (too few solved examples to choose on: the method measured best on average)",
                 BLIND_SCORE)
    fallback = replace(recipe.fallback, method=method) if recipe.fallback.method == AUTO else recipe.fallback
    return replace(recipe, score=method if recipe.score == AUTO else recipe.score, fallback=fallback)


def _check_unique(items: Sequence[Item]) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"item id {item.id!r} appears twice; ids must be unique")
        seen.add(item.id)


def run_key(recipe: Recipe, generator: Generator, retriever: Retriever | None, *, prior: LetterPrior | None = None,
            examples: Sequence[Item] | None = None, chosen_on: Sequence[Item] | None = None) -> str:
    """A fingerprint of everything that decides an answer, stored with each record: the recipe, the model, the
    kind of retriever, ``prior`` (the letter shares ``recipe.prior`` weighs by), ``examples`` (what the fitted
    calibration is fitted on) and ``chosen_on`` (what "auto" scoring chooses on). Settings added to the recipe
    after answer files were first written enter it only when set, so those files still resume."""
    p, sampling, voter = recipe.prompt, recipe.sampling, recipe.voter
    settings: dict[str, Any] = {
        "template": p.name, "closed_world": p.closed_world, "shots": p.shots,
        "max_context_tokens": p.max_context_tokens,
        "model": getattr(generator, "model_name", type(generator).__name__), "adapter": recipe.adapter,
        "sampling": sampling.settings(), "score": recipe.score,
        "voter": [voter.strategy, voter.weights, voter.tie_break],
        "retriever": type(retriever).__name__ if retriever is not None else None, "top_k": recipe.top_k,
        "reader": getattr(recipe.reader, "__name__", type(recipe.reader).__name__),
    }
    rerank = getattr(retriever, "rerank_mass", None) if retriever is not None else None
    if rerank is not None:  # keys made before reranking stay as they were
        settings["rerank"] = {"method": RERANK_METHOD, "mass": rerank}
    if recipe.fallback.settings() is not None:  # keys made before fallbacks stay as they were
        settings["fallback"] = recipe.fallback.settings()
    if recipe.permutations.settings() is not None:
        settings["permutations"] = recipe.permutations.settings()
    if recipe.calibrate == "pride":
        settings["calibrate"] = {"method": "pride", "share": DEFAULT_SHARE}
    elif recipe.calibrate == "batch":
        settings["calibrate"] = {"method": "batch", "share": BATCH_SHARE, "pseudo_items": BATCH_PSEUDO}
    elif recipe.calibrate == "fitted":
        settings["calibrate"] = {"method": "fitted", "fit_items": FIT_ITEMS, "min_fit": MIN_FIT, "C": FIT_C,
                                 "min_balance": MIN_BALANCE, "max_price": MAX_PRICE, "pseudo_items": BATCH_PSEUDO,
                                 "cv_folds": CV_FOLDS, "examples": _digest(examples or ())}
    if prior is not None:
        settings["prior"] = {str(k): v for k, v in prior.shares.items()}
    if chosen_on is not None:  # "auto" scoring: what the method is chosen from
        from .policy import BLIND_SCORE, SCORE_CANDIDATES

        settings["score_choice"] = {"candidates": SCORE_CANDIDATES, "blind": BLIND_SCORE,
                                    "examples": _digest(chosen_on)}
    return hashlib.sha1(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _digest(examples: Sequence[Item]) -> str:
    return hashlib.sha1(json.dumps(sorted((e.id, e.answer) for e in examples)).encode()).hexdigest()[:16]


def _check_key(done: JsonlLog, key: str) -> None:
    stale = [k for k, r in done.records.items() if r.get("run_key") != key]
    if stale:
        raise ValueError(
            f"{done.path} holds {len(stale)} answer(s) from a different configuration (e.g. {stale[0]!r}); "
            "write to a new file or delete it to start over"
        )
