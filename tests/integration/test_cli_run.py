"""``ragreason run`` on real shared data with the default model, FAISS retrieval over the shipped
knowledge and 3 votes: answers, accuracy line, submission, and a rerun that answers nothing twice."""

import json

import pytest

from ragreason.cli import main
from ragreason.data import load_items
from ragreason.policy import BLIND_SCORE, SCORE_CANDIDATES


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, shared_data, default_llm):
    out = tmp_path_factory.mktemp("run")
    data = shared_data / "logic_lm" / "ProofWriter_dev.json"
    args = ["run", "--data", str(data), "--format", "logic-lm", "--limit", "4", "--retriever", "dense",
            "--votes", "3", "--score", "none", "--max-tokens", "48", "--out", str(out / "answers.jsonl"),
            "--submission", str(out / "submission.jsonl"), "--no-progress"]
    return out, data, args


def test_run_answers_real_data_with_faiss_and_votes(run_dir, capsys):
    out, data, args = run_dir
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "accuracy on the 4 questions with a gold answer" in printed
    items = load_items(data, "logic-lm")[:4]
    chance = sum(1 / len(i.options) for i in items) / len(items)
    assert f"references: chance {chance:.3f}; prior " in printed and "in-sample" in printed and "McNemar p" in printed
    records = [json.loads(line) for line in (out / "answers.jsonl").read_text().splitlines()]
    items = load_items(data, "logic-lm")[:4]
    assert [r["item_id"] for r in records] == [i.id for i in items]
    for record, item in zip(records, items, strict=True):
        assert record["gold"] == item.answer
        assert len(record["generations"]) == 3  # three votes per question, from one call
        assert sum(record["votes"].values()) + record["abstentions"] == 3
        hits = record["context"]["hits"]
        # retrieved from the FAISS index (top 3), then reranked by the model: the best kept until 0.9 of its mass
        assert 1 <= len(hits) <= 3 and all(h["source"] == "dense+model" for h in hits)
        if not record["votes"]:  # no sample named an option: the option scores answered, and say so
            assert record["fallback"] == "score" and record["by_source"]["fallback:score"]
    submission = [json.loads(line) for line in (out / "submission.jsonl").read_text().splitlines()]
    assert [q["answer"] for s in submission for q in s["questions"]] == [r["choice"] for r in records]
    assert None not in [r["choice"] for r in records] and "0 unanswered" in printed


def test_rerun_resumes_without_answering_twice(run_dir, capsys):
    out, _, args = run_dir
    before = (out / "answers.jsonl").read_text()
    assert main(args) == 0
    assert (out / "answers.jsonl").read_text() == before
    more = [a if a != "4" else "5" for a in args]
    assert main(more) == 0
    lines = (out / "answers.jsonl").read_text().splitlines()
    assert len(lines) == 5 and "\n".join(lines[:4]) + "\n" == before
    assert len({json.loads(line)["item_id"] for line in lines}) == 5


def test_the_default_recipe_answers_every_question_by_calibrated_option_scores(tmp_path, shared_data, capsys):
    data = shared_data / "logic_lm" / "ProofWriter_dev.json"
    out = tmp_path / "answers.jsonl"
    assert main(["run", "--data", str(data), "--format", "logic-lm", "--limit", "40", "--out", str(out),
                 "--submission", str(tmp_path / "s.jsonl"), "--no-progress"]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 40 and all(r["choice"] in ("A", "B", "C") for r in records)
    blind = f"score:{BLIND_SCORE}"  # no solved items to choose on: the method measured best on average
    assert all(r["generations"] == [] and r["by_source"] == {blind: {r["choice"]: 1}} for r in records)
    printed = capsys.readouterr().out
    assert "0 unanswered" in printed and f"option scoring: {BLIND_SCORE}" in printed
    train = tmp_path / "train.json"  # solved items of the same task: the fitted calibration learns from them
    train.write_text(json.dumps(json.loads((shared_data / "logic_lm" / "ProofWriter_train.json").read_text())[:60]))
    fitted = tmp_path / "fitted.jsonl"
    assert main(["run", "--data", str(data), "--format", "logic-lm", "--limit", "40", "--train", str(train),
                 "--out", str(fitted), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "the commonest letter per option count of --train" in printed
    again = [json.loads(line) for line in fitted.read_text().splitlines()]
    assert len(again) == 40 and all(r["choice"] in ("A", "B", "C") for r in again)
    (chosen,) = {key for r in again for key in r["by_source"]}  # one method, chosen on the 60 solved items
    assert chosen.removeprefix("score:") in SCORE_CANDIDATES and f"option scoring: {chosen[6:]}" in printed
    assert again[0]["run_key"] != records[0]["run_key"]  # the fitted calibration, not the batch one
    assert main(["run", "--data", str(data), "--format", "logic-lm", "--limit", "4", "--votes", "0", "--score", "none",
                 "--out", str(tmp_path / "b.jsonl")]) == 1
    assert "--votes 0 needs --score" in capsys.readouterr().out


def test_a_prior_fallback_needs_solved_examples(tmp_path, capsys):
    data = tmp_path / "q.jsonl"
    data.write_text('{"id": "p1", "problem": "P", "questions": [{"question": "Q?", "options": ["x", "y"]}]}\n')
    assert main(["run", "--data", str(data), "--out", str(tmp_path / "a.jsonl"), "--fallback", "prior"]) == 1
    assert "--fallback prior needs --train or --examples" in capsys.readouterr().out
    assert not (tmp_path / "a.jsonl").exists()


def test_bad_data_names_file_and_line(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    good = '{"id": "p1", "problem": "P", "questions": [{"question": "Q?", "options": ["x", "y"], "answer": "A"}]}'
    bad.write_text(good + "\n" + good.replace("p1", "p2").replace('"A"', '"C"') + "\n")
    assert main(["run", "--data", str(bad), "--out", str(tmp_path / "a.jsonl")]) == 1
    printed = capsys.readouterr().out
    assert "bad.jsonl:2" in printed and "answer" in printed
    assert not (tmp_path / "a.jsonl").exists()  # nothing was answered from a file that did not load


def test_option_orders_on_the_real_engine_keep_each_orders_answer(tmp_path, shared_data):
    data = shared_data / "logic_lm" / "ProofWriter_dev.json"
    out = tmp_path / "orders.jsonl"
    assert main(["run", "--data", str(data), "--format", "logic-lm", "--limit", "6", "--permutations", "all",
                 "--calibrate", "pride", "--out", str(out), "--no-progress"]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 6
    for record in records:  # three options: three cyclic orders, each answered, mapped back to A-C
        assert len(record["by_order"]) == 3 and set(record["by_order"]) <= {"A", "B", "C"}
        assert record["choice"] in ("A", "B", "C")


def test_a_fully_fine_tuned_folder_given_as_adapter_is_served_as_the_model(tmp_path, default_llm, capsys):
    """A folder holding a whole model (as full fine-tuning writes it, with its ragreason.json) answers through
    --adapter exactly as through --model with the prompt it records; vLLM never sees it as a LoRA."""
    from ragreason.finetune import AdapterInfo

    full = tmp_path / "full"
    full.mkdir()
    for file in default_llm.iterdir():
        (full / file.name).symlink_to(file)
    AdapterInfo(path=str(full), base_model=str(default_llm), base_fingerprint={}, data_hash="h", template="cloze",
                target="answer", lora={}, train={"method": "full"}, closed_world=True).write(full)
    data = tmp_path / "q.jsonl"
    data.write_text("".join(json.dumps({"id": f"q{k}", "question": f"Which colour is sky {k}?",
                                        "options": ["blue", "green", "red"], "answer": "A"}) + "\n" for k in range(3)))
    common = ["run", "--data", str(data), "--format", "mcq", "--no-progress"]
    assert main([*common, "--adapter", str(full), "--out", str(tmp_path / "a.jsonl")]) == 0
    assert main([*common, "--model", str(full), "--template", "cloze", "--out", str(tmp_path / "m.jsonl")]) == 0
    capsys.readouterr()
    served = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text().splitlines()]
    plain = [json.loads(line) for line in (tmp_path / "m.jsonl").read_text().splitlines()]
    assert [r["choice"] for r in served] == [r["choice"] for r in plain] and len(served) == 3
    assert [r["by_source"] for r in served] == [r["by_source"] for r in plain]  # the same option scores
