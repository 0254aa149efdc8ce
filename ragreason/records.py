"""Plain-JSON forms of answers (with their generations and context), for result files."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from .types import Answer, Context, Document, Generation, Hit


def answer_to_record(answer: Answer, **extra: Any) -> dict[str, Any]:
    record = {
        "item_id": answer.item_id, "choice": answer.choice, "votes": answer.votes,
        "confidence": answer.confidence, "abstentions": answer.abstentions, "by_source": answer.by_source,
        "generations": [asdict(g) for g in answer.generations],
        "context": _context_to_dict(answer.context) if answer.context is not None else None,
    }
    record.update(extra)
    return record


def answer_from_record(record: dict[str, Any]) -> Answer:
    context = record.get("context")
    return Answer(
        item_id=record["item_id"], choice=record["choice"], votes=dict(record.get("votes", {})),
        confidence=float(record.get("confidence", 0.0)), abstentions=int(record.get("abstentions", 0)),
        generations=tuple(Generation(**g) for g in record.get("generations", [])),
        context=_context_from_dict(context) if context else None,
        by_source={k: dict(v) for k, v in record.get("by_source", {}).items()},
    )


def _context_to_dict(context: Context) -> dict[str, Any]:
    hits = [{"id": h.doc.id, "text": h.doc.text, "meta": h.doc.meta, "score": h.score, "source": h.source}
            for h in context.hits]
    return {"item_id": context.item_id, "text": context.text, "hits": hits}


def _context_from_dict(data: dict[str, Any]) -> Context:
    hits = tuple(
        Hit(Document(h["id"], h["text"], dict(h.get("meta", {}))), float(h["score"]), h["source"])
        for h in data.get("hits", [])
    )
    return Context(data["item_id"], hits, data.get("text", ""))
