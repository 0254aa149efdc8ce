import math

import pytest

from ragreason.calibrate import PositionPrior, estimation_share, fit_position_prior, log_softmax
from ragreason.orders import option_orders, reorder, to_original
from ragreason.types import Item

BIAS = (0.55, 0.2, 0.15, 0.1)  # a model that likes "A" whatever it says


def observed(item, order, truth):
    """What a model with position prior BIAS and content preference `truth` (per original option) scores."""
    shown = reorder(item, order)
    raw = {letter: math.log(BIAS[j]) + truth[to_original(letter, order)] for j, letter in enumerate(shown.letters)}
    return log_softmax(raw)


def test_pride_recovers_a_known_position_prior_and_the_content_preference():
    items = [Item(f"q{i}", "?", ("w", "x", "y", "z")) for i in range(6)]
    truths = [{"A": 0.0, "B": 0.3 * i, "C": -0.2 * i, "D": 0.1} for i in range(6)]
    rotated = [[(o, observed(item, o, t)) for o in option_orders(item, 4)]
               for item, t in zip(items, truths, strict=True)]
    prior = fit_position_prior("label", rotated)
    assert prior.items == 6
    assert prior.by_count[4] == pytest.approx(BIAS, abs=1e-9)
    # a new item whose best option is C: raw scores pick A (the habit), debiased ones pick C
    new = Item("n", "?", ("w", "x", "y", "z"))
    truth = {"A": 0.0, "B": 0.1, "C": 0.9, "D": 0.2}
    raw = observed(new, (0, 1, 2, 3), truth)
    assert max(raw, key=raw.get) == "A"
    fixed = prior.debias(raw)
    assert max(fixed, key=fixed.get) == "C"
    assert [fixed[k] - fixed["A"] for k in "BCD"] == pytest.approx([truth[k] - truth["A"] for k in "BCD"])


def test_an_unbiased_model_gets_a_uniform_prior_and_unestimated_counts_pass_through():
    item = Item("q", "?", ("x", "y", "z"))
    fixed = (0.5, 0.0, -1.0)
    rotated = [[(o, log_softmax(dict(zip(reorder(item, o).letters, fixed, strict=True))))
                for o in option_orders(item, 3)]]
    position_only = fit_position_prior("text", rotated).by_count[3]
    assert position_only != pytest.approx((1 / 3,) * 3)  # scores that follow the position, not the option: all prior
    same = [[(o, {"A": 0.0, "B": 0.0, "C": 0.0}) for o in option_orders(item, 3)]]
    prior = fit_position_prior("text", same)
    assert prior.by_count[3] == pytest.approx((1 / 3,) * 3)
    assert prior.debias({"A": 1.0, "B": 0.0}) == log_softmax({"A": 1.0, "B": 0.0})


def test_estimation_needs_every_cyclic_rotation_once():
    item = Item("q", "?", ("x", "y", "z"))
    with pytest.raises(ValueError, match="cyclic rotations"):
        fit_position_prior("label", [[(o, {"A": 0, "B": 0, "C": 0}) for o in option_orders(item, 2)]])
    with pytest.raises(ValueError, match="summing to 1"):
        PositionPrior("label", {2: (0.9, 0.3)})
    assert estimation_share({4: 300, 2: 5}) == {4: 15, 2: 5}


def test_batch_calibration_takes_out_a_habit_for_an_option_text_that_pride_leaves():
    """Every item has the options True/False/Unknown in that order and the model likes the word "True":
    under rotations the habit moves with the word, so PriDe sees no position prior; the batch mean sees
    "A" favoured and divides it out."""
    from ragreason.calibrate import fit_batch_prior

    word = {"True": math.log(0.6), "False": math.log(0.25), "Unknown": math.log(0.15)}
    items = [Item(f"q{i}", "?", ("True", "False", "Unknown")) for i in range(10)]
    evidence = [{"True": 0.0, "False": 0.0, "Unknown": 0.0}, {"True": 0.0, "False": 0.6, "Unknown": 0.0}] * 5

    def scores(item, order, bonus):
        shown = reorder(item, order)
        return log_softmax({x: word[shown.option(x)] + bonus[shown.option(x)] for x in shown.letters})

    rotated = [[(o, scores(i, o, e)) for o in option_orders(i, 3)] for i, e in zip(items, evidence, strict=True)]
    assert fit_position_prior("text", rotated).by_count[3] == pytest.approx((1 / 3,) * 3)
    given = [scores(i, (0, 1, 2), e) for i, e in zip(items, evidence, strict=True)]
    batch = fit_batch_prior("text", given)
    assert batch.by_count[3][0] > 0.45 > batch.by_count[3][2] and batch.items == 10
    picks = [max(d, key=d.get) for d in (batch.debias(s) for s in given)]
    assert picks[1] == "B" and "A" not in picks[1::2]  # the item with evidence for "False" now says so
    assert [max(s, key=s.get) for s in given] == ["A"] * 10  # uncalibrated: the word habit everywhere


def test_a_lone_item_of_an_option_count_keeps_its_own_preference():
    from ragreason.calibrate import fit_batch_prior

    alone = {"A": 0.0, "B": 2.0}
    prior = fit_batch_prior("label", [alone])
    fixed = prior.debias(alone)
    assert max(fixed, key=fixed.get) == "B"  # without pseudo-items: exactly tied
    tied = fit_batch_prior("label", [alone], pseudo=0.0).debias(alone)
    assert tied["A"] == pytest.approx(tied["B"])
