"""``RunRecord``: one arm's answer to one test item, as the benchmark keeps it (``records.jsonl``)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..paths import write_text_atomic


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


def write_records(path: Path, records: list[RunRecord]) -> None:
    write_text_atomic(path, "".join(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in records))


def read_records(path: str | Path) -> list[RunRecord]:
    return [RunRecord(**json.loads(line)) for line in Path(path).read_text(encoding="utf-8").splitlines() if line]
