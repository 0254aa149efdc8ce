"""Facts as triples ``(head, relation, tail)``, and the ``*.triples.jsonl`` files that hold them: one
``{"head", "relation", "tail"}`` object per line, with an optional ``"text"`` (the sentence that states
the fact). In a knowledge folder they are the knowledge graph's facts, beside the documents."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

FIELDS = ("head", "relation", "tail")
SUFFIX = ".triples.jsonl"


@dataclass(frozen=True)
class Triple:
    head: str
    relation: str
    tail: str
    text: str = ""  # the sentence that states it, if any

    def as_dict(self) -> dict[str, str]:
        row = {"head": self.head, "relation": self.relation, "tail": self.tail}
        return {**row, "text": self.text} if self.text else row


def write_triples(triples: Iterable[Triple], path: str | Path) -> int:
    path = Path(path)
    if not path.name.endswith(SUFFIX):
        raise ValueError(f"{path}: a triples file's name ends in {SUFFIX}")
    lines = [json.dumps(t.as_dict(), ensure_ascii=False) + "\n" for t in triples]
    path.write_text("".join(lines), encoding="utf-8")
    return len(lines)


def read_triples(path: str | Path) -> list[Triple]:
    """The triples of one file; a bad line is an error naming the file, the line and the field."""
    path = Path(path)
    triples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}:{number}: not valid JSON: {error}") from None
        if not isinstance(record, dict):
            raise ValueError(f"{path}:{number}: a triple is a JSON object with {', '.join(FIELDS)}")
        for name in FIELDS:
            value = record.get(name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{path}:{number}: field {name!r} must be a non-empty string, got {value!r}")
        text = record.get("text", "")
        if not isinstance(text, str):
            raise ValueError(f"{path}:{number}: field 'text' must be a string, got {text!r}")
        triples.append(Triple(record["head"].strip(), record["relation"].strip(), record["tail"].strip(), text.strip()))
    return triples
