"""Writing a report: ``report.json``, ``report.csv``, ``report.md`` and the PNG plots."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from pathlib import Path

from ..paths import write_text_atomic
from .markdown import render
from .plots import write_plots
from .report import ArmRow, Report


def write_report(report: Report, out: Path) -> None:
    plots = write_plots(report, out)
    write_text_atomic(out / "report.json", json.dumps(asdict(report), indent=2, ensure_ascii=False))
    write_text_atomic(out / "report.csv", to_csv(report))
    write_text_atomic(out / "report.md", to_markdown(report, plots))


def to_csv(report: Report) -> str:
    buffer = io.StringIO()
    plain = [f for f in ArmRow.__dataclass_fields__ if not f.startswith("vs_")]
    writer = csv.writer(buffer)
    writer.writerow([*plain, "diff_vs_base", "p_vs_base", "diff_vs_prior", "p_vs_prior"])
    writer.writerow(["chance", "chance", 0, report.n_test, report.chance, *[""] * (len(plain) - 5), "", "", "", ""])
    for row in report.rows:
        refs = [row.vs_base.get("diff", ""), row.vs_base.get("p", ""), row.vs_prior.get("diff", ""),
                row.vs_prior.get("p", "")]
        writer.writerow([*(getattr(row, f) for f in plain), *refs])
    return buffer.getvalue()


def to_markdown(report: Report, plots: list[str] | None = None) -> str:
    return render(report, plots or [])
