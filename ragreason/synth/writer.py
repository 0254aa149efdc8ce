"""Write generated problems as competition-format JSONL: one record per line, UTF-8, same problems
give the same bytes."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from .problem import SynthProblem, to_record


def dumps(problem: SynthProblem) -> str:
    return json.dumps(to_record(problem), ensure_ascii=False)


def write_jsonl(problems: Iterable[SynthProblem], path: str | Path) -> int:
    """Write ``problems`` to ``path`` (atomically: a temporary file is renamed); returns how many."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    count = 0
    with tmp.open("w", encoding="utf-8", newline="\n") as handle:
        for problem in problems:
            handle.write(dumps(problem) + "\n")
            count += 1
    os.replace(tmp, path)
    return count
