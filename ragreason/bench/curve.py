"""A learning curve: accuracy against the number of training items.

Each point is the benchmark of one config with the ``ft`` condition alone and ``finetune.train_limit`` set to
the point's size (0: the base model): the same spec on the first N training items, its adapter cached and
its answers resumable like any benchmark's (``<out>/curve/size-N``). Every point answers the same test
items, so each is paired against the base model (McNemar), and the plot draws the 95% intervals as a band
beside the ``prior`` and ``chance`` references.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..experiment.config import BenchConfig, ConfigError
from ..experiment.records import PRIOR, read_records
from ..stats import accuracy
from .report import pair_records

if TYPE_CHECKING:
    from ..generate.openai_client import Endpoints

log = logging.getLogger(__name__)

DEFAULT_SIZES = (0, 50, 100, 200, 400, 800)


@dataclass(frozen=True)
class CurvePoint:
    size: int  # training items (0: the base model)
    accuracy: float
    low: float
    high: float
    train_seconds: float = 0.0
    vs_base: dict[str, float] = field(default_factory=dict)  # paired against size 0 (empty for it)


@dataclass(frozen=True)
class Curve:
    name: str
    points: list[CurvePoint]
    n_test: int
    n_train: int
    chance: float
    prior: float | None


def check_sizes(sizes: Sequence[int], n_train: int) -> list[int]:
    """The sizes in increasing order; an error names a negative size or one above the training items."""
    bad = [s for s in sizes if s < 0 or s > n_train]
    if bad or not sizes:
        raise ConfigError("learning curve", [f"sizes must be between 0 and the {n_train} training items, got "
                                             f"{list(sizes) or 'none'}"])
    return sorted(set(sizes))


def point_config(config: BenchConfig, size: int) -> BenchConfig:
    """The benchmark behind one point: base alone for size 0, else ``ft`` trained on the first ``size`` items;
    the config's first vote size."""
    out = config.resolve(config.out) / "curve" / f"size-{size}"
    return replace(config, out=str(out), conditions=("ft",) if size else ("base",), votes=config.votes[:1],
                   finetune=replace(config.finetune, train_limit=size or None))


def run_curve(config: BenchConfig, sizes: Sequence[int], *, progress: bool = True,
              endpoints: Endpoints | None = None) -> Curve:
    """Run every point (resuming what earlier runs answered) and write ``curve.{json,csv,md,png}``;
    ``endpoints``: answer through these servers (each point's adapter loaded into them at run time)."""
    from ..experiment.split import load_split
    from .run import run_bench

    sizes = check_sizes(sizes, len(load_split(config).train))
    points, base, first = [], None, None
    for size in sizes:
        log.info("learning curve: %d training items", size)
        point = point_config(config, size)
        report = run_bench(point, progress=progress, endpoints=endpoints)
        first = first or report
        records = read_records(Path(point.out) / "records.jsonl")
        mine = [r for r in records if r.arm != PRIOR]
        estimate = accuracy([r.correct for r in mine])
        vs: dict[str, float] = {}
        if base is not None:
            vs = {k: pair_records(mine, base)[k] for k in ("diff", "low", "high", "p")}
        elif size == 0:
            base = mine
        seconds = sum(float(info.get("train_seconds", 0.0)) for info in report.finetune.values())
        points.append(CurvePoint(size, estimate.value, estimate.low, estimate.high, seconds, vs))
    prior = next((r.accuracy for r in first.rows if r.arm == PRIOR), None)
    curve = Curve(config.name, points, first.n_test, first.n_train, first.chance, prior)
    write_curve(curve, config.resolve(config.out) / "curve")
    return curve


def write_curve(curve: Curve, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "curve.json").write_text(json.dumps(asdict(curve), indent=2), encoding="utf-8")
    (out / "curve.csv").write_text(to_csv(curve), encoding="utf-8")
    (out / "curve.md").write_text(to_markdown(curve) + "\n\n![learning curve](curve.png)\n", encoding="utf-8")
    plot_curve(curve, out / "curve.png")


def to_csv(curve: Curve) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["size", "accuracy", "low", "high", "vs_base", "p_vs_base", "train_seconds"])
    for p in curve.points:
        writer.writerow([p.size, p.accuracy, p.low, p.high, p.vs_base.get("diff", ""), p.vs_base.get("p", ""),
                         p.train_seconds])
    return buffer.getvalue()


def to_markdown(curve: Curve) -> str:
    prior = f"{100 * curve.prior:.1f}%" if curve.prior is not None else "n/a"
    lines = [f"Learning curve `{curve.name}`: {curve.n_test} test items; chance {100 * curve.chance:.1f}%, "
             f"prior {prior}.", "",
             "| training items | accuracy % [95% CI] | vs 0 items (pp) [95% CI] | McNemar p | training s |",
             "|---|---|---|---|---|"]
    for p in curve.points:
        vs = (f"{100 * p.vs_base['diff']:+.1f} [{100 * p.vs_base['low']:+.1f}, {100 * p.vs_base['high']:+.1f}] | "
              f"{p.vs_base['p']:.2g}") if p.vs_base else "— | —"
        lines.append(f"| {p.size} | {100 * p.accuracy:.1f} [{100 * p.low:.1f}, {100 * p.high:.1f}] | {vs} | "
                     f"{p.train_seconds:.0f} |")
    return "\n".join(lines)


def plot_curve(curve: Curve, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [p.size for p in curve.points]
    fig, ax = plt.subplots(figsize=(7, 4), dpi=110)
    ax.fill_between(sizes, [100 * p.low for p in curve.points], [100 * p.high for p in curve.points],
                    color="#4c72b0", alpha=0.2, label="95% CI")
    ax.plot(sizes, [100 * p.accuracy for p in curve.points], marker="o", color="#4c72b0", label="accuracy")
    if curve.prior is not None:
        ax.axhline(100 * curve.prior, color="#c44e52", linestyle="--", linewidth=1, label="prior")
    ax.axhline(100 * curve.chance, color="#8c8c8c", linestyle=":", linewidth=1, label="chance")
    ax.set_xscale("symlog", linthresh=max(1, min((s for s in sizes if s), default=1)))
    ax.set_xlabel("training items")
    ax.set_ylabel("accuracy % (95% CI)")
    ax.set_title(f"{curve.name}: learning curve ({curve.n_test} test items)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
