"""Write a world as files: a knowledge folder (one document per entity, and the triples), the questions,
the paraphrased wordings kept for training, and a description of the world."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from ...data.triples import Triple, write_triples
from .wording import COUNT, document, entity_type, sentence
from .world import World

KNOWLEDGE = "knowledge"
DOCUMENTS = "world.jsonl"
TRIPLES = "world.triples.jsonl"
QUESTIONS = "questions.jsonl"
PARAPHRASES = "paraphrases.jsonl"
DESCRIPTION = "world.json"


def write_world(world: World, questions: list[dict], out: str | Path) -> dict[str, Path]:
    """``out/knowledge/world.jsonl`` (one document per entity, ``{"text", "title", "meta": {"entity",
    "type"}}``), ``out/knowledge/world.triples.jsonl``, ``out/questions.jsonl`` (``mcq`` records),
    ``out/paraphrases.jsonl`` (every entity's document in the other wordings, for training; outside the
    knowledge folder) and ``out/world.json`` (language, seed, sizes and the guild convention). Returns
    the paths by name."""
    out = Path(out)
    (out / KNOWLEDGE).mkdir(parents=True, exist_ok=True)
    names = [r.name for r in (*world.people, *world.orgs, *world.towns)]
    paths = {"documents": out / KNOWLEDGE / DOCUMENTS, "triples": out / KNOWLEDGE / TRIPLES,
             "questions": out / QUESTIONS, "paraphrases": out / PARAPHRASES, "description": out / DESCRIPTION}
    _jsonl(paths["documents"], ({"text": document(world, n), "title": n,
                                 "meta": {"entity": n, "type": entity_type(world, n)}} for n in names))
    write_triples((Triple(t.head, t.relation, t.tail, sentence(world.lang, t.head, t.relation, t.tail))
                   for t in world.triples), paths["triples"])
    _jsonl(paths["questions"], questions)
    _jsonl(paths["paraphrases"], ({"text": f"{n}\n{document(world, n, w)}", "meta": {"entity": n, "wording": w}}
                                  for w in range(1, COUNT) for n in names))
    description = {"lang": world.lang, "seed": world.seed, "people": len(world.people), "orgs": len(world.orgs),
                   "towns": len(world.towns), "guilds": world.guilds}
    paths["description"].write_text(json.dumps(description, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return paths


def _jsonl(path: Path, rows: Iterable[dict]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    tmp.replace(path)
