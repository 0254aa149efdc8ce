import json

import pytest

from ragreason.data import (
    DataError,
    Rejects,
    load_clutrr,
    load_items,
    load_logic_lm,
    load_logiqa2,
    load_mcq,
    load_pararule_plus,
    load_problems,
)


def test_mcq_letter_or_index_answers_hash_ids_and_extra_fields(tmp_path):
    rows = [
        {"question": "Which is bigger?", "options": ["A) 7", "B) 3"], "answer": "a", "source": "s"},
        {"id": "x", "question": "哪个更大？", "options": ["3", "7"], "answer": 1, "meta": {"depth": 2}},
    ]
    path = tmp_path / "m.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    first, second = load_mcq(path)
    assert first.id.startswith("mcq-") and first.options == ("7", "3") and first.answer == "A"
    assert first.meta["source"] == "s" and first.meta["lang"] == "en"
    assert second.id == "x" and second.answer == "B" and second.meta == {"depth": 2, "lang": "zh"}
    assert load_mcq(path)[0].id == first.id  # stable


@pytest.mark.parametrize(("answer", "message"), [(2, "out of range 0-1"), ("C", "names no option"), (True, "got True")])
def test_mcq_answer_out_of_range(tmp_path, answer, message):
    path = tmp_path / "m.jsonl"
    path.write_text(json.dumps({"question": "q", "options": ["x", "y"], "answer": answer}), encoding="utf-8")
    with pytest.raises(DataError, match=message):
        load_mcq(path)


def test_mcq_duplicate_id(tmp_path):
    row = json.dumps({"id": "same", "question": "q", "options": ["x", "y"]})
    path = tmp_path / "m.jsonl"
    path.write_text(f"{row}\n\n{row}\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"m\.jsonl:3: field 'id': duplicate item id 'same'"):
        load_mcq(path)


def test_logiqa_index_answers_and_renamed_repeats(tmp_path, caplog):
    row = {"id": 7, "answer": 3, "text": "t", "question": "q", "options": ["a", "b", "c", "d"]}
    path = tmp_path / "l.txt"
    path.write_text(json.dumps(row) + "\n" + json.dumps({**row, "answer": 0}) + "\n", encoding="utf-8")
    first, second = load_logiqa2(path)
    assert (first.id, first.answer) == ("logiqa2-en-7", "D")
    assert (second.id, second.answer) == ("logiqa2-en-7-L2", "A")
    assert "duplicate id" in caplog.text


def test_logic_lm_requires_labelled_options_and_finds_record_lines(tmp_path):
    good = {"id": "g", "context": "c", "question": "q", "options": ["A) True", "B) False"], "answer": "B"}
    bad = {**good, "id": "b", "options": ["True", "False"]}
    path = tmp_path / "ProofWriter_dev.json"
    path.write_text("[\n" + json.dumps(good) + ",\n" + json.dumps(bad) + "\n]", encoding="utf-8")
    with pytest.raises(DataError, match=r"ProofWriter_dev\.json:3 \(record 1\): field 'options'"):
        load_logic_lm(path)
    rejects = Rejects()
    (item,) = load_logic_lm(path, strict=False, rejects=rejects)
    assert item.options == ("True", "False") and item.meta["dataset"] == "ProofWriter"
    assert len(rejects) == 1


def test_logic_lm_truncated_file(tmp_path):
    path = tmp_path / "FOLIO_dev.json"
    text = '[{"id": "a", "context": "c", "question": "q", "options": ["A) x", "B) y"]},'
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="not closed"):
        load_logic_lm(path)


def test_pararule_statements_become_true_false_questions(tmp_path):
    row = {"id": "P", "context": "The cat is red.", "questions": [
        {"id": "P1", "text": "The cat is red.", "label": "true", "meta": {"QDep": "0", "QCat": "0"}},
        {"id": "P2", "text": "The cat is not red.", "label": "false", "meta": {"QDep": "1"}},
    ]}
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(row), encoding="utf-8")
    (problem,) = load_pararule_plus(path)
    assert [(i.id, i.answer, i.meta["depth"]) for i in problem.items] == [("P1", "A", 0), ("P2", "B", 1)]
    assert problem.items[0].options == ("True", "False") and problem.items[0].context == "The cat is red."
    bad = {**row, "questions": [{"id": "P1", "text": "x", "label": "maybe"}]}
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(DataError, match=r"field 'questions\[0\]\.label'"):
        load_pararule_plus(path)


CLUTRR_HEADER = (
    ",id,story,query,target,target_text,clean_story,proof_state,f_comb,task_name,story_edges,edge_types,"
    "query_edge,genders,task_split"
)
CLUTRR_ROW = (
    '0,r1,"[Ann] wanted to visit her grandfather [Jon], but she had to help her sister [Amy].","(\'Amy\', \'Jon\')",'
    '2,grandfather,x,x,sister-grandfather,task_1.2,"[(0, 1), (1, 2)]","[\'sister\', \'grandfather\']",'
    '"(0, 2)","Amy:female,Ann:female,Jon:male",validation'
)


def test_clutrr_row_as_kinship_question(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(CLUTRR_HEADER + "\n" + CLUTRR_ROW + "\n", encoding="utf-8")
    (item,) = load_clutrr(path)
    assert item.id == "clutrr-r1" and item.question.startswith("In the story, what is Jon to Amy?")
    assert item.option(item.answer) == "grandfather" and len(item.options) == 4
    assert item.context.startswith("Ann wanted to visit her grandfather Jon")
    assert item.meta["entities"] == ["Amy", "Ann", "Jon"] and item.meta["story_edges"] == [[0, 1], [1, 2]]
    assert item.meta["query_edge"] == [0, 2] and item.meta["depth"] == 2
    assert load_clutrr(path)[0].options == item.options  # the distractors are seeded by the row id
    (full,) = load_clutrr(path, n_options=None)
    assert len(full.options) == 18 and full.option(full.answer) == "grandfather"


def test_clutrr_bad_cells(tmp_path):
    path = tmp_path / "c.csv"
    bad_row = CLUTRR_ROW.replace(",grandfather,x", ",godfather,x")
    path.write_text(CLUTRR_HEADER + "\n" + bad_row + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"c\.csv:2: field 'target_text': unknown relation 'godfather'"):
        load_clutrr(path)
    path.write_text("id,story\n1,s\n", encoding="utf-8")
    with pytest.raises(DataError, match="lacks column"):
        load_clutrr(path)


def test_unknown_format_and_missing_file(tmp_path):
    with pytest.raises(ValueError, match="unknown data format 'xml'"):
        load_items(tmp_path / "x", "xml")
    with pytest.raises(DataError, match="no such file"):
        load_problems(tmp_path / "missing.jsonl", "mcq")
