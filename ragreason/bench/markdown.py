"""The report as markdown: one table to read at a glance, then paired tests, slices, stages, plots."""

from __future__ import annotations

from .report import EARLIER, Report


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def render(report: Report, plots: list[str]) -> str:
    lines = [f"# Benchmark: {report.name}", "",
             f"{report.n_test} test items, {report.n_train} training items; config hash `{report.config_hash}`.", ""]
    lines += _main_table(report) + [""] + _bias(report) + [""] + _pairs_table(report) + [""] + _stages(report)
    lines += [""] + _slices(report) + [""] + _grounding(report)
    if report.update is not None:
        u = report.update
        lines += ["", f"## After the knowledge was updated: {u.n_test} questions on the changed facts", "",
                  "Every arm's retriever rebuilt over the updated knowledge; no adapter retrained.", ""]
        lines += _main_table(u) + [""] + _slices(u) + [""] + _grounding(u)
    if plots:
        lines += ["", "## Plots", ""] + [f"![{p}]({p})" for p in plots]
    return "\n".join(lines) + "\n"


def _main_table(report: Report) -> list[str]:
    out = ["| arm | accuracy % [95% CI] | vs base (pp) [95% CI] | McNemar p | vs prior (pp) | p vs prior | "
           "unanswered % | by fallback % | abstaining samples % | prompt tok/item | output tok/item | seconds | "
           "items/s |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
           f"| chance | {_pct(report.chance)} | — | — | — | — | — | — | — | — | — | — | — |"]
    for r in report.rows:
        out.append(f"| {r.arm} | {_pct(r.accuracy)} [{_pct(r.low)}, {_pct(r.high)}] | {_diff(r.vs_base)} | "
                   f"{_p(r.vs_base)} | {_diff(r.vs_prior, interval=False)} | {_p(r.vs_prior)} | "
                   f"{_pct(r.unanswered)} | {_pct(r.by_fallback)} | {_pct(r.abstained_samples)} | "
                   f"{r.prompt_tokens:.0f} | {r.output_tokens:.1f} | {r.seconds:.1f} | {r.items_per_s:.2f} |")
    out += ["", "References: `prior` answers the commonest gold letter of the training items for each option count; "
                "`chance` is the expected accuracy of a uniform pick. A condition helps only where it is above both."]
    return out


def _diff(vs: dict[str, float], *, interval: bool = True) -> str:
    if not vs:
        return "—"
    if not interval:
        return f"{100 * vs['diff']:+.1f}"
    return f"{100 * vs['diff']:+.1f} [{100 * vs['low']:+.1f}, {100 * vs['high']:+.1f}]"


def _p(vs: dict[str, float]) -> str:
    return f"{vs['p']:.3g}" if vs else "—"


def _bias(report: Report) -> list[str]:
    if not report.bias:
        return []
    letters = sorted({x for b in report.bias.values() for x in b["gold"]})
    first = next(iter(report.bias.values()))
    out = ["## Letter bias (% of items answered with each letter; recall % per gold letter)", "",
           "| arm | largest gap (pp) | " + " | ".join(f"{x} answered" for x in letters) + " | "
           + " | ".join(f"{x} recall" for x in letters) + " |",
           "|---|---|" + "---|" * (2 * len(letters)),
           "| gold | — | " + " | ".join(_pct(first["gold"].get(x, 0.0)) for x in letters) + " |"
           + " — |" * len(letters)]
    for arm, b in report.bias.items():
        shares = " | ".join(_pct(b["predicted"].get(x, 0.0)) for x in letters)
        recall = " | ".join(_pct(b["recall"][x]) if x in b["recall"] else "—" for x in letters)
        out.append(f"| {arm} | {100 * b['gap']:.1f} | {shares} | {recall} |")
    circular = [r for r in report.rows if r.circular is not None]
    if circular:
        out += ["", "CircularEval (right under every option order): "
                + ", ".join(f"{r.arm} {_pct(r.circular)} % (plain {_pct(r.accuracy)} %)" for r in circular) + "."]
    return out


def _pairs_table(report: Report) -> list[str]:
    arms = [r.arm for r in report.rows]
    out = ["## Paired differences (row minus column, percentage points; * p < 0.05, McNemar exact)", "",
           "| | " + " | ".join(arms) + " |", "|---|" + "---|" * len(arms)]
    for a in arms:
        cells = []
        for b in arms:
            if a == b:
                cells.append("—")
                continue
            pair = report.pairs[a][b]
            cells.append(f"{100 * pair['diff']:+.1f}{'*' if pair['p'] < 0.05 else ''}")
        out.append(f"| {a} | " + " | ".join(cells) + " |")
    return out


def _stages(report: Report) -> list[str]:
    out = ["## Time per stage", "", "| stage | seconds |", "|---|---|"]
    now = {name: sec for name, sec in report.stages.items() if not name.endswith(EARLIER)}
    earlier = {name: sec for name, sec in report.stages.items() if name not in now}
    out += [f"| {name} | {sec:.1f} |" for name, sec in now.items()]
    out.append(f"| **total, this run** | {sum(now.values()):.1f} |")
    if earlier:  # a resumed run: what the resumed records cost when they were made
        out += [f"| {name} | {sec:.1f} |" for name, sec in earlier.items()]
        out.append(f"| **total with earlier runs** | {sum(report.stages.values()):.1f} |")
    for name, info in report.finetune.items():
        seconds = f"{info.get('train_seconds', 0):.0f} s"
        reused = info.get("reused")
        note = f"reused from the cache (trained earlier in {seconds})" if reused else f"trained in {seconds}"
        items = info.get("train_items")
        on = f" on {items} training items" if items is not None else ""
        if info.get("examples_seen") is not None and items is not None and info["examples_seen"] < items:
            on += f" ({info['steps']} steps: {info['examples_seen']} examples seen)"
        out.append(f"\nAdapter `{name}`{on}: {note}.")
    return out


def _grounding(report: Report) -> list[str]:
    if not report.grounding:
        return []
    out = ["## What the answers rest on", "",
           "| arm | documents in context | answers resting on one % | recall of the needed documents % |",
           "|---|---|---|---|"]
    for arm, g in report.grounding.items():
        recall = _pct(g["recall"]) if "recall" in g else "—"
        out.append(f"| {arm} | {g['documents']:.2f} | {_pct(g['rests_on'])} | {recall} |")
    out += ["", "An answer rests on a document of its context when that document states the chosen option; the "
                "needed documents are those the question names (`meta.documents`)."]
    return out


def _slices(report: Report) -> list[str]:
    keys = sorted({k for arm in report.slices.values() for k in arm})
    if not keys:
        return []
    arms = [r.arm for r in report.rows]
    out = ["## Accuracy % by slice (n)", "", "| slice | " + " | ".join(arms) + " |", "|---|" + "---|" * len(arms)]
    for key in keys:
        cells = [report.slices[a].get(key) for a in arms]
        n = next((c["n"] for c in cells if c), 0)
        out.append(f"| {key} ({n}) | " + " | ".join(_pct(c["accuracy"]) if c else "—" for c in cells) + " |")
    return out
