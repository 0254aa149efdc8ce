"""``run_bench``: every arm over the same test items; records written as they are made; resumable.

Each arm's answers go to ``<out>/answers/<arm>-<config hash>.jsonl`` item by item (the pipeline's
resumable log), each record carrying the gold answer, whether it is right, the tokens and latency
and the config hash; a changed config writes new files and never reuses stale records. At the end
``records.jsonl`` gathers them and the report is written. An arm's seconds are this run's wall time
for it plus the generation time its resumed records carry from earlier runs. Each engine's arms run the
largest vote size first through one ``SampleCache``: a smaller vote size votes over the first samples of
that draw (maj@k) and costs no model call.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..data.prior import LetterPrior
from ..generate.sample_cache import SampleCache
from ..generate.vllm_options import served_dtype
from ..pipeline import RunOptions, answer
from ..policy import DEFAULT_SCORE, calibration_for
from ..recipe.conditions import FT_ADAPTER, RAFT_ADAPTER, adapter_of
from ..results import JsonlLog
from ..types import Answer, Generator, Item, Retriever
from ..vote import Fallback
from .arms import Arm, arms_for
from .components import build_generator, build_retriever, builder_for, merged_model, train_adapter
from .config import BenchConfig
from .grounding import grounding
from .output import write_report
from .records import RunRecord, prior_records, slices_of, write_records
from .report import Report, build_report, earlier_stage
from .split import Split, load_split

log = logging.getLogger(__name__)

UPDATED = "updated"  # the answers, records and report on the changed facts, after the knowledge was updated


@dataclass
class Stages:
    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def time(self, name: str):
        start = time.perf_counter()
        log.info("stage %s ...", name)
        yield
        self.seconds[name] = round(self.seconds.get(name, 0.0) + time.perf_counter() - start, 2)
        log.info("stage %s: %.1f s", name, self.seconds[name])


def run_bench(config: BenchConfig, *, progress: bool = True) -> Report:
    out = config.resolve(config.out)
    out.mkdir(parents=True, exist_ok=True)
    stages = Stages()
    with stages.time("load data"):
        split = load_split(config)
        update = _update_items(config)
    retrievers: dict[str, Retriever | None] = {}
    if config.needs_retrieval() or "graph" in config.conditions:
        with stages.time("build retriever"):
            retrievers = _retrievers(config, split, split.test)
    adapters, finetune_info = _adapters(config, split.train, retrievers.get("rag"), stages, progress)
    if update:
        with stages.time("build retriever (updated knowledge)"):
            updated = _retrievers(config, split, update, knowledge=config.update_knowledge)
    by_arm: dict[str, list[RunRecord]] = {}
    after: dict[str, list[RunRecord]] = {}
    prior = _prior(split)
    fallback = Fallback(config.fallback, prior if config.fallback == "prior" else None,
                        method=config.score or DEFAULT_SCORE)
    for make_generator, arms in _engines(config, adapters, stages):
        engine = make_generator()
        generator = SampleCache(engine)  # an arm with fewer votes takes the first samples of a larger draw
        try:
            with stages.time(f"start engine {arms[0][0].adapter or 'base'}"):
                engine.generate([builder_for(config).build(split.test[0])], n=1, max_tokens=1)
            for arm, served in sorted(arms, key=lambda pair: -pair[0].votes):  # the largest draw first
                examples = fit_examples(config, arm, split.train)
                with stages.time(f"answer {arm.name}"):
                    by_arm[arm.name], earlier = run_arm(config, served, split.test, generator,
                                                        _retriever_of(arm, retrievers), out, progress, fallback,
                                                        examples)
                if earlier:
                    stages.seconds[earlier_stage(arm.name)] = round(earlier, 2)
                if update:
                    with stages.time(f"answer {arm.name} {UPDATED}"):
                        after[arm.name], _ = run_arm(config, served, update, generator, _retriever_of(arm, updated),
                                                     out, progress, fallback, examples, tag=UPDATED)
        finally:
            generator.close()
    reference = prior_records(prior, split.test, config.digest()) if prior is not None else []
    records = [*reference, *(r for arm in arms_for(config) for r in by_arm[arm.name])]
    write_records(out / "records.jsonl", records)
    report = build_report(config, records, stages.seconds, finetune_info, n_train=len(split.train))
    if update:
        later = [*(prior_records(prior, update, config.digest()) if prior is not None else []),
                 *(r for arm in arms_for(config) for r in after[arm.name])]
        write_records(out / f"records-{UPDATED}.jsonl", later)
        stage = {f"answer {a}": s for a in after if (s := stages.seconds.get(f"answer {a} {UPDATED}")) is not None}
        report = replace(report, update=build_report(config, later, stage, finetune_info, n_train=len(split.train)))
    write_report(report, out)
    return report


def _update_items(config: BenchConfig) -> list[Item]:
    """The questions on the changed facts (``update_test``), or none."""
    if config.update_test is None:
        return []
    from ..data import load_items

    d = config.data
    return load_items(config.resolve(config.update_test), d.format, strict=d.strict, **d.options)


def _retrievers(config: BenchConfig, split: Split, items: list[Item], knowledge: str | None = None):
    """The retriever of each kind of context the conditions read: "rag" (the retrieval section) and "graph"."""
    out: dict[str, Retriever | None] = {}
    if config.needs_retrieval():
        out["rag"] = build_retriever(config, split.train, items, knowledge=knowledge)
    if "graph" in config.conditions:
        out["graph"] = build_retriever(config, split.train, items, graph=True, knowledge=knowledge)
    return out


def _retriever_of(arm: Arm, retrievers: dict[str, Retriever | None]) -> Retriever | None:
    if not arm.context:
        return None
    return retrievers.get("graph" if arm.condition == "graph" else "rag")


def _prior(split: Split) -> LetterPrior | None:
    """The answer prior of the training items (the reference arm, and the prior fallback), if they have golds."""
    if not any(item.answer is not None for item in split.train):
        log.warning("no training item has a gold answer: the report has no prior reference")
        return None
    return LetterPrior.fit(split.train)


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


def _adapters(config, train, retriever, stages: Stages, progress: bool):
    adapters: dict[str, Path] = {}
    info: dict[str, dict[str, Any]] = {}
    for name, with_context in ((FT_ADAPTER, False), (RAFT_ADAPTER, True)):
        if not any(adapter_of(c) == name for c in config.conditions):
            continue
        with stages.time(f"fine-tune {name}"):
            folder, seconds, reused = train_adapter(config, train, retriever, with_context=with_context,
                                                    progress=progress)
        adapters[name] = folder
        used = min(len(train), config.finetune.train_limit or len(train))
        info[name] = {"path": str(folder), "train_seconds": seconds, "reused": reused, "train_items": used,
                      **_steps_seen(folder)}
    return adapters, info


def _steps_seen(folder: Path) -> dict[str, int]:
    """The optimizer steps an adapter took and the training examples they showed it (a step-limited run
    sees fewer than the training items), from its ``ragreason.json``."""
    from ..finetune import read_info

    adapter = read_info(folder)
    steps, batch = adapter.metrics.get("steps"), adapter.metrics.get("batch_size")
    if not isinstance(steps, int) or not isinstance(batch, int):
        return {}
    seen = steps * batch * int(adapter.train.get("grad_accum", 1))
    available = int(adapter.examples.get("train", 0) * float(adapter.train.get("epochs", 1.0)))
    return {"steps": steps, "examples_seen": min(seen, available) if available else seen}


def _engines(config: BenchConfig, adapters: dict[str, Path], stages: Stages):
    """(a function that builds a generator, [(arm, arm as served)]) per engine: one engine serving the
    base and every adapter, or (``model.adapters: merged``) the base, then each merged adapter."""
    arms = arms_for(config)
    if config.model.adapters == "lora" or not adapters:
        return [(lambda: build_generator(config, adapters), [(a, a) for a in arms])]
    plan = [(lambda: build_generator(config, {}), [(a, a) for a in arms if a.adapter is None])]
    for name, folder in adapters.items():
        mine = [(a, a.served_merged()) for a in arms if a.adapter == name]
        if not mine:
            continue
        with stages.time(f"merge {name}"):
            path = merged_model(folder, served_dtype(config.model.options))
        plan.append((lambda path=path, name=name: build_generator(config, {}, path=path, name=f"merged-{name}"),
                     mine))
    return [(make, served) for make, served in plan if served]


def run_arm(config: BenchConfig, arm: Arm, items: list[Item], generator: Generator, retriever: Retriever | None,
            out: Path, progress: bool = True, fallback: Fallback | None = None,
            examples: list[Item] | None = None, tag: str = "") -> tuple[list[RunRecord], float]:
    """The arm's records, and the generation seconds of those resumed from earlier runs (this run's
    stage timer sees only the items it answers itself). ``examples``: solved items for the fitted
    calibration (without them it falls back to batch calibration); ``tag``: another test set's answers
    (its own file)."""
    digest = config.digest()
    path = out / "answers" / f"{tag + '-' if tag else ''}{arm.name.replace('@', '-k')}-{digest}.jsonl"
    resumed = set(JsonlLog(path).records) if path.is_file() else set()
    recipe = replace(arm.recipe, fallback=fallback or Fallback(),
                     calibrate=calibration_for(config.calibrate, bool(examples)))
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
        latency_s=sum(g.latency_s for g in calls), config_hash=digest, slices=slices_of(item), fallback=a.fallback,
        circular=all(c == item.answer for c in a.by_order) if a.by_order else None,
        documents=grounded.documents, rests_on=grounded.rests_on, recall=grounded.recall,
    )
