"""Generation speed: the same model, the same prompts, k samples each, in one run.

    .venv/bin/python benchmarks/generation.py --prompts 200 --k 5 --max-tokens 32 --slow-prompts 40

Arms (all sample at temperature 0.7, top_p 0.95):
  vllm-n      offline vLLM, one call with n=k over all prompts (ragreason's way)
  vllm-sep    offline vLLM, k separate calls with n=1, each over all prompts
  vllm-warm   offline vLLM, a call with n=1 and max_tokens=1 (fills the prefix cache with each prompt
              once), then one call with n=k over all prompts
  vllm-loop   offline vLLM, one prompt at a time, k calls with n=1 each (the notebook's way), on the
              first --slow-prompts
  hf-loop     transformers ``generate`` looping over prompts (n=k per call), on the first --slow-prompts
  server      the vLLM OpenAI server through OpenAIGenerator (n=k per request, --concurrency at a time)
  score-*     ``score_options`` (label, text) over the same items: items/s without sampling
The prefix cache is reset between the offline arms, so that no arm inherits another's prompts.
Prompts are real items through PromptBuilder("reasoning"): ProofWriter dev (English, ~350 prompt
tokens) or, with --data logiqa-zh, LogiQA 2.0 Chinese dev (long prompts).
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

from ragreason.data import load_items
from ragreason.generate import OpenAIGenerator, TransformersGenerator, VLLMGenerator, VLLMServer
from ragreason.models import default_llm_path
from ragreason.paths import shared_data_dir
from ragreason.prompt import PromptBuilder
from ragreason.types import Generation, Item, Prompt

SAMPLING = {"temperature": 0.7, "top_p": 0.95}
DATA = {"proofwriter": ("logic_lm/ProofWriter_dev.json", "logic-lm"), "logiqa-zh": ("logiqa2/dev_zh.txt", "logiqa2")}


def measure(name: str, prompts: list[Prompt], run: Callable[[], list[list[Generation]]]) -> dict:
    started = time.perf_counter()
    out = run()
    seconds = time.perf_counter() - started
    tokens = sum(g.completion_tokens for gens in out for g in gens)
    row = {"arm": name, "prompts": len(prompts), "samples": sum(len(g) for g in out), "seconds": seconds,
           "prompts_per_s": len(prompts) / seconds, "output_tokens": tokens, "output_tokens_per_s": tokens / seconds}
    print(f"  {name}: {len(prompts)} prompts, {row['samples']} samples, {tokens} tokens in {seconds:.1f} s "
          f"-> {row['prompts_per_s']:.2f} prompts/s, {row['output_tokens_per_s']:.1f} tokens/s", flush=True)
    return row


def separate(gen, prompts: list[Prompt], k: int, max_tokens: int) -> list[list[Generation]]:
    rounds = [gen.generate(prompts, n=1, max_tokens=max_tokens, **SAMPLING) for _ in range(k)]
    return [[r[i][0] for r in rounds] for i in range(len(prompts))]


def warm_then_n(gen, prompts: list[Prompt], k: int, max_tokens: int) -> list[list[Generation]]:
    gen.generate(prompts, n=1, max_tokens=1, **SAMPLING)
    return gen.generate(prompts, n=k, max_tokens=max_tokens, **SAMPLING)


def offline_arms(model: str, prompts: list[Prompt], items: list[Item], args) -> list[dict]:
    rows = []
    with VLLMGenerator(model, kv_cache_bytes=int(args.kv_cache_gb * (1 << 30)), max_num_seqs=args.max_num_seqs,
                       max_model_len=2048, enable_prefix_caching=not args.no_prefix_caching) as gen:
        gen.generate(prompts[:4], n=2, max_tokens=4, **SAMPLING)  # warm-up, not timed
        for arm in args.order:
            gen.llm.reset_prefix_cache()
            if arm == "vllm-n":
                rows.append(measure(arm, prompts, lambda: gen.generate(prompts, n=args.k, max_tokens=args.max_tokens,
                                                                       **SAMPLING)))
            elif arm == "vllm-warm":
                rows.append(measure(arm, prompts, lambda: warm_then_n(gen, prompts, args.k, args.max_tokens)))
            elif arm == "vllm-sep":
                rows.append(measure(arm, prompts, lambda: separate(gen, prompts, args.k, args.max_tokens)))
            elif arm == "vllm-loop":
                few = prompts[: args.slow_prompts]
                rows.append(measure(arm, few, lambda few=few: [separate(gen, [p], args.k, args.max_tokens)[0]
                                                               for p in few]))
        for method in ("label", "text"):
            gen.llm.reset_prefix_cache()
            started = time.perf_counter()
            gen.score_options(prompts, items, method=method)
            seconds = time.perf_counter() - started
            rows.append({"arm": f"score-{method}", "prompts": len(items), "seconds": seconds,
                         "prompts_per_s": len(items) / seconds})
            print(f"  score-{method}: {len(items)} items in {seconds:.1f} s -> {len(items) / seconds:.2f} items/s")
    return rows


def hf_arm(model: str, prompts: list[Prompt], args) -> dict:
    gen = TransformersGenerator(model, batch_size=1, threads=args.hf_threads)
    gen.generate(prompts[:1], n=2, max_tokens=4, **SAMPLING)  # load + warm-up, not timed
    return measure("hf-loop", prompts, lambda: gen.generate(prompts, n=args.k, max_tokens=args.max_tokens,
                                                            **SAMPLING))


def server_arm(model: str, prompts: list[Prompt], args) -> dict:
    with VLLMServer(model, kv_cache_bytes=int(args.kv_cache_gb * (1 << 30)), max_num_seqs=args.max_num_seqs,
                    max_model_len=2048, enable_prefix_caching=not args.no_prefix_caching) as server:
        client: OpenAIGenerator = server.generator(concurrency=args.concurrency, timeout=600)
        client.generate(prompts[:4], n=2, max_tokens=4, **SAMPLING)
        return measure("server", prompts, lambda: client.generate(prompts, n=args.k, max_tokens=args.max_tokens,
                                                                  **SAMPLING))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prompts", type=int, default=200)
    parser.add_argument("--slow-prompts", type=int, default=40, help="prompts for the loop arms")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--kv-cache-gb", type=float, default=1.0)
    parser.add_argument("--max-num-seqs", type=int, default=None)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--no-prefix-caching", action="store_true",
                        help="turn vLLM's prefix cache off (then k separate calls prefill every prompt k times)")
    parser.add_argument("--hf-threads", type=int, default=None)
    parser.add_argument("--arms", nargs="+", default=["vllm-n", "vllm-sep", "vllm-loop", "hf-loop", "server"])
    parser.add_argument("--model", default=None)
    parser.add_argument("--data", choices=sorted(DATA), default="proofwriter")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    args.order = [a for a in args.arms if a.startswith("vllm")]
    logging.basicConfig(level=logging.WARNING)
    model = args.model or str(default_llm_path())
    rel, fmt = DATA[args.data]
    items = load_items(shared_data_dir() / rel, fmt, strict=False)[: args.prompts]
    prompts = PromptBuilder("reasoning", closed_world=False).build_many(items)
    lengths = sorted(len(p.messages[-1]["content"]) for p in prompts)
    print(f"{len(prompts)} prompts from {rel}; user message chars median {lengths[len(lengths) // 2]}", flush=True)
    rows = offline_arms(model, prompts, items, args) if args.order else []
    if "hf-loop" in args.arms:
        rows.append(hf_arm(model, prompts[: args.slow_prompts], args))
    if "server" in args.arms:
        rows.append(server_arm(model, prompts, args))
    report(rows)
    if args.out:
        args.out.write_text(json.dumps({"args": {k: v for k, v in vars(args).items() if k != "out"},
                                        "model": model, "rows": rows}, indent=1, default=str))


def report(rows: list[dict]) -> None:
    by = {r["arm"]: r for r in rows}
    print("\n| arm | prompts | samples | seconds | prompts/s | output tokens/s |\n|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['arm']} | {r['prompts']} | {r.get('samples', '-')} | {r['seconds']:.1f} | "
              f"{r['prompts_per_s']:.2f} | {r.get('output_tokens_per_s', float('nan')):.1f} |")
    if "vllm-n" in by:
        for other in ("vllm-sep", "vllm-loop", "hf-loop", "server"):
            if other in by:
                ratio = by["vllm-n"]["prompts_per_s"] / by[other]["prompts_per_s"]
                print(f"vllm-n / {other}: {ratio:.2f}x prompts/s")


if __name__ == "__main__":
    main()
