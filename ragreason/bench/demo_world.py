"""``ragreason demo``, the main job: what retrieval and fine-tuning each do, on a fictional world that no
model can know.

1. generate the world (``ragreason synth world``): one document per person, organisation and town, the same
   facts as triples, two more wordings of every document (for training), and questions split by entity
   (a test question's entity is never a training question's); then the same world after a share of the people
   moved town or changed employer (``world/updated``: the folder re-written, questions on the changed facts);
2. a benchmark over it: ``base``; ``rag`` (hybrid search of the documents: the best hit); ``graph`` (three
   facts on the paths between the question's entities); ``ft`` (closed book: a LoRA trained on the training
   questions and on the documents' other wordings, knowledge injection); ``rag+ft`` (RAFT: a LoRA trained on
   the training questions with retrieved documents, some distractor-only); every question answered by its
   options' own texts (cloze, normalised by PMI), the measured default for a model this size;
3. every arm again on the changed facts, with its retriever rebuilt over the updated folder and no adapter
   retrained: how often each gives the answer from before the update;
4. what the five points of the RAG-vs-fine-tuning comparison came to (``demo_findings``).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..data.mcq import load_mcq
from ..experiment.records import RunRecord, read_records
from ..stats import Estimate, accuracy, paired
from .report import Report

log = logging.getLogger(__name__)

WORLD = "world"
UPDATED = "updated"


@dataclass(frozen=True)
class WorldDemoOptions:
    """``people``: the world's size (32 give ~150 test questions); ``update_share``: the share of the people
    whose town or employer changes in the update (one question each); ``fast``: base, rag and graph only (no
    fine-tuning)."""

    out: Path = Path("demo-out")
    people: int = 32
    lang: str = "en"
    seed: int = 0
    update_share: float = 0.75
    model: str = "default"
    fast: bool = False

    def __post_init__(self) -> None:
        if self.people < 8:
            raise ValueError(f"people must be >= 8 (every question needs three options of its type), got {self.people}")
        if not 0 < self.update_share <= 1:
            raise ValueError(f"update_share must be in (0, 1], got {self.update_share}")
        if self.lang not in ("en", "zh"):
            raise ValueError(f"lang must be en or zh, got {self.lang!r}")


@dataclass(frozen=True)
class Stale:
    """On the changed facts: the share of an arm's answers that gave the fact as it was before the update,
    and the paired test of that share against base's."""

    arm: str
    share: Estimate
    vs_base: dict[str, float]


@dataclass(frozen=True)
class WorldDemo:
    report: Report
    records: list[RunRecord]  # the test questions' records, every arm (and the prior)
    stale: list[Stale]  # per arm, on the changed facts
    changed: int  # questions on the changed facts


def write_world_data(options: WorldDemoOptions) -> Path:
    """The world and its update under ``out/world``; the questions split into ``train.jsonl`` and
    ``test.jsonl`` by their ``meta.split``. Returns the world's folder."""
    from ..synth.fiction import make_questions, make_world, write_world
    from ..synth.fiction.questions import change_questions
    from ..synth.fiction.world import update_world

    folder = options.out / WORLD
    world = make_world(options.people, lang=options.lang, seed=options.seed)
    questions = make_questions(world, seed=options.seed)
    write_world(world, questions, folder)
    for split in ("train", "test"):
        rows = [q for q in questions if q["meta"]["split"] == split]
        (folder / f"{split}.jsonl").write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in rows),
                                               encoding="utf-8")
    updated, changes = update_world(world, options.update_share, seed=options.seed)
    write_world(updated, change_questions(updated, changes, seed=options.seed), folder / UPDATED)
    return folder


def world_config(options: WorldDemoOptions) -> dict[str, object]:
    conditions = ["base", "rag", "graph"] if options.fast else ["base", "rag", "graph", "ft", "rag+ft"]
    return {
        "name": "demo-world", "out": "report", "conditions": conditions, "votes": [1],
        "data": {"format": "mcq", "train": f"{WORLD}/train.jsonl", "test": f"{WORLD}/test.jsonl"},
        "model": {"path": options.model, "backend": "vllm", "adapters": "merged"},
        # The cloze formulation (each option's text scored as the answer, normalised by PMI), as `ragreason run`
        # scores without solved examples; the adapters learn the same reply ("Answer: <option>").
        "prompt": {"template": "cloze", "max_context_tokens": 384},
        "score": "cloze-pmi", "calibrate": "batch",
        # The best hit alone, not reranked: on a world of this kind the top hit of hybrid search answered 68.1% at
        # ~0.48 s a question, three hits reranked by the model 72.8% at 0.94 s (benchmarks/RESULTS.md, "The demo:
        # a fictional world").
        # The graph condition reads three facts (a two-hop question needs two).
        "retrieval": {"kind": "hybrid", "knowledge": f"{WORLD}/knowledge", "top_k": 1, "rerank": False,
                      "graph_top_k": 3},
        "finetune": {"documents": f"{WORLD}/paraphrases.jsonl", "lora": {"r": 16, "alpha": 32},
                     "train": {"epochs": 1, "lr": 1e-3, "batch_size": 8, "max_length": 512}},
        "update_test": f"{WORLD}/{UPDATED}/questions.jsonl", "update_knowledge": f"{WORLD}/{UPDATED}/knowledge",
        "seed": options.seed,
    }


def run_world_demo(options: WorldDemoOptions, *, progress: bool = True) -> WorldDemo:
    """Write the world and the config under ``options.out``, run the benchmark, return its report with the
    stale answers after the update."""
    from ..experiment.validate import load_config
    from .run import UPDATED as UPDATED_RECORDS
    from .run import run_bench

    options.out.mkdir(parents=True, exist_ok=True)
    folder = write_world_data(options)
    config_path = options.out / "demo.yaml"
    config_path.write_text(yaml.safe_dump(world_config(options), sort_keys=False), encoding="utf-8")
    config = load_config(config_path)
    report = run_bench(config, progress=progress)
    out = config.resolve(config.out)
    changed = load_mcq(folder / UPDATED / "questions.jsonl")
    after = read_records(out / f"records-{UPDATED_RECORDS}.jsonl")
    return WorldDemo(report, read_records(out / "records.jsonl"), stale_answers(changed, after), len(changed))


def stale_answers(items, records: list[RunRecord]) -> list[Stale]:
    """Per arm: the share of the changed facts' questions answered with the old value (``meta.stale``)."""
    stale = {item.id: item.meta.get("stale") for item in items}
    by_arm: dict[str, list[RunRecord]] = {}
    for r in records:
        by_arm.setdefault(r.arm, []).append(r)
    chose = {arm: [r.choice is not None and r.choice == stale.get(r.item_id) for r in sorted(recs, key=_id)]
             for arm, recs in by_arm.items()}
    base = chose.get("base@1")
    out = []
    for arm, flags in chose.items():
        vs = {}
        if base is not None and arm != "base@1":
            test = paired(flags, base)
            vs = {"diff": test.diff.value, "low": test.diff.low, "high": test.diff.high, "p": test.p_value}
        out.append(Stale(arm, accuracy(flags), vs))
    return out


def _id(record: RunRecord) -> str:
    return record.item_id


def by_kind(records: list[RunRecord], arm: str, kind: str | None = None) -> list[RunRecord]:
    """An arm's records on one kind of question (None: every kind), in item order."""
    return sorted((r for r in records if r.arm == arm and kind in (None, r.slices.get("kind"))), key=_id)
