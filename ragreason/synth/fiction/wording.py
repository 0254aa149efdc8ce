"""The world in words: one document per entity, in one of several wordings of each fact.

Wording 0 is the knowledge folder's; the others are paraphrases kept for training (a fact stored from one
wording is hardly extractable; from several it is: Allen-Zhu & Li, "Physics of Language Models 3.1").
"""

from __future__ import annotations

from .world import RELATIONS, World

WORDINGS = {
    "en": {
        "born_in": ("{h} was born in {t}.", "{h}'s birthplace is {t}.", "{t} is where {h} was born."),
        "lives_in": ("{h} lives in {t}.", "{h} makes a home in {t}.", "These days {h} resides in {t}."),
        "works_for": ("{h} works for {t}.", "{h} is employed by {t}.", "{t} employs {h}."),
        "occupation": ("{h} works as {a}.", "By trade, {h} is {a}.", "{h} earns a living as {a}."),
        "keeps": ("{h} keeps {a}.", "{h} has {a} as a pet.", "At home {h} looks after {a}."),
        "founded_in": ("{h} was founded in {t}.", "{h} was set up in {t}.", "{t} is where {h} was founded."),
        "industry": ("{h} is in the {t} trade.", "The business of {h} is {t}.", "{h} makes its money from {t}."),
        "in_region": ("{h} lies in {t}.", "{h} is a town of {t}.", "{t} is the region {h} belongs to."),
    },
    "zh": {
        "born_in": ("{h}出生于{t}。", "{h}的出生地是{t}。", "{h}是在{t}出生的。"),
        "lives_in": ("{h}住在{t}。", "{h}目前定居在{t}。", "{h}的家在{t}。"),
        "works_for": ("{h}在{t}工作。", "{h}受雇于{t}。", "{t}雇用了{h}。"),
        "occupation": ("{h}是一名{t}。", "{h}的职业是{t}。", "{h}以做{t}为生。"),
        "keeps": ("{h}养了一只{t}。", "{h}家里有一只{t}。", "{h}照料着一只{t}。"),
        "founded_in": ("{h}创立于{t}。", "{h}是在{t}成立的。", "{h}的创立地是{t}。"),
        "industry": ("{h}从事{t}业。", "{h}的主业是{t}。", "{h}是一家{t}企业。"),
        "in_region": ("{h}位于{t}。", "{h}隶属于{t}。", "{t}下辖{h}。"),
    },
}
COUNT = 3  # wordings of every fact


def sentence(lang: str, head: str, relation: str, tail: str, wording: int = 0) -> str:
    template = WORDINGS[lang][relation][wording % COUNT]
    return template.format(h=head, t=tail, a=with_article(tail))


def document(world: World, name: str, wording: int = 0) -> str:
    """One sentence per fact of the entity, each in wording ``wording`` shifted by the fact's place (so
    that a paraphrase mixes wordings); the entity's name is the document's title."""
    record = world.entity(name)
    facts = [rel for rel in RELATIONS if hasattr(record, rel)]
    sentences = [sentence(world.lang, name, rel, getattr(record, rel), wording + (k if wording else 0))
                 for k, rel in enumerate(facts)]
    return ("" if world.lang == "zh" else " ").join(sentences)


def entity_type(world: World, name: str) -> str:
    return type(world.entity(name)).__name__.lower()


def with_article(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun
