"""``TransformersGenerator`` on the packaged SmolLM2: batching with left padding changes nothing,
n samples per prompt, stop strings, adapters, option scores independent of the batch."""

from __future__ import annotations

import pytest

from ragreason.generate import TransformersGenerator, UnknownAdapterError
from ragreason.prompt import PromptBuilder
from ragreason.types import Item, Prompt

QUESTIONS = ["Hi.", "What is the capital of France? Answer in one word.",
             "Which number is larger, 7 or 3? Reply with the number only, then explain why in one sentence."]
PROMPTS = [Prompt(f"q{i}", ({"role": "user", "content": q},), "direct-en") for i, q in enumerate(QUESTIONS)]
ITEMS = [Item("s1", "Which number is larger?", ("3", "7")), Item("s2", "Capital of France?", ("Berlin", "Paris"))]
ITEM_PROMPTS = [Prompt(i.id, ({"role": "user", "content": f"{i.question}\nA. {i.options[0]}\nB. {i.options[1]}"},),
                       "direct-en") for i in ITEMS]


@pytest.fixture(scope="module")
def hf(default_llm, smol_adapters):
    return TransformersGenerator(default_llm, adapters={"rnd1": smol_adapters["rnd1"]}, dtype="float32",
                                 batch_size=4, threads=1)


def test_a_batch_gives_what_one_prompt_at_a_time_gives(hf):
    batched = [g[0].text for g in hf.generate(PROMPTS, max_tokens=8)]
    single = [hf.generate([p], max_tokens=8)[0][0].text for p in PROMPTS]
    assert batched == single and len(set(batched)) == len(batched)


def test_n_samples_per_prompt_with_counts_and_logprobs(hf, default_llm):
    out = hf.generate(PROMPTS[:2], n=3, temperature=0.9, max_tokens=6)
    assert [[(g.item_id, g.sample) for g in gens] for gens in out] == [[("q0", k) for k in range(3)],
                                                                       [("q1", k) for k in range(3)]]
    g = out[1][0]
    assert g.model == str(default_llm) and g.adapter is None and 1 <= g.completion_tokens <= 6
    assert g.prompt_tokens > 10 and g.latency_s > 0 and g.logprob is not None and g.logprob < 0


def test_stop_strings_and_adapters(hf):
    free = hf.generate(PROMPTS[1:2], max_tokens=6)[0][0].text
    assert hf.generate(PROMPTS[1:2], max_tokens=6, stop=[" "])[0][0].text == free.split(" ")[0]
    base = hf.generate(PROMPTS[1:2], max_tokens=6)[0][0].text
    assert hf.generate(PROMPTS[1:2], max_tokens=6, adapter="rnd1")[0][0].text != base
    with pytest.raises(UnknownAdapterError):
        hf.generate(PROMPTS, adapter="rnd2")


@pytest.mark.parametrize("method", ["label", "text", "cloze", "cloze-pmi"])
def test_option_scores_do_not_depend_on_the_batch(hf, method):
    prompts = PromptBuilder("direct").for_scoring(method).build_many(ITEMS) if method.startswith("cloze") \
        else ITEM_PROMPTS
    together = hf.score_options(prompts, ITEMS, method=method)
    apart = [hf.score_options([p], [i], method=method)[0] for p, i in zip(prompts, ITEMS, strict=True)]
    for a, b in zip(together, apart, strict=True):
        assert a == pytest.approx(b, abs=1e-4)
    log_probabilities = method != "cloze-pmi"  # a PMI score is a ratio of them: either sign
    assert all(set(s) == set(i.letters) and all(v < 0 or not log_probabilities for v in s.values())
               for s, i in zip(together, ITEMS, strict=True))


def test_constrained_samples_stay_in_their_choices_and_greedy_follows_label_scores(hf):
    choices = [["Answer: A", "Answer: B"], ["Answer: A", "Answer: B"]]
    out = hf.generate(ITEM_PROMPTS, n=10, temperature=1.5, choices=choices)
    assert all({g.text for g in gens} <= set(allowed) for gens, allowed in zip(out, choices, strict=True))
    assert all(g.logprob is not None and g.completion_tokens >= 1 for gens in out for g in gens)
    greedy = hf.generate(ITEM_PROMPTS, choices=choices)
    labels = hf.score_options(ITEM_PROMPTS, ITEMS, method="label")
    assert [g[0].text for g in greedy] == [f"Answer: {max(s, key=s.get)}" for s in labels]
