"""Racing recipes on a dev split, and the exhaustive alternative.

Every surviving recipe answers the same first ``n`` dev items; the leader is the most accurate on them
(the cheaper on a tie). Each other survivor is compared with the leader on those items by McNemar's
exact test; the p-values of the round are corrected for the number of comparisons (Holm by default),
and a survivor below the leader with a corrected p < alpha is dropped. The slice then grows for the
survivors, until one is left, the dev items run out or the budget is spent: before each recipe's turn
the time it would take (its estimated cost over the items it has not answered) must fit in
what is left; a round cut short compares survivors on the items all of them reached. The winner is the
cheapest survivor that is not even nominally worse than the leader (uncorrected p >= alpha): a tie
within the noise goes to the cheaper recipe. ``exhaustive`` answers every dev item with every recipe,
drops nothing and ignores the budget; its winner is chosen by the same rule.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..stats import mcnemar_exact
from ..types import Item
from .budget import Meter
from .space import Candidate, RaceSpec

log = logging.getLogger(__name__)

Evaluate = Callable[[Candidate, Sequence[Item]], list[bool]]


@dataclass
class Standing:
    """A recipe's race: ``correct`` per dev item in race order, as far as it got; ``dropped_at``: the
    slice size of the round that dropped it; ``p_vs_leader``: its corrected p in its last comparison."""

    recipe: Candidate
    correct: list[bool] = field(default_factory=list)
    dropped_at: int | None = None
    p_vs_leader: float | None = None

    @property
    def alive(self) -> bool:
        return self.dropped_at is None

    def accuracy(self, n: int | None = None) -> float:
        seen = self.correct[:n] if n is not None else self.correct
        return sum(seen) / len(seen) if seen else float("nan")


@dataclass(frozen=True)
class Round:
    n: int
    leader: str
    alive: tuple[str, ...]
    dropped: tuple[str, ...]


@dataclass
class RaceResult:
    standings: list[Standing]
    rounds: list[Round]
    winner: Standing
    leader: Standing
    compared_on: int  # the dev items the winner was chosen on
    stopped: str  # "one left", "dev items exhausted", "budget spent"


def adjust(p_values: Sequence[float], correction: str) -> list[float]:
    """Family-wise corrected p-values: Holm's step-down, Bonferroni, or none."""
    m = len(p_values)
    if correction == "none" or m == 0:
        return list(p_values)
    if correction == "bonferroni":
        return [min(1.0, p * m) for p in p_values]
    if correction != "holm":
        raise ValueError(f"unknown correction {correction!r}")
    order = sorted(range(m), key=lambda i: p_values[i])
    out, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        out[i] = running
    return out


def race(recipes: Sequence[Candidate], items: Sequence[Item], evaluate: Evaluate, spec: RaceSpec, meter: Meter,
         cost: Callable[[Candidate], float], *, exhaustive: bool = False,
         order: Callable[[list[Standing]], list[Standing]] = list,
         turn_cost: Callable[[Candidate, list[Item]], float] | None = None) -> RaceResult:
    """Race ``recipes`` over ``items`` (already in race order). ``evaluate(recipe, items)`` returns
    whether each item was answered right (resuming what it answered before); ``cost(recipe)``: its
    estimated cost per item (ties go to the cheaper); ``order`` sorts a round's turns (e.g. by engine);
    ``turn_cost(recipe, new_items)``: the estimated seconds of a turn over the items it has not answered yet
    (default: cost per item x their number)."""
    if not recipes:
        raise ValueError("nothing to race: the space holds no recipe")
    if not items:
        raise ValueError("nothing to race on: no dev items")
    turn_cost = turn_cost or (lambda r, new: cost(r) * len(new))
    standings = [Standing(r) for r in recipes]
    sizes = [len(items)] if exhaustive else spec.sizes(len(items))
    rounds: list[Round] = []
    stopped = "dev items exhausted"
    for n in sizes:
        alive = [s for s in standings if s.alive]
        cut = False
        for s in order(alive):
            if not exhaustive and (meter.spent() or not meter.fits(turn_cost(s.recipe, list(items[len(s.correct):n])))):
                cut = True
                break
            s.correct = list(evaluate(s.recipe, items[:n]))
        reached = min(len(s.correct) for s in alive)
        if reached == 0:
            stopped = "budget spent"
            break
        leader = _leader(alive, reached, cost)
        dropped = [] if exhaustive else _drop(alive, leader, reached, spec)
        rounds.append(Round(reached, leader.recipe.name, tuple(s.recipe.name for s in alive if s.alive),
                            tuple(s.recipe.name for s in dropped)))
        log.info("round of %d items: leader %s (%.3f), %d left, dropped %s", reached, leader.recipe.name,
                 leader.accuracy(reached), sum(s.alive for s in standings), [s.recipe.name for s in dropped])
        if cut:
            stopped = "budget spent"
            break
        if sum(s.alive for s in standings) == 1:
            stopped = "one left"
            break
        if not exhaustive and meter.spent():
            stopped = "budget spent"
            break
    alive = [s for s in standings if s.alive and s.correct]
    if not alive:
        raise ValueError("the budget ran out before any recipe answered a dev item")
    reached = min(len(s.correct) for s in alive)
    leader = _leader(alive, reached, cost)
    winner = _cheapest_tie(alive, leader, reached, spec.alpha, cost)
    return RaceResult(standings, rounds, winner, leader, reached, stopped)


def _leader(alive: list[Standing], n: int, cost: Callable[[Candidate], float]) -> Standing:
    return max(alive, key=lambda s: (s.accuracy(n), -cost(s.recipe)))


def _p(a: Standing, b: Standing, n: int) -> float:
    only_a = sum(x and not y for x, y in zip(a.correct[:n], b.correct[:n], strict=True))
    only_b = sum(y and not x for x, y in zip(a.correct[:n], b.correct[:n], strict=True))
    return mcnemar_exact(only_a, only_b)


def _drop(alive: list[Standing], leader: Standing, n: int, spec: RaceSpec) -> list[Standing]:
    others = [s for s in alive if s is not leader]
    corrected = adjust([_p(s, leader, n) for s in others], spec.correction)
    dropped = []
    for s, p in zip(others, corrected, strict=True):
        s.p_vs_leader = p
        if p < spec.alpha and s.accuracy(n) < leader.accuracy(n):
            s.dropped_at = n
            dropped.append(s)
    return dropped


def _cheapest_tie(alive: list[Standing], leader: Standing, n: int, alpha: float,
                  cost: Callable[[Candidate], float]) -> Standing:
    tied = [s for s in alive if s is leader or _p(s, leader, n) >= alpha]
    return min(tied, key=lambda s: (cost(s.recipe), -s.accuracy(n)))
