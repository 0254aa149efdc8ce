"""The world: invented people, towns, regions and organisations, their attributes and relations, and a
convention (which guild each occupation belongs to) that no document states.

Every fact is a ``Triple``; ``World.triples`` lists them, derived from the entity records (``Person``,
``Org``, ``Town``), and question golds are read from the triples (``questions.solve``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from ...data.triples import Triple
from ..facts import JOBS, PETS, distinct, invented_word, person_name, town_name

# relation -> (head type, tail type); a person's, an organisation's and a town's facts, in document order
RELATIONS = {
    "born_in": ("person", "town"), "lives_in": ("person", "town"), "works_for": ("person", "org"),
    "occupation": ("person", "job"), "keeps": ("person", "pet"),
    "founded_in": ("org", "town"), "industry": ("org", "field"),
    "in_region": ("town", "region"),
}
CHANGEABLE = ("lives_in", "works_for")  # the facts an update may change
FIELDS = {"en": ("shipbuilding", "weaving", "printing", "glassmaking", "brewing", "mining", "clockmaking", "dyeing"),
          "zh": ("造船", "纺织", "印刷", "玻璃制造", "酿酒", "采矿", "钟表制造", "染布")}
GUILDS = {"en": ("the Amber Guild", "the Slate Guild", "the Reed Guild", "the Copper Guild"),
          "zh": ("琥珀会", "石板会", "芦苇会", "青铜会")}
ORG_ENDINGS = {"en": ("Works", "Mills", "Trading Company", "Foundry", "Press", "Cooperative"),
               "zh": ("商行", "工坊", "公司", "书局", "合作社", "厂")}
ZH_ORG_CHARS = tuple("坤瀚晟麟翎昶琛瑄珝燊炜铖淼鑫焱垚")
ZH_REGION_CHARS = tuple("嵩岱邙邛崤蒙阆涪湟洮岷汶")
REGION_ENDINGS = {"en": (" Reach", " March", "shire", " Dales"), "zh": ("郡", "州", "道")}


@dataclass(frozen=True)
class Person:
    name: str
    born_in: str
    lives_in: str
    works_for: str
    occupation: str
    keeps: str


@dataclass(frozen=True)
class Org:
    name: str
    founded_in: str
    industry: str


@dataclass(frozen=True)
class Town:
    name: str
    in_region: str


@dataclass(frozen=True)
class World:
    lang: str
    seed: int
    people: tuple[Person, ...]
    orgs: tuple[Org, ...]
    towns: tuple[Town, ...]
    guilds: dict[str, str]  # occupation -> guild: the convention, stated in no document

    @property
    def triples(self) -> list[Triple]:
        records = [*self.people, *self.orgs, *self.towns]
        return [Triple(r.name, rel, getattr(r, rel)) for r in records for rel in RELATIONS if hasattr(r, rel)]

    def entity(self, name: str) -> Person | Org | Town:
        for record in (*self.people, *self.orgs, *self.towns):
            if record.name == name:
                return record
        raise KeyError(f"no entity named {name!r} in this world")

    def names(self, kind: str) -> list[str]:
        """Every value of a type: "person", "org", "town", "region", "job", "pet", "field", "guild"."""
        if kind == "person":
            return [p.name for p in self.people]
        if kind == "org":
            return [o.name for o in self.orgs]
        if kind == "town":
            return [t.name for t in self.towns]
        if kind == "region":
            return sorted({t.in_region for t in self.towns})
        if kind == "job":
            return list(JOBS[self.lang])
        if kind == "pet":
            return list(PETS[self.lang])
        if kind == "field":
            return list(FIELDS[self.lang])
        if kind == "guild":
            return list(GUILDS[self.lang])
        raise ValueError(f"unknown type {kind!r}")


def make_world(people: int = 60, *, lang: str = "en", seed: int = 0) -> World:
    """A world of ``people`` people, about half as many towns, a quarter as many organisations and a
    region per three towns (at least four of each kind a question draws options from). Same seed, same
    world."""
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    if people < 8:
        raise ValueError(f"a world needs at least 8 people, got {people}")
    rng = random.Random(f"world-{lang}-{seed}")
    n_towns = max(6, people // 2)
    regions = distinct(rng, max(4, n_towns // 3), lambda: _region(rng, lang))
    town_names = distinct(rng, n_towns, lambda: town_name(rng, lang))
    towns = tuple(Town(t, regions[k % len(regions)] if k < len(regions) else rng.choice(regions))
                  for k, t in enumerate(town_names))
    org_names = distinct(rng, max(4, people // 4), lambda: _org(rng, lang))
    orgs = tuple(Org(o, rng.choice(town_names), rng.choice(FIELDS[lang])) for o in org_names)
    taken = set(town_names) | set(org_names) | set(regions)
    names = [n for n in distinct(rng, people + len(taken), lambda: person_name(rng, lang)) if n not in taken][:people]
    persons = tuple(Person(n, rng.choice(town_names), rng.choice(town_names), rng.choice(org_names),
                           rng.choice(JOBS[lang]), rng.choice(PETS[lang])) for n in names)
    jobs = list(JOBS[lang])
    rng.shuffle(jobs)
    guilds = {job: GUILDS[lang][k % len(GUILDS[lang])] for k, job in enumerate(jobs)}
    return World(lang, seed, persons, orgs, towns, guilds)


@dataclass(frozen=True)
class Change:
    """One fact an update changed: ``head``'s ``relation`` was ``old`` and is now ``new``."""

    head: str
    relation: str
    old: str
    new: str


def update_world(world: World, share: float = 0.3, *, seed: int = 0) -> tuple[World, list[Change]]:
    """The world after a share of the people moved town or changed employer (one changeable fact each,
    drawn), and the changes."""
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], got {share}")
    rng = random.Random(f"update-{world.lang}-{world.seed}-{seed}")
    chosen = set(rng.sample(range(len(world.people)), max(1, round(share * len(world.people)))))
    pools = {"lives_in": world.names("town"), "works_for": world.names("org")}
    people, changes = [], []
    for k, person in enumerate(world.people):
        if k in chosen:
            relation = rng.choice(CHANGEABLE)
            old = getattr(person, relation)
            new = rng.choice([x for x in pools[relation] if x != old])
            person = replace(person, **{relation: new})
            changes.append(Change(person.name, relation, old, new))
        people.append(person)
    return replace(world, people=tuple(people)), changes


def _region(rng: random.Random, lang: str) -> str:
    if lang == "zh":
        return "".join(rng.sample(ZH_REGION_CHARS, 2)) + rng.choice(REGION_ENDINGS["zh"])
    return invented_word(rng, 2) + rng.choice(REGION_ENDINGS["en"])


def _org(rng: random.Random, lang: str) -> str:
    if lang == "zh":
        return "".join(rng.sample(ZH_ORG_CHARS, 2)) + rng.choice(ORG_ENDINGS["zh"])
    return invented_word(rng, 2) + " " + rng.choice(ORG_ENDINGS["en"])
