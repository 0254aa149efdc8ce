"""``ragreason demo``: generate problems, index, fine-tune, answer under four conditions, print the table."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ..bench.demo import FAST_TEST_PROBLEMS, TEST_PROBLEMS, DemoOptions
from ..console import LOG_NAME


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("demo", help="the main job: RAG vs fine-tune vs both on generated problems")
    parser.add_argument("--fast", action="store_true", help="no fine-tuning (base and rag only; a few minutes)")
    parser.add_argument("--model", default="default", help="a Hugging Face model folder (default: packaged SmolLM2)")
    parser.add_argument("--data", help="your own data file instead of generated problems")
    parser.add_argument("--format", default="competition", help="the format of --data (default: competition)")
    parser.add_argument("--out", default="demo-out", help="where the data, adapters' report and plots go")
    parser.add_argument("--lang", default="en", choices=["en", "zh", "mixed"], help="language of generated problems")
    defaults = DemoOptions()
    parser.add_argument("--train-problems", type=int, default=defaults.train_problems,
                        help=f"generated training problems, x3 questions (default {defaults.train_problems})")
    parser.add_argument("--test-problems", type=int, default=None,
                        help=f"generated test problems, ~3 questions each (default {TEST_PROBLEMS}; "
                             f"{FAST_TEST_PROBLEMS} with --fast)")
    parser.add_argument("--votes", type=int, default=defaults.votes,
                        help=f"default {defaults.votes}: the calibrated letter scores alone (the default "
                             "answer recipe); K > 1: K sampled answers voted with them")
    parser.set_defaults(func=run, log_to=lambda args: Path(args.out) / LOG_NAME)


def run(args: argparse.Namespace) -> int:
    from ..bench.demo import run_demo
    from ..bench.findings import findings

    options = DemoOptions(out=Path(args.out), fast=args.fast, model=args.model, data=args.data,
                          data_format=args.format, lang=args.lang, train_problems=args.train_problems,
                          test_problems=args.test_problems, votes=args.votes)
    started = time.perf_counter()
    report = run_demo(options)
    seconds = time.perf_counter() - started
    print()
    print(f"ragreason demo: {report.n_test} test questions, {report.n_train} training questions")
    print("| arm | accuracy % [95% CI] | vs base (pp) | vs prior (pp) | unanswered % |")
    print("|---|---|---|---|---|")
    print(f"| chance | {100 * report.chance:.1f} | — | — | — |")
    for row in report.rows:
        print(f"| {row.arm} | {100 * row.accuracy:.1f} [{100 * row.low:.1f}, {100 * row.high:.1f}] | "
              f"{_versus(row.vs_base)} | {_versus(row.vs_prior)} | {100 * row.unanswered:.1f} |")
    print()
    for line in findings(report):
        print(f"- {line}")
    stages = ", ".join(f"{stage} {value:.0f} s" for stage, value in report.stages.items() if value >= 1)
    print(f"took {seconds / 60:.1f} min ({stages})")
    print(f"report: {options.out / 'report' / 'report.md'} (report.csv, report.json, plots, records.jsonl); "
          f"data and config: {options.out / 'data'}, {options.out / 'demo.yaml'}")
    return 0


def _versus(vs: dict[str, float]) -> str:
    return f"{100 * vs['diff']:+.1f} (p={vs['p']:.2g})" if vs else "—"
