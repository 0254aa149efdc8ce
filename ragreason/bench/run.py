"""``run_bench``: every arm over the same test items; records written as they are made; resumable.

Each arm answers through ``experiment.answer_arm`` (its own resumable answers file, keyed by the config's
hash). At the end ``records.jsonl`` gathers them and the report is written. An arm's seconds are this run's wall time
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
from ..experiment.answer_arm import answer_arm, fit_examples
from ..experiment.arms import Arm, arms_for, config_fallback
from ..experiment.components import build_generator, build_retriever, builder_for, merged_model, train_adapter
from ..experiment.config import BenchConfig
from ..experiment.records import RunRecord, prior_records, write_records
from ..experiment.split import Split, load_split
from ..generate.openai_client import Endpoints
from ..generate.sample_cache import SampleCache
from ..generate.vllm_options import served_dtype
from ..recipe.conditions import FT_ADAPTER, RAFT_ADAPTER, adapter_of
from ..types import Item, Retriever
from .output import write_report
from .report import Report, build_report, earlier_stage

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


def run_bench(config: BenchConfig, *, progress: bool = True, endpoints: Endpoints | None = None) -> Report:
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
    fallback = config_fallback(config, prior)
    for make_generator, arms in _engines(config, adapters, stages, endpoints):
        engine = make_generator()
        generator = SampleCache(engine)  # an arm with fewer votes takes the first samples of a larger draw
        try:
            with stages.time(f"start engine {arms[0][0].adapter or 'base'}"):
                engine.generate([builder_for(config).build(split.test[0])], n=1, max_tokens=1)
            for arm, served in sorted(arms, key=lambda pair: -pair[0].votes):  # the largest draw first
                examples = fit_examples(config, arm, split.train)
                with stages.time(f"answer {arm.name}"):
                    by_arm[arm.name], earlier = answer_arm(config, served, split.test, generator,
                                                           _retriever_of(arm, retrievers), out, progress, fallback,
                                                           examples)
                if earlier:
                    stages.seconds[earlier_stage(arm.name)] = round(earlier, 2)
                if update:
                    with stages.time(f"answer {arm.name} {UPDATED}"):
                        after[arm.name], _ = answer_arm(config, served, update, generator,
                                                        _retriever_of(arm, updated), out, progress, fallback, examples,
                                                        tag=UPDATED)
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


def _engines(config: BenchConfig, adapters: dict[str, Path], stages: Stages, endpoints: Endpoints | None = None):
    """(a function that builds a generator, [(arm, arm as served)]) per engine: one engine serving the
    base and every adapter, or (``model.adapters: merged``) the base, then each merged adapter; with
    ``endpoints``, the servers, every adapter loaded into them at run time."""
    arms = arms_for(config)
    if config.model.adapters == "lora" or not adapters or endpoints is not None:
        return [(lambda: build_generator(config, adapters, endpoints=endpoints), [(a, a) for a in arms])]
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
