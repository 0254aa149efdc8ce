"""Logic-LM's JSON lists (ProofWriter, ProntoQA, FOLIO, LogicalDeduction):
``[{"id", "context", "question", "options": ["A) True", ...], "answer": "A", "explanation"?}]``.

Option labels ("A) ") are stripped; ``meta`` keeps the data set name (from the file name) and
ProntoQA's ``explanation`` (a list of reasoning steps) for chain-of-thought training.
"""

from __future__ import annotations

from pathlib import Path

from ..types import Item
from .build import build_records, guard
from .errors import Rejects, Where
from .fields import Fields
from .read import iter_json_list


def load_logic_lm(path: str | Path, *, strict: bool = True, rejects: Rejects | None = None) -> list[Item]:
    path = Path(path)
    dataset, _, split = path.stem.rpartition("_")
    dataset = dataset or path.stem

    def build(where: Where, data: object) -> Item:
        return _item(where, data, dataset, split)

    return build_records(iter_json_list(path), build, strict=strict, rejects=rejects)


def _item(where: Where, data: object, dataset: str, split: str) -> Item:
    fields = Fields(data, where)  # type: ignore[arg-type]
    item_id = fields.identifier("id")
    context = fields.text("context")
    question = fields.text("question")
    options = fields.options("options", labels="strip")
    answer = fields.answer("answer", len(options)) if fields.has("answer") else None
    meta: dict = {"dataset": dataset, "split": split, "lang": "en"}
    if fields.has("explanation"):
        explanation = fields.raw("explanation")
        if not isinstance(explanation, list) or not all(isinstance(s, str) for s in explanation):
            raise fields.error("explanation", "expected a list of sentences")
        meta["explanation"] = explanation
    return guard(where, lambda: Item(item_id, question, options, answer, context, meta))
