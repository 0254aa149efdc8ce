"""``RunRecord``: one arm's answer to one test item, as the benchmark keeps it (``records.jsonl``), and
the records of the ``prior`` reference arm."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..data.prior import LetterPrior
from ..paths import write_text_atomic
from ..types import Item


@dataclass(frozen=True)
class RunRecord:
    item_id: str
    arm: str
    condition: str
    votes: int
    choice: str | None
    gold: str | None
    correct: bool
    abstentions: int
    samples: int
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    config_hash: str
    slices: dict[str, Any] = field(default_factory=dict)
    fallback: str | None = None  # what chose ``choice`` when no vote named an option
    circular: bool | None = None  # right under every option order (CircularEval); None with one order
    documents: tuple[str, ...] = ()  # the documents in the context, by name (``grounding``)
    rests_on: tuple[str, ...] = ()  # those that state the chosen option
    recall: float | None = None  # the share of the documents the question needs that were in the context


SLICE_KEYS = ("depth", "lang", "dataset", "kind", "domain")
PRIOR = "prior"  # the reference arm: the commonest training letter per option count


def slices_of(item: Item) -> dict[str, Any]:
    """What a record is sliced by in the report: the item's depth, language, ... and option count."""
    slices = {k: item.meta[k] for k in SLICE_KEYS if k in item.meta}
    slices["options"] = len(item.options)
    return slices


def prior_records(prior: LetterPrior, items: list[Item], digest: str) -> list[RunRecord]:
    """The answer prior as an arm: no model, no samples, the prior's letter for every item."""
    return [RunRecord(item_id=i.id, arm=PRIOR, condition=PRIOR, votes=0, choice=letter, gold=i.answer,
                      correct=letter == i.answer, abstentions=0, samples=0, prompt_tokens=0, completion_tokens=0,
                      latency_s=0.0, config_hash=digest, slices=slices_of(i))
            for i, letter in ((i, prior.choice(i)) for i in items)]


def write_records(path: Path, records: list[RunRecord]) -> None:
    write_text_atomic(path, "".join(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in records))


def read_records(path: str | Path) -> list[RunRecord]:
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line]
    return [RunRecord(**{**row, **{k: tuple(row[k]) for k in ("documents", "rests_on") if k in row}})
            for row in rows]
