"""Result files: the plain-JSON form of an answer (with its generations and context), and the
append-only JSONL log they are kept in.

``JsonlLog`` survives crashes: each record is written and flushed as soon as it is done; on reopen, a
partly written last line is detected, cut off and redone.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .data.errors import DataError
from .types import Answer, Context, Document, Generation, Hit

log = logging.getLogger(__name__)


def answer_to_record(answer: Answer, **extra: Any) -> dict[str, Any]:
    record = {
        "item_id": answer.item_id, "choice": answer.choice, "votes": answer.votes,
        "confidence": answer.confidence, "abstentions": answer.abstentions, "by_source": answer.by_source,
        "generations": [asdict(g) for g in answer.generations],
        "context": _context_to_dict(answer.context) if answer.context is not None else None,
    }
    if answer.fallback is not None:
        record["fallback"] = answer.fallback
    if answer.by_order:
        record["by_order"] = list(answer.by_order)
    if answer.scoring_s:
        record["scoring_s"] = answer.scoring_s
    record.update(extra)
    return record


def answer_from_record(record: dict[str, Any]) -> Answer:
    context = record.get("context")
    return Answer(
        item_id=record["item_id"], choice=record["choice"], votes=dict(record.get("votes", {})),
        confidence=float(record.get("confidence", 0.0)), abstentions=int(record.get("abstentions", 0)),
        generations=tuple(Generation(**{**g, "order": tuple(g.get("order", ()))})
                          for g in record.get("generations", [])),
        context=_context_from_dict(context) if context else None,
        by_source={k: dict(v) for k, v in record.get("by_source", {}).items()}, fallback=record.get("fallback"),
        by_order=tuple(record.get("by_order", ())), scoring_s=float(record.get("scoring_s", 0.0)),
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



class JsonlLog:
    def __init__(self, path: str | Path, key: str = "item_id") -> None:
        self.path = Path(path)
        self.key = key
        self.records: dict[str, dict[str, Any]] = {}
        self._load()

    def _load(self) -> None:
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        newline = data.rfind(b"\n")
        complete, tail = data[: newline + 1], data[newline + 1:]
        for number, raw in enumerate(complete.split(b"\n")[:-1], start=1):
            if raw.strip():
                self._keep(self._parse(raw, number))
        if not tail.strip():
            return
        try:  # the last line has no newline: a crash tore it, or only its newline is missing
            record = json.loads(tail.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            log.warning("%s: a partly written last line was cut off; its record will be redone", self.path)
            with self.path.open("r+b") as handle:
                handle.truncate(len(complete))
            return
        self._keep(self._check(record, complete.count(b"\n") + 1))
        with self.path.open("ab") as handle:
            handle.write(b"\n")

    def _parse(self, raw: bytes, number: int) -> dict[str, Any]:
        try:
            record = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise DataError(self.path, "corrupt record in the middle of the file; fix or remove it",
                            line=number) from None
        return self._check(record, number)

    def _check(self, record: Any, number: int) -> dict[str, Any]:
        if not isinstance(record, dict) or self.key not in record:
            raise DataError(self.path, f"record without '{self.key}'", line=number, field=self.key)
        return record

    def _keep(self, record: dict[str, Any]) -> None:
        self.records[str(record[self.key])] = record

    def __contains__(self, key: str) -> bool:
        return key in self.records

    def append(self, records: list[dict[str, Any]]) -> None:
        """Write records and make them durable before returning."""
        if not records:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        for record in records:
            self.records[str(record[self.key])] = record
