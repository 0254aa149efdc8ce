"""Four-option questions about a world, of five kinds, each gold read from the triples (``solve``).

- ``attribute``: one fact of an entity ("In which town was X born?");
- ``reverse``: the fact read backwards ("Who was born in T?"), only where one entity answers;
- ``two_hop``: two facts chained ("In which town was the organisation X works for founded?");
- ``absent``: each fact of a person the world does not have; the right option says so (a model that answers
  with a town, an employer or an occupation invents one);
- ``convention``: the guild of a person's occupation, which no document states and the training
  questions show (what fine-tuning, not retrieval, can bring).

Options share the answer's type; half the questions of the first three kinds carry the "not known" option
as a distractor, so that it is no cue (never a convention question: no document states a guild, so of the
documents it would be true). Records are ``mcq`` records with ``meta``: ``kind``, ``split`` (``train`` or ``test``,
by the entity asked about), ``relations``, ``documents`` (the entities whose documents state the answer).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence

from ...data.triples import Triple
from ..facts import distinct, person_name
from .wording import with_article
from .world import RELATIONS, Change, World

QUESTION_KINDS = ("attribute", "reverse", "two_hop", "absent", "convention")
UNKNOWN = {"en": "The documents do not say", "zh": "资料中没有记载"}
NO_UNKNOWN = ("absent", "convention")  # kinds that never carry it as a distractor (of a convention it is true)
TWO_HOPS = (("works_for", "founded_in"), ("born_in", "in_region"))
REVERSIBLE = ("born_in", "founded_in")
PERSON_RELATIONS = tuple(r for r, (head, _) in RELATIONS.items() if head == "person")
ASK = {
    "en": {
        "born_in": "In which town was {h} born?", "lives_in": "In which town does {h} live?",
        "works_for": "Which organisation does {h} work for?", "occupation": "What does {h} work as?",
        "keeps": "Which animal does {h} keep?", "founded_in": "In which town was {h} founded?",
        "industry": "Which trade is {h} in?", "in_region": "In which region does {h} lie?",
        "reverse:born_in": "Who was born in {t}?", "reverse:founded_in": "Which organisation was founded in {t}?",
        "works_for>founded_in": "In which town was the organisation that {h} works for founded?",
        "born_in>in_region": "In which region was {h} born?",
        "convention": "{h} works as {a}. Which guild does {h} belong to?",
    },
    "zh": {
        "born_in": "{h}出生在哪个地方？", "lives_in": "{h}住在哪个地方？", "works_for": "{h}在哪家机构工作？",
        "occupation": "{h}的职业是什么？", "keeps": "{h}养了什么动物？", "founded_in": "{h}是在哪个地方创立的？",
        "industry": "{h}从事哪个行业？", "in_region": "{h}位于哪个地区？",
        "reverse:born_in": "谁出生在{t}？", "reverse:founded_in": "哪家机构创立于{t}？",
        "works_for>founded_in": "{h}工作的机构是在哪个地方创立的？", "born_in>in_region": "{h}出生在哪个地区？",
        "convention": "{h}是一名{t}。{h}属于哪个行会？",
    },
}


class Facts:
    """The triples, indexed both ways."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        self.forward: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.backward: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.entities: set[str] = set()
        for t in triples:
            self.forward[t.head, t.relation].append(t.tail)
            self.backward[t.relation, t.tail].append(t.head)
            self.entities.update((t.head, t.tail))

    def one(self, head: str, relation: str) -> str:
        tails = self.forward.get((head, relation), [])
        if len(tails) != 1:
            raise ValueError(f"{head!r} has {len(tails)} {relation!r} facts, not one")
        return tails[0]


def solve(record: dict, triples: Iterable[Triple] | Facts, guilds: dict[str, str], lang: str) -> str:
    """The option text that the triples (and the guild convention) make right for a question record."""
    facts = triples if isinstance(triples, Facts) else Facts(triples)
    meta = record["meta"]
    kind, relations = meta["kind"], meta["relations"]
    if kind == "absent":
        if meta["head"] in facts.entities:
            raise ValueError(f"{meta['head']!r} is in the world; an absent question must ask about someone who is not")
        return UNKNOWN[lang]
    if kind == "reverse":
        heads = facts.backward.get((relations[0], meta["tail"]), [])
        if len(heads) != 1:
            raise ValueError(f"{len(heads)} entities have {relations[0]!r} {meta['tail']!r}; "
                             "a reverse question needs one")
        return heads[0]
    if kind == "convention":
        return guilds[facts.one(meta["head"], "occupation")]
    value = meta["head"]
    for relation in relations:
        value = facts.one(value, relation)
    return value


def make_questions(world: World, *, seed: int = 0, kinds: Sequence[str] = QUESTION_KINDS) -> list[dict]:
    """Every question of the given kinds the world allows, shuffled options, golds read from the triples by
    ``solve``."""
    unknown = [k for k in kinds if k not in QUESTION_KINDS]
    if unknown:
        raise ValueError(f"unknown question kinds {unknown}; known: {', '.join(QUESTION_KINDS)}")
    rng = random.Random(f"questions-{world.lang}-{world.seed}-{seed}")
    facts = Facts(world.triples)
    split = _splits(world, rng)
    specs: list[tuple[str, dict]] = []
    if "attribute" in kinds:
        for record in (*world.people, *world.orgs, *world.towns):
            for relation in RELATIONS:
                if hasattr(record, relation):
                    specs.append(("attribute", {"head": record.name, "relations": [relation],
                                                "documents": [record.name]}))
    if "reverse" in kinds:
        for relation in REVERSIBLE:
            for tail in world.names(RELATIONS[relation][1]):
                heads = facts.backward.get((relation, tail), [])
                if len(heads) == 1:
                    specs.append(("reverse", {"tail": tail, "relations": [relation], "documents": heads}))
    if "two_hop" in kinds:
        for person in world.people:
            for path in TWO_HOPS:
                specs.append(("two_hop", {"head": person.name, "relations": list(path),
                                          "documents": [person.name, getattr(person, path[0])]}))
    if "convention" in kinds:
        for person in world.people:
            specs.append(("convention", {"head": person.name, "relations": ["occupation", "guild"], "documents": []}))
    if "absent" in kinds:  # invented names the world does not have, asked every fact a person has
        names = distinct(rng, max(4, len(world.people) // 5), lambda: person_name(rng, world.lang), facts.entities)
        for k, name in enumerate(names):
            for relation in PERSON_RELATIONS:
                specs.append(("absent", {"head": name, "relations": [relation], "documents": [],
                                         "split": "train" if k % 2 == 0 else "test"}))
    return _records(world, facts, specs, split, rng)


def change_questions(world: World, changes: Sequence[Change], *, seed: int = 0) -> list[dict]:
    """A question on each changed fact of the updated ``world``, the old value among the options (its letter
    in ``meta.stale``): an answer that gives it reads knowledge from before the update."""
    rng = random.Random(f"changes-{world.lang}-{world.seed}-{seed}")
    specs = [("attribute", {"head": c.head, "relations": [c.relation], "documents": [c.head], "stale": c.old,
                            "split": "test"}) for c in changes]
    return _records(world, Facts(world.triples), specs, {}, rng, tag="changed")


def _records(world: World, facts: Facts, specs: list[tuple[str, dict]], split: dict[str, str],
             rng: random.Random, tag: str = "q") -> list[dict]:
    """The questions of ``specs``, ids ``<lang>-<seed>-<tag><n>-<kind>`` (the update's questions their own tag:
    no id of them is one of the world's questions)."""
    lang = world.lang
    records = []
    for n, (kind, meta) in enumerate(specs):
        meta = {"kind": kind, **meta}
        gold = solve({"meta": meta}, facts, world.guilds, lang)
        stale = meta.pop("stale", None)
        kind_of_answer = _answer_type(kind, meta["relations"])
        pool = [x for x in world.names(kind_of_answer) if x not in (gold, stale)]
        if len(pool) < 3 - (stale is not None):
            raise ValueError(f"a {kind} question needs three {kind_of_answer} options besides the answer; "
                             f"the world has {len(pool)}")
        distractors = rng.sample(pool, 3 - (stale is not None))
        if stale is not None:
            distractors.append(stale)
        if kind not in NO_UNKNOWN and rng.random() < 0.5:
            distractors[rng.randrange(len(distractors) - (stale is not None))] = UNKNOWN[lang]
        options = [gold, *distractors]
        rng.shuffle(options)
        meta.setdefault("split", split.get(meta.get("head") or meta["documents"][0], "test"))
        if stale is not None:
            meta["stale"] = "ABCD"[options.index(stale)]
        records.append({"id": f"{lang}-{world.seed}-{tag}{n:05d}-{kind}", "question": _ask(world, kind, meta),
                        "options": options, "answer": "ABCD"[options.index(gold)], "meta": meta})
    return records


def _answer_type(kind: str, relations: list[str]) -> str:
    if kind == "convention":
        return "guild"
    if kind == "reverse":
        return RELATIONS[relations[0]][0]
    return RELATIONS[relations[-1]][1]


def _ask(world: World, kind: str, meta: dict) -> str:
    ask = ASK[world.lang]
    if kind == "reverse":
        return ask["reverse:" + meta["relations"][0]].format(t=meta["tail"])
    if kind == "convention":
        job = world.entity(meta["head"]).occupation
        return ask["convention"].format(h=meta["head"], a=with_article(job), t=job)
    key = ">".join(meta["relations"]) if kind == "two_hop" else meta["relations"][0]
    return ask[key].format(h=meta["head"])


def _splits(world: World, rng: random.Random) -> dict[str, str]:
    """Half of each kind of entity for training questions, the rest for test questions."""
    split = {}
    for names in (world.names("person"), world.names("org"), world.names("town")):
        names = list(names)
        rng.shuffle(names)
        split.update({name: "train" if k < len(names) // 2 else "test" for k, name in enumerate(names)})
    return split
