"""The verbaliser of a language: atoms, facts, rules and question stems as sentences."""

from __future__ import annotations

from typing import Protocol

from .logic import Atom, Rule
from .verbalize_en import EnVerbalizer
from .verbalize_zh import ZhVerbalizer
from .world import Statement, World

LANGS = ("zh", "en")


class Verbalizer(Protocol):
    lang: str
    true_false: tuple[str, str]

    def predicate(self, atom: Atom, *, negated: bool = False, plural: bool = False) -> str: ...
    def statement(self, atom: Atom, *, negated: bool = False) -> str: ...
    def sentence(self, statement: Statement) -> str: ...
    def rule(self, rule: Rule) -> str: ...
    def intro(self, domain: str) -> str: ...
    def rules_header(self) -> str: ...
    def join(self, sentences: list[str]) -> str: ...
    def truth_stem(self, statement: str) -> str: ...
    def which_stem(self, *, false: bool = False) -> str: ...
    def who_stem(self, atom: Atom) -> str: ...
    def count_stem(self, atom: Atom) -> str: ...
    def number(self, n: int) -> str: ...


def verbalizer(lang: str, kind: str) -> Verbalizer:
    if lang == "zh":
        return ZhVerbalizer(kind)
    if lang == "en":
        return EnVerbalizer(kind)
    raise ValueError(f"unknown language {lang!r}; known: {', '.join(LANGS)}")


def problem_text(world: World, say: Verbalizer) -> str:
    """The problem: an introduction, the facts, then the rules that are written out."""
    facts = say.join([say.intro(world.domain), *(say.sentence(s) for s in world.statements)])
    rules = [say.rule(r) for r in world.rules if r.stated]
    if not rules:
        return facts
    return f"{facts}\n{say.rules_header()}\n" + "\n".join(rules)
