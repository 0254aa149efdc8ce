"""``answer_arm``: one arm of an experiment over its items, as records; resumable.

The arm's answers go to ``<out>/answers/<arm>-<config hash>.jsonl`` item by item (the pipeline's resumable
log), each record carrying the gold answer, whether it is right, the tokens and latency and the config hash;
a changed config writes new files and never reuses stale records.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..pipeline import RunOptions, answer
from ..results import JsonlLog
from ..types import Answer, Generator, Item, Retriever
from ..vote import Fallback
from .arms import Arm, answering_recipe
from .config import BenchConfig
from .grounding import grounding
from .records import RunRecord, slices_of

log = logging.getLogger(__name__)


def fit_examples(config: BenchConfig, arm: Arm, train: list[Item]) -> list[Item]:
    """The solved items the fitted calibration learns from: the training items, less those the arm's adapter
    was trained on while others remain (a map fitted on an adapter's own training items trusts it too much)."""
    solved = [i for i in train if i.answer is not None]
    if arm.adapter is None or not config.finetune.train_limit or config.finetune.train_limit >= len(train):
        if arm.adapter is not None and config.calibrate == "fitted":
            log.info("%s: every training item trained its adapter; the fitted calibration learns from them too",
                     arm.name)
        return solved
    unseen = {i.id for i in train[config.finetune.train_limit:]}
    return [i for i in solved if i.id in unseen]


def answer_arm(config: BenchConfig, arm: Arm, items: list[Item], generator: Generator, retriever: Retriever | None,
               out: Path, progress: bool = True, fallback: Fallback | None = None,
               examples: list[Item] | None = None, tag: str = "") -> tuple[list[RunRecord], float]:
    """The arm's records, and the generation seconds of those resumed from earlier runs (this run's
    stage timer sees only the items it answers itself). ``examples``: solved items for the fitted
    calibration (without them it falls back to batch calibration); ``tag``: another test set's answers
    (its own file)."""
    digest = config.digest()
    path = out / "answers" / f"{tag + '-' if tag else ''}{arm.name.replace('@', '-k')}-{digest}.jsonl"
    resumed = set(JsonlLog(path).records) if path.is_file() else set()
    recipe = answering_recipe(config, arm, fallback, bool(examples))
    record = RunOptions(batch_size=config.batch_size,
                        record_extra=lambda item, a: {"gold": item.answer, "correct": a.choice == item.answer,
                                                      "config_hash": digest, "arm": arm.name})
    answers = answer(items, recipe, generator=generator, retriever=retriever if arm.context else None,
                     examples=examples, out=path, progress=progress, options=record)
    records = [_record(arm, item, a, digest) for item, a in zip(items, answers, strict=True)]
    return records, sum(r.latency_s for r in records if r.item_id in resumed)


def _record(arm: Arm, item: Item, a: Answer, digest: str) -> RunRecord:
    gens = a.generations
    grounded = grounding(item, a)
    separate = arm.recipe.sampling.separate
    calls = gens if separate else list({g.order: g for g in reversed(gens)}.values())  # one per prompt
    return RunRecord(
        item_id=item.id, arm=arm.name, condition=arm.condition, votes=arm.votes, choice=a.choice, gold=item.answer,
        correct=a.choice is not None and a.choice == item.answer, abstentions=a.abstentions, samples=len(gens),
        prompt_tokens=sum(g.prompt_tokens for g in calls), completion_tokens=sum(g.completion_tokens for g in gens),
        latency_s=sum(g.latency_s for g in calls) + a.scoring_s, config_hash=digest, slices=slices_of(item),
        fallback=a.fallback,
        circular=all(c == item.answer for c in a.by_order) if a.by_order else None,
        documents=grounded.documents, rests_on=grounded.rests_on, recall=grounded.recall,
    )
