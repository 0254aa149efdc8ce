"""CLUTRR (facebookresearch/clutrr) validation CSVs, as multiple-choice kinship questions.

For the query ``(A, B)`` with target ``grandfather`` the question is "What is B to A?" and the gold
option is "grandfather" (B is A's grandfather). Options: the gold relation and ``n_options - 1``
distractors drawn from CLUTRR's relation vocabulary, placed by a generator seeded with the row's id
(stable across runs); ``n_options=None`` offers all relations in a fixed order.

``meta`` keeps what the graph retriever needs: ``entities`` (node i is ``entities[i]``, from the
``genders`` column), ``story_edges`` and ``query_edge`` (pairs of node indices), ``edge_types``.
"""

from __future__ import annotations

import ast
import random
import re
from pathlib import Path

from ..types import Item, text_id
from .build import build_records, guard
from .errors import Rejects, Where
from .fields import Fields
from .read import iter_csv

RELATIONS = (
    "aunt", "brother", "daughter", "daughter-in-law", "father", "father-in-law", "granddaughter",
    "grandfather", "grandmother", "grandson", "mother", "mother-in-law", "nephew", "niece", "sister",
    "son", "son-in-law", "uncle",
)
QUESTION = "In the story, what is {b} to {a}? {b} is {a}'s ..."
COLUMNS = ("id", "story", "query", "target_text", "story_edges", "edge_types", "query_edge", "genders")


def load_clutrr(
    path: str | Path, *, n_options: int | None = 4, strict: bool = True, rejects: Rejects | None = None
) -> list[Item]:
    if n_options is not None and not 2 <= n_options <= len(RELATIONS):
        raise ValueError(f"n_options must be between 2 and {len(RELATIONS)} or None, got {n_options}")

    def build(where: Where, data: object) -> Item:
        return _item(Fields(data, where), n_options)  # type: ignore[arg-type]

    return build_records(iter_csv(path, required=COLUMNS), build, strict=strict, rejects=rejects)


def _literal(fields: Fields, key: str) -> object:
    try:
        return ast.literal_eval(fields.text(key))
    except (ValueError, SyntaxError):
        raise fields.error(key, f"expected a Python literal, got {fields.data[key]!r}") from None


def _pairs(fields: Fields, key: str) -> list[list[int]]:
    value = _literal(fields, key)
    value = [value] if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], int) else value
    if not isinstance(value, list) or not all(
        isinstance(p, tuple) and len(p) == 2 and all(isinstance(x, int) for x in p) for p in value
    ):
        raise fields.error(key, "expected (i, j) pairs of node indices")
    return [list(p) for p in value]


def _entities(fields: Fields) -> list[str]:
    names = [part.split(":")[0].strip() for part in fields.text("genders").split(",")]
    if not all(names):
        raise fields.error("genders", "expected 'Name:gender,...'")
    return names


def _options(gold: str, seed: str, n_options: int | None) -> tuple[tuple[str, ...], str]:
    if n_options is None:
        options = RELATIONS
    else:
        rng = random.Random(seed)
        options = tuple(rng.sample([r for r in RELATIONS if r != gold], n_options - 1)) + (gold,)
        options = tuple(rng.sample(options, len(options)))
    return options, chr(ord("A") + options.index(gold))


def _item(fields: Fields, n_options: int | None) -> Item:
    row_id = fields.identifier("id")
    target = fields.text("target_text").strip()
    if target not in RELATIONS:
        raise fields.error("target_text", f"unknown relation {target!r}")
    query = _literal(fields, "query")
    if not (isinstance(query, tuple) and len(query) == 2 and all(isinstance(q, str) for q in query)):
        raise fields.error("query", "expected a pair of names")
    entities, edges = _entities(fields), _pairs(fields, "story_edges")
    edge_types = _literal(fields, "edge_types")
    if not isinstance(edge_types, list) or len(edge_types) != len(edges):
        raise fields.error("edge_types", f"expected {len(edges)} relation names, one per story edge")
    query_edge = _pairs(fields, "query_edge")[0]
    if max(max(e) for e in [*edges, query_edge]) >= len(entities):
        raise fields.error("story_edges", "a node index exceeds the entities named in 'genders'")
    story = fields.text("story")
    options, answer = _options(target, text_id(row_id), n_options)
    meta = {
        "dataset": "clutrr", "lang": "en", "raw_story": story, "query": list(query), "target": target,
        "entities": entities, "story_edges": edges, "edge_types": edge_types, "query_edge": query_edge,
        "task_name": fields.data.get("task_name", ""), "f_comb": fields.data.get("f_comb", ""),
    }
    task = re.fullmatch(r"task_\d+\.(\d+)", str(meta["task_name"]))
    if task:
        meta["depth"] = int(task.group(1))
    question = QUESTION.format(a=query[0], b=query[1])
    context = re.sub(r"\[([^\]]+)\]", r"\1", story)
    return guard(fields.where, lambda: Item(f"clutrr-{row_id}", question, options, answer, context, meta))
