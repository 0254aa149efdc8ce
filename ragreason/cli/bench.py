"""``ragreason bench CONFIG.yaml``: run a benchmark; ``ragreason validate CONFIG.yaml``: only check it."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..experiment.config import ConfigError


def register(sub: argparse._SubParsersAction) -> None:
    bench = sub.add_parser("bench", help="run a benchmark of RAG vs fine-tuning vs both, with voting")
    bench.add_argument("config", help="the YAML config (see benchmarks/configs/)")
    bench.add_argument("--no-progress", action="store_true", help="no progress bars")
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

    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(error)
        return 1
    report = run_bench(config, progress=not args.no_progress)
    out = config.resolve(config.out)
    print((out / "report.md").read_text(encoding="utf-8"))
    print(f"report: {out / 'report.md'} (also report.csv, report.json, records.jsonl, *.png)")
    return 0 if report.rows else 1
