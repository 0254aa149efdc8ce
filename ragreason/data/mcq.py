"""A generic multiple-choice JSONL: one question per line,
``{"id"?, "question", "options", "answer"?, "context"?, "meta"?}``.

``answer`` is an option letter ("B") or a 0-based index (1). Without ``id``, the id is a hash of
the context, question and options, so it is stable under reordering. Other fields go to ``meta``.
"""

from __future__ import annotations

from pathlib import Path

from ..lang import detect_lang
from ..types import Item, text_id
from .build import build_records, guard
from .errors import Rejects, Where
from .fields import Fields
from .read import iter_jsonl

KNOWN = {"id", "question", "options", "answer", "context", "meta"}


def load_mcq(path: str | Path, *, strict: bool = True, rejects: Rejects | None = None) -> list[Item]:
    return build_records(iter_jsonl(path), _item, strict=strict, rejects=rejects)


def _item(where: Where, data: object) -> Item:
    fields = Fields(data, where)  # type: ignore[arg-type]
    question = fields.text("question")
    options = fields.options("options")
    context = fields.optional_text("context")
    answer = fields.answer("answer", len(options), kind="either") if fields.has("answer") else None
    item_id = fields.identifier("id") if fields.has("id") else text_id(context, question, *options, prefix="mcq-")
    meta = _meta(fields)
    meta.update(fields.extras(KNOWN))
    meta.setdefault("lang", detect_lang(question + context))
    return guard(where, lambda: Item(item_id, question, options, answer, context, meta))


def _meta(fields: Fields) -> dict:
    if not fields.has("meta"):
        return {}
    value = fields.raw("meta")
    if not isinstance(value, dict):
        raise fields.error("meta", f"expected an object, got {type(value).__name__}")
    return dict(value)
