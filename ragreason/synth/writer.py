"""Write generated problems as competition-format JSONL: one record per line, UTF-8, same problems
give the same bytes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from ..paths import atomic_write
from .problem import SynthProblem, to_record


def dumps(problem: SynthProblem) -> str:
    return json.dumps(to_record(problem), ensure_ascii=False)


def write_jsonl(problems: Iterable[SynthProblem], path: str | Path) -> int:
    """Write ``problems`` to ``path`` (atomically: a temporary file is renamed); returns how many."""
    count = 0

    def write(tmp: Path) -> None:
        nonlocal count
        with tmp.open("w", encoding="utf-8", newline="\n") as handle:
            for problem in problems:
                handle.write(dumps(problem) + "\n")
                count += 1

    atomic_write(path, write)
    return count
