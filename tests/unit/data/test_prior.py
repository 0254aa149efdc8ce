import pytest

from ragreason.data import LetterPrior, chance_accuracy
from ragreason.types import Item


def item(i, answer, n=4):
    return Item(f"q{i}", "Which?", tuple(f"option {k}" for k in range(n)), answer)


def test_the_prior_answers_the_commonest_training_letter_per_option_count():
    train = [item(0, "C"), item(1, "C"), item(2, "A"), item(3, "B", 2), item(4, "B", 2), item(5, "A", 2),
             item(6, None)]
    prior = LetterPrior.fit(train)
    assert prior.by_count == {2: "B", 4: "C"} and prior.n == 6
    assert prior.overall == "A"  # A, B and C twice each: the earliest letter
    assert prior.choice(item(9, None)) == "C" and prior.choice(item(9, None, 2)) == "B"
    assert LetterPrior.fit([*train, item(7, "B", 4)]).choice(item(9, None, 3)) == "B"  # unseen count: overall
    three_only = LetterPrior({3: "C"}, "C", 1)
    assert three_only.choice(item(9, None, 2)) == "A"  # ... unless the item has no such option


def test_ties_go_to_the_earlier_letter_and_no_gold_is_an_error():
    assert LetterPrior.fit([item(0, "D"), item(1, "B")]).by_count == {4: "B"}
    with pytest.raises(ValueError, match="gold answers"):
        LetterPrior.fit([item(0, None)])


def test_chance_is_the_mean_of_one_over_the_option_count():
    assert chance_accuracy([item(0, None, 2), item(1, None, 4)]) == pytest.approx((1 / 2 + 1 / 4) / 2)
    with pytest.raises(ValueError):
        chance_accuracy([])
