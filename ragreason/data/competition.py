"""The competition format: one JSON object per line,
``{"id", "problem", "questions": [{"question", "options", "answer"?}]}``."""

from __future__ import annotations

from pathlib import Path

from ..lang import detect_lang
from ..types import Item, Problem
from .build import build_records, guard
from .errors import Rejects, Where
from .fields import Fields
from .read import iter_jsonl

PROBLEM_FIELDS = {"id", "problem", "questions"}
QUESTION_FIELDS = {"question", "options", "answer"}


def load_competition(path: str | Path, *, strict: bool = True, rejects: Rejects | None = None) -> list[Problem]:
    """Problems in file order; item ids are ``<problem id>-q<index>`` (0-based)."""
    return build_records(iter_jsonl(path), _problem, strict=strict, rejects=rejects)


def _problem(where: Where, data: object) -> Problem:
    fields = Fields(data, where)  # type: ignore[arg-type]
    pid = fields.identifier("id")
    text = fields.text("problem", allow_empty=True)
    items = tuple(_item(q, pid, i, text) for i, q in enumerate(fields.records("questions")))
    meta = {"extra": fields.extras(PROBLEM_FIELDS)}
    return guard(where, lambda: Problem(id=pid, text=text, items=items, meta=meta))


def _item(q: Fields, pid: str, index: int, text: str) -> Item:
    raw_options = q.raw("options")
    options = q.options("options")
    answer = q.answer("answer", len(options)) if q.has("answer") else None
    question = q.text("question")
    meta = {"problem_id": pid, "index": index, "lang": detect_lang(text + question),
            "extra": q.extras(QUESTION_FIELDS)}
    if list(options) != raw_options:
        meta["raw_options"] = list(raw_options)  # labels were stripped; write-back restores them
    return guard(q.where, lambda: Item(f"{pid}-q{index}", question, options, answer, text, meta))
