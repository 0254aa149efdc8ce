"""``ragreason tune SPACE.yaml``: race a search space's recipes on a dev split within a budget; print the
leaderboard; write the winner as ``best.yaml``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..console import LOG_NAME
from ..experiment.config import ConfigError
from .endpoint_flags import add_endpoint_flags, endpoints_of


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tune", help="find the best recipe within a budget by racing recipes on a dev split")
    p.add_argument("space", help="the search-space YAML: a benchmark config with space (and race) sections")
    p.add_argument("--budget", help="stop racing after this much work: a time (30m, 90s, 1.5h) or generated tokens "
                                    "(20k tokens); default: none (until one recipe is left or the dev items run out)")
    p.add_argument("--exhaustive", action="store_true", help="every recipe on every dev item (no racing, no budget)")
    p.add_argument("--out", help="write the answers, leaderboard and best.yaml here instead of the space's out")
    p.add_argument("--no-test", action="store_true", help="skip the winner's evaluation on the test split")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    add_endpoint_flags(p)
    p.set_defaults(func=tune_command, log_to=_log_file)


def _log_file(args: argparse.Namespace) -> Path:
    """The engine log: in ``--out`` when given (two runs of one space to two folders keep two logs), else
    beside the space file."""
    return Path(args.out) / LOG_NAME if args.out else Path(args.space).with_suffix(".log")


def tune_command(args: argparse.Namespace) -> int:
    from ..generate import GenerationError
    from ..tune import Budget, load_space, tune

    try:
        space = load_space(args.space)
        budget = Budget.parse(args.budget)
        endpoints = endpoints_of(args)
    except (ConfigError, ValueError) as error:
        print(error)
        return 1
    try:
        result = tune(space, budget=None if args.exhaustive else budget, exhaustive=args.exhaustive,
                      test=not args.no_test, out=args.out, progress=not args.no_progress, endpoints=endpoints)
    except (ValueError, GenerationError) as error:  # bad data, a budget too small for any answer, no endpoint
        print(f"error: {error}")
        return 1
    print((result.out / "leaderboard.md").read_text(encoding="utf-8"))
    print(f"leaderboard: {result.out / 'leaderboard.md'} (also leaderboard.json, pareto.png); "
          f"winner: {result.out / 'best.yaml'}")
    return 0
