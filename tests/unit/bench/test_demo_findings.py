"""The world demo's sentences on the five points: numbers read from the records of the right arm and kind,
the paired test on the same items, the stale answers after the update."""

from ragreason.bench.demo_findings import world_findings
from ragreason.bench.demo_world import WorldDemo, stale_answers
from ragreason.bench.report import ArmRow, Report
from ragreason.experiment.records import RunRecord
from ragreason.types import Item


def record(arm, item, correct, kind, choice="A", documents=()):
    return RunRecord(item_id=item, arm=arm, condition=arm.split("@")[0], votes=1, choice=choice, gold="A",
                     correct=correct, abstentions=0, samples=0, prompt_tokens=0, completion_tokens=0, latency_s=0.0,
                     config_hash="h", slices={"kind": kind, "options": 4}, documents=documents)


def row(arm, accuracy, vs_base=None, seconds=10.0):
    return ArmRow(arm=arm, condition=arm.split("@")[0], votes=1, n=20, accuracy=accuracy, low=accuracy - 0.1,
                  high=accuracy + 0.1, unanswered=0.0, abstained_samples=0.0, prompt_tokens=0.0, output_tokens=0.0,
                  seconds=seconds, items_per_s=1.0, vs_base=vs_base or {})


def test_two_hop_sentence_pairs_graph_with_rag_on_the_same_items_and_the_update_counts_stale_answers():
    two_hop = [f"t{i}" for i in range(12)]
    records = [*(record("graph@1", i, True, "two_hop") for i in two_hop),
               *(record("rag@1", i, k < 2, "two_hop") for k, i in enumerate(two_hop)),
               *(record("base@1", i, False, "two_hop") for i in two_hop)]
    rows = [row("base@1", 0.25), row("rag@1", 0.7, {"base": "base@1", "diff": 0.45, "low": 0.3, "high": 0.6,
                                                     "p": 1e-9}, seconds=20.0), row("graph@1", 0.7)]
    changed = [Item(f"c{i}", "Where does X live?", ("a", "b", "c", "d"), "A", meta={"stale": "B"}) for i in range(4)]
    after = [*(record("base@1", f"c{i}", False, "attribute", choice="B" if i < 1 else "C") for i in range(4)),
             *(record("ft@1", f"c{i}", False, "attribute", choice="B") for i in range(4))]
    update = Report("u", "h", [row("base@1", 0.0), row("ft@1", 0.0)], {}, {}, {}, {}, 0, 4)
    report = Report("w", "h", rows, {}, {}, {}, {}, 10, 20, update=update)
    demo = WorldDemo(report, records, stale_answers(changed, after), len(changed))
    lines = world_findings(demo)
    assert lines[0].startswith("Knowledge the model lacks: retrieval of the documents 25.0% -> 70.0%")
    assert lines[1].startswith("Two-hop questions (12): the graph's facts 100.0% against the documents' 16.7%, "
                               "+83.3 pp, McNemar p = 0.002")
    stale = {s.arm: s.share.value for s in demo.stale}
    assert stale == {"base@1": 0.25, "ft@1": 1.0}
    assert "the closed-book adapter gives the old value on 100.0%" in lines[2] and "base 25.0%" in lines[2]
    assert any(line.startswith("5. Latency per question, retrieval included: base 0.50 s (1.0x), rag 1.00 s (2.0x)")
               for line in lines)


def test_the_hallucination_sentence_counts_each_arms_abstentions_and_tests_them_against_base():
    absent = [f"a{i}" for i in range(10)]
    records = [*(record("base@1", i, False, "absent", choice="B") for i in absent),
               *(record("rag@1", i, k < 9, "absent") for k, i in enumerate(absent)),
               *(record("ft@1", i, k < 1, "absent") for k, i in enumerate(absent)),
               *(record("rag@1", "x", True, "attribute"), record("base@1", "x", True, "attribute"))]
    rows = [row("base@1", 0.1), row("rag@1", 0.9), row("ft@1", 0.1)]
    report = Report("w", "h", rows, {}, {}, {}, {}, 10, 11)
    (line,) = [x for x in world_findings(WorldDemo(report, records, [], 0)) if x.startswith("3.")]
    assert line.startswith("3. Hallucination: asked 10 questions about people the world does not have, answers "
                           "saying the documents do not say: base 0, rag 9, ft 1 of 10; ")
    assert "rag against base +90.0 pp, McNemar p = 0.0039 (significant)" in line
    assert "ft against base +10.0 pp, McNemar p = 1 (not significant at p < 0.01)" in line
