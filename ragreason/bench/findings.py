"""What a report found, in plain sentences: each arm against base and against the prior, how sure.

A difference is called one only at McNemar p < ``SIGNIFICANT``; otherwise it is named noise."""

from __future__ import annotations

from ..experiment.records import PRIOR
from ..recipe.conditions import adapter_of
from .report import ArmRow, Report

SIGNIFICANT = 0.01
WHAT = {"rag": "retrieval", "ft": "fine-tuning", "rag+ft": "fine-tuning with retrieval (RAFT)",
        "ft+rag": "fine-tuning, served with retrieval"}


def findings(report: Report) -> list[str]:
    """One sentence per arm that has a base to compare with, then one on the prior."""
    rows = {row.arm: row for row in report.rows}
    lines = [_against_base(row, rows[row.vs_base["base"]], report) for row in report.rows
             if row.vs_base and row.vs_base.get("base") in rows and row.arm != PRIOR]
    best = max((row for row in report.rows if row.vs_prior), key=lambda row: row.accuracy, default=None)
    if best is not None:
        lines.append(_against_prior(best, rows.get("prior")))
    return lines


def _against_base(row: ArmRow, base: ArmRow, report: Report) -> str:
    what = WHAT.get(row.condition, row.condition)
    trained = _trained(report.finetune.get(adapter_of(row.condition) or "", {}))
    vs = row.vs_base
    verdict = "significant" if vs["p"] < SIGNIFICANT else "not significant: noise at this size"
    return (f"{what}{trained}: {_pct(base.accuracy)} -> {_pct(row.accuracy)}, {100 * vs['diff']:+.1f} pp "
            f"[{100 * vs['low']:+.1f}, {100 * vs['high']:+.1f}], McNemar p = {vs['p']:.2g} ({verdict}).")


def _trained(info: dict) -> str:
    """ " on N training questions", and the steps taken when they showed the adapter fewer than N."""
    if "train_items" not in info:
        return ""
    items, seen = info["train_items"], info.get("examples_seen")
    if seen is None or seen >= items:
        return f" on {items} training questions"
    return f" on {seen} of {items} training questions ({info['steps']} steps)"


def _against_prior(row: ArmRow, prior: ArmRow | None) -> str:
    vs = row.vs_prior
    reference = (f"always answering the training data's commonest letter ({_pct(prior.accuracy)})" if prior
                 else "the prior")
    verdict = "better" if vs["diff"] > 0 else "worse"
    sure = f"{verdict}, p = {vs['p']:.2g}" if vs["p"] < SIGNIFICANT else f"not distinguishable, p = {vs['p']:.2g}"
    return f"best arm {row.arm} ({_pct(row.accuracy)}) against {reference}: {sure}."


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"
