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

from .extract import extract_choice
from .prompt import PromptBuilder
from .results import JsonlLog, answer_from_record, answer_to_record
from .types import Answer, Generation, Generator, Item, Retriever
from .vote import Fallback, Vote, Voter, generation_source, vote_from_scores

Reader = Callable[[Item, str], "str | None"]


def read_choice(item: Item, text: str) -> str | None:
    """The default reader: ``extract_choice`` with the item's option texts."""
    return extract_choice(text, len(item.options), options=item.options)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sampling:
    """How to sample: ``n`` answers per prompt; temperature None means greedy for n=1, 0.7 above.
    ``separate``: ask for the n samples in n calls of one sample each (the SAIS 2024 competition
    baseline's way; slower, kept for comparison) instead of one call with ``n``."""

    n: int = 1
    temperature: float | None = None
    top_p: float = 0.95
    max_tokens: int = 256
    stop: tuple[str, ...] = ()
    separate: bool = False

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
        return 0.0 if self.n <= 1 else 0.7


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
    progress: bool = True,
) -> list[Answer]:
    """Answer every item; returns answers in item order (those resumed from ``out`` included).

    ``sampling.n`` samples per item (default: one, greedy) are voted by ``voter`` (majority by default);
    ``score`` ("text" or "label") adds the generator's option scoring as one more vote (with
    ``Sampling(n=0)``, the only one).
    ``reader`` turns a sampled text into a letter (default ``extract_choice``); ``record_extra``
    adds fields to each record written to ``out`` (e.g. the gold answer); ``fallback`` answers the
    items no vote named an option for (default: they stay unanswered)."""
    sampling = sampling or Sampling()
    if sampling.n == 0 and score is None:
        raise ValueError("Sampling(n=0) needs score='text' or 'label' (nothing would vote)")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    _check_unique(items)
    voter = voter or Voter()
    fallback = fallback or Fallback()
    key = run_key(builder, generator, voter, sampling, score, adapter, retriever, top_k, reader, fallback)
    done = JsonlLog(out) if out is not None else None
    if done is not None:
        _check_key(done, key)
    todo = [item for item in items if done is None or item.id not in done]
    if done is not None and len(todo) < len(items):
        log.info("%s: resuming, %d of %d items already answered", out, len(items) - len(todo), len(items))
    fresh: dict[str, Answer] = {}
    for batch in _batches(todo, batch_size, progress):
        answers = _answer_batch(batch, builder, generator, voter, retriever, sampling, score, adapter, top_k, reader,
                                fallback)
        if done is not None:
            extra = record_extra or (lambda item, answer: {})
            done.append([answer_to_record(a, run_key=key, **extra(i, a)) for i, a in zip(batch, answers, strict=True)])
        fresh.update((a.item_id, a) for a in answers)
    return [fresh[i.id] if i.id in fresh else answer_from_record(done.records[i.id]) for i in items]  # type: ignore[union-attr]


def _answer_batch(batch, builder, generator, voter, retriever, sampling, score, adapter, top_k, reader, fallback
                  ) -> list[Answer]:
    contexts = retriever.retrieve_many(batch, top_k=top_k) if retriever is not None else [None] * len(batch)
    prompts = builder.build_many(batch, contexts)
    samples = _sample(generator, prompts, sampling, adapter) if sampling.n > 0 else [[] for _ in batch]
    scores = generator.score_options(prompts, batch, method=score, adapter=adapter) if score else None
    answers = []
    for i, item in enumerate(batch):
        votes: list[Vote] = [Vote(reader(item, g.text), generation_source(g), g.logprob) for g in samples[i]]
        if scores is not None:
            votes.append(vote_from_scores(scores[i], source=f"score:{score}"))
        answers.append(voter.vote(item.id, votes, generations=samples[i], context=contexts[i]))
    return _fall_back(fallback, batch, prompts, answers, generator, adapter)


def _fall_back(fallback: Fallback, items, prompts, answers: list[Answer], generator, adapter) -> list[Answer]:
    """The answers, with the fallback's choice where no vote named an option (one scoring pass for all)."""
    missing = [k for k, a in enumerate(answers) if a.choice is None]
    if fallback.policy == "none" or not missing:
        return answers
    if fallback.policy == "prior":
        letters = [fallback.prior.choice(items[k]) for k in missing]  # type: ignore[union-attr]
    else:
        scores = generator.score_options([prompts[k] for k in missing], [items[k] for k in missing],
                                         method=fallback.method, adapter=adapter)
        letters = [vote_from_scores(s).choice for s in scores]
    out = list(answers)
    for k, letter in zip(missing, letters, strict=True):
        out[k] = fallback.answered(answers[k], letter)
    return out


def _sample(generator, prompts, sampling: Sampling, adapter) -> list[list[Generation]]:
    """n samples per prompt: one call asking for n, or (``separate``) n calls asking for one each."""
    calls, per_call = (sampling.n, 1) if sampling.separate else (1, sampling.n)
    out: list[list[Generation]] = [[] for _ in prompts]
    for call in range(calls):
        batch = generator.generate(
            prompts, n=per_call, temperature=sampling.effective_temperature, top_p=sampling.top_p,
            max_tokens=sampling.max_tokens, adapter=adapter, stop=list(sampling.stop) or None,
        )
        for i, samples in enumerate(batch):
            out[i] += [replace(g, sample=call) for g in samples] if sampling.separate else samples
    return out


def _batches(items: list[Item], size: int, progress: bool):
    from tqdm.auto import tqdm

    with tqdm(total=len(items), desc="answering", unit="item", disable=not progress or not items) as bar:
        for start in range(0, len(items), size):
            batch = items[start: start + size]
            yield batch
            bar.update(len(batch))


def _check_unique(items: Sequence[Item]) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"item id {item.id!r} appears twice; ids must be unique")
        seen.add(item.id)


def run_key(builder, generator, voter, sampling, score, adapter, retriever, top_k, reader=read_choice,
            fallback: Fallback | None = None) -> str:
    """A fingerprint of everything that decides an answer, stored with each record."""
    settings: dict[str, Any] = {
        "template": getattr(builder.template, "name", builder.template), "closed_world": builder.closed_world,
        "shots": builder.shots, "max_context_tokens": builder.max_context_tokens,
        "model": getattr(generator, "model_name", type(generator).__name__), "adapter": adapter,
        "sampling": sampling.__dict__, "score": score, "voter": [voter.strategy, voter.weights, voter.tie_break],
        "retriever": type(retriever).__name__ if retriever is not None else None, "top_k": top_k,
        "reader": getattr(reader, "__name__", type(reader).__name__),
    }
    if fallback is not None and fallback.settings() is not None:  # keys made before fallbacks stay as they were
        settings["fallback"] = fallback.settings()
    return hashlib.sha1(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _check_key(done: JsonlLog, key: str) -> None:
    stale = [k for k, r in done.records.items() if r.get("run_key") != key]
    if stale:
        raise ValueError(
            f"{done.path} holds {len(stale)} answer(s) from a different configuration (e.g. {stale[0]!r}); "
            "write to a new file or delete it to start over"
        )
