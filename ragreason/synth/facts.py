"""Fictional facts no model can know: invented people, each with a birth town, an occupation and a pet,
one short document per person, and four-option questions about them whose options share a type.

A model answers these only from the document in front of it (the item's context, or what retrieval
finds in the knowledge folder): what retrieval adds is measurable, and without the document every
option is a guess.

    from ragreason.synth.facts import make_people, documents, questions
    people = make_people(150, lang="en", seed=0)
    docs = documents(people)                 # one text per person, keyed by person id
    items = questions(people, context=True)  # mcq records with the person's document as the context
"""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass

SYLLABLES = ("ka", "lo", "mi", "zu", "ve", "thra", "dor", "in", "sa", "bel", "qu", "ra", "ton", "ly", "ne", "vo",
             "ush", "ter", "gal", "fen", "o", "ria", "mar", "kes")
TOWN_ENDINGS = ("moor", "ford", "wick", "holm", "stead", "vale", "by", "mouth")
ZH_NAME_CHARS = tuple("甄阙禤笪綦鄢殳郗蒯訾聂帅冼晏岑栾隗廉靳汲邴糜")
ZH_GIVEN_CHARS = tuple("珂瑜翊昀璟骞湛珩琰钰曦芮玥璇霁沅澈岚砚蘅")
ZH_TOWN_CHARS = tuple("墨溪岑陇沅枫棠苇檀澜榆樟蕉渚汀嵘峪泾邕")
ZH_TOWN_ENDINGS = ("镇", "村", "城", "堡")
JOBS = {"en": ("baker", "pilot", "nurse", "carpenter", "teacher", "fisher", "tailor", "painter", "doctor",
               "farmer", "librarian", "potter"),
        "zh": ("面包师", "飞行员", "护士", "木匠", "教师", "渔民", "裁缝", "画家", "医生", "农民", "图书管理员",
               "陶艺师")}
PETS = {"en": ("tortoise", "parrot", "goat", "rabbit", "ferret", "donkey", "hedgehog", "goldfish", "owl",
               "lizard", "cat", "dog"),
        "zh": ("乌龟", "鹦鹉", "山羊", "兔子", "雪貂", "毛驴", "刺猬", "金鱼", "猫头鹰", "蜥蜴", "猫", "狗")}
KINDS = ("town", "job", "pet")
TOWNS = 24  # invented towns per world: several people share each


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    town: str
    job: str
    pet: str
    lang: str


def make_people(n: int, *, lang: str = "en", seed: int = 0) -> list[Person]:
    """``n`` people with distinct invented names; same seed, same people."""
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    if n < 4:
        raise ValueError(f"need at least 4 people (four options per question), got {n}")
    rng = random.Random(f"facts-{lang}-{seed}")
    towns = distinct(rng, TOWNS, lambda: town_name(rng, lang))
    names = distinct(rng, n, lambda: person_name(rng, lang))
    return [Person(f"{lang}-{seed}-p{k:04d}", name, rng.choice(towns), rng.choice(JOBS[lang]), rng.choice(PETS[lang]),
                   lang) for k, name in enumerate(names)]


def document(person: Person) -> str:
    """The one text that states the person's facts."""
    if person.lang == "zh":
        return f"{person.name}出生于{person.town}。{person.name}是一名{person.job}，养了一只{person.pet}。"
    first = person.name.split()[0]
    return (f"{person.name} was born in {person.town}. {first} works as {_a(person.job)} and keeps "
            f"{_a(person.pet)}.")


def documents(people: list[Person]) -> dict[str, str]:
    return {p.id: document(p) for p in people}


def questions(people: list[Person], *, context: bool, seed: int = 0) -> list[dict]:
    """One mcq record per person and kind: four options of the kind (the gold and three others, drawn
    from the world), the gold letter, the person's document as ``context`` when asked for, and
    ``meta`` naming the kind and the document's person."""
    rng = random.Random(f"questions-{seed}")
    pools = {"town": sorted({p.town for p in people}), "job": list(JOBS[people[0].lang]),
             "pet": list(PETS[people[0].lang])}
    records = []
    for person in people:
        for kind in KINDS:
            gold = getattr(person, kind)
            options = [gold, *rng.sample([x for x in pools[kind] if x != gold], 3)]
            rng.shuffle(options)
            record = {"id": f"{person.id}-{kind}", "question": _ask(person, kind), "options": options,
                      "answer": "ABCD"[options.index(gold)], "meta": {"kind": kind, "person": person.id}}
            if context:
                record["context"] = document(person)
            records.append(record)
    return records


def _a(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def _ask(person: Person, kind: str) -> str:
    if person.lang == "zh":
        return {"town": f"{person.name}出生在哪个地方？", "job": f"{person.name}的职业是什么？",
                "pet": f"{person.name}养了什么动物？"}[kind]
    return {"town": f"In which town was {person.name} born?", "job": f"What does {person.name} work as?",
            "pet": f"Which animal does {person.name} keep?"}[kind]


def person_name(rng: random.Random, lang: str) -> str:
    if lang == "zh":
        return rng.choice(ZH_NAME_CHARS) + "".join(rng.sample(ZH_GIVEN_CHARS, rng.choice((1, 2))))
    return " ".join(invented_word(rng, rng.choice((2, 3))) for _ in range(2))


def town_name(rng: random.Random, lang: str) -> str:
    if lang == "zh":
        return "".join(rng.sample(ZH_TOWN_CHARS, 2)) + rng.choice(ZH_TOWN_ENDINGS)
    return invented_word(rng, rng.choice((1, 2))) + rng.choice(TOWN_ENDINGS)


def invented_word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()


def distinct(rng: random.Random, n: int, make, exclude: Collection[str] = ()) -> list[str]:
    """``n`` distinct names drawn by ``make``, none of them in ``exclude``, in the order first drawn."""
    seen: dict[str, None] = {}
    for _ in range(100 * n):
        name = make()
        if name not in exclude:
            seen.setdefault(name, None)
        if len(seen) == n:
            return list(seen)
    raise ValueError(f"could not make {n} distinct names")
