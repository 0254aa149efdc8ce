"""The fitted calibration: a letter map learned from solved examples, then answers balanced to their shares."""

import random
from collections import Counter

import pytest

from ragreason import PromptSpec, Recipe
from ragreason.calibrate import LetterModel, balance_offsets, fitted_wins, log_softmax
from ragreason.generate import FakeGenerator
from ragreason.pipeline import answer, run_key
from ragreason.recipe import Sampling
from ragreason.types import Item

OPTIONS = ("True", "False", "Unknown")
SWAP = {"A": "B", "B": "A", "C": "C"}  # a model that reads True for False and False for True


def items(prefix, count, seed):
    rng = random.Random(seed)
    return [Item(f"{prefix}{i}", f"Statement {prefix}{i}?", OPTIONS, rng.choice("ABC")) for i in range(count)]


def swapped_scores(golds, habit=2.0, evidence=1.5, seed=0):
    """Scores with a strong habit for "A" and evidence for the *swapped* gold; deterministic per item id."""
    def scores(prompt, item, method):
        noise = random.Random(f"{seed}-{item.id}")
        said = SWAP[golds[item.id]]
        return {x: (habit if x == "A" else 0.0) + (evidence if x == said else 0.0) + noise.gauss(0, 0.5)
                for x in item.letters}
    return scores


def test_the_fitted_map_learns_a_swap_that_dividing_out_a_prior_cannot_undo():
    examples, test = items("e", 150, 1), items("t", 150, 2)
    golds = {i.id: i.answer for i in examples + test}
    generator = FakeGenerator(scores=swapped_scores(golds))
    right = {}  # accuracy on the True/False golds, the swapped ones
    for kind in (None, "batch", "fitted"):
        recipe = Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=0), score="label", calibrate=kind)
        found = answer(test, recipe, generator=generator, examples=examples if kind == "fitted" else None,
                       progress=False)
        pairs = [(a, i) for a, i in zip(found, test, strict=True) if i.answer in "AB"]
        right[kind] = sum(a.choice == i.answer for a, i in pairs) / len(pairs)
    assert right[None] < 0.6  # "A" for nearly everything
    assert right["batch"] < 0.2  # the habit is out, the swap is not
    assert right["fitted"] > 0.8


def test_the_fitted_answers_are_balanced_to_the_examples_letter_shares():
    """A model with a strong "A" habit and no evidence at all: the fitted map alone would answer the commonest
    letter of the examples everywhere; balanced, each letter gets its share of the examples' golds."""
    examples = [Item(f"e{i}", f"Solved {i}?", OPTIONS, "ABBC"[i % 4]) for i in range(200)]  # A 1/4, B 1/2, C 1/4
    test = items("t", 120, 3)

    def habit(prompt, item, method):
        noise = random.Random(item.id)
        return {x: (2.0 if x == "A" else 0.0) + noise.gauss(0, 0.3) for x in item.letters}

    found = answer(test,
                   Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=0), score="label", calibrate="fitted"),
                   generator=FakeGenerator(scores=habit), examples=examples, progress=False)
    counts = Counter(a.choice for a in found)
    assert abs(counts["B"] - 60) <= 2 and abs(counts["A"] - 30) <= 2 and abs(counts["C"] - 30) <= 2


def test_balance_offsets_split_the_answers_by_the_shares_and_keep_the_clear_ones():
    rng = random.Random(0)
    rows = [[2.0 + rng.gauss(0, 1), rng.gauss(0, 1), rng.gauss(0, 1), rng.gauss(0, 1)] for _ in range(400)]
    rows[0] = [0.0, 0.0, 50.0, 0.0]  # an item sure of C stays C
    prices = balance_offsets(rows, [0.4, 0.2, 0.2, 0.2])
    chosen = [max(range(4), key=lambda j: row[j] - prices[j]) for row in rows]
    assert [abs(chosen.count(j) - 400 * s) <= 2 for j, s in enumerate([0.4, 0.2, 0.2, 0.2])] == [True] * 4
    assert chosen[0] == 2 and sum(prices) == pytest.approx(0.0, abs=1e-9)
    capped = balance_offsets(rows, [0.4, 0.2, 0.2, 0.2], max_price=0.1)  # at a bounded price: partly balanced
    assert max(capped) - min(capped) <= 0.2 + 1e-9
    moved = [max(range(4), key=lambda j: row[j] - capped[j]) for row in rows]
    assert all(m == max(range(4), key=lambda j: row[j]) for m, row in zip(moved, rows, strict=True)
               if sorted(row)[-1] - sorted(row)[-2] > 0.2)  # a margin above twice the price is never moved
    assert chosen.count(0) < moved.count(0) < sum(row.index(max(row)) == 0 for row in rows)
    with pytest.raises(ValueError, match="sum to 1"):
        balance_offsets(rows, [0.5, 0.2, 0.2, 0.2])
    with pytest.raises(ValueError, match="one row of 3"):
        balance_offsets(rows, [0.4, 0.3, 0.3])


def test_a_letter_model_needs_enough_examples_with_every_letter():
    scores = [log_softmax({"A": 1.0, "B": 0.0}) for _ in range(40)]
    assert LetterModel.fit(scores[:10], ["A", "B"] * 5) is None  # too few
    assert LetterModel.fit(scores, ["A"] * 40) is None  # one letter only
    model = LetterModel.fit(scores, ["A", "B"] * 20)
    assert model is not None and model.examples == 40
    assert sum(2.718281828 ** v for v in model.log_posterior({"A": 0.3, "B": 0.1}).values()) == pytest.approx(1.0)


def test_fitted_calibration_checks_its_examples_and_keys_them():
    test, examples = items("t", 40, 4), items("e", 40, 5)
    golds = {i.id: i.answer for i in examples + test}
    generator = FakeGenerator(scores=swapped_scores(golds))
    fitted = Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=0), score="label", calibrate="fitted")
    with pytest.raises(ValueError, match="needs examples="):
        answer(test, fitted, generator=generator, progress=False)
    with pytest.raises(ValueError, match="needs examples="):
        answer(test, fitted, generator=generator, examples=test, progress=False)  # all leak: none is left to fit on
    with pytest.raises(ValueError, match="option orders"):
        Recipe(sampling=Sampling(n=0), score="label", calibrate="fitted", permutations=2)
    key = lambda solved: run_key(fitted, generator, None, examples=solved)  # noqa: E731
    assert key(examples) != key(examples[:-1])
    assert key(examples) == key(list(reversed(examples)))


def test_solved_examples_are_scored_once_per_generator_however_many_calls_fit_on_them():
    examples, test = items("e", 60, 6), items("t", 20, 7)
    golds = {i.id: i.answer for i in examples + test}

    class Counting(FakeGenerator):
        scored: list[str] = []

        def score_options(self, prompts, items, method="text", adapter=None):
            self.scored += [i.id for i in items]
            return super().score_options(prompts, items, method=method, adapter=adapter)

    generator = Counting(scores=swapped_scores(golds))
    for _ in range(2):
        answer(test, Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=0), score="label", calibrate="fitted"),
               generator=generator, examples=examples, progress=False)
    assert Counter(generator.scored) == Counter([i.id for i in examples + test])


def test_the_fitted_map_is_used_only_where_it_beats_batch_calibration_on_the_examples():
    """Judged by cross-validation on the examples: a swap that only the map undoes -> the map; scores whose
    one flaw is a letter habit (batch calibration already right) -> batch, the tie going to the simpler one."""
    examples = items("e", 150, 1)
    golds = [i.answer for i in examples]
    shares = {x: golds.count(x) / len(golds) for x in "ABC"}
    swapped = swapped_scores({i.id: i.answer for i in examples})

    def honest(prompt, item, method):
        return {x: (2.0 if x == "A" else 0.0) + (3.0 if x == item.answer else 0.0) for x in item.letters}

    assert fitted_wins("label", [swapped(None, i, "label") for i in examples], golds, shares)
    assert not fitted_wins("label", [honest(None, i, "label") for i in examples], golds, shares)
    test = items("t", 60, 2)
    found = answer(test,
                   Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=0), score="label", calibrate="fitted"),
                   generator=FakeGenerator(scores=honest), examples=examples, progress=False)
    batch = answer(test,
                   Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=0), score="label", calibrate="batch"),
                   generator=FakeGenerator(scores=honest), progress=False)
    assert [a.choice for a in found] == [a.choice for a in batch] == [i.answer for i in test]


def test_the_calibrating_bar_counts_each_prompt_scored_once_in_chunks(capsys):
    from ragreason.calibrate.estimate import SCORE_CHUNK

    examples, test = items("e", 150, 8), items("t", 100, 9)
    golds = {i.id: i.answer for i in examples + test}

    class Counting(FakeGenerator):
        sizes: list[int] = []

        def score_options(self, prompts, items, method="text", adapter=None):
            self.sizes.append(len(items))
            return super().score_options(prompts, items, method=method, adapter=adapter)

    generator = Counting(scores=swapped_scores(golds))
    answer(test, Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=0), score="label", calibrate="fitted"),
           generator=generator, examples=examples, progress=True)
    assert sum(generator.sizes) == 250 and max(generator.sizes) == SCORE_CHUNK  # the answers reuse the scores
    bar = capsys.readouterr().err
    assert "calibrating" in bar and "250/250" in bar
