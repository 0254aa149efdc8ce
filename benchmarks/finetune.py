"""Fine-tuning benchmarks: training throughput and memory, and the effect of a LoRA on accuracy.

Usage (record the printed tables in benchmarks/RESULTS.md with the command):
    .venv/bin/python benchmarks/finetune.py throughput --r 8 --steps 10 --threads 1
    .venv/bin/python benchmarks/finetune.py effect --adapter runs/pw-lora --limit 600 --votes 5
    .venv/bin/python benchmarks/finetune.py profile --steps 4 --batch-size 8 --threads 2

``throughput`` fine-tunes the packaged SmolLM2-135M-Instruct on ProofWriter_train prompts (answer
target, direct-en template) for a fixed number of steps in a fresh process, and reports tokens/s
(training tokens, padding excluded, evaluation excluded) and the process's peak resident memory.
``profile`` runs the same training twice: once timed, once under torch's profiler, which counts the FLOPs of
every matrix product; it prints the FLOP rate reached against the CPU's peak (cores x clock x FLOPs per
cycle of its widest vector unit for the precision trained in) and where the step's time goes, by operator.
``effect`` answers ProofWriter_dev through the real pipeline with the vLLM generator, base model and
adapter, greedy and with ``--votes`` samples at temperature 0.7, and prints accuracy with bootstrap
intervals and the paired test. Train the adapter with ``ragreason finetune`` (command in RESULTS.md).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
log = logging.getLogger("bench.finetune")


def table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows])


def proofwriter(split: str) -> list:
    from ragreason.data import load_items
    from ragreason.paths import shared_data_dir

    folder = shared_data_dir()
    if folder is None:
        raise SystemExit("the shared data folder is missing (set RAGREASON_DATA)")
    return load_items(folder / "logic_lm" / f"ProofWriter_{split}.json", "logic-lm")


def builder():
    from ragreason.prompt import PromptBuilder

    return PromptBuilder("direct-en", closed_world=False)


def throughput(args: argparse.Namespace) -> None:
    """One configuration per process, so that the peak memory is this configuration's."""
    import tempfile

    from ragreason.finetune import LoraSpec, TrainSpec, finetune

    items = proofwriter("train")[: args.steps * args.batch_size]
    spec = TrainSpec(max_steps=args.steps, batch_size=args.batch_size, lr=2e-4, threads=args.threads,
                     precision=args.precision, max_length=args.max_length, logging_steps=args.steps,
                     save_steps=10_000, warmup=0.0, gradient_checkpointing=args.grad_checkpointing,
                     group_by_length=args.group_by_length, answer_logits_only=args.answer_logits_only)
    with tempfile.TemporaryDirectory() as out:
        info = finetune(items, out_dir=out, builder=builder(), lora=LoraSpec(r=args.r, target_modules=args.modules,
                                                                          top_layers=args.top_layers),
                        spec=spec, progress=False)
    m = info.metrics
    row = [args.r, args.modules, args.top_layers or "all", m["precision"], args.grad_checkpointing,
           args.group_by_length, args.answer_logits_only, args.threads, args.batch_size, m["steps"],
           round(m["train_seconds"] / m["steps"], 2), m["tokens_per_second"], round(m["peak_memory_mb"]),
           round(m["train_loss"], 4)]
    header = ["r", "modules", "layers", "precision", "grad ckpt", "grouped", "answer logits", "threads", "batch",
              "steps", "s/step", "tokens/s", "peak RSS MiB", "loss"]
    print(table(header, [row]))
    print(json.dumps({"throughput": dict(zip(header, row, strict=True)), "load": os.getloadavg()}))


def _train(args: argparse.Namespace, items: list):
    import tempfile

    from ragreason.finetune import LoraSpec, TrainSpec, finetune

    spec = TrainSpec(max_steps=args.steps, batch_size=args.batch_size, lr=2e-4, threads=args.threads,
                     precision=args.precision, logging_steps=args.steps, save_steps=10_000, warmup=0.0)
    with tempfile.TemporaryDirectory() as out:
        return finetune(items, out_dir=out, builder=builder(), spec=spec, progress=False,
                        lora=LoraSpec(r=args.r, top_layers=args.top_layers, dropout=args.dropout)).metrics


def profile(args: argparse.Namespace) -> None:
    """The FLOP rate of LoRA training against the CPU's peak, and the time by operator."""
    from cpu_peak import cpu_peak
    from torch.profiler import ProfilerActivity
    from torch.profiler import profile as torch_profile

    items = proofwriter("train")[: args.steps * args.batch_size]
    timed = _train(args, items)
    with torch_profile(activities=[ProfilerActivity.CPU], with_flops=True) as prof:
        profiled = _train(args, items)
    events = prof.key_averages()
    flops = sum(e.flops for e in events)
    peak = cpu_peak(timed["precision"])
    rate = flops / timed["train_seconds"]
    print(f"{peak.describe()}\n")
    print(table(["layers", "dropout", "precision", "batch", "steps", "s/step", "tokens/s", "matmul GFLOP/step",
                 "GFLOP/s", "peak GFLOP/s", "share of peak"],
                [[args.top_layers or "all", args.dropout, timed["precision"], args.batch_size, timed["steps"],
                  round(timed["train_seconds"] / timed["steps"], 2), timed["tokens_per_second"],
                  round(flops / timed["steps"] / 1e9, 1), round(rate / 1e9, 1), round(peak.flops / 1e9),
                  f"{100 * rate / peak.flops:.1f}%"]]))
    total = sum(e.self_cpu_time_total for e in events)
    rows = [[e.key, f"{100 * e.self_cpu_time_total / total:.1f}", e.count, round(e.flops / 1e9, 1)]
            for e in sorted(events, key=lambda e: -e.self_cpu_time_total)[: args.top]]
    print(f"\nTime by operator (self CPU time of the profiled run, {profiled['train_seconds']:.1f} s of training "
          f"under the profiler, {timed['train_seconds']:.1f} s without):\n")
    print(table(["operator", "self time %", "calls", "GFLOP"], rows))


def effect(args: argparse.Namespace) -> None:
    from ragreason import PromptSpec, Recipe, RunOptions, Sampling, answer
    from ragreason.experiment.components import merged_model
    from ragreason.finetune import check_adapter
    from ragreason.generate import VLLMGenerator
    from ragreason.generate.vllm_options import served_dtype
    from ragreason.models import default_llm_path
    from ragreason.stats import accuracy, paired

    items = proofwriter("dev")[: args.limit]
    base_model = default_llm_path()
    check_adapter(args.adapter, base_model)
    runs = Path(args.runs)
    runs.mkdir(parents=True, exist_ok=True)
    results: dict[str, list[bool]] = {}

    def run(llm, adapter: str | None, label: str) -> None:
        for n in (1, args.votes):
            name = f"{label}-n{n}"
            started = time.perf_counter()
            answers = answer(items,
                             Recipe(prompt=PromptSpec.of(builder()), sampling=Sampling(n=n, max_tokens=args.max_tokens),
                                    adapter=adapter), generator=llm, out=runs / f"{name}.jsonl",
                             options=RunOptions(batch_size=64))
            results[name] = [a.choice == i.answer for a, i in zip(answers, items, strict=True)]
            answered = sum(a.choice is not None for a in answers) / len(items)
            log.info("%s: %.3f in %.0f s (answered %.3f)", name, sum(results[name]) / len(items),
                     time.perf_counter() - started, answered)

    if args.serve == "lora":  # one engine, the adapter through LoRARequest
        with VLLMGenerator(base_model, adapters={"ft": args.adapter}, seed=args.seed) as llm:
            run(llm, None, "base")
            run(llm, "ft", "ft")
    else:  # the adapter folded into a float32 copy of the base, served by its own engine
        merged = merged_model(Path(args.adapter), served_dtype({}))  # the benchmark's own cache beside the adapter
        with VLLMGenerator(base_model, seed=args.seed, name="base") as llm:
            run(llm, None, "base")
        with VLLMGenerator(merged, seed=args.seed, name="ft") as llm:
            run(llm, None, "ft")
    rows = []
    for name, correct in results.items():
        est = accuracy(correct)
        rows.append([name, len(correct), f"{est.value:.3f}", f"[{est.low:.3f}, {est.high:.3f}]"])
    print(table(["condition", "items", "accuracy", "95% CI"], rows))
    for n in (1, args.votes):
        test = paired(results[f"ft-n{n}"], results[f"base-n{n}"])
        print(f"ft vs base, n={n}: diff {test.diff.value:+.3f} [{test.diff.low:+.3f}, {test.diff.high:+.3f}], "
              f"only ft right {test.only_a}, only base right {test.only_b}, McNemar p={test.p_value:.2g}")


def main() -> None:
    from ragreason.finetune import LoraSpec

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    tp = sub.add_parser("throughput")
    tp.add_argument("--r", type=int, default=8)
    tp.add_argument("--modules", default="all-linear")
    tp.add_argument("--top-layers", type=int, default=None, help="adapt only the last N decoder layers")
    tp.add_argument("--steps", type=int, default=10)
    tp.add_argument("--batch-size", type=int, default=4)
    tp.add_argument("--max-length", type=int, default=1024)
    tp.add_argument("--threads", type=int, default=1)
    tp.add_argument("--precision", default="auto", choices=("auto", "fp32", "bf16"))
    tp.add_argument("--grad-checkpointing", action="store_true")
    tp.add_argument("--group-by-length", action=argparse.BooleanOptionalAction, default=True,
                    help="batches of similar length (default; --no-group-by-length: shuffled batches)")
    tp.add_argument("--answer-logits-only", action=argparse.BooleanOptionalAction, default=True,
                    help="logits at the answer positions only (default; --no-answer-logits-only: every position)")
    pf = sub.add_parser("profile")
    pf.add_argument("--r", type=int, default=8)
    pf.add_argument("--top-layers", type=int, default=None, help="adapt only the last N decoder layers")
    pf.add_argument("--dropout", type=float, default=LoraSpec().dropout, help="LoRA dropout")
    pf.add_argument("--steps", type=int, default=4)
    pf.add_argument("--batch-size", type=int, default=8)
    pf.add_argument("--threads", type=int, default=2)
    pf.add_argument("--precision", default="auto", choices=("auto", "fp32", "bf16"))
    pf.add_argument("--top", type=int, default=15, help="operators listed")
    ef = sub.add_parser("effect")
    ef.add_argument("--adapter", required=True)
    ef.add_argument("--limit", type=int, default=600)
    ef.add_argument("--votes", type=int, default=5)
    ef.add_argument("--max-tokens", type=int, default=16)
    ef.add_argument("--seed", type=int, default=0)
    ef.add_argument("--serve", choices=("lora", "merged"), default="lora",
                    help="the adapter through vLLM's LoRA path, or merged into the base (~2x faster on a CPU)")
    ef.add_argument("--runs", default="runs/finetune-effect", help="resumable answer logs (JSONL)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    {"throughput": throughput, "profile": profile, "effect": effect}[args.command](args)


if __name__ == "__main__":
    main()
