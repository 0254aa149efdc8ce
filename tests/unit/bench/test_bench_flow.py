"""The benchmark from arms to report with the fake generator: the conditions of a config become arms,
each arm answers the items through the pipeline, and the report, its markdown and its csv say what
the answers were, beside the prior and chance references. The fake model answers right only when the
prompt carries retrieved context."""

import csv
import io

import yaml

from ragreason.bench.output import to_csv, to_markdown
from ragreason.bench.report import build_report
from ragreason.data import LetterPrior
from ragreason.experiment.answer_arm import answer_arm
from ragreason.experiment.arms import arms_for
from ragreason.experiment.records import prior_records
from ragreason.experiment.validate import load_config
from ragreason.generate import FakeGenerator
from ragreason.policy import BLIND_SCORE, SCORE_CANDIDATES
from ragreason.types import Context, Item

ITEMS = [Item(f"q{i}", f"Question {i}?", ("red", "green", "blue"), "ABC"[i % 3]) for i in range(12)]
GOLD = {i.id: i.answer for i in ITEMS}


class GoldRetriever:
    """Context that names the gold answer (what a perfect retriever would find)."""

    def retrieve(self, item, top_k=None):
        return self.retrieve_many([item], top_k)[0]

    def retrieve_many(self, items, top_k=None):
        return [Context(i.id, (), f"The answer to {i.id} is {i.answer}.") for i in items]


def reply(prompt, sample, adapter):
    user = prompt.messages[-1]["content"]
    if "The answer to" in user:
        return f"Answer: {GOLD[prompt.item_id]}"
    return ["Answer: A", "Answer: B", "I cannot tell."][sample % 3]


def config(tmp_path, model):
    (tmp_path / "items.jsonl").write_text("")
    raw = {"name": "flow", "out": "out", "data": {"format": "mcq", "path": "items.jsonl"},
           "model": {"path": str(model)}, "prompt": {"template": "direct-en", "max_context_tokens": None},
           "retrieval": {"kind": "bm25", "knowledge": None, "examples": True},
           "conditions": ["base", "rag"], "votes": [1, 3], "batch_size": 5,
           "score": None, "calibrate": None, "fallback": "none"}  # sampled votes only: what the fake scripts
    (tmp_path / "bench.yaml").write_text(yaml.safe_dump(raw))
    return load_config(tmp_path / "bench.yaml")


def test_arms_answers_report_markdown_and_csv(tmp_path, tiny_model_dir):
    cfg = config(tmp_path, tiny_model_dir)  # the tiny model's tokenizer counts the prompts' tokens
    arms = arms_for(cfg)
    assert [a.name for a in arms] == ["base@1", "base@3", "rag@1", "rag@3"]
    assert [a.recipe.sampling.n for a in arms] == [1, 3, 1, 3]
    assert [a.context for a in arms] == [False, False, True, True]
    gen = FakeGenerator(reply)
    records = []
    for arm in arms:
        mine, earlier = answer_arm(cfg, arm, ITEMS, gen, GoldRetriever(), tmp_path / "out", progress=False)
        assert earlier == 0.0 and len(mine) == len(ITEMS)
        records += mine
    train = [Item(f"t{i}", "Train?", ("red", "green", "blue"), "B") for i in range(3)]
    prior = prior_records(LetterPrior.fit(train), ITEMS, cfg.digest())
    report = build_report(cfg, [*prior, *records], {"answer base@1": 2.0}, {}, n_train=3)
    rows = {r.arm: r for r in report.rows}
    b_share = sum(i.answer == "B" for i in ITEMS) / len(ITEMS)
    assert list(rows)[0] == "prior" and rows["prior"].accuracy == b_share and report.chance == 1 / 3
    assert rows["rag@1"].vs_prior["only_this"] == sum(i.answer != "B" for i in ITEMS)
    assert rows["prior"].vs_base["base"] == "base@1"
    assert rows["prior"].vs_prior == {} and rows["base@1"].vs_prior["diff"] == rows["base@1"].accuracy - b_share
    a_share = sum(i.answer == "A" for i in ITEMS) / len(ITEMS)
    assert rows["base@1"].accuracy == a_share and rows["rag@1"].accuracy == 1.0 == rows["rag@3"].accuracy
    # base@3 votes A, B and an unreadable sample: a tie broken by the first vote, A
    assert rows["base@3"].accuracy == a_share and rows["base@3"].abstained_samples == 1 / 3
    assert rows["rag@1"].vs_base["base"] == "base@1" and rows["rag@3"].vs_base["base"] == "base@3"
    assert rows["rag@1"].vs_base["only_this"] == sum(i.answer != "A" for i in ITEMS)
    assert rows["rag@1"].vs_base["p"] < 0.05 and rows["base@1"].items_per_s == len(ITEMS) / 2.0

    base_bias, rag_bias = report.bias["base@1"], report.bias["rag@1"]
    assert base_bias["predicted"] == {"A": 1.0, "B": 0.0, "C": 0.0} and base_bias["gap"] == 1 - a_share
    assert base_bias["recall"] == {"A": 1.0, "B": 0.0, "C": 0.0} and base_bias["gold"]["B"] == b_share
    assert rag_bias["gap"] == 0.0 and rag_bias["recall"] == {"A": 1.0, "B": 1.0, "C": 1.0}

    markdown = to_markdown(report)
    bias_line = next(x for x in markdown.splitlines() if x.startswith("| base@1 |") and "100.0 | 0.0 | 0.0 |" in x)
    assert bias_line.startswith(f"| base@1 | {100 * (1 - a_share):.1f} | 100.0 | 0.0 | 0.0 |")
    line = next(x for x in markdown.splitlines() if x.startswith("| rag@1 |"))
    assert "| 100.0 [100.0, 100.0] |" in line and f"+{100 * (1 - a_share):.1f}" in line
    assert f"| +{100 * (1 - b_share):.1f} |" in line and "| chance | 33.3 |" in markdown
    assert "## Paired differences" in markdown and "## Accuracy % by slice" in markdown
    table = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert [r["arm"] for r in table] == ["chance", "prior", "base@1", "base@3", "rag@1", "rag@3"]
    assert float(table[0]["accuracy"]) == 1 / 3 and float(table[1]["accuracy"]) == b_share
    assert float(table[4]["accuracy"]) == 1.0 and float(table[4]["diff_vs_base"]) == 1 - a_share
    assert float(table[4]["diff_vs_prior"]) == 1 - b_share

    again = answer_arm(cfg, arms[2], ITEMS, FakeGenerator(default="Answer: C"), GoldRetriever(), tmp_path / "out",
                    progress=False)[0]
    assert [r.choice for r in again] == [r.choice for r in records if r.arm == "rag@1"]  # resumed, not redone


def test_a_fallback_answers_for_an_arm_whose_votes_name_nothing(tmp_path, tiny_model_dir):
    from ragreason.vote import Fallback

    cfg = config(tmp_path, tiny_model_dir)
    base = arms_for(cfg)[0]
    train = [Item(f"t{i}", "Train?", ("red", "green", "blue"), "B") for i in range(3)]
    silent = FakeGenerator(default="I cannot tell.")
    plain = answer_arm(cfg, base, ITEMS, silent, None, tmp_path / "plain", progress=False)[0]
    assert all(r.choice is None and r.fallback is None for r in plain)
    records = answer_arm(cfg, base, ITEMS, silent, None, tmp_path / "prior", progress=False,
                      fallback=Fallback("prior", LetterPrior.fit(train)))[0]
    assert {(r.choice, r.fallback) for r in records} == {("B", "prior")}
    row = build_report(cfg, records, {}, {}).rows[0]
    assert row.by_fallback == 1.0 and row.unanswered == 0.0
    assert row.accuracy == sum(i.answer == "B" for i in ITEMS) / len(ITEMS)


def test_option_orders_in_an_arm_give_circular_eval_and_constrained_samples(tmp_path, tiny_model_dir):
    from dataclasses import replace

    cfg = config(tmp_path, tiny_model_dir)
    cfg = replace(cfg, permutations=3, sampling=replace(cfg.sampling, constrained=True))
    rag = [a for a in arms_for(cfg) if a.name == "rag@1"][0]
    assert rag.recipe.sampling.constrained
    gen = FakeGenerator(reply)
    records = answer_arm(cfg, rag, ITEMS, gen, GoldRetriever(), tmp_path / "out", progress=False)[0]
    # the fake names the gold letter as given under every order: mapped back, only the identity order is right
    assert [c["prompts"] for c in gen.calls] == [15, 15, 6]  # batches of 5 items x 3 orders, then 2 x 3
    assert all(c["choices"] is not None for c in gen.calls)
    row = build_report(cfg, records, {}, {}).rows[0]
    assert row.circular == 0.0 and all(r.circular is False for r in records)
    as_given = replace(cfg, permutations=1)
    rag_as_given = [a for a in arms_for(as_given) if a.name == "rag@1"][0]
    one = answer_arm(as_given, rag_as_given, ITEMS, FakeGenerator(reply), GoldRetriever(), tmp_path / "one",
                  progress=False)[0]
    assert [r.prompt_tokens for r in records] == [3 * r.prompt_tokens for r in one]  # a prompt per order counted
    assert all(r.correct and r.circular is None for r in one)
    text = to_markdown(build_report(cfg, records, {}, {}))
    assert "CircularEval (right under every option order): rag@1 0.0 %" in text
    assert cfg.digest() != config(tmp_path, tiny_model_dir).digest()


def test_by_default_one_vote_is_the_calibrated_option_scores_of_the_chosen_method(tmp_path, tiny_model_dir):
    cfg = config(tmp_path, tiny_model_dir)
    raw = yaml.safe_load((tmp_path / "bench.yaml").read_text())
    for key in ("score", "calibrate", "fallback"):
        del raw[key]
    (tmp_path / "bench.yaml").write_text(yaml.safe_dump(raw))
    default = load_config(tmp_path / "bench.yaml")
    assert (default.score, default.calibrate, default.fallback) == ("auto", "fitted", "score")
    base1 = arms_for(default)[0]
    assert base1.recipe.sampling.n == 0 and base1.recipe.score == "auto"
    gen = FakeGenerator(scores=lambda p, item, m: {x: (0.5 if x == "A" else 0.0) + (0.2 if x == item.answer else 0.0)
                                                   for x in item.letters})
    blind = answer_arm(default, base1, ITEMS, gen, None, tmp_path / "blind", progress=False)[0]
    assert all(r.correct for r in blind)  # no solved examples: batch calibration, the habit for "A" divided out
    assert {c["score"] for c in gen.calls} == {BLIND_SCORE}  # and the method measured best on average
    solved = [Item(f"t{i}", f"Solved {i}?", ("red", "green", "blue"), "ABC"[i % 3]) for i in range(60)]
    gen.calls.clear()
    fitted = answer_arm(default, base1, ITEMS, gen, None, tmp_path / "fitted", progress=False, examples=solved)[0]
    assert all(r.correct for r in fitted)  # the map fitted on the solved items
    assert {c["score"] for c in gen.calls} == set(SCORE_CANDIDATES)  # each candidate judged on the examples
    assert default.digest() != cfg.digest()


def test_an_adapters_arm_fits_its_calibration_on_training_items_the_adapter_did_not_see(tmp_path, tiny_model_dir):
    from dataclasses import replace

    from ragreason.experiment.answer_arm import fit_examples

    cfg = config(tmp_path, tiny_model_dir)
    train = [Item(f"t{i}", "?", ("x", "y"), "AB"[i % 2]) for i in range(10)]
    base = arms_for(cfg)[0]
    ft = replace(base, condition="ft", recipe=replace(base.recipe, adapter="ft"))
    limited = replace(cfg, finetune=replace(cfg.finetune, train_limit=6))
    assert [i.id for i in fit_examples(limited, ft, train)] == ["t6", "t7", "t8", "t9"]
    assert len(fit_examples(limited, base, train)) == 10
    assert len(fit_examples(cfg, ft, train)) == 10  # every item trained the adapter: nothing else to fit on
