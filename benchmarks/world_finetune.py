"""Closed-book fine-tuning on the demo's fictional world: a LoRA against full fine-tuning (every weight of the
135M model trains), the same training examples (the training questions and the documents' other wordings),
the same epochs, each at its own learning rate.

    .venv/bin/python benchmarks/world_finetune.py --out runs/world-ft --seed 0 [--epochs 5]

Each method is one benchmark (``ragreason bench`` machinery: conditions base and ft, served merged) over the
world ``ragreason demo`` generates for that seed; a rerun reuses the cached models and resumes the answers.
Prints, per method: training seconds, accuracy overall and on the single-fact (attribute) questions, McNemar
against base, and the two methods against each other on the same items.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import yaml

from ragreason.bench.demo_world import WorldDemoOptions, world_config, write_world_data
from ragreason.bench.run import run_bench
from ragreason.experiment.records import read_records
from ragreason.experiment.validate import load_config
from ragreason.stats import accuracy, paired

METHODS = {"lora": {"method": "lora"}, "full": {"method": "full", "lr": 1e-4}}


def run_method(out: Path, options: WorldDemoOptions, method: str, epochs: float) -> tuple[list, dict]:
    raw = world_config(options)
    name = f"{method}-{epochs:g}ep"
    raw.update(name=f"world-ft-{name}", out=f"report-{name}", conditions=["base", "ft"])
    raw.pop("update_test")
    raw.pop("update_knowledge")
    raw["finetune"]["train"].update(METHODS[method], epochs=epochs)
    path = out / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    report = run_bench(load_config(path), progress=False)
    return read_records(out / f"report-{name}" / "records.jsonl"), report.finetune["ft"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("runs/world-ft"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--people", type=int, default=WorldDemoOptions().people)
    parser.add_argument("--epochs", type=float, default=1.0, help="passes over the training examples (default 1)")
    args = parser.parse_args()
    options = WorldDemoOptions(out=args.out, people=args.people, seed=args.seed)
    write_world_data(options)
    answers, trained = {}, {}
    for method in METHODS:
        started = time.perf_counter()
        records, info = run_method(args.out, options, method, args.epochs)
        answers[method] = {r.arm: sorted((x for x in records if x.arm == r.arm), key=lambda x: x.item_id)
                           for r in records}
        trained[method] = (info, time.perf_counter() - started)
    base = answers["lora"]["base@1"]
    print("| method | training s | training questions | accuracy % [95% CI] | attribute % | vs base (pp, p) |")
    print("|---|---:|---:|---|---:|---|")
    row = accuracy([r.correct for r in base])
    print(f"| none (base) | — | — | {100 * row.value:.1f} [{100 * row.low:.1f}, {100 * row.high:.1f}] | "
          f"{_attribute(base):.1f} | — |")
    for method in METHODS:
        ft = answers[method]["ft@1"]
        est, test = accuracy([r.correct for r in ft]), paired([r.correct for r in ft], [r.correct for r in base])
        info = trained[method][0]
        print(f"| {method} | {info.get('train_seconds', 0):.0f} | {info.get('train_items', '?')} | "
              f"{100 * est.value:.1f} [{100 * est.low:.1f}, {100 * est.high:.1f}] | {_attribute(ft):.1f} | "
              f"{100 * test.diff.value:+.1f}, p = {test.p_value:.2g} |")
    full, lora = answers["full"]["ft@1"], answers["lora"]["ft@1"]
    test = paired([r.correct for r in full], [r.correct for r in lora])
    print(f"\nfull against LoRA: {100 * test.diff.value:+.1f} pp, McNemar p = {test.p_value:.2g}")


def _attribute(records: list) -> float:
    picked = [r.correct for r in records if r.slices.get("kind") == "attribute"]
    return 100 * sum(picked) / len(picked) if picked else 0.0


if __name__ == "__main__":
    main()
