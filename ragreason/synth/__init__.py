"""Verified synthetic logic problems in the competition format, in Chinese and English.

Worlds of entities, typed facts and rules (kinship, ordering, class inclusion, if-then rules with
negation as failure) are solved by forward chaining under the closed-world assumption; every answer
is the one option the solver finds true.

    from ragreason.synth import SynthConfig, generate_problems, solve, write_jsonl
    problems = generate_problems(100, SynthConfig(lang="en", seed=1))
    write_jsonl(problems, "synth.jsonl")
    assert solve(problems[0]) == tuple(q.answer for q in problems[0].questions)
"""

from .checks import Check
from .generator import SynthConfig, generate_problems, iter_problems, make_problem
from .logic import Atom, Rule, Theory
from .problem import SynthProblem, SynthQuestion, to_record
from .solve import answer_letter, solve
from .solver import Model, closure
from .writer import dumps, write_jsonl

__all__ = [
    "Atom", "Check", "Model", "Rule", "SynthConfig", "SynthProblem", "SynthQuestion", "Theory", "answer_letter",
    "closure", "dumps", "generate_problems", "iter_problems", "make_problem", "solve", "to_record", "write_jsonl",
]
