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


def _a(head: str, rel: str, tail: str) -> Atom:
    return Atom(head, rel, tail)


def rules_for(rel: str, lang: str) -> tuple[Rule, ...]:
    """The rule that defines a derived kinship relation (variables ?X ?Y ?Z ?W ?P)."""
    male, female = GENDER_WORDS["male"][lang], GENDER_WORDS["female"][lang]
    gendered = {"son": male, "daughter": female, "brother": male, "sister": female,
                "grandfather": male, "grandmother": female}
    if rel == "child":
        return (Rule(_a("?Y", "child", "?X"), (_a("?X", "parent", "?Y"),)),)
    if rel in ("son", "daughter"):
        return (Rule(_a("?Y", rel, "?X"), (_a("?X", "parent", "?Y"), _a("?Y", "gender", gendered[rel]))),)
    if rel == "sibling":
        when = (_a("?P", "parent", "?X"), _a("?P", "parent", "?Y"))
        return (Rule(_a("?X", "sibling", "?Y"), when, distinct=(("?X", "?Y"),)),)
    if rel in ("brother", "sister"):
        return (Rule(_a("?X", rel, "?Y"), (_a("?X", "sibling", "?Y"), _a("?X", "gender", gendered[rel]))),)
    if rel == "grandparent":
        return (Rule(_a("?X", "grandparent", "?Z"), (_a("?X", "parent", "?Y"), _a("?Y", "parent", "?Z"))),)
    if rel in ("grandfather", "grandmother"):
        when = (_a("?X", "grandparent", "?Z"), _a("?X", "gender", gendered[rel]))
        return (Rule(_a("?X", rel, "?Z"), when),)
    if rel == "grandchild":
        return (Rule(_a("?Z", "grandchild", "?X"), (_a("?X", "grandparent", "?Z"),)),)
    if rel in ("uncle", "aunt"):
        sib = "brother" if rel == "uncle" else "sister"
        return (Rule(_a("?X", rel, "?Z"), (_a("?X", sib, "?Y"), _a("?Y", "parent", "?Z"))),)
    if rel == "cousin":
        when = (_a("?Y", "parent", "?X"), _a("?Y", "sibling", "?W"), _a("?W", "parent", "?Z"))
        return (Rule(_a("?X", "cousin", "?Z"), when),)
    raise ValueError(f"unknown kinship relation {rel!r}; known: {', '.join(DERIVED_DEPTH)}")


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
    rules = tuple(r for rel in with_needs(chosen) for r in rules_for(rel, lang))
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
