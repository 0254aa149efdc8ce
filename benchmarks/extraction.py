"""Answer extraction vs the SAIS 2024 competition baseline's regex, on the hand-labelled real outputs.

Usage: python benchmarks/extraction.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ragreason.extract import extract_choice

FIXTURE = Path(__file__).parents[1] / "tests" / "fixtures" / "extraction_smollm2.jsonl"
BASELINE = re.compile("答案是：(.)")


def readers():
    def baseline(fallback):
        return lambda r: (m.group(1) if (m := BASELINE.search(r["text"])) else fallback)

    return {
        "extract_choice": lambda r: extract_choice(r["text"], len(r["options"]), options=r["options"]),
        "regex 答案是：(.)": baseline(None),
        "regex + fallback A (competition baseline)": baseline("A"),
    }


def main() -> None:
    data = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    print("| reader | split | rows | exact | on rows with an answer | on rows without |")
    print("|---|---|---|---|---|---|")
    for name, read in readers().items():
        for split in ("dev", "heldout", "all"):
            rows = [r for r in data if split == "all" or r["split"] == split]
            answered = [r for r in rows if r["label"] is not None]
            unanswered = [r for r in rows if r["label"] is None]

            def acc(subset, read=read):
                return sum(read(r) == r["label"] for r in subset) / len(subset)

            print(f"| {name} | {split} | {len(rows)} | {acc(rows):.3f} | {acc(answered):.3f} ({len(answered)}) "
                  f"| {acc(unanswered):.3f} ({len(unanswered)}) |")


if __name__ == "__main__":
    main()
