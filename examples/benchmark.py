"""Benchmark: what helps on my task - retrieval, fine-tuning, both, voting? A small config, run end to end.

    python examples/benchmark.py [--out bench-out/] [--problems 24] [--fast]

The same run from the command line: write the YAML below to a file and call `ragreason bench FILE`
(`ragreason validate FILE` checks it first without loading a model). Full configs: benchmarks/configs/.
"""

import argparse
from pathlib import Path

import yaml

from ragreason.bench.run import run_bench
from ragreason.data.knowledge import default_knowledge_dir
from ragreason.experiment.validate import load_config
from ragreason.synth import SynthConfig, generate_problems, write_jsonl

parser = argparse.ArgumentParser()
parser.add_argument("--out", type=Path, default=Path("bench-out"))
parser.add_argument("--problems", type=int, default=24)
parser.add_argument("--fast", action="store_true", help="base and rag only (no fine-tuning)")
args = parser.parse_args()

write_jsonl(generate_problems(args.problems, SynthConfig(lang="en", seed=0)), args.out / "problems.jsonl")
config = {
    "name": "example", "out": "report", "votes": [1, 3],
    "conditions": ["base", "rag"] if args.fast else ["base", "rag", "ft", "rag+ft"],
    "data": {"format": "competition", "path": "problems.jsonl", "test_fraction": 0.5},  # split by problem
    "prompt": {"template": "direct", "max_context_tokens": 384},
    "retrieval": {"kind": "hybrid", "knowledge": str(default_knowledge_dir()), "top_k": 3, "examples": True},
    "finetune": {"train": {"max_steps": 20, "batch_size": 8, "lr": 3e-4}},
    "sampling": {"temperature": 0.7, "max_tokens": 16},
}
(args.out / "bench.yaml").write_text(yaml.safe_dump(config, sort_keys=False))

report = run_bench(load_config(args.out / "bench.yaml"))
for row in report.rows:
    print(f"{row.arm:>24}: accuracy {row.accuracy:.3f} [{row.low:.3f}, {row.high:.3f}]")
print(f"report: {args.out / 'report' / 'report.md'}")
