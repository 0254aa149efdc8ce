"""A generated problem and its competition-format record.

The record is the competition line (``id``, ``problem``, ``questions`` with ``question``, ``options``,
``answer``) plus fields the loaders keep as extras: per problem ``triples`` (the stated facts as
``[head, relation, tail]``), ``rules`` and ``meta``; per question ``meta`` (``depth``, ``kind``, ``lang``,
``domain``, ``basis``) and ``checks`` (what makes each option true, so that ``solve`` can re-answer it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..types import option_letters
from .checks import Check
from .logic import Atom, Rule


@dataclass(frozen=True)
class SynthQuestion:
    """One question. ``depth`` is the minimal proof depth of ``basis``, the true fact the question is
    built on: the correct option's fact, the deepest fact counted or offered as true, or, for a
    statement that is false, the true fact it is a near miss of."""

    text: str
    options: tuple[str, ...]
    checks: tuple[Check, ...]
    answer: str
    depth: int
    kind: str
    basis: Atom

    def __post_init__(self) -> None:
        if len(self.options) != len(self.checks):
            raise ValueError(f"{len(self.options)} options but {len(self.checks)} checks in {self.text!r}")
        if self.answer not in option_letters(len(self.options)):
            raise ValueError(f"answer {self.answer!r} names no option of {self.text!r}")


@dataclass(frozen=True)
class SynthProblem:
    id: str
    lang: str
    domain: str
    text: str
    facts: tuple[Atom, ...]
    rules: tuple[Rule, ...]
    questions: tuple[SynthQuestion, ...]


def to_record(problem: SynthProblem) -> dict[str, Any]:
    """The competition-format line for ``problem``, with the extras described above."""
    return {
        "id": problem.id,
        "problem": problem.text,
        "questions": [_question(q, problem) for q in problem.questions],
        "triples": [a.as_list() for a in problem.facts],
        "rules": [r.as_dict() for r in problem.rules],
        "meta": {"domain": problem.domain, "lang": problem.lang},
    }


def _question(q: SynthQuestion, problem: SynthProblem) -> dict[str, Any]:
    meta = {"depth": q.depth, "kind": q.kind, "lang": problem.lang, "domain": problem.domain,
            "basis": q.basis.as_list()}
    return {"question": q.text, "options": list(q.options), "answer": q.answer, "meta": meta,
            "checks": [c.as_dict() for c in q.checks]}


def formal_parts(record: Mapping[str, Any]) -> tuple[list[Atom], list[Rule], list[list[Check]]]:
    """The facts, rules and per-question checks of a record (``ValueError`` naming what is missing)."""
    for key in ("triples", "rules", "questions"):
        if key not in record:
            raise ValueError(f"record {record.get('id', '?')!r} has no {key!r}: it was not made by ragreason synth")
    facts = [Atom.parse(t) for t in record["triples"]]
    rules = [Rule.parse(r) for r in record["rules"]]
    checks = []
    for i, question in enumerate(record["questions"]):
        if "checks" not in question:
            raise ValueError(f"record {record.get('id', '?')!r}: question {i} has no 'checks'")
        checks.append([Check.parse(c) for c in question["checks"]])
    return facts, rules, checks
