"""Do vLLM-CPU option scores depend on what else is in the batch? bf16 item by item (the default), bf16
batched, float32 batched.

    .venv/bin/python benchmarks/batch_invariance.py --prompts 96

The same LogiQA 2.0 zh items scored by letter (``label``, the ``direct`` template) and by cloze (``cloze``)
four ways in one engine: all at once, all at once again, all at once in a shuffled order, and in batches of
7. Each arm runs in its own process (one vLLM engine per process). Prints, against the first pass, the
largest and the mean absolute difference of the scores and how many items change their top option.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from own_process import report, run_arm  # noqa: E402  (beside this script)

ARMS = {"bfloat16, item by item": ("bfloat16", True), "bfloat16, batched": ("bfloat16", False),
        "float32, batched": ("float32", False)}
METHODS = ("label", "cloze")
SMALL = 7


def one(arm: str, prompts: int) -> dict:
    from ragreason.data import load_items
    from ragreason.generate import VLLMGenerator
    from ragreason.generate.scoring import GroupMemo
    from ragreason.models import default_llm_path
    from ragreason.paths import shared_data_dir
    from ragreason.prompt import PromptBuilder

    folder = shared_data_dir()
    if folder is None:
        raise SystemExit("the shared data folder is missing (set RAGREASON_DATA)")
    items = load_items(folder / "logiqa2" / "dev_zh.txt", "logiqa2", strict=False)[:prompts]
    order = list(range(len(items)))
    random.Random(1).shuffle(order)
    dtype, invariant = ARMS[arm]
    rows = {}
    with VLLMGenerator(default_llm_path(), dtype=dtype, batch_invariant=invariant) as gen:
        for method in METHODS:
            batch = PromptBuilder("direct").for_scoring(method).build_many(items)

            def score(indices: list[int], batch=batch, method=method) -> list[dict[str, float]]:
                gen._memo = GroupMemo()  # nothing remembered: every pass computes
                return gen.score_options([batch[i] for i in indices], [items[i] for i in indices], method=method)

            first = score(list(range(len(items))))
            again = score(list(range(len(items))))
            shuffled = [{}] * len(items)
            for k, found in zip(order, score(order), strict=True):
                shuffled[k] = found
            small = [s for i in range(0, len(items), SMALL) for s in score(list(range(i, min(i + SMALL, len(items)))))]
            rows[method] = {name: _diff(first, other) for name, other in
                            (("again", again), ("shuffled", shuffled), (f"batches of {SMALL}", small))}
    return {"arm": arm, "prompts": len(items), "rows": rows}


def _diff(a: list[dict[str, float]], b: list[dict[str, float]]) -> dict:
    gaps = [abs(x[k] - y[k]) for x, y in zip(a, b, strict=True) for k in x]
    flips = sum(max(x, key=x.get) != max(y, key=y.get) for x, y in zip(a, b, strict=True))
    return {"max": max(gaps), "mean": sum(gaps) / len(gaps), "flips": flips}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prompts", type=int, default=96)
    parser.add_argument("--one", choices=ARMS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        report(one(args.one, args.prompts))
        return
    print("| engine | scoring | scored again as | largest difference | mean difference | top option changed |")
    print("|---|---|---|---:|---:|---:|")
    for arm in ARMS:
        result = run_arm(__file__, arm, "--prompts", str(args.prompts))
        for method, rows in result["rows"].items():
            for name, d in rows.items():
                print(f"| {arm} | {method} | {name} | {d['max']:.2g} | {d['mean']:.2g} | "
                      f"{d['flips']} of {result['prompts']} |")


if __name__ == "__main__":
    main()
