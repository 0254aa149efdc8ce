"""Option orders: show an item with its options reordered, and map what was answered back.

An order is a tuple of original positions: ``order[j]`` is the original index of the option shown
at position ``j``. ``(2, 0, 1)`` shows the original C first, then A, then B; an answer "A" under it
means the original "C". The first order of every list is the identity, so one order is the item as
it is.

Kinds: ``"cyclic"`` (the k shifts of the options, spread evenly over the n possible ones: every
option visits every position when k = n, the rotations CircularEval asks for) and ``"random"``
(seeded permutations, the same for an item on every run).
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from .types import Item, letter_index, option_letters

ORDER_KINDS = ("cyclic", "random")
Order = tuple[int, ...]


def option_orders(item: Item, k: int, kind: str = "cyclic", seed: int = 0) -> list[Order]:
    """``k`` distinct orders of ``item``'s options (at most as many as exist), the identity first."""
    if kind not in ORDER_KINDS:
        raise ValueError(f"unknown order kind {kind!r}; use one of {', '.join(ORDER_KINDS)}")
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"the number of option orders must be an integer >= 1, got {k!r}")
    n = len(item.options)
    identity = tuple(range(n))
    if kind == "cyclic":
        k = min(k, n)
        shifts = sorted({round(i * n / k) % n for i in range(k)})
        return [identity[s:] + identity[:s] for s in shifts]
    return _random_orders(item, k, seed)


def _random_orders(item: Item, k: int, seed: int) -> list[Order]:
    n = len(item.options)
    k = min(k, math.factorial(n))
    digest = hashlib.sha1(f"{seed}\x1f{item.id}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    orders: list[Order] = [tuple(range(n))]
    while len(orders) < k:
        order = tuple(rng.sample(range(n), n))
        if order not in orders:
            orders.append(order)
    return orders


def reorder(item: Item, order: Order) -> Item:
    """``item`` with its options shown in ``order`` (its gold, if any, relabelled to match)."""
    _check(item, order)
    answer = None
    if item.answer is not None:
        answer = option_letters(len(order))[order.index(letter_index(item.answer))]
    return replace(item, options=tuple(item.options[i] for i in order), answer=answer)


def to_original(letter: str | None, order: Order) -> str | None:
    """The original letter of the option answered as ``letter`` under ``order`` (None stays None)."""
    if letter is None:
        return None
    index = letter_index(letter)
    if index >= len(order):
        raise ValueError(f"letter {letter!r} names no option of a {len(order)}-option order")
    return option_letters(len(order))[order[index]]


def scores_to_original(scores: Mapping[str, float], order: Order) -> dict[str, float]:
    """Per-letter scores made under ``order``, keyed by the original letters (in original order)."""
    mapped = {to_original(letter, order): value for letter, value in scores.items()}
    return {letter: mapped[letter] for letter in option_letters(len(order)) if letter in mapped}


def _check(item: Item, order: Sequence[int]) -> None:
    if sorted(order) != list(range(len(item.options))):
        raise ValueError(f"item {item.id!r}: {tuple(order)} is not an order of its {len(item.options)} options")


@dataclass(frozen=True)
class Permutations:
    """Present each item under ``k`` option orders of ``kind`` and vote across them (k=1: as given;
    k=None: as many orders as the item has options, every cyclic shift for ``"cyclic"``)."""

    k: int | None = 1
    kind: str = "cyclic"
    seed: int = 0

    def __post_init__(self) -> None:
        if self.k is not None and (not isinstance(self.k, int) or self.k < 1):
            raise ValueError(f"permutations must be an integer >= 1 or None (every shift), got {self.k!r}")
        if self.kind not in ORDER_KINDS:
            raise ValueError(f"unknown order kind {self.kind!r}; use one of {', '.join(ORDER_KINDS)}")

    def orders(self, item: Item) -> list[Order]:
        return option_orders(item, len(item.options) if self.k is None else self.k, self.kind, self.seed)

    def settings(self) -> dict[str, object] | None:
        """What of it decides an answer (for the run key); None for one order."""
        if self.k == 1:
            return None
        return {"k": "all" if self.k is None else self.k, "kind": self.kind,
                **({"seed": self.seed} if self.kind == "random" else {})}

    @classmethod
    def parse(cls, value: int | str) -> Permutations:
        """From a config or command-line value: a count, or "all" (every cyclic shift)."""
        if value == "all":
            return cls(None)
        try:
            return cls(int(value))
        except (TypeError, ValueError):
            raise ValueError(f"permutations must be an integer >= 1 or 'all', got {value!r}") from None
