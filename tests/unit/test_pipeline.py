import json
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scripted import ScriptedGenerator

from ragreason import PromptSpec, Recipe, RunOptions, Sampling, answer
from ragreason.data.errors import DataError
from ragreason.generate import FakeGenerator
from ragreason.results import JsonlLog
from ragreason.types import Context, Document, Hit, Item
from ragreason.vote import Voter

ITEMS = [Item(f"q{i}", f"Question {i}?", ("yes", "no", "maybe"), "A") for i in range(5)]
SCRIPT = {
    "q0": ["Answer: A", "Answer: B", "Answer: A"],
    "q1": ["Answer: C"],
    "q2": ["gibberish"],
    "q3": ["The answer is maybe."],  # option text quoted verbatim
    "q4": ["Answer: B", "Answer: A"],  # a tie: the first voted wins
}


class Retriever:
    def __init__(self):
        self.calls = []

    def retrieve_many(self, items, top_k=None):
        self.calls.append(([i.id for i in items], top_k))
        return [Context(i.id, (Hit(Document.from_text(f"fact for {i.id}", "kb.md"), 0.9, "dense"),)) for i in items]


def test_answers_in_item_order_with_votes_abstentions_and_context():
    gen, retriever = ScriptedGenerator(SCRIPT), Retriever()
    answers = answer(ITEMS, Recipe(prompt=PromptSpec("reasoning-en"), sampling=Sampling(n=3), top_k=4), generator=gen,
                     retriever=retriever, progress=False, options=RunOptions(batch_size=2))
    assert [a.item_id for a in answers] == [i.id for i in ITEMS]
    assert [a.choice for a in answers] == ["A", "C", None, "C", "B"]
    assert answers[0].votes == {"A": 2.0, "B": 1.0} and answers[2].abstentions == 3
    assert len(answers[0].generations) == 3 and answers[0].context.hits[0].doc.text == "fact for q0"
    assert gen.calls == [["q0", "q1"], ["q2", "q3"], ["q4"]]  # batched, one call per batch
    assert retriever.calls[0] == (["q0", "q1"], 4)


def test_option_scores_vote_alongside_or_instead_of_samples():
    scores = {i.id: {"A": -0.1, "B": -2.0, "C": -3.0} for i in ITEMS}
    gen = ScriptedGenerator(SCRIPT, scores=scores)
    only = answer(ITEMS, Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=0), score="text"), generator=gen,
                  progress=False)
    assert [a.choice for a in only] == ["A"] * 5 and gen.calls == []
    both = answer(ITEMS[:2], Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=1), score="text"),
                  generator=gen, progress=False)
    assert both[1].by_source["score:text"] == {"A": 1} and both[1].votes == {"C": 1.0, "A": 1.0}
    with pytest.raises(ValueError, match=r"Sampling\(n=0\) needs a score"):
        answer(ITEMS, Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=0)), generator=gen)


def test_sampling_defaults_and_checks():
    assert Sampling(n=1).effective_temperature == 0.0 and Sampling(n=5).effective_temperature == 0.7
    with pytest.raises(ValueError, match="max_tokens"):
        Sampling(max_tokens=0)
    with pytest.raises(ValueError, match="appears twice"):
        answer([ITEMS[0], ITEMS[0]], Recipe(prompt=PromptSpec("reasoning")), generator=ScriptedGenerator(SCRIPT))


def test_out_file_resumes_without_redoing_work(tmp_path):
    out = tmp_path / "answers.jsonl"
    first = answer(ITEMS[:3], Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=3)),
                   generator=ScriptedGenerator(SCRIPT), out=out, progress=False)
    gen = ScriptedGenerator(SCRIPT)
    second = answer(ITEMS, Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=3)), generator=gen, out=out,
                    progress=False)
    assert gen.calls == [["q3", "q4"]]
    assert second[:3] == first
    lines = out.read_text().splitlines()
    assert [json.loads(line)["item_id"] for line in lines] == ["q0", "q1", "q2", "q3", "q4"]


def test_a_changed_configuration_does_not_reuse_stale_answers(tmp_path):
    out = tmp_path / "answers.jsonl"
    answer(ITEMS[:2], Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=3)),
           generator=ScriptedGenerator(SCRIPT), out=out, progress=False)
    with pytest.raises(ValueError, match="different configuration"):
        answer(ITEMS, Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=5)),
               generator=ScriptedGenerator(SCRIPT), out=out, progress=False)
    with pytest.raises(ValueError, match="different configuration"):
        answer(ITEMS, Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=3), voter=Voter("first")),
               generator=ScriptedGenerator(SCRIPT), out=out, progress=False)


def test_torn_last_line_is_cut_and_redone(tmp_path):
    out = tmp_path / "answers.jsonl"
    answer(ITEMS[:2], Recipe(prompt=PromptSpec("reasoning")), generator=ScriptedGenerator(SCRIPT), out=out,
           progress=False)
    with out.open("a") as handle:
        handle.write('{"item_id": "q2", "choice": "A", "vo')  # the crash tore this line
    gen = ScriptedGenerator(SCRIPT)
    answers = answer(ITEMS[:3], Recipe(prompt=PromptSpec("reasoning")), generator=gen, out=out, progress=False)
    assert gen.calls == [["q2"]] and answers[2].choice is None
    assert [json.loads(line)["item_id"] for line in out.read_text().splitlines()] == ["q0", "q1", "q2"]


def test_corrupt_middle_line_is_an_error_naming_the_line(tmp_path):
    out = tmp_path / "answers.jsonl"
    out.write_text('{"item_id": "a"}\nnot json\n{"item_id": "b"}\n')
    with pytest.raises(DataError, match=r"answers\.jsonl:2: corrupt record"):
        JsonlLog(out)


def test_complete_last_line_without_newline_is_kept(tmp_path):
    out = tmp_path / "answers.jsonl"
    out.write_text('{"item_id": "a"}\n{"item_id": "b"}')
    log = JsonlLog(out)
    assert set(log.records) == {"a", "b"} and out.read_text().endswith("}\n")


def test_kill_and_resume_loses_and_duplicates_nothing(tmp_path):
    """A real crash: SIGKILL the process while it writes, tear its last line, then resume."""
    out = tmp_path / "answers.jsonl"
    worker = Path(__file__).with_name("resume_worker.py")
    proc = subprocess.Popen([sys.executable, str(worker), str(out), "0.4"])
    deadline = time.time() + 60
    while time.time() < deadline and (not out.exists() or len(out.read_text().splitlines()) < 4):
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    before = out.read_text().splitlines()
    assert 4 <= len(before) < 12, "the worker should be killed part-way"
    with out.open("a") as handle:
        handle.write('{"item_id": "q11", "cho')
    subprocess.run([sys.executable, str(worker), str(out), "0"], check=True)
    after = [json.loads(line) for line in out.read_text().splitlines()]
    ids = [r["item_id"] for r in after]
    assert sorted(ids, key=lambda s: int(s[1:])) == [f"q{i}" for i in range(12)]  # all, each once
    assert [json.loads(line) for line in before] == after[: len(before)]  # nothing redone
    assert all(r["choice"] == "A" and r["votes"] == {"A": 2.0, "B": 1.0} for r in after)


def test_separate_calls_reader_and_record_extras(tmp_path):
    gen = ScriptedGenerator(SCRIPT)
    out = tmp_path / "a.jsonl"

    def first_letter(item, text):
        return text[-1] if text[-1] in item.letters else "A"  # a crude reader with a fallback

    answers = answer(ITEMS[:2],
                     Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=3, separate=True), reader=first_letter),
                     generator=gen, out=out, progress=False,
                     options=RunOptions(record_extra=lambda item, a: {"gold": item.answer,
                                                                      "correct": a.choice == item.answer}))
    assert gen.calls == [["q0", "q1"]] * 3  # three calls of one sample each
    assert [g.sample for g in answers[0].generations] == [0, 1, 2]
    assert answers[0].votes == {"A": 3.0}  # each one-sample call returns the first scripted text
    assert answers[1].choice == "C"
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["gold"], r["correct"]) for r in rows] == [("A", True), ("A", False)]


def test_a_fallback_answers_what_no_vote_named_and_says_so(tmp_path):
    from ragreason.data import LetterPrior
    from ragreason.generate import FakeGenerator
    from ragreason.vote import Fallback

    train = [Item(f"t{i}", "Train?", ("yes", "no", "maybe"), "C") for i in range(3)]
    out = tmp_path / "answers.jsonl"
    plain = answer(ITEMS, Recipe(prompt=PromptSpec("reasoning")), generator=ScriptedGenerator(SCRIPT), progress=False)
    assert [a.choice for a in plain] == ["A", "C", None, "C", "B"]
    prior = Fallback("prior", LetterPrior.fit(train))
    by_prior = answer(ITEMS, Recipe(prompt=PromptSpec("reasoning"), fallback=prior),
                      generator=ScriptedGenerator(SCRIPT), out=out, progress=False)
    assert [a.choice for a in by_prior] == ["A", "C", "C", "C", "B"]
    assert [a.fallback for a in by_prior] == [None, None, "prior", None, None]
    assert by_prior[2].by_source["fallback:prior"] == {"C": 1} and by_prior[2].abstentions == 1
    resumed = answer(ITEMS, Recipe(prompt=PromptSpec("reasoning"), fallback=prior), generator=ScriptedGenerator(SCRIPT),
                     out=out, progress=False)
    assert [(a.choice, a.fallback) for a in resumed] == [(a.choice, a.fallback) for a in by_prior]
    with pytest.raises(ValueError, match="different configuration"):  # a fallback decides answers: another key
        answer(ITEMS, Recipe(prompt=PromptSpec("reasoning")), generator=ScriptedGenerator(SCRIPT), out=out,
               progress=False)

    gen = FakeGenerator(dict(SCRIPT), scores={"q2": {"A": -3.0, "B": -0.5, "C": -2.0}})
    by_score = answer(ITEMS, Recipe(prompt=PromptSpec("reasoning"), fallback=Fallback("score")), generator=gen,
                      progress=False)
    assert [a.choice for a in by_score] == ["A", "C", "B", "C", "B"] and by_score[2].fallback == "score"
    scoring = [c for c in gen.calls if c["method"] == "score_options"]
    assert scoring == [{"method": "score_options", "prompts": 1, "score": "text", "adapter": None}]  # only q2
    with pytest.raises(ValueError, match="needs a LetterPrior"):
        Fallback("prior")
    with pytest.raises(ValueError, match="fallback must be one of"):
        Fallback("guess")


def test_no_fallback_keeps_the_run_key_answer_files_were_written_under():
    from ragreason.pipeline import run_key
    from ragreason.vote import Fallback

    gen = ScriptedGenerator(SCRIPT)
    key = lambda **given: run_key(Recipe(prompt=PromptSpec("reasoning"), **given), gen, None)  # noqa: E731
    assert key() == key(fallback=Fallback()) != key(fallback=Fallback("score"))


COLOURS = [Item(f"c{i}", f"Which colour is number {i}?", ("red", "green", "blue", "black"), "ABCD"[i % 4])
           for i in range(6)]


def _knows(prompt, sample, adapter):
    """A model that names whichever letter the gold colour is shown under, in any order."""
    item = next(i for i in COLOURS if i.id == prompt.item_id)
    gold = item.option(item.answer)
    text = prompt.messages[-1]["content"]
    letter = next(line[0] for line in text.splitlines() if line[1:3] == ". " and line[3:] == gold)
    return f"Answer: {letter}"


def test_permutation_votes_map_back_to_the_original_letters():
    from ragreason.generate import FakeGenerator
    from ragreason.orders import Permutations

    gen = FakeGenerator(_knows)
    answers = answer(COLOURS, Recipe(prompt=PromptSpec("direct-en"), permutations=4), generator=gen, progress=False)
    assert [a.choice for a in answers] == [i.answer for i in COLOURS]
    assert all(a.by_order == (i.answer,) * 4 and a.votes == {i.answer: 4.0}
               for a, i in zip(answers, COLOURS, strict=True))
    assert [c["prompts"] for c in gen.calls] == [24]  # every order of every item in one engine call
    assert {g.order for g in answers[0].generations} == {(0, 1, 2, 3), (1, 2, 3, 0), (2, 3, 0, 1), (3, 0, 1, 2)}
    habit = answer(COLOURS, Recipe(prompt=PromptSpec("direct-en"), permutations=Permutations(4)),
                   generator=FakeGenerator(default="Answer: A"), progress=False)
    assert all(a.by_order == ("A", "B", "C", "D") for a in habit)  # "A" under each shift is another option
    random = answer(COLOURS, Recipe(prompt=PromptSpec("direct-en"), permutations=Permutations(3, "random", seed=1)),
                    generator=FakeGenerator(_knows), progress=False)
    assert [a.choice for a in random] == [i.answer for i in COLOURS]


def test_permuted_scores_are_mapped_back_and_averaged_and_keys_record_the_orders(tmp_path):
    from ragreason.generate import FakeGenerator
    from ragreason.pipeline import run_key
    from ragreason.results import answer_from_record

    def scores(prompt, item, method):  # prefers the gold colour wherever it is shown
        gold = next(i for i in COLOURS if i.id == item.id)
        return {letter: (1.0 if item.option(letter) == gold.option(gold.answer) else 0.0) for letter in item.letters}

    out = tmp_path / "a.jsonl"
    answers = answer(COLOURS,
                     Recipe(prompt=PromptSpec("direct-en"), sampling=Sampling(n=0), score="text", permutations=2),
                     generator=FakeGenerator(scores=scores), out=out, progress=False)
    assert [a.choice for a in answers] == [i.answer for i in COLOURS]
    assert all(len(a.by_order) == 2 and set(a.by_order) == {i.answer} for a, i in zip(answers, COLOURS, strict=True))
    assert answer_from_record(JsonlLog(out).records["c1"]) == answers[1]
    from ragreason.orders import Permutations

    key = lambda **given: run_key(Recipe(prompt=PromptSpec("reasoning"), **given), FakeGenerator(), None)  # noqa: E731
    assert key(permutations=Permutations(1)) == key() != key(permutations=Permutations(2))


def test_calibrated_scoring_divides_out_a_letter_habit():
    import math

    from ragreason.generate import FakeGenerator

    bias = (0.7, 0.15, 0.1, 0.05)

    def habit(prompt, item, method):  # a strong "A" habit, plus a small real preference for the gold colour
        gold = next(i for i in COLOURS if i.id == item.id)
        return {letter: math.log(bias[j]) + (0.8 if item.option(letter) == gold.option(gold.answer) else 0.0)
                for j, letter in enumerate(item.letters)}

    plain = answer(COLOURS, Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=0), score="label"),
                   generator=FakeGenerator(scores=habit), progress=False)
    assert [a.choice for a in plain] == ["A"] * 6
    gen = FakeGenerator(scores=habit)
    fixed = answer(COLOURS,
                   Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=0), score="label", calibrate="pride"),
                   generator=gen, progress=False)
    assert [a.choice for a in fixed] == [i.answer for i in COLOURS]
    estimation = [c for c in gen.calls if c["method"] == "score_options"][0]
    assert estimation["prompts"] == 6 * 4  # fewer than 8 items of 4 options: all of them, under 4 rotations
    many = [Item(f"m{i}", f"Which colour is number {i}?", COLOURS[0].options, "ABCD"[i % 4]) for i in range(40)]

    def habit_many(prompt, item, method):
        gold = next(i for i in many if i.id == item.id)
        return {letter: math.log(bias[j]) + (0.8 if letter == gold.answer else 0.0)
                for j, letter in enumerate(item.letters)}

    batch = FakeGenerator(scores=habit_many)
    by_mean = answer(many,
                     Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=0), score="label", calibrate="batch"),
                     generator=batch, progress=False, options=RunOptions(batch_size=64))
    assert [a.choice for a in by_mean] == [i.answer for i in many]
    assert [c["prompts"] for c in batch.calls] == [40]  # one pass: the scores of the mean answer the items too
    with pytest.raises(ValueError, match="use calibrate='pride'"):
        answer(COLOURS, Recipe(prompt=PromptSpec("reasoning"), score="label", calibrate="batch", permutations=2),
               generator=batch)
    with pytest.raises(ValueError, match="calibrate: must be one of"):
        answer(COLOURS, Recipe(prompt=PromptSpec("reasoning"), score="label", calibrate="platt"), generator=batch)


def test_constrained_samples_are_always_an_answer_line():
    from ragreason.generate import FakeGenerator

    gen = FakeGenerator(default="Let me think... the answer is probably the second one")
    answers = answer(ITEMS, Recipe(prompt=PromptSpec("direct-zh"), sampling=Sampling(n=2, constrained=True)),
                     generator=gen, progress=False)
    assert all(a.choice == "A" and a.abstentions == 0 for a in answers)  # the fake falls to the first allowed text
    assert gen.calls[0]["choices"][0] == ["答案是：A", "答案是：B", "答案是：C"]
    free = answer(ITEMS, Recipe(prompt=PromptSpec("direct-zh"), sampling=Sampling(n=2)),
                  generator=FakeGenerator(default=gen.default), progress=False)
    assert all(a.choice is None for a in free)


def test_a_score_fallback_leaves_no_question_of_the_submission_blank(tmp_path):
    from ragreason.data.submission import write_submission
    from ragreason.generate import FakeGenerator
    from ragreason.types import Problem
    from ragreason.vote import Fallback

    problem = Problem("p", "A story.", tuple(COLOURS))
    silent = FakeGenerator(default="I cannot tell.", scores={i.id: {i.answer: 1.0} for i in COLOURS})
    kept = answer(COLOURS, Recipe(prompt=PromptSpec("reasoning"), calibrate="pride", fallback=Fallback("score")),
                  generator=silent, progress=False)
    assert all(a.choice == i.answer and a.fallback == "score" for a, i in zip(kept, COLOURS, strict=True))
    report = write_submission([problem], {a.item_id: a.choice for a in kept}, tmp_path / "s.jsonl")
    assert report.unanswered == ()
    blank = answer(COLOURS, Recipe(prompt=PromptSpec("reasoning"), fallback=Fallback("none")), generator=silent,
                   progress=False)
    assert len(write_submission([problem], {a.item_id: a.choice for a in blank}, tmp_path / "b.jsonl").unanswered) == 6


def test_the_gold_letter_prior_decides_only_where_the_calibrated_evidence_is_weak():
    from ragreason.data import LetterPrior
    from ragreason.generate import FakeGenerator

    train = [Item(f"t{i}", "?", ("w", "x", "y", "z"), "C" if i % 3 else "A") for i in range(30)]  # C 2/3, A 1/3
    prior = LetterPrior.fit(train)
    assert prior.shares[4]["C"] == 21 / 34 and prior.shares[4]["B"] == 1 / 34

    def evidence(strength):
        def scores(prompt, item, method):  # no position habit; some evidence for the gold colour
            gold = next(i for i in COLOURS if i.id == item.id)
            return {x: strength if item.option(x) == gold.option(gold.answer) else 0.0 for x in item.letters}
        return scores

    weighed = Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=0), score="text", calibrate="pride",
                     prior=True)
    weak = answer(COLOURS, weighed, generator=FakeGenerator(scores=evidence(0.1)), examples=train, progress=False)
    assert [a.choice for a in weak] == ["C", "C", "C", "C", "C", "C"]  # C (2/3 of the golds) outweighs 0.1
    strong = answer(COLOURS, weighed, generator=FakeGenerator(scores=evidence(5.0)), examples=train, progress=False)
    assert [a.choice for a in strong] == [i.answer for i in COLOURS]
    with pytest.raises(ValueError, match="prior weighs batch- or PriDe-calibrated"):
        Recipe(score="text", prior=True)
    with pytest.raises(ValueError, match="prior=True needs examples"):
        answer(COLOURS, weighed, generator=FakeGenerator(), progress=False)


def test_a_slice_calibrated_on_the_whole_answers_as_the_whole_does():
    """Batch calibration over ``calibrate_on``: a slice answered first matches the whole run; over the slice
    alone the mean it divides out is another one (and here the answers differ)."""
    rng = random.Random(3)
    items = [Item(f"s{i}", f"Question {i}?", ("x", "y", "z"), rng.choice("ABC")) for i in range(60)]
    habit = {"A": 1.2, "B": 0.0, "C": -0.6}

    def scores(prompt, item, method):
        gold = next(i for i in items if i.id == item.id).answer
        lean = 3.0 if int(item.id[1:]) >= 20 else 0.0  # the rest leans hard to A: the slice's own mean differs
        return {letter: habit[letter] + (lean if letter == "A" else 0.0) + (0.9 if letter == gold else 0.0)
                for letter in item.letters}

    recipe = Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=0), score="label", calibrate="batch")
    whole = answer(items, recipe, generator=FakeGenerator(scores=scores), progress=False)
    sliced = answer(items[:20], recipe, generator=FakeGenerator(scores=scores), progress=False,
                    options=RunOptions(calibrate_on=items))
    alone = answer(items[:20], recipe, generator=FakeGenerator(scores=scores), progress=False)
    assert [a.choice for a in sliced] == [a.choice for a in whole[:20]]
    assert [a.choice for a in alone] != [a.choice for a in sliced]


def test_scored_answers_carry_their_scoring_time_through_a_resume(tmp_path):
    """Option scoring generates no text, so no Generation holds its time: each answer records its share of the
    scoring calls (and the fallback's), written to the answers file and read back on resume."""

    class Slow(FakeGenerator):
        def score_options(self, prompts, items, method="text", adapter=None):
            time.sleep(0.02 * len(prompts))
            return super().score_options(prompts, items, method, adapter)

    gen = Slow(scores=lambda prompt, item, method: {"A": 0.0, "B": -1.0, "C": -2.0})
    recipe = Recipe(prompt=PromptSpec("direct-en"), sampling=Sampling(n=0), score="label")
    out = tmp_path / "a.jsonl"
    first = answer(ITEMS, recipe, generator=gen, out=out, progress=False, options=RunOptions(batch_size=2))
    assert all(0.015 < a.scoring_s < 0.5 for a in first)
    again = answer(ITEMS, recipe, generator=Slow(), out=out, progress=False)
    assert [a.scoring_s for a in again] == pytest.approx([a.scoring_s for a in first], abs=1e-6)
    sampled = answer(ITEMS, Recipe(prompt=PromptSpec("direct-en"), sampling=Sampling(n=1)), generator=gen,
                     progress=False)
    assert all(a.scoring_s == 0.0 for a in sampled)  # nothing scored: its time is in the generations
    calibrated = answer(ITEMS, Recipe(prompt=PromptSpec("direct-en"), sampling=Sampling(n=0), score="label",
                                      calibrate="batch"), generator=gen, progress=False)
    assert all(a.scoring_s > 0.015 for a in calibrated)  # the calibration scored them, before the answering
