"""The references every accuracy is read against: the answer prior (always answer the commonest gold
letter of the training items, per option count) and chance (the expected accuracy of a uniform pick).

A model that answers by letter habit scores near one of them; a result is only a result above both.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..types import Item, option_letters


@dataclass(frozen=True)
class LetterPrior:
    """The commonest gold letter per option count (``by_count``), and over all items (``overall``),
    counted on ``n`` solved items. Ties go to the earlier letter. ``shares``: per option count, each
    letter's share of the golds, add-one smoothed (what ``log_shares`` weighs option scores by)."""

    by_count: dict[int, str]
    overall: str
    n: int
    shares: dict[int, dict[str, float]] = field(default_factory=dict)

    @classmethod
    def fit(cls, items: Sequence[Item]) -> LetterPrior:
        solved = [i for i in items if i.answer is not None]
        if not solved:
            raise ValueError("the answer prior needs items with gold answers; none of the items has one")
        counts = sorted({len(i.options) for i in solved})
        by_count = {k: _commonest([i.answer for i in solved if len(i.options) == k]) for k in counts}
        shares = {}
        for k in counts:
            golds = Counter(i.answer for i in solved if len(i.options) == k)
            total = sum(golds.values()) + k
            shares[k] = {letter: (golds[letter] + 1) / total for letter in option_letters(k)}
        return cls(by_count, _commonest([i.answer for i in solved]), len(solved), shares)

    def log_shares(self, item: Item) -> dict[str, float]:
        """The log of each of ``item``'s letters' share of the training golds with its option count
        (uniform for an option count never seen)."""
        shares = self.shares.get(len(item.options))
        if shares is None:
            return {letter: -math.log(len(item.letters)) for letter in item.letters}
        return {letter: math.log(shares[letter]) for letter in item.letters}

    def choice(self, item: Item) -> str:
        """The prior's answer to ``item``: the commonest letter for its option count; for an option count
        never seen, the commonest letter overall if the item has it, else "A"."""
        if len(item.options) in self.by_count:
            return self.by_count[len(item.options)]
        return self.overall if self.overall in item.letters else item.letters[0]


def _commonest(letters: Sequence[str]) -> str:
    counts = Counter(letters)
    return min(counts, key=lambda letter: (-counts[letter], letter))


def chance_accuracy(items: Sequence[Item]) -> float:
    """The expected accuracy of picking one option uniformly at random: the mean of 1 / option count."""
    if not items:
        raise ValueError("chance accuracy of no items")
    return sum(1 / len(i.options) for i in items) / len(items)
