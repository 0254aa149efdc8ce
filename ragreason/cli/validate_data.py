"""``ragreason validate-data PATH --format F``: load a data file, report its shape or its errors."""

from __future__ import annotations

import argparse

from ..data import FORMATS, DataError, Rejects, load_problems
from ..data.stats import describe


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("validate-data", help="check a data file and print counts and distributions")
    parser.add_argument("path", help="the data file")
    parser.add_argument("--format", "-f", required=True, choices=FORMATS, help="the file's format")
    parser.add_argument("--lenient", action="store_true",
                        help="skip bad records (each is reported) instead of stopping at the first")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    rejects = Rejects()
    try:
        problems = load_problems(args.path, args.format, strict=not args.lenient, rejects=rejects)
    except DataError as error:
        print(f"error: {error}")
        return 1
    print(f"{args.path} ({args.format})")
    for line in describe(problems).lines():
        print(f"  {line}")
    if rejects:
        print(f"  bad records skipped: {len(rejects)}")
        for error in rejects:
            print(f"    {error}")
    return 2 if rejects else 0
