"""Facts (head, relation, tail) and the pattern table that reads them from simple sentences.

A ``Fact`` reads "head is the relation of tail": ``Fact("Bob", "father", "Alice")`` is "Bob is the
father of Alice". Two relations are special: ``"is"``/``"is not"`` give a property ("Anne is red"
-> ``Fact("Anne", "is", "red")``), and ``"implies"`` a rule between properties ("If something is red
then it is big" -> ``Fact("red", "implies", "big")``), so that a path Anne -> red -> big is the proof.

``FactPattern`` rows are regular expressions with named groups ``head`` and ``tail`` and, unless the
pattern fixes ``relation``, ``rel``. Extend the table by passing your own rows (yours are tried first).
Each sentence yields the facts of the first pattern that matches all of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..lang import detect_lang
from ..types import text_id


@dataclass(frozen=True)
class Fact:
    head: str
    relation: str
    tail: str
    text: str = ""  # the sentence it was read from, if any
    source: str = ""

    def __post_init__(self) -> None:
        for name in ("head", "relation", "tail"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"Fact.{name} must be a non-empty string, got {value!r}")

    @property
    def id(self) -> str:
        return text_id(self.head, self.relation, self.tail, prefix="fact-")


@dataclass(frozen=True)
class FactPattern:
    lang: str
    regex: str
    relation: str | None = None  # None: the relation is the ``rel`` group

    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.regex, re.IGNORECASE if self.lang == "en" else 0)


_NAME = r"(?:the |a |an )?[A-Za-z][\w'-]*(?: [A-Z][\w'-]*)*"
_NOUN = r"(?:the |a |an )?\w+(?: \w+)?"
_THING = r"(?:something|someone|somebody|a person|an animal|a thing|it|x)"
_ZH_NAME = r"[\u4e00-\u9fffA-Za-z0-9]{1,8}?"
_ZH_WORD = r"[\u4e00-\u9fffA-Za-z0-9]{1,8}"
_ZH_THING = r"(?:某物|某人|某个人|一个人|一个东西|某个东西|它|他|她)?"
_ZH_AND = r"(?:并且|而且|且|又是|也是)"
PATTERNS: tuple[FactPattern, ...] = (
    FactPattern("en", rf"(?P<head>{_NAME}) is (?:the|a|an) (?P<rel>[a-z][a-z -]*?) of (?P<tail>{_NAME})"),
    FactPattern("en", rf"(?P<head>{_NAME}) is (?P<tail>{_NAME})'s (?P<rel>[a-z][a-z -]*)"),
    FactPattern("en", rf"(?P<tail>{_NAME})'s (?P<rel>[a-z][a-z -]*?) is (?P<head>{_NAME})"),
    FactPattern("en", rf"if {_THING} is (?P<head>[a-z]+(?:,? and (?:is )?[a-z]+)*),? "
                      r"then (?:it|they|he|she) (?:is|are) (?P<tail>[a-z]+)", "implies"),
    FactPattern("en", r"(?:all )?(?P<head>[a-z]+) (?:things|people|animals|ones) are (?P<tail>[a-z]+)",
                "implies"),
    FactPattern("en", r"all (?P<head>[a-z]+) are (?P<tail>[a-z]+)", "implies"),
    FactPattern("en", rf"(?P<head>{_NAME}) is not (?:a |an )?(?P<tail>[a-z]+)", "is not"),
    FactPattern("en", rf"(?P<head>{_NAME}) is (?:a |an )?(?P<tail>[a-z]+)", "is"),
    FactPattern("en", rf"(?P<head>{_NOUN}) (?P<rel>does not [a-z]+|[a-z]+s) (?P<tail>{_NOUN})"),
    FactPattern("zh", rf"如果{_ZH_THING}(?:是|既是)(?P<head>{_ZH_NAME}(?:的?{_ZH_AND}{_ZH_NAME})*)"
                      rf"的?[，,]?那么{_ZH_THING}(?:也|就)?是(?P<tail>{_ZH_NAME})的?", "implies"),
    FactPattern("zh", rf"所有(?:的)?(?P<head>{_ZH_NAME})都是(?P<tail>{_ZH_WORD}?)的?", "implies"),
    FactPattern("zh", rf"(?P<head>{_ZH_NAME})是(?P<tail>{_ZH_NAME})的(?P<rel>{_ZH_WORD})"),
    FactPattern("zh", rf"(?P<tail>{_ZH_NAME})的(?P<rel>{_ZH_NAME})是(?P<head>{_ZH_WORD})"),
    FactPattern("zh", rf"(?P<head>{_ZH_NAME})不是(?P<tail>{_ZH_NAME})的?", "is not"),
    FactPattern("zh", rf"(?P<head>{_ZH_NAME})是(?P<tail>{_ZH_NAME})的?", "is"),
)

_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|(?<=\.)\s+|\n+")


def split_sentences(text: str) -> list[str]:
    """Sentences without their final punctuation; empty pieces (a lone ".") are dropped."""
    pieces = (s.strip().rstrip("。.!！?？;；").strip() for s in _SENTENCE_END.split(text) if s)
    return [p for p in pieces if p]


def _singular(word: str) -> str:
    """A crude English singular, so that "all cats are mammals" meets "Tom is a cat"."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def extract_facts(
    text: str, patterns: Sequence[FactPattern] = (), *, lang: str | None = None, source: str = ""
) -> list[Fact]:
    """The facts of every sentence of ``text`` that one of ``patterns`` (then the built-in table) reads."""
    table = [(p, p.compiled()) for p in (*patterns, *PATTERNS)]
    facts: list[Fact] = []
    for sentence in split_sentences(text):
        sentence_lang = lang or detect_lang(sentence)
        for pattern, regex in table:
            if pattern.lang != sentence_lang:
                continue
            match = regex.fullmatch(sentence)
            if match:
                facts.extend(_facts(pattern, match, sentence, source))
                break
    return facts


_AND = re.compile(r",? and (?:is )?|的?(?:并且|而且|且|又是|也是)")


def _facts(pattern: FactPattern, match: re.Match[str], sentence: str, source: str) -> list[Fact]:
    """One fact, or one per condition of a conjunctive rule ("if something is red and big then ...")."""
    groups = match.groupdict()
    head, tail = groups["head"].strip(), groups["tail"].strip()
    relation = pattern.relation or groups["rel"].strip()
    heads = [head]
    if relation == "implies":
        heads = [h.strip() for h in _AND.split(head) if h.strip()]
    if pattern.lang == "en" and relation == "implies":
        heads, tail = [_singular(h.lower()) for h in heads], _singular(tail.lower())
    elif pattern.lang == "en" and relation in ("is", "is not"):
        tail = _singular(tail.lower())
    return [Fact(h, relation, tail, text=sentence, source=source) for h in heads]


def facts_from_rows(rows: Iterable[object], source: str = "") -> list[Fact]:
    """Facts from ``{"head", "relation", "tail"}`` mappings or ``(head, relation, tail)`` sequences."""
    out = []
    for i, row in enumerate(rows):
        if isinstance(row, dict):
            missing = {"head", "relation", "tail"} - row.keys()
            if missing:
                raise ValueError(f"triple {i} lacks {sorted(missing)}: {row!r}")
            out.append(Fact(str(row["head"]), str(row["relation"]), str(row["tail"]),
                            text=str(row.get("text", "")), source=str(row.get("source", source))))
        elif isinstance(row, list | tuple) and len(row) == 3:
            out.append(Fact(str(row[0]), str(row[1]), str(row[2]), source=source))
        else:
            raise ValueError(f"triple {i} must be a head/relation/tail mapping or a 3-sequence, got {row!r}")
    return out
