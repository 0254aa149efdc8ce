"""What a tuning run shows: the leaderboard (each recipe's dev accuracy with a 95% interval on the items
it reached, its cost per item, p against the leader, the round that dropped it), the compute spent, the
winner's test evaluation against the base recipe and the prior, and a plot of accuracy against cost with
the Pareto front. Written as ``leaderboard.md``, ``leaderboard.json`` and ``pareto.png``."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from ..data import chance_accuracy
from ..paths import write_text_atomic
from ..stats import accuracy, paired
from .result import BASE_NAME, TuneResult


@dataclass(frozen=True)
class Row:
    recipe: str
    items: int
    accuracy: float
    low: float
    high: float
    seconds_per_item: float  # estimated, the recipe alone
    tokens_per_item: float  # generated, as drawn
    p_vs_leader: float | None  # McNemar exact, uncorrected, on the items both reached (None: the leader)
    dropped_at: int | None
    winner: bool
    pareto: bool


@dataclass(frozen=True)
class TestLine:
    name: str
    items: int
    accuracy: float
    low: float
    high: float
    vs_base_pp: float | None
    p_vs_base: float | None
    vs_prior_pp: float | None
    p_vs_prior: float | None


def rows_of(result: TuneResult) -> list[Row]:
    race = result.race
    leader = race.leader
    out = []
    for s in race.standings:
        if not s.correct:
            continue
        est = accuracy(s.correct)
        n = min(len(s.correct), len(leader.correct))
        p = None if s is leader else paired(s.correct[:n], leader.correct[:n]).p_value
        records = result.records.get(s.recipe.name, [])
        tokens = sum(r.completion_tokens for r in records) / len(records) if records else 0.0
        out.append(Row(s.recipe.name, len(s.correct), est.value, est.low, est.high,
                       result.costs.get(s.recipe.name, float("nan")), tokens, p, s.dropped_at,
                       s is race.winner, False))
    front = _pareto(out)
    out = [replace(r, pareto=r.recipe in front) for r in out]
    return sorted(out, key=lambda r: (r.dropped_at is not None, -(r.dropped_at or 0), -r.accuracy,
                                      r.seconds_per_item))


def _pareto(rows: list[Row]) -> set[str]:
    """The recipes no other beats on both accuracy and cost."""
    def beaten(r: Row) -> bool:
        return any(o.accuracy >= r.accuracy and o.seconds_per_item <= r.seconds_per_item
                   and (o.accuracy > r.accuracy or o.seconds_per_item < r.seconds_per_item) for o in rows)
    return {r.recipe for r in rows if not beaten(r)}


def test_lines(result: TuneResult) -> list[TestLine]:
    if not result.test:
        return []
    base = next((row for row in result.test if row.name == BASE_NAME), result.test[0])  # the winner is the base
    prior = next((row for row in result.test if row.name == "prior"), None)
    out = []
    for row in result.test:
        correct = [r.correct for r in row.records]
        est = accuracy(correct)
        vs_base = None if row is base else paired(correct, [r.correct for r in base.records])
        vs_prior = None if prior is None or row is prior else paired(correct, [r.correct for r in prior.records])
        out.append(TestLine(row.name, len(correct), est.value, est.low, est.high,
                            None if vs_base is None else 100 * vs_base.diff.value,
                            None if vs_base is None else vs_base.p_value,
                            None if vs_prior is None else 100 * vs_prior.diff.value,
                            None if vs_prior is None else vs_prior.p_value))
    return out


def write_leaderboard(result: TuneResult, out: Path) -> None:
    rows, tests = rows_of(result), test_lines(result)
    race = result.race
    summary = {
        "mode": "exhaustive" if result.exhaustive else "racing", "recipes": len(race.standings),
        "dev_items": len(result.split.dev), "train_items": len(result.split.rest),
        "test_items": len(result.test_items), "seconds": round(result.seconds, 1), "generated_tokens": result.tokens,
        "stopped": race.stopped, "winner": race.winner.recipe.name, "leader": race.leader.recipe.name,
        "compared_on": race.compared_on, "chance_dev": chance_accuracy(result.split.dev),
        "prior_dev": result.prior_dev,
        "not_reached": [st.recipe.name for st in race.standings if not st.correct],
        "rounds": [asdict(r) for r in race.rounds],
    }
    payload = {"summary": summary, "leaderboard": [asdict(r) for r in rows], "test": [asdict(t) for t in tests]}
    write_text_atomic(out / "leaderboard.json", json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    write_text_atomic(out / "leaderboard.md", markdown(summary, rows, tests))
    _plot(rows, summary, out / "pareto.png")


def markdown(summary: dict, rows: list[Row], tests: list[TestLine]) -> str:
    s = summary
    lines = [
        f"# Tuning: {s['mode']}, {s['recipes']} recipes on {s['dev_items']} dev items",
        "",
        f"Compute: {s['seconds']:.0f} s, {s['generated_tokens']} generated tokens; stopped: {s['stopped']}. "
        f"Winner: **{s['winner']}** (chosen on the {s['compared_on']} dev items every survivor reached; the leader "
        f"was {s['leader']}; a tie within the noise goes to the cheaper). References on dev: chance "
        f"{100 * s['chance_dev']:.1f}%, prior {_percent(s['prior_dev'])} (the commonest training letter).",
        "",
        "| recipe | dev items | accuracy % [95% CI] | s/item | tokens/item | p vs leader | dropped at | |",
        "|---|---:|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        mark = " ".join(m for m, on in (("winner", r.winner), ("pareto", r.pareto)) if on)
        p = "leader" if r.p_vs_leader is None else f"{r.p_vs_leader:.3g}"
        dropped = "" if r.dropped_at is None else f"{r.dropped_at} items"
        lines.append(f"| {r.recipe} | {r.items} | {100 * r.accuracy:.1f} [{100 * r.low:.1f}, {100 * r.high:.1f}] | "
                     f"{r.seconds_per_item:.3f} | {r.tokens_per_item:.1f} | {p} | {dropped} | {mark} |")
    if s["not_reached"]:
        lines += ["", f"Not reached within the budget ({len(s['not_reached'])}): {', '.join(s['not_reached'])}."]
    lines += ["", "s/item: estimated seconds per item for the recipe alone (measured seconds per sample and per "
              "scored prompt of its model, and per item retrieved of its retriever); p: McNemar exact on the items "
              "both reached, uncorrected (drops used the corrected p of their round)."]
    if tests:
        lines += ["", f"## Test split ({tests[0].items} items): the winner once, against the base recipe and the prior",
                  "", "| | accuracy % [95% CI] | vs base (pp, p) | vs prior (pp, p) |", "|---|---|---|---|"]
        for t in tests:
            vb = "" if t.vs_base_pp is None else f"{t.vs_base_pp:+.1f}, p = {t.p_vs_base:.3g}"
            vp = "" if t.vs_prior_pp is None else f"{t.vs_prior_pp:+.1f}, p = {t.p_vs_prior:.3g}"
            lines.append(f"| {t.name} | {100 * t.accuracy:.1f} [{100 * t.low:.1f}, {100 * t.high:.1f}] | {vb} | {vp} |")
    return "\n".join(lines) + "\n"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _plot(rows: list[Row], summary: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
    for r in rows:
        color = "#4c72b0" if r.dropped_at is None else "#b0b0b0"
        spread = [[100 * (r.accuracy - r.low)], [100 * (r.high - r.accuracy)]]
        ax.errorbar(r.seconds_per_item, 100 * r.accuracy, yerr=spread, fmt="o", color=color, ecolor=color, alpha=0.8,
                    capsize=2)
        if r.pareto or r.winner:  # the others are many and near each other: unlabelled
            ax.annotate(r.recipe + (" (winner)" if r.winner else ""), (r.seconds_per_item, 100 * r.accuracy),
                        fontsize=7, xytext=(4, 4), textcoords="offset points")
    front = sorted((r for r in rows if r.pareto), key=lambda r: r.seconds_per_item)
    ax.plot([r.seconds_per_item for r in front], [100 * r.accuracy for r in front], "-", color="#dd8452",
            label="Pareto front")
    ax.axhline(100 * summary["chance_dev"], color="#8c8c8c", linestyle=":", linewidth=1, label="chance")
    if summary["prior_dev"] is not None:
        ax.axhline(100 * summary["prior_dev"], color="#c44e52", linestyle="--", linewidth=1, label="prior")
    ax.set_xlabel("estimated seconds per item (recipe alone)")
    ax.set_ylabel("dev accuracy % (items reached)")
    ax.set_title(f"{summary['mode']}: {summary['recipes']} recipes (grey: dropped; labelled: the Pareto front "
                 "and the winner)", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
