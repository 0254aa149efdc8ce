"""Kinship: a three-generation family; stated father/mother/spouse facts and gender; rules that compose
them into child, sibling, grandparent, uncle/aunt, cousin and their gendered forms."""

from __future__ import annotations

import random

from ..logic import Atom, Rule
from ..names import NamePool
from ..vocab import GENDER_WORDS
from ..world import Statement, World

CAPACITY = 3
DERIVED_DEPTH = {
    "child": 1, "son": 1, "daughter": 1, "sibling": 1, "grandparent": 1, "brother": 2, "sister": 2,
    "grandfather": 2, "grandmother": 2, "grandchild": 2, "cousin": 2, "uncle": 3, "aunt": 3,
}
NEEDS = {
    "brother": ("sibling",), "sister": ("sibling",), "grandfather": ("grandparent",),
    "grandmother": ("grandparent",), "grandchild": ("grandparent",), "uncle": ("brother",),
    "aunt": ("sister",), "cousin": ("sibling",),
}
COUNTABLE = ("child", "son", "daughter", "sibling", "brother", "sister", "grandparent", "grandchild", "cousin")


# each derived relation's rule: head, then conditions ("male"/"female" become the language's gender words)
RULES = {
    "child": ("?Y child ?X", ("?X parent ?Y",)),
    "son": ("?Y son ?X", ("?X parent ?Y", "?Y gender male")),
    "daughter": ("?Y daughter ?X", ("?X parent ?Y", "?Y gender female")),
    "sibling": ("?X sibling ?Y", ("?P parent ?X", "?P parent ?Y")),  # and ?X, ?Y distinct
    "brother": ("?X brother ?Y", ("?X sibling ?Y", "?X gender male")),
    "sister": ("?X sister ?Y", ("?X sibling ?Y", "?X gender female")),
    "grandparent": ("?X grandparent ?Z", ("?X parent ?Y", "?Y parent ?Z")),
    "grandfather": ("?X grandfather ?Z", ("?X grandparent ?Z", "?X gender male")),
    "grandmother": ("?X grandmother ?Z", ("?X grandparent ?Z", "?X gender female")),
    "grandchild": ("?Z grandchild ?X", ("?X grandparent ?Z",)),
    "uncle": ("?X uncle ?Z", ("?X brother ?Y", "?Y parent ?Z")),
    "aunt": ("?X aunt ?Z", ("?X sister ?Y", "?Y parent ?Z")),
    "cousin": ("?X cousin ?Z", ("?Y parent ?X", "?Y sibling ?W", "?W parent ?Z")),
}


def _a(head: str, rel: str, tail: str) -> Atom:
    return Atom(head, rel, tail)


def rule_for(rel: str, lang: str) -> Rule:
    """The rule that defines a derived kinship relation (variables ?X ?Y ?Z ?W ?P)."""
    if rel not in RULES:
        raise ValueError(f"unknown kinship relation {rel!r}; known: {', '.join(RULES)}")
    words = {g: GENDER_WORDS[g][lang] for g in GENDER_WORDS}

    def atom(text: str) -> Atom:
        head, relation, tail = text.split()
        return Atom(head, relation, words.get(tail, tail))

    then, when = RULES[rel]
    distinct = (("?X", "?Y"),) if rel == "sibling" else ()
    return Rule(atom(then), tuple(atom(w) for w in when), distinct=distinct)


def with_needs(relations: list[str]) -> list[str]:
    """The relations plus those their rules build on, each after what it needs."""
    out: list[str] = []
    def visit(rel: str) -> None:
        for need in NEEDS.get(rel, ()):
            visit(need)
        if rel not in out:
            out.append(rel)
    for rel in relations:
        visit(rel)
    return out


def _family(rng: random.Random, pool: NamePool) -> tuple[dict[str, str], list[tuple[str, str]], list[tuple[str, str]]]:
    """People with their gender, couples (husband, wife), and parent -> child links."""
    genders: dict[str, str] = {}
    couples: list[tuple[str, str]] = []
    links: list[tuple[str, str]] = []

    def person(gender: str, surname: str | None = None) -> str:
        name = pool.person(gender, surname)
        genders[name] = gender
        return name

    surname = pool.surname() if pool.lang == "zh" else None
    elders = (person("male", surname), person("female"))
    couples.append(elders)
    for i in range(rng.randint(2, 3)):
        kid = person(rng.choice(("male", "female")), surname)
        links += [(elders[0], kid), (elders[1], kid)]
        if i < 2 or rng.random() < 0.5:
            partner = person("female" if genders[kid] == "male" else "male")
            couple = (kid, partner) if genders[kid] == "male" else (partner, kid)
            couples.append(couple)
            family = couple[0][0] if pool.lang == "zh" else None
            for _ in range(rng.randint(1, 2)):
                grandkid = person(rng.choice(("male", "female")), family)
                links += [(couple[0], grandkid), (couple[1], grandkid)]
    return genders, couples, links


def build(rng: random.Random, lang: str, depth: int) -> World:
    genders, couples, links = _family(rng, NamePool(lang, rng))
    roster = Statement(tuple(_a(p, "gender", GENDER_WORDS[g][lang]) for p, g in genders.items()), "roster")
    sentences = [Statement((_a(h, "spouse", w), _a(w, "spouse", h)), "couple") for h, w in couples]
    for parent, kid in links:
        rel = "father" if genders[parent] == "male" else "mother"
        sentences.append(Statement((_a(parent, rel, kid), _a(parent, "parent", kid))))
    rng.shuffle(sentences)
    chosen = _choose_relations(rng, depth)
    rules = tuple(rule_for(rel, lang) for rel in with_needs(chosen))
    derived = [r.then.rel for r in rules]
    askable = tuple(dict.fromkeys(["father", "mother", *derived]))
    people = tuple(genders)
    return World(
        domain="kinship", lang=lang, kind="person", entities=people, statements=(roster, *sentences),
        rules=rules, askable=askable, countable=tuple(r for r in COUNTABLE if r in derived),
        related={r: tuple(x for x in askable if x != r) for r in askable},
        tails={r: people for r in askable}, via=("spouse",),
    )


def _choose_relations(rng: random.Random, depth: int) -> list[str]:
    deep = [r for r, d in DERIVED_DEPTH.items() if d == min(max(depth, 1), CAPACITY)]
    others = [r for r in DERIVED_DEPTH if r not in deep]
    return [rng.choice(deep), *rng.sample(others, rng.randint(2, 4))]
