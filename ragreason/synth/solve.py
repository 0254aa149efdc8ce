"""``solve(problem)``: answer a generated problem from its facts, rules and option checks alone."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ..types import Problem, option_letters
from .checks import Check, passes
from .logic import Atom, Rule, Theory
from .problem import SynthProblem, formal_parts
from .solver import Model, closure


def answer_letter(checks: Sequence[Check], model: Model, where: str = "question") -> str:
    """The letter of the one option whose check passes; ``ValueError`` when none or several do."""
    letters = option_letters(len(checks))
    right = [letter for letter, check in zip(letters, checks, strict=True) if passes(check, model)]
    if len(right) != 1:
        raise ValueError(f"{where}: exactly one option must be true, but {len(right)} are ({', '.join(right)})")
    return right[0]


def solve(problem: SynthProblem | Mapping[str, Any] | Problem | str) -> tuple[str, ...]:
    """The answer letter of each question of a generated problem.

    ``problem``: a ``SynthProblem``, its record (a dict, or one JSON line), or a ``Problem`` loaded with
    ``ragreason.data.load_competition`` (which keeps the extra fields). The answers are recomputed
    from the triples, rules and checks: the stored ``answer`` fields are not read."""
    facts, rules, checks, pid = _parts(problem)
    model = closure(Theory.of(facts, rules))
    return tuple(answer_letter(c, model, f"problem {pid!r}, question {i}") for i, c in enumerate(checks))


def _parts(problem: object) -> tuple[list[Atom], list[Rule], list[list[Check]], str]:
    if isinstance(problem, SynthProblem):
        return list(problem.facts), list(problem.rules), [list(q.checks) for q in problem.questions], problem.id
    if isinstance(problem, str):
        problem = json.loads(problem)
    if isinstance(problem, Problem):
        problem = _record_of(problem)
    if not isinstance(problem, Mapping):
        raise ValueError(f"cannot solve a {type(problem).__name__}: pass a SynthProblem, a record or a Problem")
    facts, rules, checks = formal_parts(problem)
    return facts, rules, checks, str(problem.get("id", "?"))


def _record_of(problem: Problem) -> dict[str, Any]:
    """The raw fields of a loaded problem: its extras and those of its items."""
    extra = problem.meta.get("extra", {})
    questions = [item.meta.get("extra", {}) for item in problem.items]
    return {"id": problem.id, "triples": extra.get("triples", []), "rules": extra.get("rules", []),
            "questions": questions} if "triples" in extra else {"id": problem.id}
