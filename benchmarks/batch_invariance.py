"""Do vLLM-CPU option scores depend on what else is in the batch? bfloat16 vs float32 weights.

    .venv/bin/python benchmarks/batch_invariance.py --prompts 96

The same LogiQA 2.0 zh prompts (``direct`` template, option-label scoring) scored four ways in one
engine: all at once, all at once again, all at once in a shuffled order, and in batches of 7. Each dtype
runs in its own process (one vLLM engine per process). Prints, against the first pass, the largest and
the mean absolute difference of the letter log-probabilities and how many items change their top letter.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from own_process import report, run_arm  # noqa: E402  (beside this script)

DTYPES = ("bfloat16", "float32")
SMALL = 7


def one(dtype: str, prompts: int) -> dict:
    from ragreason.data import load_items
    from ragreason.generate import VLLMGenerator
    from ragreason.models import default_llm_path
    from ragreason.paths import shared_data_dir
    from ragreason.prompt import PromptBuilder

    folder = shared_data_dir()
    if folder is None:
        raise SystemExit("the shared data folder is missing (set RAGREASON_DATA)")
    items = load_items(folder / "logiqa2" / "dev_zh.txt", "logiqa2", strict=False)[:prompts]
    builder = PromptBuilder("direct")
    batch = [builder.build(item) for item in items]
    order = list(range(len(items)))
    random.Random(1).shuffle(order)
    with VLLMGenerator(default_llm_path(), dtype=dtype) as gen:
        first = gen.score_options(batch, items, method="label")
        again = gen.score_options(batch, items, method="label")
        mixed = gen.score_options([batch[i] for i in order], [items[i] for i in order], method="label")
        shuffled = [{}] * len(items)
        for k, i in enumerate(order):
            shuffled[i] = mixed[k]
        small = [s for i in range(0, len(items), SMALL)
                 for s in gen.score_options(batch[i:i + SMALL], items[i:i + SMALL], method="label")]
    return {"dtype": dtype, "prompts": len(items),
            "rows": {name: _diff(first, other) for name, other in
                     (("again", again), ("shuffled", shuffled), (f"batches of {SMALL}", small))}}


def _diff(a: list[dict[str, float]], b: list[dict[str, float]]) -> dict:
    gaps = [abs(x[k] - y[k]) for x, y in zip(a, b, strict=True) for k in x]
    flips = sum(max(x, key=x.get) != max(y, key=y.get) for x, y in zip(a, b, strict=True))
    return {"max": max(gaps), "mean": sum(gaps) / len(gaps), "flips": flips}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prompts", type=int, default=96)
    parser.add_argument("--one", choices=DTYPES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        report(one(args.one, args.prompts))
        return
    print("| weights | scored again as | largest difference | mean difference | top letter changed |")
    print("|---|---|---:|---:|---:|")
    for dtype in DTYPES:
        row = run_arm(__file__, dtype, "--prompts", str(args.prompts))
        for name, d in row["rows"].items():
            print(f"| {dtype} | {name} | {d['max']:.2g} | {d['mean']:.2g} | {d['flips']} of {row['prompts']} |")


if __name__ == "__main__":
    main()
