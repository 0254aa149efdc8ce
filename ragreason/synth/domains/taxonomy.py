"""Set membership and class inclusion: pets of known species, a class hierarchy consistent with common
sense ("all cats are mammals"), traits of whole classes, and a rule with negation as failure."""

from __future__ import annotations

import random

from ..logic import Atom, Rule
from ..names import NamePool
from ..vocab import ANIMAL_TRAITS, ancestors, animal_leaves, class_word
from ..world import Statement, World

CAPACITY = 5
INHERIT = Rule(Atom("?X", "is_a", "?D"), (Atom("?X", "is_a", "?C"), Atom("?C", "subclass_of", "?D")), stated=False)


def _classes(rng: random.Random) -> tuple[list[str], list[str]]:
    """Leaves given to pets, and every class the text mentions (leaves, their ancestors, a plant line)."""
    leaves = rng.sample(animal_leaves(), rng.randint(2, 3))
    plant = rng.choice(("rose", "oak"))
    mentioned = list(dict.fromkeys(c for leaf in [*leaves, plant] for c in [leaf, *ancestors(leaf)]))
    return leaves, mentioned


def _trait_rules(rng: random.Random, lang: str, leaves: list[str], traits: list[str]) -> list[Rule]:
    """Class traits ("all mammals are gentle"), a trait that implies another, and one exception rule."""
    word = lambda key: class_word(key, lang)  # noqa: E731
    inner = list(dict.fromkeys(c for leaf in leaves for c in ancestors(leaf)[:-1]))
    rules = [Rule(Atom("?X", "trait", traits[i]), (Atom("?X", "is_a", word(c)),))
             for i, c in enumerate(rng.sample(inner, min(2, len(inner))))]
    rules.append(Rule(Atom("?X", "trait", traits[2]), (Atom("?X", "trait", rng.choice(traits[:2])),)))
    upper = rng.choice(inner)
    below = [leaf for leaf in leaves if upper in ancestors(leaf)]
    if below:
        when = (Atom("?X", "is_a", word(upper)),)
        rules.append(Rule(Atom("?X", "trait", traits[3]), when, unless=(Atom("?X", "is_a", word(below[0])),)))
    return rules


def build(rng: random.Random, lang: str, depth: int) -> World:
    leaves, mentioned = _classes(rng)
    pets = NamePool(lang, rng).pets(rng.randint(3, 5))
    traits = [t[1] if lang == "zh" else t[0] for t in rng.sample(ANIMAL_TRAITS, 6)]
    word = lambda key: class_word(key, lang)  # noqa: E731
    statements = [Statement((Atom(p, "is_a", word(rng.choice(leaves))),)) for p in pets]
    statements += [Statement((Atom(p, "trait", t),)) for p, t in zip(pets, traits[4:], strict=False)]
    edges = [Statement((Atom(word(c), "subclass_of", word(ancestors(c)[0])),)) for c in mentioned if ancestors(c)]
    rng.shuffle(edges)
    rules = [INHERIT, *_trait_rules(rng, lang, leaves, traits)]
    return World(
        domain="taxonomy", lang=lang, kind="animal", entities=tuple(pets), statements=(*statements, *edges),
        rules=tuple(rules), askable=("is_a", "trait"), countable=("is_a", "trait"),
        tails={"is_a": tuple(word(c) for c in mentioned), "trait": tuple(traits)},
        count_tails={"is_a": tuple(word(c) for c in mentioned if c not in ("animal", "organism")),
                     "trait": tuple(traits)},
    )
