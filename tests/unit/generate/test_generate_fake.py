"""``FakeGenerator`` keeps the ``Generator`` contract: shapes, order, checks, scripted replies."""

from __future__ import annotations

import pytest

from ragreason.generate import FakeGenerator, UnknownAdapterError
from ragreason.types import Item, Prompt

ITEMS = [Item("a", "Q?", ("x", "y")), Item("b", "Q2?", ("x", "y", "z"))]
PROMPTS = [Prompt(i.id, ({"role": "user", "content": i.question},), "direct-en") for i in ITEMS]


def test_replies_per_item_and_sample_in_prompt_order():
    gen = FakeGenerator({"a": ["Answer: A", "Answer: B"], "b": "Answer: C"}, adapters=["ft"])
    out = gen.generate(PROMPTS, n=3, temperature=0.7, adapter="ft", stop=[":"])
    assert [[g.text for g in gens] for gens in out] == [["Answer", "Answer", "Answer"], ["Answer"] * 3]
    out = gen.generate(PROMPTS, n=3, temperature=0.7)
    assert [g.text for g in out[0]] == ["Answer: A", "Answer: B", "Answer: A"]
    assert [g.sample for g in out[1]] == [0, 1, 2] and out[1][0].prompt_template == "direct-en"
    assert gen.calls[0]["adapter"] == "ft" and gen.calls[1]["n"] == 3


def test_the_same_checks_as_real_backends():
    gen = FakeGenerator()
    with pytest.raises(UnknownAdapterError):
        gen.generate(PROMPTS, adapter="ft")
    with pytest.raises(ValueError, match="temperature 0"):
        gen.generate(PROMPTS, n=2)
    with pytest.raises(ValueError, match="scoring method"):
        gen.score_options(PROMPTS, ITEMS, method="logit")
    with pytest.raises(ValueError, match="paired with item"):
        gen.score_options(PROMPTS[::-1], ITEMS)


def test_scores_and_reply_functions():
    gen = FakeGenerator(lambda p, k, a: f"{p.item_id}-{k}", scores={"b": {"C": -0.5}})
    assert gen.generate(PROMPTS[:1], n=2, temperature=1.0)[0][1].text == "a-1"
    assert gen.score_options(PROMPTS, ITEMS) == [{"A": 0.0, "B": 0.0}, {"A": 0.0, "B": 0.0, "C": -0.5}]
