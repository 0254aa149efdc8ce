"""Every loader on the real files in ../shared/data; counts match the data README."""

import pytest

from ragreason.data import Rejects, load_items, load_problems
from ragreason.data.clutrr import RELATIONS

LOGIC_LM = {
    "ProofWriter_train.json": 3000, "ProofWriter_dev.json": 600, "ProntoQA_dev.json": 500,
    "FOLIO_train.json": 1004, "FOLIO_dev.json": 204, "LogicalDeduction_train.json": 1200,
    "LogicalDeduction_dev.json": 300,
}


@pytest.mark.parametrize(("name", "count"), LOGIC_LM.items())
def test_logic_lm(shared_data, name, count):
    items = load_items(shared_data / "logic_lm" / name, "logic-lm")
    assert len(items) == count and len({i.id for i in items}) == count
    assert all(i.answer in i.letters and not i.options[0].startswith("A)") for i in items)
    if name.startswith("ProntoQA"):
        assert all(isinstance(i.meta["explanation"], list) for i in items)


@pytest.mark.parametrize("depth", [2, 3, 4, 5])
def test_pararule_plus(shared_data, depth):
    problems = load_problems(shared_data / "pararule_plus" / f"depth{depth}_test.jsonl", "pararule-plus")
    items = [i for p in problems for i in p.items]
    assert len(problems) == 300 and 2650 < len(items) < 2750
    assert {i.answer for i in items} == {"A", "B"} and max(i.meta["depth"] for i in items) == depth


def test_pararule_plus_total_questions(shared_data):
    total = sum(len(load_items(shared_data / "pararule_plus" / f"depth{d}_test.jsonl", "pararule-plus"))
                for d in (2, 3, 4, 5))
    assert total == 10798  # "~10,800" in the README


def test_logiqa_english_keeps_both_repeated_ids(shared_data):
    items = load_items(shared_data / "logiqa2" / "dev.txt", "logiqa2")
    assert len(items) == 1569 and len({i.id for i in items}) == 1569
    assert {i.id for i in items} >= {"logiqa2-en-10882-L1076", "logiqa2-en-10973-L1352"}


def test_logiqa_chinese_has_three_broken_records(shared_data):
    rejects = Rejects()
    items = load_items(shared_data / "logiqa2" / "dev_zh.txt", "logiqa2", strict=False, rejects=rejects)
    assert len(items) + len(rejects) == 1593 and len(rejects) == 3
    assert [e.line for e in rejects] == [1303, 1375, 1542]
    assert all("option must be non-empty" in str(e) for e in rejects)
    assert sum(i.meta["lang"] == "zh" for i in items) > 1580


@pytest.mark.parametrize(("name", "count"), [
    ("gen_train234_test2to10__validation.csv", 3019), ("gen_train23_test2to10__validation.csv", 2020),
    ("rob_train_clean_23_test_all_23__validation.csv", 2026),
])
def test_clutrr(shared_data, name, count):
    items = load_items(shared_data / "clutrr" / name, "clutrr")
    assert len(items) == count
    for item in items:
        assert item.option(item.answer) == item.meta["target"] in RELATIONS
        a, b = item.meta["query"]
        assert item.meta["entities"][item.meta["query_edge"][0]] == a
        assert item.meta["entities"][item.meta["query_edge"][1]] == b
        assert len(item.meta["story_edges"]) == len(item.meta["edge_types"])
