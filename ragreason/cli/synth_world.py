"""``ragreason synth world``: a fictional world as a knowledge folder, its triples and solver-checked
questions; with ``--update``, the same world after a share of its facts changed, beside it."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from ..synth.fiction import QUESTION_KINDS, make_questions, make_world, write_world
from ..synth.fiction.questions import change_questions
from ..synth.fiction.world import update_world


def register_world(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("world", help="a fictional world: knowledge folder, triples and questions")
    parser.add_argument("--people", type=int, default=60, help="people in the world (default 60)")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="en or zh (default en)")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same world (default 0)")
    parser.add_argument("--kinds", default=",".join(QUESTION_KINDS),
                        help=f"question kinds, comma-separated ({','.join(QUESTION_KINDS)})")
    parser.add_argument("--update", type=float, default=0.0, metavar="SHARE",
                        help="also write OUT/updated: the world after this share of the people moved town or "
                             "changed employer, re-written, with questions on the changed facts (default: none)")
    parser.add_argument("--out", required=True, help="the folder to write")
    parser.set_defaults(func=run_world)


def run_world(args: argparse.Namespace) -> int:
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    try:
        if not 0 <= args.update <= 1:
            raise ValueError(f"--update must be a share between 0 and 1, got {args.update}")
        world = make_world(args.people, lang=args.lang, seed=args.seed)
        questions = make_questions(world, seed=args.seed, kinds=kinds)
    except ValueError as error:
        print(f"error: {error}")
        return 2
    paths = write_world(world, questions, args.out)
    print(f"wrote {len(world.people)} people, {len(world.orgs)} organisations, {len(world.towns)} towns "
          f"({len(world.triples)} facts) and {len(questions)} questions to {args.out}")
    counts = Counter((q["meta"]["kind"], q["meta"]["split"]) for q in questions)
    print("  " + ", ".join(f"{kind}: {counts[kind, 'train']} train, {counts[kind, 'test']} test" for kind in kinds))
    print(f"  knowledge: {paths['documents'].parent}; questions: {paths['questions']}; "
          f"paraphrases for training: {paths['paraphrases']}")
    if args.update:
        updated, changes = update_world(world, args.update, seed=args.seed)
        out = Path(args.out) / "updated"
        write_world(updated, change_questions(updated, changes, seed=args.seed), out)
        print(f"  updated: {len(changes)} facts changed; the world re-written with questions on the changed "
              f"facts in {out}")
    return 0
