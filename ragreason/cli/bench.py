"""``ragreason bench CONFIG.yaml``: run a benchmark; ``ragreason validate CONFIG.yaml``: only check it."""

from __future__ import annotations

import argparse
from pathlib import Path

from .endpoint_flags import add_endpoint_flags, endpoints_of


def register(sub: argparse._SubParsersAction) -> None:
    bench = sub.add_parser("bench", help="run a benchmark of RAG vs fine-tuning vs both, with voting")
    bench.add_argument("config", help="the YAML config (see benchmarks/configs/)")
    bench.add_argument("--no-progress", action="store_true", help="no progress bars")
    add_endpoint_flags(bench)
    bench.set_defaults(func=run_bench_command, log_to=lambda args: Path(args.config).with_suffix(".log"))
    validate = sub.add_parser("validate", help="check a benchmark config or a tuning search space without loading "
                                               "any model")
    validate.add_argument("config")
    validate.set_defaults(func=validate_command)


def validate_command(args: argparse.Namespace) -> int:
    from ..experiment.validate import validate_config
    from ..tune.space import is_space, validate_space

    problems = (validate_space if is_space(args.config) else validate_config)(args.config)
    if problems:
        print(f"{args.config}: {len(problems)} problem(s)")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print(f"{args.config}: ok")
    return 0


def run_bench_command(args: argparse.Namespace) -> int:
    from ..bench.run import run_bench
    from ..experiment.validate import load_config
    from ..generate import GenerationError

    try:
        config = load_config(args.config)
        endpoints = endpoints_of(args)
    except ValueError as error:  # a ConfigError is one
        print(error)
        return 1
    try:
        report = run_bench(config, progress=not args.no_progress, endpoints=endpoints)
    except GenerationError as error:  # e.g. every endpoint failing: the answers so far stay for a rerun
        print(f"error: {error}\nthe answers so far are kept under {config.resolve(config.out)}; run the same "
              "command again to go on")
        return 1
    out = config.resolve(config.out)
    print((out / "report.md").read_text(encoding="utf-8"))
    print(f"report: {out / 'report.md'} (also report.csv, report.json, records.jsonl, *.png)")
    return 0 if report.rows else 1
