"""Write the competition submission: the input's shape, problems in input order, ``answer`` filled in."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..paths import write_text_atomic
from ..types import Item, Problem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubmissionReport:
    path: Path
    problems: int
    questions: int
    unanswered: tuple[str, ...]


def write_submission(
    problems: list[Problem], answers: Mapping[str, str | None], path: str | Path, *, fallback: str | None = None
) -> SubmissionReport:
    """Write one JSON line per problem. A question with no answer gets ``fallback`` (``null`` when
    None) and is listed in the report and the log; an answer that names no option is an error."""
    path = Path(path)
    unanswered: list[str] = []
    lines = []
    for problem in problems:
        questions = [_question(item, answers.get(item.id), fallback, unanswered) for item in problem.items]
        record = {"id": problem.id, "problem": problem.text, **problem.meta.get("extra", {}), "questions": questions}
        lines.append(json.dumps(record, ensure_ascii=False))
    write_text_atomic(path, "\n".join(lines) + "\n")
    if unanswered:
        log.warning("%d question(s) unanswered in %s (answer %r): %s", len(unanswered), path, fallback,
                    ", ".join(unanswered[:10]) + (" ..." if len(unanswered) > 10 else ""))
    total = sum(len(p.items) for p in problems)
    return SubmissionReport(path, len(problems), total, tuple(unanswered))


def _question(item: Item, answer: str | None, fallback: str | None, unanswered: list[str]) -> dict:
    if answer is None:
        unanswered.append(item.id)
        answer = fallback
    if answer is not None and answer not in item.letters:
        raise ValueError(f"answer {answer!r} for {item.id!r} names no option ({', '.join(item.letters)})")
    options = item.meta.get("raw_options", list(item.options))
    return {"question": item.question, "options": options, **item.meta.get("extra", {}), "answer": answer}
