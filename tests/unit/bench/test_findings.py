"""The demo's plain sentences: a difference is one only at p < 0.01, and an adapter that saw fewer examples
than its training items says so."""

from ragreason.bench.findings import findings
from ragreason.bench.report import ArmRow, Report


def row(arm, condition, accuracy, vs_base=None, vs_prior=None):
    return ArmRow(arm=arm, condition=condition, votes=1, n=180, accuracy=accuracy, low=accuracy - 0.07,
                  high=accuracy + 0.07, unanswered=0.0, abstained_samples=0.0, prompt_tokens=0.0, output_tokens=0.0,
                  seconds=1.0, items_per_s=1.0, vs_base=vs_base or {}, vs_prior=vs_prior or {})


def report(finetune):
    rows = [row("prior", "prior", 0.35, vs_base={"base": "base@1", "diff": 0.01, "low": -0.05, "high": 0.07, "p": 0.8}),
            row("base@1", "base", 0.34, vs_prior={"diff": -0.01, "p": 0.8}),
            row("ft@1", "ft", 0.50, vs_base={"base": "base@1", "diff": 0.16, "low": 0.08, "high": 0.24, "p": 0.004},
                vs_prior={"diff": 0.15, "p": 0.002}),
            row("rag@1", "rag", 0.38, vs_base={"base": "base@1", "diff": 0.04, "low": -0.03, "high": 0.11, "p": 0.3},
                vs_prior={"diff": 0.03, "p": 0.5})]
    return Report("demo", "h", rows, {}, {}, {}, finetune, n_train=480, n_test=180)


def test_significance_and_the_examples_an_adapter_saw():
    short = findings(report({"ft": {"train_items": 480, "steps": 4, "examples_seen": 24}}))
    assert len(short) == 3  # the prior reference gets its own sentence, not one "against base"
    assert short[0] == ("fine-tuning on 24 of 480 training questions (4 steps): 34.0% -> 50.0%, +16.0 pp "
                        "[+8.0, +24.0], McNemar p = 0.004 (significant).")
    assert short[1].startswith("retrieval: 34.0% -> 38.0%") and "not significant: noise at this size" in short[1]
    assert short[2] == ("best arm ft@1 (50.0%) against always answering the training data's commonest letter "
                        "(35.0%): better, p = 0.002.")
    whole = findings(report({"ft": {"train_items": 480, "steps": 60, "examples_seen": 480}}))
    assert whole[0].startswith("fine-tuning on 480 training questions: ")
