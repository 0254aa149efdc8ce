"""The racing rule on scripted answers: drops by corrected paired tests, ties to the cheaper, the budget."""

import random

import pytest

from ragreason.experiment.config import BenchConfig, DataConfig
from ragreason.tune import Budget, Candidate, RaceSpec, adjust, race
from ragreason.tune.budget import Meter
from ragreason.types import Item


def recipe(name, votes=1):
    config = BenchConfig(name="t", data=DataConfig(format="mcq", path="x"), out="o", conditions=("base",),
                         votes=(votes,))
    return Candidate(name, config)


ITEMS = [Item(id=f"q{i}", question="?", options=("a", "b", "c"), answer="A") for i in range(200)]


def scripted(rates, seed=0):
    """Each recipe right on a fixed random share of items (the same draw on every call)."""
    rng = random.Random(seed)
    right = {name: [rng.random() < rate for _ in ITEMS] for name, rate in rates.items()}
    asked = []

    def evaluate(r, items):
        asked.append((r.name, len(items)))
        return right[r.name][: len(items)]
    return evaluate, asked


def test_holm_matches_the_step_down_definition():
    assert adjust([0.01, 0.04, 0.03], "holm") == pytest.approx([0.03, 0.06, 0.06])
    assert adjust([0.01, 0.04], "bonferroni") == pytest.approx([0.02, 0.08])
    assert adjust([0.2], "none") == [0.2]


def test_a_clearly_better_recipe_wins_and_the_rest_are_dropped_early():
    recipes = [recipe("good"), recipe("bad1"), recipe("bad2"), recipe("bad3")]
    evaluate, asked = scripted({"good": 0.9, "bad1": 0.3, "bad2": 0.35, "bad3": 0.3})
    result = race(recipes, ITEMS, evaluate, RaceSpec(first=30), Meter(Budget(), lambda: 0), lambda r: 1.0)
    assert result.winner.recipe.name == "good" and result.stopped == "one left"
    assert all(s.dropped_at == 30 for s in result.standings if s.recipe.name != "good")
    assert max(n for _, n in asked) == 30  # nothing asked beyond the first slice


def test_a_tie_within_the_noise_goes_to_the_cheaper_recipe():
    recipes = [recipe("costly", votes=5), recipe("cheap")]
    evaluate, _ = scripted({"costly": 0.55, "cheap": 0.5})
    costs = {"costly": 5.0, "cheap": 1.0}
    result = race(recipes, ITEMS[:60], evaluate, RaceSpec(first=30), Meter(Budget(), lambda: 0),
                  lambda r: costs[r.name])
    assert {s.recipe.name for s in result.standings if s.alive} == {"costly", "cheap"}
    assert result.winner.recipe.name == "cheap"


def test_the_correction_keeps_a_recipe_an_uncorrected_test_would_drop():
    recipes = [recipe("lead"), *(recipe(f"r{i}") for i in range(5))]
    lead = [True] * 40
    answers = {"lead": lead, **{f"r{i}": [True] * 38 + [False] * 2 for i in range(5)}}  # p = 0.5: no difference
    answers["r0"] = [True] * 33 + [False] * 7  # 7 discordant pairs, all for the leader: p = 0.016 alone, x5 by Holm
    evaluate = lambda r, items: answers[r.name][: len(items)]  # noqa: E731
    spec = RaceSpec(first=40)
    holm = race(recipes, ITEMS[:40], evaluate, spec, Meter(Budget(), lambda: 0), lambda r: 1.0)
    none = race(recipes, ITEMS[:40], evaluate, RaceSpec(first=40, correction="none"), Meter(Budget(), lambda: 0),
                lambda r: 1.0)
    by_holm = {s.recipe.name: s.alive for s in holm.standings}
    by_none = {s.recipe.name: s.alive for s in none.standings}
    assert by_none["r0"] is False and by_holm["r0"] is True


def test_a_spent_budget_stops_before_the_next_turn():
    recipes = [recipe("a"), recipe("b"), recipe("c")]
    evaluate, asked = scripted({"a": 0.5, "b": 0.5, "c": 0.5})
    spent = iter([False, False, True])

    class Stub(Meter):
        def spent(self):
            return next(spent, True)

        def fits(self, seconds):
            return True
    result = race(recipes, ITEMS, evaluate, RaceSpec(first=30), Stub(Budget(seconds=1), lambda: 0), lambda r: 1.0)
    assert result.stopped == "budget spent" and [n for _, n in asked] == [30, 30]
    assert result.compared_on == 30 and result.winner.recipe.name in ("a", "b")


def test_exhaustive_answers_everything_and_drops_nothing():
    recipes = [recipe("good"), recipe("bad")]
    evaluate, asked = scripted({"good": 0.9, "bad": 0.1})
    result = race(recipes, ITEMS, evaluate, RaceSpec(first=30), Meter(Budget(tokens=0), lambda: 99), lambda r: 1.0,
                  exhaustive=True)
    assert asked == [("good", 200), ("bad", 200)] and all(s.alive for s in result.standings)
    assert result.winner.recipe.name == "good"


def test_slice_sizes_grow_to_the_dev_size():
    assert RaceSpec(first=30, growth=2.0).sizes(200) == [30, 60, 120, 200]
    assert RaceSpec(first=50).sizes(20) == [20]


@pytest.mark.parametrize("text, expected", [("30m", Budget(seconds=1800)), ("90s", Budget(seconds=90)),
                                            ("1.5h", Budget(seconds=5400)), ("20k tokens", Budget(tokens=20000)),
                                            ("500 tok", Budget(tokens=500)), (None, Budget())])
def test_budgets_parse(text, expected):
    assert Budget.parse(text) == expected


def test_a_bad_budget_says_what_it_takes():
    with pytest.raises(ValueError, match="30m, 90s"):
        Budget.parse("soon")


def test_a_turn_that_would_overrun_the_budget_is_not_started():
    recipes = [recipe("cheap"), recipe("costly", votes=5)]
    evaluate, asked = scripted({"cheap": 0.5, "costly": 0.5})
    costs = {"cheap": 0.01, "costly": 10.0}  # 30 items: 0.3 s and 300 s, against 60 s
    result = race(recipes, ITEMS, evaluate, RaceSpec(first=30), Meter(Budget(seconds=60), lambda: 0),
                  lambda r: costs[r.name], order=lambda alive: sorted(alive, key=lambda s: costs[s.recipe.name]))
    assert asked == [("cheap", 30)] and result.stopped == "budget spent"
    assert result.winner.recipe.name == "cheap"
