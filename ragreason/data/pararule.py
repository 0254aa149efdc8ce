"""PARARULE-Plus (Strong-AI-Lab): closed-world rule reasoning, one context per line,
``{"id", "context", "questions": [{"id", "text", "label": "true"|"false", "meta": {"QDep", "QCat"}}]}``.

Each statement becomes a two-option question (A) True, B) False); ``meta["depth"]`` is its
reasoning depth.
"""

from __future__ import annotations

from pathlib import Path

from ..types import Item, Problem
from .build import build_records, guard
from .errors import Rejects, Where
from .fields import Fields
from .read import iter_jsonl

QUESTION = "Based on the above information, is the following statement true or false? {statement}"
OPTIONS = ("True", "False")
LABELS = {"true": "A", "false": "B"}


def load_pararule_plus(
    path: str | Path, *, strict: bool = True, rejects: Rejects | None = None
) -> list[Problem]:
    return build_records(iter_jsonl(path), _problem, strict=strict, rejects=rejects)


def _problem(where: Where, data: object) -> Problem:
    fields = Fields(data, where)  # type: ignore[arg-type]
    pid = fields.identifier("id")
    context = fields.text("context")
    items = tuple(_item(q, pid, i, context) for i, q in enumerate(fields.records("questions")))
    return guard(where, lambda: Problem(pid, context, items, meta={"dataset": "pararule_plus"}))


def _item(q: Fields, pid: str, index: int, context: str) -> Item:
    statement = q.text("text")
    label = q.text("label").strip().lower()
    if label not in LABELS:
        raise q.error("label", f"expected 'true' or 'false', got {label!r}")
    meta: dict = {"problem_id": pid, "index": index, "statement": statement, "lang": "en"}
    qmeta = q.data.get("meta") or {}
    if not isinstance(qmeta, dict):
        raise q.error("meta", f"expected an object, got {type(qmeta).__name__}")
    if "QDep" in qmeta:
        try:
            meta["depth"] = int(qmeta["QDep"])
        except (TypeError, ValueError):
            raise q.error("meta.QDep", f"expected an integer depth, got {qmeta['QDep']!r}") from None
    if "QCat" in qmeta:
        meta["category"] = qmeta["QCat"]
    item_id = q.identifier("id") if q.has("id") else f"{pid}-q{index}"
    question = QUESTION.format(statement=statement)
    return guard(q.where, lambda: Item(item_id, question, OPTIONS, LABELS[label], context, meta))
