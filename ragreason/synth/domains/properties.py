"""If-then rules over people's traits with negation as failure ("if someone is smart and not brave then
they are quiet"), layered so that they stratify; one person is made to climb the whole chain."""

from __future__ import annotations

import random

from ..logic import Atom, Rule
from ..names import NamePool
from ..vocab import PERSON_TRAITS
from ..world import Statement, World

CAPACITY = 10


def _rule(rng: random.Random, head: str, chain: str, lower: list[str], hero: set[str]) -> Rule:
    """A rule for ``head`` that the hero satisfies: it needs ``chain``, maybe another trait the hero
    has, and maybe the absence of a lower trait the hero lacks."""
    when = [chain]
    extra = [t for t in lower if t in hero and t != chain]
    if extra and rng.random() < 0.4:
        when.append(rng.choice(extra))
    unless = [t for t in lower if t not in hero]
    negated = [rng.choice(unless)] if unless and rng.random() < 0.5 else []
    return Rule(
        Atom("?X", "trait", head),
        tuple(Atom("?X", "trait", t) for t in when),
        unless=tuple(Atom("?X", "trait", t) for t in negated),
    )


def _noise(rng: random.Random, head: str, lower: list[str]) -> Rule:
    when, unless = rng.sample(lower, 2)
    negate = rng.random() < 0.5
    return Rule(
        Atom("?X", "trait", head),
        tuple(Atom("?X", "trait", t) for t in ([when] if negate else [when, unless])),
        unless=(Atom("?X", "trait", unless),) if negate else (),
    )


def build(rng: random.Random, lang: str, depth: int) -> World:
    layers = max(1, min(depth, CAPACITY))
    people = NamePool(lang, rng).people(rng.randint(3, 5))
    pool = [t[1] if lang == "zh" else t[0] for t in PERSON_TRAITS]
    traits = rng.sample(pool, min(len(pool), 4 + layers + 2))
    base, derived = traits[:4], traits[4:4 + layers]
    owned = {p: {t for t in base if rng.random() < 0.5} for p in people}
    hero = people[0]
    owned[hero].add(base[0])
    statements = [Statement((Atom(p, "trait", t),)) for p in people for t in base if t in owned[p]]
    rules, lower, chain, have = [], list(base), rng.choice(sorted(owned[hero])), set(owned[hero])
    for head in derived:
        rules.append(_rule(rng, head, chain, lower, have))
        have.add(head)
        lower.append(head)
        chain = head
    for head in traits[4 + layers:]:
        rules.append(_noise(rng, head, lower))
        lower.append(head)
    rng.shuffle(statements)
    rng.shuffle(rules)
    return World(
        domain="properties", lang=lang, kind="person", entities=tuple(people), statements=tuple(statements),
        rules=tuple(rules), askable=("trait",), countable=("trait",), tails={"trait": tuple(traits)},
    )
