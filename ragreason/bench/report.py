"""The benchmark report: per-arm accuracy with intervals, paired tests, slices and cost, from the records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from ..experiment.config import BenchConfig
from ..experiment.records import PRIOR, RunRecord
from ..stats import accuracy, paired


@dataclass(frozen=True)
class ArmRow:
    arm: str
    condition: str
    votes: int
    n: int
    accuracy: float
    low: float
    high: float
    unanswered: float
    abstained_samples: float
    prompt_tokens: float
    output_tokens: float
    seconds: float
    items_per_s: float
    vs_base: dict[str, float] = field(default_factory=dict)
    vs_prior: dict[str, float] = field(default_factory=dict)
    by_fallback: float = 0.0  # the share of items a fallback answered (no vote named an option)
    circular: float | None = None  # CircularEval: the share right under every option order (None: one order)


@dataclass(frozen=True)
class Report:
    name: str
    config_hash: str
    rows: list[ArmRow]
    pairs: dict[str, dict[str, dict[str, float]]]
    slices: dict[str, dict[str, dict[str, float]]]
    stages: dict[str, float]
    finetune: dict[str, dict[str, Any]]
    n_train: int
    n_test: int
    chance: float = 0.0  # the expected accuracy of a uniform pick over each item's options
    bias: dict[str, dict[str, Any]] = field(default_factory=dict)  # per arm: letter shares, gap, recall
    grounding: dict[str, dict[str, float]] = field(default_factory=dict)  # per arm with context: see ``_grounded``
    update: Report | None = None  # the same arms on the changed facts after the knowledge was updated


EARLIER = "(earlier runs)"


def earlier_stage(arm: str) -> str:
    """The stage that holds an arm's answering time in earlier runs (read from its resumed records)."""
    return f"answer {arm} {EARLIER}"


def build_report(config: BenchConfig, records: list[RunRecord], stages: dict[str, float],
                 finetune: dict[str, dict[str, Any]], *, n_train: int = 0) -> Report:
    by_arm: dict[str, list[RunRecord]] = defaultdict(list)
    for r in records:
        by_arm[r.arm].append(r)
    for recs in by_arm.values():
        recs.sort(key=lambda r: r.item_id)
    rows = [_row(arm, recs, stages.get(f"answer {arm}", 0.0) + stages.get(earlier_stage(arm), 0.0))
            for arm, recs in by_arm.items()]
    rows = [_with_references(row, by_arm) for row in rows]
    pairs = {a: {b: pair_records(by_arm[a], by_arm[b]) for b in by_arm if b != a} for a in by_arm}
    first = next(iter(by_arm.values()), [])
    chance = sum(1 / r.slices["options"] for r in first) / len(first) if first else 0.0
    return Report(config.name, config.digest(), rows, pairs, _slices(by_arm), stages, finetune, n_train, len(first),
                  chance, {arm: letter_bias(recs) for arm, recs in by_arm.items()},
                  {arm: g for arm, recs in by_arm.items() if (g := _grounded(recs))})


def _grounded(records: list[RunRecord]) -> dict[str, float]:
    """For an arm that read retrieved context: the mean number of documents in it, the share of answers that
    rest on one of them (a document that states the chosen option), and (where the questions name the
    documents they need) the mean recall of those documents; empty for an arm without context."""
    if not any(r.documents for r in records):
        return {}
    out = {"documents": sum(len(r.documents) for r in records) / len(records),
           "rests_on": sum(bool(r.rests_on) for r in records) / len(records)}
    recalls = [r.recall for r in records if r.recall is not None]
    if recalls:
        out["recall"] = sum(recalls) / len(recalls)
    return out


def _row(arm: str, recs: list[RunRecord], seconds: float) -> ArmRow:
    est = accuracy([r.correct for r in recs])
    n = len(recs)
    samples = sum(r.samples for r in recs)
    return ArmRow(
        arm=arm, condition=recs[0].condition, votes=recs[0].votes, n=n, accuracy=est.value, low=est.low,
        high=est.high, unanswered=sum(r.choice is None for r in recs) / n,
        abstained_samples=sum(r.abstentions for r in recs) / samples if samples else 0.0,
        prompt_tokens=sum(r.prompt_tokens for r in recs) / n, output_tokens=sum(r.completion_tokens for r in recs) / n,
        seconds=seconds, items_per_s=n / seconds if seconds > 0 else 0.0,
        by_fallback=sum(r.fallback is not None for r in recs) / n,
        circular=sum(bool(r.circular) for r in recs) / n if all(r.circular is not None for r in recs) else None,
    )


def _base_for(row: ArmRow, by_arm: dict[str, list[RunRecord]]) -> str | None:
    for name in (f"base@{row.votes}", "base@1"):
        if name in by_arm and name != row.arm:
            return name
    return None


def _with_references(row: ArmRow, by_arm: dict[str, list[RunRecord]]) -> ArmRow:
    """The row with its paired tests against base (at the same vote size, else base@1) and the prior."""
    extra: dict[str, Any] = {}
    base = _base_for(row, by_arm)
    if base is not None:
        extra["vs_base"] = {"base": base, **pair_records(by_arm[row.arm], by_arm[base])}
    if PRIOR in by_arm and row.arm != PRIOR:
        extra["vs_prior"] = pair_records(by_arm[row.arm], by_arm[PRIOR])
    return ArmRow(**{**asdict(row), **extra}) if extra else row


def pair_records(a: list[RunRecord], b: list[RunRecord]) -> dict[str, float]:
    """McNemar and the paired difference of two arms' records on the same items (in the same order)."""
    if [r.item_id for r in a] != [r.item_id for r in b]:
        raise ValueError("paired comparison needs the same items in both arms")
    test = paired([r.correct for r in a], [r.correct for r in b])
    return {"diff": test.diff.value, "low": test.diff.low, "high": test.diff.high, "p": test.p_value,
            "only_this": test.only_a, "only_other": test.only_b}


def letter_bias(records: list[RunRecord]) -> dict[str, Any]:
    """How an arm's answers lean: the share of items it answered with each letter beside the gold's share,
    the largest gap between the two (in share of items; unanswered items count for no letter), and the
    recall per gold letter (the share of items with that gold it got right)."""
    n = len(records)
    letters = sorted({r.gold for r in records if r.gold} | {r.choice for r in records if r.choice})
    predicted = {x: sum(r.choice == x for r in records) / n for x in letters}
    gold = {x: sum(r.gold == x for r in records) / n for x in letters}
    recall = {x: sum(r.correct for r in records if r.gold == x) / count
              for x in letters if (count := sum(r.gold == x for r in records))}
    gap = max((abs(predicted[x] - gold[x]) for x in letters), default=0.0)
    return {"predicted": predicted, "gold": gold, "gap": gap, "recall": recall}


def _slices(by_arm: dict[str, list[RunRecord]]) -> dict[str, dict[str, dict[str, float]]]:
    """Accuracy per arm by each slice key ("depth=2", "options=3", "lang=zh"), with counts."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for arm, recs in by_arm.items():
        groups: dict[str, list[bool]] = defaultdict(list)
        for r in recs:
            for key, value in r.slices.items():
                groups[f"{key}={value}"].append(r.correct)
        out[arm] = {g: {"n": len(v), "accuracy": sum(v) / len(v)} for g, v in sorted(groups.items())}
    return out
