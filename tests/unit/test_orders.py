import itertools

import pytest

from ragreason.orders import Permutations, option_orders, reorder, scores_to_original, to_original
from ragreason.types import Item

ITEM = Item("q", "Which?", ("red", "green", "blue", "black"), "C")


def test_cyclic_orders_start_with_the_identity_and_spread_evenly():
    assert option_orders(ITEM, 1) == [(0, 1, 2, 3)]
    assert option_orders(ITEM, 2) == [(0, 1, 2, 3), (2, 3, 0, 1)]
    assert option_orders(ITEM, 4) == [(0, 1, 2, 3), (1, 2, 3, 0), (2, 3, 0, 1), (3, 0, 1, 2)]
    assert len(option_orders(ITEM, 9)) == 4  # no more shifts than options


def test_random_orders_are_distinct_seeded_and_stable():
    orders = option_orders(ITEM, 6, "random", seed=3)
    assert orders[0] == (0, 1, 2, 3) and len(set(orders)) == 6
    assert orders == option_orders(ITEM, 6, "random", seed=3) != option_orders(ITEM, 6, "random", seed=4)
    assert len(option_orders(Item("p", "?", ("x", "y")), 5, "random")) == 2  # 2 options: 2 orders exist


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_a_letter_answered_under_any_order_maps_back_to_the_same_option(order):
    shown = reorder(ITEM, order)
    for letter in shown.letters:  # the option shown under `letter` is the original option `to_original(letter)`
        assert shown.option(letter) == ITEM.option(to_original(letter, order))
    assert shown.option(shown.answer) == ITEM.option(ITEM.answer)  # the gold moves with its option
    assert to_original(shown.answer, order) == "C"
    scores = {letter: float(i) for i, letter in enumerate(shown.letters)}
    back = scores_to_original(scores, order)
    assert list(back) == ["A", "B", "C", "D"]
    assert all(back[to_original(letter, order)] == scores[letter] for letter in shown.letters)


def test_bad_orders_and_settings_are_refused():
    with pytest.raises(ValueError, match="is not an order"):
        reorder(ITEM, (0, 1, 1, 2))
    with pytest.raises(ValueError, match="names no option"):
        to_original("E", (0, 1, 2, 3))
    with pytest.raises(ValueError, match="unknown order kind"):
        Permutations(2, "shuffled")
    with pytest.raises(ValueError, match="integer >= 1"):
        Permutations(0)
    assert Permutations(1).settings() is None
    assert Permutations(2).settings() == {"k": 2, "kind": "cyclic"}


def test_all_orders_means_every_cyclic_shift_of_each_item():
    every = Permutations.parse("all")
    assert every.orders(ITEM) == option_orders(ITEM, 4) and len(every.orders(Item("p", "?", ("x", "y")))) == 2
    assert every.settings() == {"k": "all", "kind": "cyclic"} and Permutations.parse("3") == Permutations(3)
    with pytest.raises(ValueError, match="or 'all'"):
        Permutations.parse("some")
