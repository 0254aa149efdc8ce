"""``answer``: items -> retrieved context -> prompts -> sampled answers -> votes -> answers.

A readable function, not an engine. With ``out=path.jsonl`` every answered item is appended (and
flushed) as soon as its batch is done, and a rerun skips the items already there: a crash loses at
most the batch in flight, and nothing is answered twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .calibrate import (
    BATCH_PSEUDO,
    BATCH_SHARE,
    CALIBRATIONS,
    CV_FOLDS,
    DEFAULT_SHARE,
    FIT_C,
    FIT_ITEMS,
    MAX_PRICE,
    MIN_BALANCE,
    MIN_FIT,
    Calibration,
    estimate_priors,
    orders_problem,
)
from .calibrate.formulation import AUTO
from .data.prior import LetterPrior
from .extract import extract_choice
from .generate.scoring import answer_choices
from .orders import Order, Permutations, reorder, scores_to_original, to_original
from .prompt import PromptBuilder
from .results import JsonlLog, answer_from_record, answer_to_record
from .retrieve.rerank import RERANK_METHOD, with_model
from .types import (
    DEFAULT_MAX_TOKENS,
    DEFAULT_TEMPERATURE,
    DEFAULT_TOP_P,
    Answer,
    Generation,
    Generator,
    Item,
    Retriever,
)
from .vote import Fallback, Vote, Voter, generation_source, vote_from_scores

Reader = Callable[[Item, str], "str | None"]


def read_choice(item: Item, text: str) -> str | None:
    """The default reader: ``extract_choice`` with the item's option texts."""
    return extract_choice(text, len(item.options), options=item.options)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sampling:
    """How to sample: ``n`` answers per prompt; temperature None means greedy for n=1, ``DEFAULT_TEMPERATURE``
    above.
    ``separate``: ask for the n samples in n calls of one sample each (the SAIS 2024 competition
    baseline's way; slower, kept for comparison) instead of one call with ``n``. ``constrained``:
    every sample is one of the template's answer lines with a valid letter (structured outputs on
    vLLM; no reasoning is written, so no sample is unreadable)."""

    n: int = 1
    temperature: float | None = None
    top_p: float = DEFAULT_TOP_P
    max_tokens: int = DEFAULT_MAX_TOKENS
    stop: tuple[str, ...] = ()
    separate: bool = False
    constrained: bool = False

    def __post_init__(self) -> None:
        if self.n < 0:
            raise ValueError(f"n must be >= 0, got {self.n}")
        if self.temperature is not None and self.temperature < 0:
            raise ValueError(f"temperature must be >= 0, got {self.temperature}")
        if self.max_tokens < 1:
            raise ValueError(f"max_tokens must be >= 1, got {self.max_tokens}")

    @property
    def effective_temperature(self) -> float:
        if self.temperature is not None:
            return self.temperature
        return 0.0 if self.n <= 1 else DEFAULT_TEMPERATURE

    def settings(self) -> dict[str, Any]:
        """What of it decides an answer (for the run key); settings added later count only when set."""
        return {k: v for k, v in self.__dict__.items() if k not in _LATER or v != _LATER[k]}


_LATER = {"constrained": False}


def answer(
    items: Sequence[Item],
    *,
    builder: PromptBuilder,
    generator: Generator,
    voter: Voter | None = None,
    retriever: Retriever | None = None,
    sampling: Sampling | None = None,
    score: str | None = None,
    adapter: str | None = None,
    out: str | Path | None = None,
    batch_size: int = 32,
    top_k: int | None = None,
    reader: Reader = read_choice,
    record_extra: Callable[[Item, Answer], dict[str, Any]] | None = None,
    fallback: Fallback | None = None,
    permutations: Permutations | int | str = 1,
    calibrate: str | None = None,
    prior: LetterPrior | None = None,
    examples: Sequence[Item] | None = None,
    calibrate_on: Sequence[Item] | None = None,
    progress: bool = True,
) -> list[Answer]:
    """Answer every item; returns answers in item order (those resumed from ``out`` included).

    ``sampling.n`` samples per item (default: one, greedy) are voted by ``voter`` (majority by default);
    ``score`` (a method of ``ragreason.generate.METHODS``: "label", "text", or the cloze formulation's
    "cloze", "cloze-token", "cloze-char", "cloze-pmi", scored on the prompts of ``builder.for_scoring``)
    adds the generator's option scoring as one more vote (with ``Sampling(n=0)``, the only one); "auto"
    chooses the method on the solved ``examples`` by cross-validation (``ragreason.calibrate.formulation``;
    without enough of them ``policy.BLIND_SCORE``), and so does a fallback whose method is "auto".
    ``reader`` turns a sampled text into a letter (default ``extract_choice``); ``record_extra``
    adds fields to each record written to ``out`` (e.g. the gold answer); ``fallback`` answers the
    items no vote named an option for (default: they stay unanswered).
    ``permutations``: show each item under k option orders (``Permutations(k, kind, seed)``; an int is
    k cyclic shifts, "all" every cyclic shift), all in one engine call, votes mapped back to the original
    letters and voted together (scores averaged over the orders into one vote); ``Answer.by_order`` keeps
    each order's answer.
    ``calibrate`` ("batch", "pride" or "fitted"): correct every option score, the score votes' and the score
    fallback's (``ragreason.calibrate``): "batch" and "pride" divide out a letter prior estimated on
    ``items``; "fitted" maps the scores by a model fitted on the solved ``examples`` (items with golds,
    none of them among ``items``: those that are, are left out of the fit) and balances the answers to the
    examples' letter shares.
    ``calibrate_on``: estimate "batch" and "pride" priors, and balance "fitted" answers, over these items
    instead of ``items`` (a superset, so that answering a slice of them first answers it as the whole would).
    ``prior`` (with ``calibrate``): add the log of each letter's share of the training golds to the
    calibrated scores (``LetterPrior.log_shares``): the model's evidence weighed against the answer prior,
    Bayes-fashion, so a model with no evidence answers like the prior and a confident one overrules it."""
    sampling = sampling or Sampling()
    if sampling.n == 0 and score is None:
        raise ValueError("Sampling(n=0) needs score= (nothing would vote)")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if calibrate is not None and calibrate not in CALIBRATIONS:
        raise ValueError(f"calibrate must be one of {', '.join(CALIBRATIONS)} or None, got {calibrate!r}")
    permutations = permutations if isinstance(permutations, Permutations) else Permutations.parse(permutations)
    if problem := orders_problem(calibrate, permutations.k):
        raise ValueError(problem)
    if prior is not None and calibrate in (None, "fitted"):
        raise ValueError("prior= weighs batch- or PriDe-calibrated scores (uncalibrated scores carry the model's "
                         "own letter habit; the fitted calibration learns the answer prior itself)")
    _check_unique(items)
    solved = _solved(items, examples)
    if calibrate == "fitted" and not solved:
        raise ValueError("calibrate='fitted' needs examples=: solved items (with gold answers) that are not "
                         "among the items being answered")
    examples = solved if calibrate == "fitted" else None
    voter = voter or Voter()
    fallback = fallback or Fallback()
    chooses = AUTO in (score, fallback.method if fallback.policy == "score" else None)
    key = run_key(builder, generator, voter, sampling, score, adapter, retriever, top_k, reader, fallback,
                  permutations, calibrate, prior, examples, chosen_on=solved if chooses else None)
    retriever = with_model(retriever, generator, adapter)  # documents reranked by this model, where asked for
    done = JsonlLog(out) if out is not None else None
    if done is not None:
        _check_key(done, key)
    todo = [item for item in items if done is None or item.id not in done]
    if done is not None and len(todo) < len(items):
        log.info("%s: resuming, %d of %d items already answered", out, len(items) - len(todo), len(items))
    if chooses and todo:
        score, fallback = _choose(score, fallback, solved, calibrate, builder, generator, retriever, adapter, top_k,
                                  progress)
    methods = {m for m in (score, fallback.method if fallback.policy == "score" else None) if m}
    calibration = estimate_priors(calibrate, calibrate_on or items, methods, builder, generator, retriever, adapter,
                                  top_k, examples, progress) if calibrate and todo else None
    fresh: dict[str, Answer] = {}
    for batch in _batches(todo, batch_size, progress):
        answers = _answer_batch(batch, builder, generator, voter, retriever, sampling, score, adapter, top_k, reader,
                                fallback, permutations, calibration, prior)
        if done is not None:
            extra = record_extra or (lambda item, answer: {})
            done.append([answer_to_record(a, run_key=key, **extra(i, a)) for i, a in zip(batch, answers, strict=True)])
        fresh.update((a.item_id, a) for a in answers)
    return [fresh[i.id] if i.id in fresh else answer_from_record(done.records[i.id]) for i in items]  # type: ignore[union-attr]


@dataclass(frozen=True)
class _View:
    """One item as shown under one option order."""

    index: int  # of the item in its batch
    order: Order
    item: Item


def _answer_batch(batch, builder, generator, voter, retriever, sampling, score, adapter, top_k, reader, fallback,
                  permutations, calibration, prior) -> list[Answer]:
    contexts = retriever.retrieve_many(batch, top_k=top_k) if retriever is not None else [None] * len(batch)
    views = [_View(i, order, reorder(item, order))
             for i, item in enumerate(batch) for order in permutations.orders(item)]
    shown_items, shown_contexts = [v.item for v in views], [contexts[v.index] for v in views]
    samples = _sample(generator, builder.build_many(shown_items, shown_contexts), shown_items, sampling, adapter) \
        if sampling.n > 0 else [[] for _ in views]
    scores = _scores(generator, builder.for_scoring(score).build_many(shown_items, shown_contexts), shown_items,
                     score, adapter, calibration) if score else None
    several = len(views) > len(batch)
    shown: list[list[tuple[list[Vote], Vote | None, list[Generation]]]] = [[] for _ in batch]
    own: list[list[int]] = [[] for _ in batch]  # each item's views
    for k, view in enumerate(views):
        own[view.index].append(k)
        gens = [replace(g, order=view.order) if several else g for g in samples[k]]
        votes = [Vote(to_original(reader(view.item, g.text), view.order), generation_source(g), g.logprob)
                 for g in gens]
        scored = vote_from_scores(_weigh(scores_to_original(scores[k], view.order), batch[view.index], prior),
                                  f"score:{score}") if scores else None
        shown[view.index].append((votes, scored, gens))
    answers = []
    for i, item in enumerate(batch):
        votes = [v for vs, _, _ in shown[i] for v in vs]
        if scores is not None:
            mean = _mean_scores([scores[k] for k in own[i]], [views[k].order for k in own[i]])
            votes.append(vote_from_scores(_weigh(mean, item, prior), source=f"score:{score}"))
        answer = voter.vote(item.id, votes, generations=[g for _, _, gs in shown[i] for g in gs], context=contexts[i])
        if several:  # each order's own answer, for CircularEval
            by_order = tuple(voter.vote(item.id, vs + ([sv] if sv else [])).choice for vs, sv, _ in shown[i])
            answer = replace(answer, by_order=by_order)
        answers.append(answer)
    return _fall_back(fallback, batch, contexts, answers, builder, generator, adapter, calibration, prior)


def _weigh(scores: dict[str, float], item: Item, prior: LetterPrior | None) -> dict[str, float]:
    """Scores keyed by the original letters, plus the log of each letter's share of the training golds."""
    if prior is None:
        return scores
    shares = prior.log_shares(item)
    return {letter: value + shares[letter] for letter, value in scores.items()}


def _scores(generator, prompts, items, method, adapter, calibration: Calibration | None) -> list[dict[str, float]]:
    """Option scores per prompt (letters as shown), with the letter prior divided out when calibrating; the
    items the calibration already scored (batch calibration, options as given) are not scored again."""
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


def _fall_back(fallback: Fallback, items, contexts, answers: list[Answer], builder, generator, adapter, calibration,
               prior) -> list[Answer]:
    """The answers, with the fallback's choice where no vote named an option (one scoring pass for all, options
    as given)."""
    missing = [k for k, a in enumerate(answers) if a.choice is None]
    if fallback.policy == "none" or not missing:
        return answers
    if fallback.policy == "prior":
        letters = [fallback.prior.choice(items[k]) for k in missing]  # type: ignore[union-attr]
    else:
        prompts = builder.for_scoring(fallback.method).build_many([items[k] for k in missing],
                                                                  [contexts[k] for k in missing])
        scores = _scores(generator, prompts, [items[k] for k in missing], fallback.method, adapter, calibration)
        letters = [vote_from_scores(_weigh(s, items[k], prior)).choice for k, s in zip(missing, scores, strict=True)]
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


def _choose(score, fallback: Fallback, solved, calibrate, builder, generator, retriever, adapter, top_k, progress
            ) -> tuple[str | None, Fallback]:
    """``score`` and the fallback's method with "auto" replaced by the method chosen on the solved examples."""
    from .calibrate.formulation import choose_method
    from .policy import BLIND_SCORE, SCORE_CANDIDATES

    found = choose_method(SCORE_CANDIDATES, solved, calibrate, builder, generator, retriever, adapter, top_k,
                          progress) if solved else None
    method = found.method if found is not None else BLIND_SCORE
    if found is None:
        log.info("option scoring: %s (too few solved examples to choose on: the method measured best on average)",
                 BLIND_SCORE)
    fallback = replace(fallback, method=method) if fallback.method == AUTO else fallback
    return (method if score == AUTO else score), fallback


def _check_unique(items: Sequence[Item]) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"item id {item.id!r} appears twice; ids must be unique")
        seen.add(item.id)


def run_key(builder, generator, voter, sampling, score, adapter, retriever, top_k, reader=read_choice,
            fallback: Fallback | None = None, permutations: Permutations | None = None,
            calibrate: str | None = None, prior: LetterPrior | None = None,
            examples: Sequence[Item] | None = None, chosen_on: Sequence[Item] | None = None) -> str:
    """A fingerprint of everything that decides an answer, stored with each record."""
    settings: dict[str, Any] = {
        "template": getattr(builder.template, "name", builder.template), "closed_world": builder.closed_world,
        "shots": builder.shots, "max_context_tokens": builder.max_context_tokens,
        "model": getattr(generator, "model_name", type(generator).__name__), "adapter": adapter,
        "sampling": sampling.settings(), "score": score, "voter": [voter.strategy, voter.weights, voter.tie_break],
        "retriever": type(retriever).__name__ if retriever is not None else None, "top_k": top_k,
        "reader": getattr(reader, "__name__", type(reader).__name__),
    }
    rerank = getattr(retriever, "rerank_mass", None) if retriever is not None else None
    if rerank is not None:  # keys made before reranking stay as they were
        settings["rerank"] = {"method": RERANK_METHOD, "mass": rerank}
    if fallback is not None and fallback.settings() is not None:  # keys made before fallbacks stay as they were
        settings["fallback"] = fallback.settings()
    if permutations is not None and permutations.settings() is not None:
        settings["permutations"] = permutations.settings()
    if calibrate == "pride":
        settings["calibrate"] = {"method": "pride", "share": DEFAULT_SHARE}
    elif calibrate == "batch":
        settings["calibrate"] = {"method": "batch", "share": BATCH_SHARE, "pseudo_items": BATCH_PSEUDO}
    elif calibrate == "fitted":
        solved = _digest(examples or ())
        settings["calibrate"] = {"method": "fitted", "fit_items": FIT_ITEMS, "min_fit": MIN_FIT, "C": FIT_C,
                                 "min_balance": MIN_BALANCE, "max_price": MAX_PRICE, "pseudo_items": BATCH_PSEUDO,
                                 "cv_folds": CV_FOLDS, "examples": solved}
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
