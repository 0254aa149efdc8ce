"""How much of a ProofWriter score a surface rule explains: "False if the statement says *not*, else True".

In ProofWriter (Logic-LM's depth-5 split) a statement without "not" is True or Unknown and one with "not" is
False or Unknown, almost without exception, so the rule scores far above the letter prior while reading no
fact. A fine-tuned model that matches it answer for answer has learned the rule, not the reasoning.

    .venv/bin/python benchmarks/proofwriter_shortcut.py
    .venv/bin/python benchmarks/proofwriter_shortcut.py \
        --records benchmarks/results/proofwriter_curve/curve/size-*/records.jsonl

Prints the rule's accuracy on the training and dev files, and for each arm of each records file: its accuracy,
how often it gives the rule's answer, its accuracy where the rule is wrong, and its "Unknown" answers.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from ragreason.data import load_items
from ragreason.experiment.records import PRIOR, read_records
from ragreason.paths import shared_data_dir
from ragreason.stats import accuracy, paired
from ragreason.types import Item

NOT = re.compile(r"\bnot\b", re.IGNORECASE)
TRUE, FALSE, UNKNOWN = "A", "B", "C"  # the options' order in Logic-LM's ProofWriter files


def statement(item: Item) -> str:
    """The statement to judge: the question's text after its last "?"."""
    return item.question.rsplit("?", 1)[-1]


def rule(item: Item) -> str:
    return FALSE if NOT.search(statement(item)) else TRUE


def describe(label: str, items: list[Item]) -> str:
    right = [rule(i) == i.answer for i in items]
    est = accuracy(right)
    return (f"| {label} | {len(items)} | {100 * est.value:.1f} [{100 * est.low:.1f}, {100 * est.high:.1f}] | "
            f"{100 * sum(i.answer == UNKNOWN for i in items) / len(items):.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, help="also the rule on the first N dev items")
    parser.add_argument("--records", nargs="*", default=[], help="records.jsonl files of benchmarks on dev")
    args = parser.parse_args()
    root = shared_data_dir() / "logic_lm"
    train = load_items(root / "ProofWriter_train.json", "logic-lm")
    dev = load_items(root / "ProofWriter_dev.json", "logic-lm")
    print("| file | items | rule accuracy % [95% CI] | gold Unknown % |\n|---|---|---|---|")
    print(describe("train", train))
    print(describe("dev", dev))
    if args.limit:
        print(describe(f"dev, first {args.limit}", dev[: args.limit]))
    by_id = {i.id: i for i in dev}
    if not args.records:
        return
    print("\n| records | arm | accuracy % | gives the rule's answer % | right where the rule is wrong | "
          "answers Unknown | vs rule (pp), McNemar p |\n|---|---|---|---|---|---|---|")
    for path in args.records:
        records = read_records(path)
        missing = sorted({r.item_id for r in records} - by_id.keys())
        if missing:
            raise SystemExit(f"{path}: {len(missing)} items are not ProofWriter dev items (first: {missing[0]})")
        for arm in dict.fromkeys(r.arm for r in records if r.arm != PRIOR):
            mine = [r for r in records if r.arm == arm]
            items = [by_id[r.item_id] for r in mine]
            rule_right = [rule(i) == i.answer for i in items]
            right = [r.correct for r in mine]
            same = sum(r.choice == rule(i) for r, i in zip(mine, items, strict=True))
            hard = [r.correct for r, ok in zip(mine, rule_right, strict=True) if not ok]
            vs = paired(right, rule_right)
            print(f"| {Path(path).parent.name} | {arm} | {100 * sum(right) / len(mine):.1f} | "
                  f"{100 * same / len(mine):.1f} | {sum(hard)} of {len(hard)} | "
                  f"{sum(r.choice == UNKNOWN for r in mine)} | {100 * vs.diff.value:+.1f}, {vs.p_value:.2g} |")


if __name__ == "__main__":
    main()
