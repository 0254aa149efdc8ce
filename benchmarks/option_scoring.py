"""Option scoring on real data: ``label`` (the letter as the next token) vs ``text`` (the option's own
text, length-normalised), with the options as given and reversed (a model that picks a letter by
habit loses accuracy when the options are reversed).

    .venv/bin/python benchmarks/option_scoring.py --limit 150 --out /tmp/option_scoring.json

Prints one markdown table row per data set x method; accuracy, the share of predictions per
letter, ties (label scores equal to the best, bf16 logits are coarse) and items/s.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import time
from collections import Counter
from pathlib import Path

from ragreason.data import load_items
from ragreason.generate import VLLMGenerator
from ragreason.models import default_llm_path
from ragreason.paths import shared_data_dir
from ragreason.prompt import PromptBuilder
from ragreason.types import Item

SETS = {
    "ProofWriter (en)": ("logic_lm/ProofWriter_dev.json", "logic-lm"),
    "LogiQA 2.0 (en)": ("logiqa2/dev.txt", "logiqa2"),
    "LogiQA 2.0 (zh)": ("logiqa2/dev_zh.txt", "logiqa2"),
}


def reversed_item(item: Item) -> Item:
    letters = item.letters
    answer = letters[len(letters) - 1 - letters.index(item.answer)] if item.answer else None
    return Item(item.id, item.question, item.options[::-1], answer, item.context, item.meta)


def sample(path: Path, fmt: str, limit: int, seed: int) -> list[Item]:
    items = [i for i in load_items(path, fmt, strict=False) if i.answer is not None]  # bad records skipped
    random.Random(seed).shuffle(items)
    return items[:limit]


def evaluate(gen: VLLMGenerator, builder: PromptBuilder, items: list[Item], method: str) -> dict:
    prompts = builder.build_many(items)
    started = time.perf_counter()
    scores = gen.score_options(prompts, items, method=method)
    seconds = time.perf_counter() - started
    picks = [max(s, key=s.get) for s in scores]
    ties = sum(1 for s in scores if list(s.values()).count(max(s.values())) > 1)
    correct = sum(p == i.answer for p, i in zip(picks, items, strict=True))
    return {"n": len(items), "accuracy": correct / len(items), "picks": dict(sorted(Counter(picks).items())),
            "ties": ties, "items_per_s": len(items) / seconds, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=150, help="items per data set (a seeded sample)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", default=None, help="model folder (default: packaged SmolLM2)")
    parser.add_argument("--dtype", default="auto")
    parser.add_argument("--template", default="direct", help="prompt template (family) name")
    parser.add_argument("--out", type=Path, help="write the results as JSON")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    data = shared_data_dir()
    model = args.model or str(default_llm_path())
    builder = PromptBuilder(args.template, closed_world=False)
    results = []
    with VLLMGenerator(model, dtype=args.dtype, max_model_len=4096) as gen:
        for name, (rel, fmt) in SETS.items():
            items = sample(data / rel, fmt, args.limit, args.seed)
            prior = dict(sorted(Counter(i.answer for i in items).items()))
            for method in ("label", "text"):
                for order, chosen in (("given", items), ("reversed", [reversed_item(i) for i in items])):
                    row = {"set": name, "method": method, "order": order, "answers": prior,
                           **evaluate(gen, builder, chosen, method)}
                    results.append(row)
                    print(f"| {name} | {method} | {order} | {row['n']} | {row['accuracy']:.3f} | {row['picks']} | "
                          f"{row['ties']} | {row['items_per_s']:.2f} |", flush=True)
    if args.out:
        args.out.write_text(json.dumps({"model": model, "dtype": args.dtype, "template": args.template,
                                        "limit": args.limit, "seed": args.seed, "results": results}, indent=1))


if __name__ == "__main__":
    main()
