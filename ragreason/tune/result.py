"""What a tuning run found: the race, its compute, every recipe's dev records and the test evaluation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..experiment.records import RunRecord
from ..types import Item
from .dev import DevSplit
from .race import RaceResult
from .space import Candidate

BASE_NAME = "base@1 (defaults)"  # the reference recipe on the test split


@dataclass(frozen=True)
class TestRow:
    """One recipe (or the prior) on the test split."""

    name: str
    records: list[RunRecord]


@dataclass
class TuneResult:
    race: RaceResult
    split: DevSplit
    seconds: float  # the race's wall time (fine-tuning, engine starts, answering)
    tokens: int  # the generated tokens the race drew
    costs: dict[str, float]  # estimated seconds per item of each recipe alone
    records: dict[str, list[RunRecord]]  # each recipe's dev records, in race order
    test: list[TestRow]
    test_items: list[Item]
    out: Path
    prior_dev: float | None = None  # the answer prior's accuracy on the dev items
    exhaustive: bool = False

    @property
    def winner(self) -> Candidate:
        return self.race.winner.recipe
