"""Letters or cloze, chosen on the solved examples: the method that answers them best in cross-validation
answers the items, on the prompts of its own formulation; without enough examples, the blind default."""

from __future__ import annotations

from ragreason import PromptSpec, Recipe, Sampling, answer
from ragreason.calibrate.formulation import choose_method
from ragreason.generate import FakeGenerator
from ragreason.policy import BLIND_SCORE, SCORE_CANDIDATES
from ragreason.prompt import PromptBuilder
from ragreason.types import Item


def solved(n: int, prefix: str = "t") -> list[Item]:
    return [Item(f"{prefix}{i}", f"Who is {i}?", ("red", "green", "blue", "grey"), "ABCD"[i % 4]) for i in range(n)]


def knowing_cloze(prompt, item, method):
    """Cloze prompts (options not listed) point at the gold; letter prompts at "A" whatever the gold."""
    if prompt.meta.get("cloze"):
        return {x: (1.0 if x == item.answer else 0.0) for x in item.letters}
    return {x: (1.0 if x == "A" else 0.0) for x in item.letters}


def test_the_method_that_answers_the_examples_best_in_cross_validation_is_chosen():
    gen = FakeGenerator(scores=knowing_cloze)
    choice = choose_method(SCORE_CANDIDATES, solved(80), "fitted", PromptBuilder("direct"), gen, None, None, None)
    assert choice is not None and choice.method != "label" and choice.method in SCORE_CANDIDATES
    assert choice.right["label"] < choice.right[choice.method] == 80 and choice.examples == 80
    assert "cross-validated on 80 solved examples" in choice.describe()


def test_too_few_examples_to_choose_on():
    gen = FakeGenerator(scores=knowing_cloze)
    assert choose_method(SCORE_CANDIDATES, solved(10), "fitted", PromptBuilder("direct"), gen, None, None, None) is None


def test_auto_answers_with_the_chosen_method_and_blind_without_examples():
    gen = FakeGenerator(scores=knowing_cloze)
    items = solved(12, prefix="q")
    answers = answer(items,
                     Recipe(prompt=PromptSpec("direct"), sampling=Sampling(n=0), score="auto", calibrate="fitted"),
                     generator=gen, examples=solved(80), progress=False)
    assert all(a.choice == i.answer for a, i in zip(answers, items, strict=True))
    (source,) = {k for a in answers for k in a.by_source}
    assert source.startswith("score:cloze")
    blind = answer(items, Recipe(prompt=PromptSpec("direct"), sampling=Sampling(n=0), score="auto"),
                   generator=FakeGenerator(scores=knowing_cloze), progress=False)
    assert {k for a in blind for k in a.by_source} == {f"score:{BLIND_SCORE}"}


def test_a_finished_run_resumes_without_choosing_again(tmp_path):
    items, examples = solved(12, prefix="q"), solved(80)
    first = FakeGenerator(scores=knowing_cloze)
    answer(items, Recipe(prompt=PromptSpec("direct"), sampling=Sampling(n=0), score="auto", calibrate="fitted"),
           generator=first, examples=examples, out=tmp_path / "a.jsonl", progress=False)
    again = FakeGenerator(scores=knowing_cloze)
    answer(items, Recipe(prompt=PromptSpec("direct"), sampling=Sampling(n=0), score="auto", calibrate="fitted"),
           generator=again, examples=examples, out=tmp_path / "a.jsonl", progress=False)
    assert first.calls and not again.calls
