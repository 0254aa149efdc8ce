"""The dev split a tuning run races on: whole problems drawn (seeded) from the training split, never from
the test split. The rest of the training split trains the adapters, fits the calibration, gives the
retrieved solved examples and the answer prior, so no dev item is ever shown to a recipe as a solution."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from ..experiment.split import by_problem, problem_of
from ..types import Item


@dataclass(frozen=True)
class DevSplit:
    dev: list[Item]  # in race order (seeded shuffle): every round's slice is a prefix
    rest: list[Item]

    @property
    def key(self) -> str:
        """What decides every dev answer besides the recipe: the dev items and the rest."""
        text = "\n".join(i.id for i in self.dev) + "\n--\n" + "\n".join(i.id for i in self.rest)
        return hashlib.sha1(text.encode()).hexdigest()[:12]


def carve_dev(train: list[Item], size: int, seed: int) -> DevSplit:
    """About ``size`` dev items, whole problems at a time (sub-questions of one problem stay together)."""
    groups = by_problem(train)
    keys = sorted(groups)
    random.Random(seed).shuffle(keys)
    chosen: set[str] = set()
    count = 0
    for key in keys:
        if count >= size or len(chosen) >= len(keys) - 1:  # keep at least one problem to train on
            break
        chosen.add(key)
        count += len(groups[key])
    dev = [i for i in train if problem_of(i) in chosen]
    random.Random(seed + 1).shuffle(dev)
    rest = [i for i in train if problem_of(i) not in chosen]
    return DevSplit(dev, rest)


def given_dev(train: list[Item], dev: list[Item], seed: int) -> DevSplit:
    """A dev split the caller chose: those items (shuffled into race order), the training items not among them."""
    ids = {i.id for i in dev}
    order = list(dev)
    random.Random(seed + 1).shuffle(order)
    return DevSplit(order, [i for i in train if i.id not in ids])
