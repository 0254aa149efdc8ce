"""The benchmark's data: train and test items, from two files or one file split by problem.

Splitting is by problem (``meta["problem_id"]``, else the item itself), never by sub-question, so
no problem text is seen in training and in the test.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass

from ..data import Rejects, load_items
from ..types import Item
from .config import BenchConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Split:
    train: list[Item]
    test: list[Item]
    rejected: int = 0


def load_split(config: BenchConfig) -> Split:
    d = config.data
    rejects = Rejects()

    def load(path: str) -> list[Item]:
        return load_items(config.resolve(path), d.format, strict=d.strict, rejects=rejects, **d.options)

    if d.path is not None:
        train, test = split_by_problem(load(d.path), d.test_fraction, d.split_seed)
    else:
        train, test = load(d.train), load(d.test)  # type: ignore[arg-type]
    overlap = {i.id for i in train} & {i.id for i in test}
    if overlap:
        raise ValueError(f"{len(overlap)} item id(s) are in both train and test, e.g. {sorted(overlap)[0]!r}")
    train = seeded_sample(train, d.train_limit, d.split_seed)
    test = seeded_sample(test, d.test_limit, d.split_seed)
    log.info("data: %d train, %d test items (%d bad records skipped)", len(train), len(test), len(rejects))
    return Split(train, test, len(rejects))


def problem_of(item: Item) -> str:
    """The problem an item belongs to: ``meta["problem_id"]``, else the item itself."""
    return str(item.meta.get("problem_id", item.id))


def by_problem(items: list[Item]) -> dict[str, list[Item]]:
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(problem_of(item), []).append(item)
    return groups


def split_by_problem(items: list[Item], test_fraction: float, seed: int) -> tuple[list[Item], list[Item]]:
    keys = sorted(by_problem(items))
    random.Random(seed).shuffle(keys)
    n_test = max(1, round(len(keys) * test_fraction))
    test_keys = set(keys[:n_test])
    train = [i for i in items if problem_of(i) not in test_keys]
    test = [i for i in items if problem_of(i) in test_keys]
    return train, test


def seeded_sample(items: list[Item], limit: int | None, seed: int) -> list[Item]:
    """A seeded sample of ``limit`` items, kept in file order."""
    if limit is None or limit >= len(items):
        return items
    keep = set(random.Random(seed).sample(range(len(items)), limit))
    return [item for i, item in enumerate(items) if i in keep]
