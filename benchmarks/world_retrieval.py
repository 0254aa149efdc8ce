"""A fictional world (``ragreason synth world``): what `ragreason run` answers about it with no retrieval,
with hybrid retrieval of its documents, and with graph retrieval of its triples, by question kind.

    .venv/bin/python benchmarks/world_retrieval.py --out runs/world --people 60 --langs en zh

The test split of every kind, the default recipe (no --train). Each arm is one `ragreason run` (a rerun
resumes; its answers in ``<out>/<lang>/<arm>.jsonl``). Prints a markdown table per language: accuracy with
its 95% interval per kind and overall, McNemar p of graph and hybrid against no retrieval and of graph
against hybrid on the two-hop questions, seconds per question (the run's wall time, engine start included).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cli_arms import ragreason_run, timed_arms  # beside this script

from ragreason.data import load_items
from ragreason.stats import accuracy, paired
from ragreason.synth.fiction import QUESTION_KINDS, make_questions, make_world, write_world

ARMS = {"no retrieval": [], "hybrid": ["--retriever", "hybrid"], "graph": ["--retriever", "graph"]}


def make(folder: Path, people: int, lang: str, seed: int) -> Path:
    """The world's folder and its test questions (``test.jsonl``)."""
    world = make_world(people, lang=lang, seed=seed)
    questions = make_questions(world, seed=seed)
    write_world(world, questions, folder)
    test = folder / "test.jsonl"
    test.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions
                            if q["meta"]["split"] == "test"), encoding="utf-8")
    return test


def run_arm(folder: Path, name: str) -> float:
    flags = ARMS[name] + (["--knowledge", str(folder / "knowledge")] if ARMS[name] else [])
    return ragreason_run(folder / "test.jsonl", folder / f"{name.replace(' ', '_')}.jsonl", flags)


def table(folder: Path, lang: str, seconds: dict[str, float]) -> list[str]:
    items = load_items(folder / "test.jsonl", "mcq")
    right = {}
    for name in ARMS:
        rows = (folder / f"{name.replace(' ', '_')}.jsonl").read_text(encoding="utf-8").splitlines()
        records = {r["item_id"]: r for r in map(json.loads, rows)}
        right[name] = [records[i.id]["choice"] == i.answer for i in items]
    counts = {k: sum(i.meta["kind"] == k for i in items) for k in QUESTION_KINDS}
    lines = [f"### {lang}: {len(items)} test questions", "",
             "| arm | " + " | ".join(f"{k} ({counts[k]})" for k in QUESTION_KINDS) + " | all [95% CI] | s/question |",
             "|---|" + "---:|" * len(QUESTION_KINDS) + "---|---:|"]
    for name, hits in right.items():
        est = accuracy(hits)
        kinds = [100 * sum(h for h, i in zip(hits, items, strict=True) if i.meta["kind"] == k) / max(1, counts[k])
                 for k in QUESTION_KINDS]
        lines.append(f"| {name} | " + " | ".join(f"{k:.1f}" for k in kinds) +
                     f" | {100 * est.value:.1f} [{100 * est.low:.1f}, {100 * est.high:.1f}] | "
                     f"{seconds[name] / len(items):.3f} |")
    two_hop = [j for j, i in enumerate(items) if i.meta["kind"] == "two_hop"]
    lines.append("")
    for a, b, which in (("graph", "no retrieval", None), ("hybrid", "no retrieval", None),
                        ("graph", "hybrid", two_hop)):
        pick = which if which is not None else range(len(items))
        test = paired([right[a][j] for j in pick], [right[b][j] for j in pick])
        scope = "two-hop questions" if which is not None else "all questions"
        lines.append(f"- {a} vs {b}, {scope}: {100 * test.diff.value:+.1f} pp, McNemar p = {test.p_value:.2g}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("runs/world"))
    parser.add_argument("--people", type=int, default=60)
    parser.add_argument("--langs", nargs="+", default=["en", "zh"], choices=["en", "zh"])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for lang in args.langs:
        folder = args.out / lang
        make(folder, args.people, lang, args.seed)
        seconds = timed_arms(folder, list(ARMS), run_arm)
        print("\n".join(table(folder, lang, seconds)) + "\n", flush=True)


if __name__ == "__main__":
    main()
