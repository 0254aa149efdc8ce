"""What the world demo found on each of the five points of the RAG-vs-fine-tuning comparison, in sentences
with their numbers and paired tests (McNemar; a difference is called one at p < ``SIGNIFICANT``, 0.01: a run
makes a dozen comparisons)."""

from __future__ import annotations

from ..experiment.records import PRIOR, RunRecord
from ..stats import accuracy, paired
from .demo_world import WorldDemo, by_kind
from .findings import SIGNIFICANT
from .report import ArmRow


def world_findings(demo: WorldDemo) -> list[str]:
    rows = {row.arm: row for row in demo.report.rows}
    lines = [_retrieval(rows), _graph(demo.records, rows)]
    lines += [_changes(demo, rows), _convention(demo.records, rows), _hallucination(demo.records, rows),
              _cost(demo, rows), _latency(rows), _combined(demo.records, rows)]
    return [line for line in lines if line]


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _test(a: list[RunRecord], b: list[RunRecord]) -> str:
    """"+d pp, p = x (significant | noise)" for two arms' records on the same items."""
    if not a or [r.item_id for r in a] != [r.item_id for r in b]:
        return "not comparable"
    t = paired([r.correct for r in a], [r.correct for r in b])
    return _difference(t.diff.value, t.p_value)


def _row_test(row: ArmRow) -> str:
    return _difference(row.vs_base["diff"], row.vs_base["p"])


def _difference(diff: float, p: float) -> str:
    verdict = "significant" if p < SIGNIFICANT else f"not significant at p < {SIGNIFICANT:g}"
    return f"{100 * diff:+.1f} pp, McNemar p = {p:.2g} ({verdict})"


def _retrieval(rows: dict[str, ArmRow]) -> str:
    rag, base = rows.get("rag@1"), rows.get("base@1")
    if rag is None or base is None or not rag.vs_base:
        return ""
    return (f"Knowledge the model lacks: retrieval of the documents {_pct(base.accuracy)} -> {_pct(rag.accuracy)} "
            f"[{_pct(rag.low)}, {_pct(rag.high)}], {_row_test(rag)}.")


def _graph(records: list[RunRecord], rows: dict[str, ArmRow]) -> str:
    if "graph@1" not in rows or "rag@1" not in rows:
        return ""
    graph, rag = by_kind(records, "graph@1", "two_hop"), by_kind(records, "rag@1", "two_hop")
    if not graph:
        return ""
    return (f"Two-hop questions ({len(graph)}): the graph's facts {_pct(_share(graph))} against the documents' "
            f"{_pct(_share(rag))}, {_test(graph, rag)}.")


def _changes(demo: WorldDemo, rows: dict[str, ArmRow]) -> str:
    """Point 1: knowledge that changes."""
    update = demo.report.update
    if update is None:
        return ""
    after = {row.arm: row for row in update.rows}
    stale = {s.arm: s for s in demo.stale}
    parts = []
    if "rag@1" in after:
        rag = after["rag@1"]
        parts.append(f"re-indexed, rag answers {_pct(rag.accuracy)} [{_pct(rag.low)}, {_pct(rag.high)}] with no "
                     f"retraining (the old value {_pct(stale['rag@1'].share.value)})")
    if "ft@1" in stale:
        ft = stale["ft@1"]
        versus = (f"; base {_pct(stale['base@1'].share.value)}, p = {ft.vs_base['p']:.2g}" if ft.vs_base else "")
        parts.append(f"the closed-book adapter gives the old value on {_pct(ft.share.value)} "
                     f"[{_pct(ft.share.low)}, {_pct(ft.share.high)}]{versus}")
    return f"1. Changing knowledge ({demo.changed} questions on changed facts): " + "; ".join(parts) + "." \
        if parts else ""


def _convention(records: list[RunRecord], rows: dict[str, ArmRow]) -> str:
    """Point 2: a convention no document states, shown only by the training questions."""
    base = by_kind(records, "base@1", "convention")
    if not base:
        return ""
    parts = [f"{arm.split('@')[0]} {_pct(_share(recs))} ({_test(recs, base)})"
             for arm in ("rag@1", "ft@1", "rag+ft@1") if arm in rows and (recs := by_kind(records, arm, "convention"))]
    return (f"2. Customisation, a convention in no document ({len(base)} questions): base {_pct(_share(base))}; "
            + "; ".join(parts) + ".")


def _hallucination(records: list[RunRecord], rows: dict[str, ArmRow]) -> str:
    """Point 3: questions about people the world does not have, whose right answer is that the documents do
    not say; each arm's count, and the arms that read documents or were trained against base."""
    absent = {arm: by_kind(records, arm, "absent") for arm in rows if arm != PRIOR}
    base = absent.get("base@1", [])
    if not base:
        return ""
    said = ", ".join(f"{arm.split('@')[0]} {sum(r.correct for r in recs)}" for arm, recs in absent.items())
    tests = "; ".join(f"{arm.split('@')[0]} against base {_test(absent[arm], base)}"
                      for arm in ("rag@1", "ft@1", "rag+ft@1") if absent.get(arm))
    return (f"3. Hallucination: asked {len(base)} questions about people the world does not have, answers saying "
            f"the documents do not say: {said} of {len(base)}" + (f"; {tests}" if tests else "") + ".")


def _cost(demo: WorldDemo, rows: dict[str, ArmRow]) -> str:
    """Point 4: training cost, and what an answer can show it rests on."""
    grounded = demo.report.grounding.get("rag@1")
    trained = ", ".join(f"{name} {info.get('train_seconds', 0):.0f} s{' (cached)' if info.get('reused') else ''}"
                        for name, info in demo.report.finetune.items())
    parts = []
    if trained:
        parts.append(f"training {trained}; an adapter's weights name no source")
    if grounded:
        parts.append(f"{_pct(grounded['rests_on'])} of rag's answers rest on a document in their context "
                     f"(named in records.jsonl), which held {_pct(grounded.get('recall', 0.0))} of the documents "
                     "the questions need")
    return "4. Cost and interpretability: " + "; ".join(parts) + "." if parts else ""


def _latency(rows: dict[str, ArmRow]) -> str:
    """Point 5: seconds per question, retrieval included."""
    base = rows.get("base@1")
    if base is None or not base.n or not base.seconds:
        return ""
    per = {arm: row.seconds / row.n for arm, row in rows.items() if arm != PRIOR and row.n and row.seconds}
    ratios = ", ".join(f"{arm.split('@')[0]} {s:.2f} s ({s / per['base@1']:.1f}x)" for arm, s in per.items())
    return f"5. Latency per question, retrieval included: {ratios}."


def _combined(records: list[RunRecord], rows: dict[str, ArmRow]) -> str:
    both, rag = rows.get("rag+ft@1"), rows.get("rag@1")
    if both is None or rag is None:
        return ""
    return (f"Both combined (RAFT) against retrieval alone: {_pct(rag.accuracy)} -> {_pct(both.accuracy)}, "
            f"{_test(by_kind(records, both.arm), by_kind(records, rag.arm))}.")


def _share(records: list[RunRecord]) -> float:
    return accuracy([r.correct for r in records]).value if records else 0.0
