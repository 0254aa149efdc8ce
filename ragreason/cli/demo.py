"""``ragreason demo``: the main job. By default a fictional world no model can know (base, rag, graph, ft,
rag+ft, then the knowledge updated); ``--task logic``: generated logic problems (base, rag, ft, rag+ft)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ..bench.demo import FAST_TEST_PROBLEMS, TEST_PROBLEMS, DemoOptions
from ..bench.demo_world import WorldDemoOptions
from ..console import LOG_NAME, transient_bars
from ..experiment.records import PRIOR


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("demo", help="the main job: what RAG and fine-tuning each do, measured")
    parser.add_argument("--task", choices=("world", "logic"), default="world",
                        help="world (default): a fictional world the model cannot know, and an update of it; "
                             "logic: generated closed-world logic problems")
    parser.add_argument("--fast", action="store_true", help="no fine-tuning (a few minutes)")
    parser.add_argument("--model", default="default", help="a Hugging Face model folder (default: packaged SmolLM2)")
    parser.add_argument("--out", default="demo-out", help="where the data, adapters' report and plots go")
    parser.add_argument("--lang", default="en", choices=["en", "zh", "mixed"],
                        help="language of the world or the problems (mixed: logic only)")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same data (default 0)")
    world = WorldDemoOptions()
    parser.add_argument("--people", type=int, default=world.people,
                        help=f"world: people in it (default {world.people}: ~150 test questions)")
    parser.add_argument("--update-share", type=float, default=world.update_share,
                        help=f"world: the share of people who move or change employer (default {world.update_share})")
    logic = DemoOptions()
    parser.add_argument("--data", help="logic: your own data file instead of generated problems")
    parser.add_argument("--format", default="competition", help="logic: the format of --data (default: competition)")
    parser.add_argument("--train-problems", type=int, default=logic.train_problems,
                        help=f"logic: generated training problems, x3 questions (default {logic.train_problems})")
    parser.add_argument("--test-problems", type=int, default=None,
                        help=f"logic: generated test problems, ~3 questions each (default {TEST_PROBLEMS}; "
                             f"{FAST_TEST_PROBLEMS} with --fast)")
    parser.add_argument("--votes", type=int, default=logic.votes,
                        help=f"logic: default {logic.votes}: the calibrated letter scores alone (the default "
                             "answer recipe); K > 1: K sampled answers voted with them")
    parser.set_defaults(func=run, log_to=lambda args: Path(args.out) / LOG_NAME)


def run(args: argparse.Namespace) -> int:
    return _world(args) if args.task == "world" else _logic(args)


def _world(args: argparse.Namespace) -> int:
    from ..bench.demo_findings import world_findings
    from ..bench.demo_world import run_world_demo

    if args.lang == "mixed":
        print("error: --lang mixed is for --task logic; a world is en or zh")
        return 2
    try:
        options = WorldDemoOptions(out=Path(args.out), people=args.people, lang=args.lang, seed=args.seed,
                                   update_share=args.update_share, model=args.model, fast=args.fast)
    except ValueError as error:
        print(f"error: {error}")
        return 2
    started = time.perf_counter()
    with transient_bars():
        demo = run_world_demo(options)
    seconds = time.perf_counter() - started
    report = demo.report
    print()
    print(f"ragreason demo: a fictional world, {report.n_test} test questions, {report.n_train} training questions")
    _table(report)
    kinds = sorted({r.slices["kind"] for r in demo.records if "kind" in r.slices})
    arms = [row.arm for row in report.rows]
    print("| kind (n) | " + " | ".join(a.split("@")[0] for a in arms) + " |")
    print("|---|" + "---|" * len(arms))
    for kind in kinds:
        cells = [report.slices[a].get(f"kind={kind}") for a in arms]
        n = next((c["n"] for c in cells if c), 0)
        print(f"| {kind} ({n}) | " + " | ".join(f"{100 * c['accuracy']:.1f}" if c else "—" for c in cells) + " |")
    if report.update is not None:
        stale = {s.arm: s for s in demo.stale}
        print(f"after the update ({demo.changed} questions on changed facts, re-indexed, nothing retrained):")
        print("| arm | accuracy % [95% CI] | old answer % [95% CI] |")
        print("|---|---|---|")
        for row in (r for r in report.update.rows if r.arm != PRIOR):
            s = stale.get(row.arm)
            old = f"{100 * s.share.value:.1f} [{100 * s.share.low:.1f}, {100 * s.share.high:.1f}]" if s else "—"
            print(f"| {row.arm} | {100 * row.accuracy:.1f} [{100 * row.low:.1f}, {100 * row.high:.1f}] | {old} |")
    print()
    for line in world_findings(demo):
        print(f"- {line}")
    _took(seconds, report, options.out)
    return 0


def _logic(args: argparse.Namespace) -> int:
    from ..bench.demo import run_demo
    from ..bench.findings import findings

    options = DemoOptions(out=Path(args.out), fast=args.fast, model=args.model, data=args.data,
                          data_format=args.format, lang=args.lang, train_problems=args.train_problems,
                          test_problems=args.test_problems, votes=args.votes, seed=args.seed)
    started = time.perf_counter()
    with transient_bars():
        report = run_demo(options)
    seconds = time.perf_counter() - started
    print()
    print(f"ragreason demo: {report.n_test} test questions, {report.n_train} training questions")
    _table(report)
    print()
    for line in findings(report):
        print(f"- {line}")
    _took(seconds, report, options.out)
    return 0


def _table(report) -> None:
    print("| arm | accuracy % [95% CI] | vs base (pp) | vs prior (pp) | s/question |")
    print("|---|---|---|---|---|")
    print(f"| chance | {100 * report.chance:.1f} | — | — | — |")
    for row in report.rows:
        per = f"{row.seconds / row.n:.2f}" if row.n and row.seconds else "—"
        print(f"| {row.arm} | {100 * row.accuracy:.1f} [{100 * row.low:.1f}, {100 * row.high:.1f}] | "
              f"{_versus(row.vs_base)} | {_versus(row.vs_prior)} | {per} |")


def _took(seconds: float, report, out: Path) -> None:
    stages = ", ".join(f"{stage} {value:.0f} s" for stage, value in report.stages.items() if value >= 1)
    print(f"took {seconds / 60:.1f} min ({stages})")
    print(f"report: {out / 'report' / 'report.md'} (report.json, plots, records.jsonl); "
          f"data and config: {out}, {out / 'demo.yaml'}")


def _versus(vs: dict[str, float]) -> str:
    return f"{100 * vs['diff']:+.1f} (p={vs['p']:.2g})" if vs else "—"
