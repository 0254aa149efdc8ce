"""``ragreason synth``: write verified synthetic logic problems as competition-format JSONL."""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Iterable

from ..synth.domains import DOMAINS
from ..synth.generator import LANG_CHOICES, SynthConfig, iter_problems
from ..synth.problem import SynthProblem
from ..synth.questions import KINDS
from ..synth.writer import write_jsonl
from .synth_world import register_world


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("synth", help="generate closed-world logic problems with solver-checked answers")
    parser.add_argument("--n", type=int, default=100, help="number of problems (default 100)")
    parser.add_argument("--lang", choices=LANG_CHOICES, default="zh", help="zh, en, or mixed (each problem drawn)")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same file (default 0)")
    parser.add_argument("--out", help="the JSONL file to write (required)")
    parser.add_argument("--max-depth", type=int, default=3, help="deepest proof a question may need (default 3)")
    parser.add_argument("--questions-per-problem", type=int, default=3, help="questions per problem (default 3)")
    parser.add_argument("--kinds", default=",".join(KINDS), help=f"question kinds, comma-separated ({','.join(KINDS)})")
    parser.add_argument("--domains", default=",".join(DOMAINS), help=f"worlds, comma-separated ({','.join(DOMAINS)})")
    parser.set_defaults(func=run)
    register_world(parser.add_subparsers(dest="what", title="other worlds", metavar="{world}"))


def run(args: argparse.Namespace) -> int:
    try:
        if not args.out:
            raise ValueError("--out is required")
        config = _config(args)
    except ValueError as error:
        print(f"error: {error}")
        return 2
    from tqdm import tqdm

    start = time.perf_counter()
    kept: list[SynthProblem] = []
    problems = tqdm(iter_problems(args.n, config), total=args.n, desc="synth", unit="problem", disable=None)
    count = write_jsonl(_keep(problems, kept), args.out)
    seconds = time.perf_counter() - start
    questions = [q for p in kept for q in p.questions]
    print(f"wrote {count} problems, {len(questions)} questions to {args.out} in {seconds:.2f} s")
    for line in summary(kept):
        print(f"  {line}")
    return 0


def _config(args: argparse.Namespace) -> SynthConfig:
    if args.n < 1:
        raise ValueError(f"--n must be at least 1, got {args.n}")
    return SynthConfig(
        lang=args.lang, seed=args.seed, max_depth=args.max_depth,
        questions_per_problem=args.questions_per_problem,
        kinds=tuple(k.strip() for k in args.kinds.split(",") if k.strip()),
        domains=tuple(d.strip() for d in args.domains.split(",") if d.strip()),
    )


def _keep(problems: Iterable[SynthProblem], kept: list[SynthProblem]) -> Iterable[SynthProblem]:
    for problem in problems:
        kept.append(problem)
        yield problem


def summary(problems: list[SynthProblem]) -> list[str]:
    """Counts by domain, language, depth, kind, option count and answer letter."""
    questions = [q for p in problems for q in p.questions]

    def line(name: str, counter: Counter) -> str:
        return f"{name}: " + ", ".join(f"{k}: {v}" for k, v in sorted(counter.items()))

    return [
        line("domains", Counter(p.domain for p in problems)),
        line("languages", Counter(p.lang for p in problems)),
        line("depths", Counter(q.depth for q in questions)),
        line("kinds", Counter(q.kind for q in questions)),
        line("options", Counter(len(q.options) for q in questions)),
        line("answers", Counter(q.answer for q in questions)),
    ]
