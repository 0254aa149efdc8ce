"""Fictional facts the model cannot know (``ragreason.synth.facts``): what `ragreason run` answers with no
context, with the person's document in the item's context, and with the document retrieved from a knowledge
folder of every person's document (dense, bm25, hybrid); the default recipe, and letters for reference.

    .venv/bin/python benchmarks/fictional_knowledge.py --out runs/fictional --n 150 --langs en zh

Each arm is one `ragreason run` (a rerun resumes; its answers in ``<out>/<lang>/<arm>.jsonl``). Prints a
markdown table per language: accuracy with its 95% interval, against chance (binomial test) and against the
prior of the training questions' golds (McNemar), by question kind, how often the person's document was in
the retrieved context (recall@k), and seconds per question (the run's wall time, engine start included).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cli_arms import ragreason_run, timed_arms  # beside this script

from ragreason.data import LetterPrior, load_items
from ragreason.stats import accuracy, paired
from ragreason.synth.facts import KINDS, document, make_people, questions

ARMS = {  # name: (questions file, extra flags)
    "no context": ("questions.jsonl", []),
    "no context, --train": ("questions.jsonl", ["--train", "train.jsonl"]),
    "document in context": ("questions_context.jsonl", []),
    "document in context, --train": ("questions_context.jsonl", ["--train", "train_context.jsonl"]),
    "letters (label, batch), document in context": ("questions_context.jsonl", ["--score", "label"]),
    "retrieved: dense": ("questions.jsonl", ["--knowledge", "knowledge", "--retriever", "dense"]),
    "retrieved: bm25": ("questions.jsonl", ["--knowledge", "knowledge", "--retriever", "bm25"]),
    "retrieved: hybrid": ("questions.jsonl", ["--knowledge", "knowledge", "--retriever", "hybrid"]),
    "retrieved: hybrid, --no-rerank": ("questions.jsonl", ["--knowledge", "knowledge", "--retriever", "hybrid",
                                                           "--no-rerank"]),
}


def make(folder: Path, n: int, lang: str, seed: int) -> None:
    """The world's documents (a knowledge folder), its questions with and without the document as context,
    and the same kinds of questions about other people (solved items for --train)."""
    people, others = make_people(n, lang=lang, seed=seed), make_people(n, lang=lang, seed=seed + 1000)
    (folder / "knowledge").mkdir(parents=True, exist_ok=True)
    _write(folder / "knowledge" / "people.jsonl",
           [{"text": document(p), "title": p.name, "meta": {"person": p.id}} for p in people])
    for name, group, context in (("questions", people, False), ("questions_context", people, True),
                                 ("train", others, False), ("train_context", others, True)):
        _write(folder / f"{name}.jsonl", questions(group, context=context, seed=seed))


def _write(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def run_arm(folder: Path, name: str) -> float:
    """Run the arm through `ragreason run` (it resumes its answers); its wall seconds."""
    data, flags = ARMS[name]
    flags = [str(folder / f) if f.endswith(".jsonl") or f == "knowledge" else f for f in flags]
    return ragreason_run(folder / data, answers_path(folder, name), flags)


def answers_path(folder: Path, name: str) -> Path:
    return folder / ("".join(c for c in name.replace(" ", "_") if c.isalnum() or c in "_-") + ".jsonl")


def table(folder: Path, lang: str, arms: list[str], seconds: dict[str, float]) -> list[str]:
    from scipy.stats import binomtest

    items = load_items(folder / "questions.jsonl", "mcq")
    prior = LetterPrior.fit(load_items(folder / "train.jsonl", "mcq"))
    by_prior = [prior.choice(i) == i.answer for i in items]
    lines = [f"### {lang}: {len(items)} questions about {len(items) // len(KINDS)} invented people", "",
             f"chance 25.0%; prior {100 * sum(by_prior) / len(items):.1f}% (the commonest gold letter of the "
             "training questions)", "",
             "| arm | accuracy % [95% CI] | p vs chance | vs prior (pp), p | " + " | ".join(KINDS) +
             " | document retrieved % | s/question |", "|---|---|---|---|" + "---|" * len(KINDS) + "---|---|"]
    for name in arms:
        lines_read = answers_path(folder, name).read_text(encoding="utf-8").splitlines()
        records = {r["item_id"]: r for r in map(json.loads, lines_read)}
        right = [records[i.id]["choice"] == i.answer for i in items]
        est, vs_prior = accuracy(right), paired(right, by_prior)
        chance = binomtest(sum(right), len(right), 0.25).pvalue
        kinds = [sum(r for r, i in zip(right, items, strict=True) if i.meta["kind"] == k) /
                 sum(i.meta["kind"] == k for i in items) for k in KINDS]
        found = [_retrieved(records[i.id], i.meta["person"]) for i in items]
        recall = f"{100 * sum(found) / len(found):.1f}" if any(r["context"] for r in records.values()) else "—"
        lines.append(f"| {name} | {100 * est.value:.1f} [{100 * est.low:.1f}, {100 * est.high:.1f}] | {chance:.2g} | "
                     f"{100 * vs_prior.diff.value:+.1f}, {vs_prior.p_value:.2g} | "
                     + " | ".join(f"{100 * k:.1f}" for k in kinds)
                     + f" | {recall} | {seconds.get(name, float('nan')) / len(items):.3f} |")
    return lines


def _retrieved(record: dict, person: str) -> bool:
    context = record.get("context") or {}
    return any(h.get("meta", {}).get("person") == person for h in context.get("hits", []))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("runs/fictional"))
    parser.add_argument("--n", type=int, default=150, help="people per language (three questions each)")
    parser.add_argument("--langs", nargs="+", default=["en", "zh"], choices=["en", "zh"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--arms", nargs="+", default=list(ARMS), choices=list(ARMS))
    args = parser.parse_args()
    for lang in args.langs:
        folder = args.out / lang
        make(folder, args.n, lang, args.seed)
        seconds = timed_arms(folder, args.arms, run_arm)
        print("\n".join(table(folder, lang, args.arms, seconds)) + "\n", flush=True)


if __name__ == "__main__":
    main()
