"""PNG plots of a report: accuracy with intervals per arm, accuracy vs vote size, accuracy vs cost."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ..experiment.records import PRIOR
from .report import Report


def write_plots(report: Report, out: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = []
    for name, draw in (("accuracy.png", _accuracy), ("votes.png", _votes), ("cost.png", _cost)):
        fig, ax = plt.subplots(figsize=(7, 4), dpi=110)
        draw(ax, report)
        _references(ax, report)
        fig.tight_layout()
        fig.savefig(out / name)
        plt.close(fig)
        names.append(name)
    return names


def _references(ax, report: Report) -> None:
    """The prior and chance as horizontal lines: what answering by letter habit or at random scores."""
    prior = next((r for r in report.rows if r.arm == PRIOR), None)
    if prior is not None:
        ax.axhline(100 * prior.accuracy, color="#c44e52", linestyle="--", linewidth=1, label="prior")
    ax.axhline(100 * report.chance, color="#8c8c8c", linestyle=":", linewidth=1, label="chance")
    ax.legend(fontsize=8)


def _accuracy(ax, report: Report) -> None:
    rows = report.rows
    xs = range(len(rows))
    acc = [100 * r.accuracy for r in rows]
    err = [[100 * (r.accuracy - r.low) for r in rows], [100 * (r.high - r.accuracy) for r in rows]]
    ax.bar(xs, acc, yerr=err, capsize=4, color="#4c72b0")
    ax.set_xticks(list(xs), [r.arm for r in rows], rotation=30, ha="right")
    ax.set_ylabel("accuracy % (95% CI)")
    ax.set_title(f"{report.name}: accuracy per condition ({report.n_test} items)")


def _votes(ax, report: Report) -> None:
    series = defaultdict(list)
    for r in report.rows:
        if r.arm != PRIOR:
            series[r.condition].append((r.votes, 100 * r.accuracy))
    for condition, points in series.items():
        points.sort()
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=condition)
    ax.set_xlabel("votes per item")
    ax.set_ylabel("accuracy %")
    ax.set_title("accuracy vs vote size")


def _cost(ax, report: Report) -> None:
    for r in report.rows:
        ax.scatter(r.seconds, 100 * r.accuracy)
        ax.annotate(r.arm, (r.seconds, 100 * r.accuracy), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel("answering wall time (s)")
    ax.set_ylabel("accuracy %")
    ax.set_title("accuracy vs cost")
