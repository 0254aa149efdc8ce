import json

import pytest

from ragreason.data import DataError, Rejects, load_competition, load_items, write_submission


def write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def record(pid="p1", **overrides):
    data = {
        "id": pid,
        "problem": "有一群人：张三是李四的父亲。",
        "questions": [
            {"question": "谁是李四的父亲？", "options": ["张三", "王五"], "answer": "A"},
            {"question": "李四是谁的儿子？", "options": ["王五", "张三", "赵六"], "answer": "B"},
        ],
    }
    data.update(overrides)
    return json.dumps(data, ensure_ascii=False)


def test_loads_problems_with_stable_item_ids(tmp_path):
    path = write_lines(tmp_path / "c.jsonl", [record("p1"), record("p2")])
    problems = load_competition(path)
    assert [p.id for p in problems] == ["p1", "p2"]
    first = problems[0].items[1]
    assert first.id == "p1-q1"
    assert first.options == ("王五", "张三", "赵六")
    assert first.answer == "B"
    assert first.context == "有一群人：张三是李四的父亲。"
    assert first.meta["problem_id"] == "p1" and first.meta["index"] == 1 and first.meta["lang"] == "zh"
    assert [i.id for i in load_items(path, "competition")] == ["p1-q0", "p1-q1", "p2-q0", "p2-q1"]


def test_test_files_have_no_answer(tmp_path):
    questions = [{"question": "q?", "options": ["x", "y"]}]
    path = write_lines(tmp_path / "c.jsonl", [record(questions=questions)])
    assert load_competition(path)[0].items[0].answer is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"questions": [{"question": "q?", "options": ["x", "y"], "answer": "C"}]}, "questions[0].answer",
         "names no option"),
        ({"questions": [{"question": "q?", "options": []}]}, "questions[0].options", "empty option list"),
        ({"questions": [{"options": ["x", "y"]}]}, "questions[0].question", "missing"),
        ({"questions": []}, "questions", "empty list"),
        ({"id": None}, "id", "missing"),
        ({"questions": [{"question": "q?", "options": ["x", ""]}]}, "questions[0].options[1]", "non-empty"),
    ],
)
def test_bad_record_names_file_line_and_field(tmp_path, overrides, field, message):
    path = write_lines(tmp_path / "bad.jsonl", [record("ok"), record("bad", **overrides)])
    with pytest.raises(DataError) as info:
        load_competition(path)
    error = info.value
    assert error.path == path and error.line == 2 and error.field == field
    assert message in str(error) and f"bad.jsonl:2: field '{field}'" in str(error)


def test_malformed_json_line(tmp_path):
    path = write_lines(tmp_path / "c.jsonl", [record("a"), '{"id": "b", "problem": ', record("c")])
    with pytest.raises(DataError, match=r"c\.jsonl:2: malformed JSON"):
        load_competition(path)


def test_duplicate_problem_id(tmp_path):
    path = write_lines(tmp_path / "c.jsonl", [record("a"), record("b"), record("a")])
    with pytest.raises(DataError, match=r"c\.jsonl:3: field 'id': duplicate problem id 'a' \(first seen at line 1\)"):
        load_competition(path)


def test_wrong_encoding_names_the_line(tmp_path):
    path = tmp_path / "gbk.jsonl"
    path.write_bytes(record("a").encode("utf-8") + b"\n" + record("b").encode("gbk") + b"\n")
    with pytest.raises(DataError, match=r"gbk\.jsonl:2: not UTF-8"):
        load_competition(path)


def test_lenient_load_skips_and_reports_bad_records_and_keeps_good_ones(tmp_path):
    bad_answer = {"questions": [{"question": "q?", "options": ["x", "y"], "answer": "Z"}]}
    lines = [record("a"), "not json", record("b", **bad_answer), record("c"), record("a")]
    path = write_lines(tmp_path / "c.jsonl", lines)
    rejects = Rejects()
    problems = load_competition(path, strict=False, rejects=rejects)
    assert [p.id for p in problems] == ["a", "c"]
    assert [(e.line, e.field) for e in rejects] == [(2, None), (3, "questions[0].answer"), (5, "id")]


def test_submission_round_trip_keeps_shape_order_and_extra_fields(tmp_path):
    extra = {"questions": [{"question": "q?", "options": ["A. x", "B. y"], "note": 1}], "source": "s"}
    path = write_lines(tmp_path / "test.jsonl", [record("p2"), record("p1", **extra)])
    problems = load_competition(path)
    assert problems[1].items[0].options == ("x", "y")
    out = tmp_path / "sub" / "submission.jsonl"
    report = write_submission(problems, {"p2-q0": "B", "p2-q1": "C", "p1-q0": "A"}, out)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["p2", "p1"]
    assert [q["answer"] for q in rows[0]["questions"]] == ["B", "C"]
    assert rows[1]["source"] == "s" and rows[1]["questions"][0]["note"] == 1
    assert rows[1]["questions"][0]["options"] == ["A. x", "B. y"]
    assert report.questions == 3 and report.unanswered == ()


def test_submission_reports_unanswered_and_rejects_bad_letters(tmp_path):
    problems = load_competition(write_lines(tmp_path / "t.jsonl", [record("p")]))
    report = write_submission(problems, {"p-q0": "A", "p-q1": None}, tmp_path / "s.jsonl")
    assert report.unanswered == ("p-q1",)
    row = json.loads((tmp_path / "s.jsonl").read_text(encoding="utf-8"))
    assert row["questions"][1]["answer"] is None
    filled = write_submission(problems, {}, tmp_path / "f.jsonl", fallback="A")
    assert filled.unanswered == ("p-q0", "p-q1")
    with pytest.raises(ValueError, match="'D' for 'p-q0' names no option"):
        write_submission(problems, {"p-q0": "D"}, tmp_path / "x.jsonl")
    assert not (tmp_path / "x.jsonl").exists()


def test_question_meta_is_merged_and_problem_extras_are_shared(tmp_path):
    questions = [{"question": "q?", "options": ["x", "y"], "answer": "A", "meta": {"depth": 3, "lang": "en"}}]
    path = write_lines(tmp_path / "c.jsonl", [record(questions=questions, triples=[["a", "r", "b"]])])
    item = load_competition(path)[0].items[0]
    assert item.meta["depth"] == 3 and item.meta["lang"] == "en"
    assert item.meta["problem_extra"] == {"triples": [["a", "r", "b"]]}
    assert item.meta["extra"] == {"meta": {"depth": 3, "lang": "en"}}  # kept for write-back
