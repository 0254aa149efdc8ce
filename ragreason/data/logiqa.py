"""LogiQA 2.0 (csitfun/LogiQA2.0): one JSON object per line,
``{"id" | "example_id", "answer": 0-3, "text", "question", "options", "type"?}``.

Item ids are ``logiqa2-<lang>-<id>``. The upstream English dev file repeats two ids for different
questions; such a repeat is kept, renamed ``...-L<line>``, with a warning.
"""

from __future__ import annotations

from pathlib import Path

from ..lang import detect_lang
from ..types import Item
from .build import build_records, guard
from .errors import Rejects, Where
from .fields import Fields
from .read import iter_jsonl


def load_logiqa2(path: str | Path, *, strict: bool = True, rejects: Rejects | None = None) -> list[Item]:
    return build_records(iter_jsonl(path), _item, strict=strict, rejects=rejects, duplicates="suffix")


def _item(where: Where, data: object) -> Item:
    fields = Fields(data, where)  # type: ignore[arg-type]
    source_id = fields.identifier("id" if fields.has("id") or not fields.has("example_id") else "example_id")
    context = fields.text("text")
    question = fields.text("question")
    options = fields.options("options")  # some upstream options carry "A." labels: stripped
    answer = fields.answer("answer", len(options), kind="index")
    lang = detect_lang(context + question)
    meta = {"lang": lang, "source_id": source_id, "dataset": "logiqa2"}
    if fields.has("type"):
        meta["type"] = fields.raw("type")
    return guard(where, lambda: Item(f"logiqa2-{lang}-{source_id}", question, options, answer, context, meta))
