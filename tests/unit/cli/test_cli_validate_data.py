import json

from ragreason.cli import main


def test_validate_data_prints_counts_histogram_and_answers(tmp_path, capsys):
    rows = [
        {"question": "q1", "options": ["x", "y"], "answer": "A"},
        {"question": "q2", "options": ["x", "y", "z"], "answer": "C"},
        {"question": "q3", "options": ["x", "y", "z"]},
    ]
    path = tmp_path / "m.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    assert main(["validate-data", str(path), "--format", "mcq"]) == 0
    out = capsys.readouterr().out
    assert "questions: 3" in out
    assert "options per question: 2: 1 (33.3%), 3: 2 (66.7%)" in out
    assert "answers: A: 1 (33.3%), C: 1 (33.3%)" in out and "without answer: 1" in out


def test_validate_data_reports_errors(tmp_path, capsys):
    path = tmp_path / "m.jsonl"
    path.write_text('{"question": "q", "options": ["x", "y"]}\n{"question": "q", "options": []}\n', encoding="utf-8")
    assert main(["validate-data", str(path), "-f", "mcq"]) == 1
    assert "m.jsonl:2: field 'options': empty option list" in capsys.readouterr().out
    assert main(["validate-data", str(path), "-f", "mcq", "--lenient"]) == 2
    out = capsys.readouterr().out
    assert "questions: 1" in out and "bad records skipped: 1" in out
