"""Ordering: people compared by height, age, weight or speed. Consecutive pairs of a hidden order are
stated (some in the converse form); transitivity and the converse rules give the rest."""

from __future__ import annotations

import random

from ..logic import Atom, Rule
from ..names import NamePool
from ..world import Statement, World

CAPACITY = 3
PAIRS = (("taller", "shorter"), ("older", "younger"), ("heavier", "lighter"), ("faster", "slower"))
SIZE = {1: 4, 2: 5, 3: 7}


def rules_for(more: str, less: str) -> tuple[Rule, ...]:
    return (
        Rule(Atom("?X", more, "?Z"), (Atom("?X", more, "?Y"), Atom("?Y", more, "?Z"))),
        Rule(Atom("?Y", less, "?X"), (Atom("?X", more, "?Y"),)),
        Rule(Atom("?X", more, "?Y"), (Atom("?Y", less, "?X"),)),
    )


def _chain(rng: random.Random, people: list[str], more: str, less: str) -> list[Statement]:
    """Consecutive pairs of a random order, a third of them said the other way round."""
    order = rng.sample(people, len(people))
    out = []
    for upper, lower in zip(order, order[1:], strict=False):
        atom = Atom(lower, less, upper) if rng.random() < 0.3 else Atom(upper, more, lower)
        out.append(Statement((atom,)))
    return out


def build(rng: random.Random, lang: str, depth: int) -> World:
    size = SIZE.get(min(max(depth, 1), CAPACITY), 7) + rng.randint(0, 1)
    people = NamePool(lang, rng).people(size)
    pairs = rng.sample(PAIRS, 2 if rng.random() < 0.25 else 1)
    statements: list[Statement] = []
    rules: list[Rule] = []
    for more, less in pairs:
        statements += _chain(rng, people, more, less)
        rules += rules_for(more, less)
    rng.shuffle(statements)
    relations = tuple(r for pair in pairs for r in pair)
    return World(
        domain="ordering", lang=lang, kind="person", entities=tuple(people), statements=tuple(statements),
        rules=tuple(rules), askable=relations, countable=relations,
        related={r: tuple(x for x in relations if x != r) for r in relations},
        tails={r: tuple(people) for r in relations},
    )
