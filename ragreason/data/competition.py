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
    extra = fields.extras(PROBLEM_FIELDS)
    items = tuple(_item(q, pid, i, text, extra) for i, q in enumerate(fields.records("questions")))
    meta = {"extra": extra}
    return guard(where, lambda: Problem(id=pid, text=text, items=items, meta=meta))


def _item(q: Fields, pid: str, index: int, text: str, problem_extra: dict) -> Item:
    """``meta``: a question's own ``meta`` object (e.g. depth) merged in, the problem's extra fields
    (e.g. ``triples`` for a graph) under ``problem_extra``."""
    raw_options = q.raw("options")
    options = q.options("options")
    answer = q.answer("answer", len(options)) if q.has("answer") else None
    question = q.text("question")
    own = q.data.get("meta")
    meta = {**(own if isinstance(own, dict) else {}), "problem_id": pid, "index": index,
            "extra": q.extras(QUESTION_FIELDS), "problem_extra": problem_extra}
    meta.setdefault("lang", detect_lang(text + question))
    if list(options) != raw_options:
        meta["raw_options"] = list(raw_options)  # labels were stripped; write-back restores them
    return guard(q.where, lambda: Item(f"{pid}-q{index}", question, options, answer, text, meta))
