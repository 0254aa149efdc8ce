"""The ``ragreason`` command line. Each subcommand lives in its own module with ``register(subparsers)``."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from .. import console

# Subcommand modules, in the order ``--help`` lists them. Each defines ``register(subparsers)``,
# which adds its parser and sets ``func`` (a callable taking the parsed args, returning an exit code).
COMMANDS = ["demo", "run", "validate_data", "synth", "finetune", "index", "bench", "tune", "curve", "serve"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ragreason", description="Retrieval-augmented reasoning.")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"ragreason.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand. Quiet unless ``-v``: engine logs go to the file the subcommand names with
    ``set_defaults(log_to=lambda args: path)`` (named at the end), the rest to no file."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except BrokenPipeError:  # the reader went away (``ragreason synth ... | head``): no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _run(args: argparse.Namespace) -> int:
    if args.verbose:
        console.configure_verbose(args.verbose)
        return int(args.func(args) or 0)
    log_to = getattr(args, "log_to", None)
    with console.quiet(log_to(args) if log_to else None) as log_file:
        try:
            code = int(args.func(args) or 0)
        finally:
            if log_file is not None:
                print(f"engine logs: {log_file}", file=console.stream())
    return code


if __name__ == "__main__":
    sys.exit(main())
