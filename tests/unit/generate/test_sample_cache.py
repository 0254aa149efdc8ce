"""``SampleCache``: maj@k from the first k of n kept samples equals voting over those k samples, with one
model call; other settings, or more samples than kept, draw afresh."""

from collections import Counter

from ragreason import PromptSpec, Recipe, Sampling, answer
from ragreason.generate import FakeGenerator, SampleCache
from ragreason.types import Item

ITEMS = [Item("q1", "Which?", ("x", "y", "z")), Item("q2", "Which?", ("x", "y", "z"))]
# maj@5 and maj@3 differ on both items, so reusing all five (or others than the first three) fails
REPLIES = {"q1": [f"Answer: {x}" for x in "ABBAA"], "q2": [f"Answer: {x}" for x in "CCAAA"]}


def run(generator, n, temperature=0.7):
    return answer(ITEMS,
                  Recipe(prompt=PromptSpec("direct"), sampling=Sampling(n=n, temperature=temperature, max_tokens=16)),
                  generator=generator, progress=False)


def test_fewer_votes_take_the_first_samples_of_the_larger_draw():
    fake = FakeGenerator(REPLIES)
    cache = SampleCache(fake)
    five = run(cache, 5)
    three = run(cache, 3)
    assert [c["n"] for c in fake.calls if c["method"] == "generate"] == [5]  # one draw for both
    assert cache.reused == 3 * len(ITEMS)
    for a5, a3 in zip(five, three, strict=True):
        first = [g.text for g in a5.generations[:3]]
        assert [g.text for g in a3.generations] == first
        assert a3.choice == Counter(t.split(": ")[1] for t in first).most_common(1)[0][0]
    assert [a.choice for a in five] == ["A", "A"] and [a.choice for a in three] == ["B", "C"]


def test_other_settings_or_more_samples_draw_afresh():
    fake = FakeGenerator(REPLIES)
    cache = SampleCache(fake)
    run(cache, 3)
    run(cache, 3, temperature=1.0)  # another setting: its own samples
    run(cache, 5)  # more than kept: all five drawn again
    run(cache, 2)
    assert [c["n"] for c in fake.calls if c["method"] == "generate"] == [3, 3, 5]
    assert cache.model_name == "fake"  # the rest passes through


def test_draw_at_least_lets_the_smaller_vote_size_go_first():
    fake = FakeGenerator(REPLIES)
    cache = SampleCache(fake)
    cache.draw_at_least = 5
    three = run(cache, 3)
    five = run(cache, 5)
    greedy = run(cache, 1, temperature=0.0)
    assert [c["n"] for c in fake.calls if c["method"] == "generate"] == [5, 1]  # greedy draws stay single
    assert [a.choice for a in three] == ["B", "C"] and [a.choice for a in five] == ["A", "A"]
    assert len(greedy[0].generations) == 1


def test_option_scores_are_kept_per_prompt():
    fake = FakeGenerator(scores={"q1": {"B": 1.0}, "q2": {"C": 1.0}})
    cache = SampleCache(fake)
    sampling = Sampling(n=0)
    first = answer(ITEMS, Recipe(prompt=PromptSpec("direct"), sampling=sampling, score="label"), generator=cache,
                   progress=False)
    again = answer(ITEMS, Recipe(prompt=PromptSpec("direct"), sampling=sampling, score="label"), generator=cache,
                   progress=False)
    assert [a.choice for a in first] == [a.choice for a in again] == ["B", "C"]
    assert sum(c["prompts"] for c in fake.calls if c["method"] == "score_options") == 2 and cache.scored == 2
