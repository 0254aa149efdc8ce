import argparse
import json

import pytest

from ragreason.cli import main
from ragreason.cli.finetune import _retriever
from ragreason.data.knowledge import load_knowledge
from ragreason.finetune import TrainSpec, read_info

ROWS = [{"id": f"q{i}", "question": f"The cat is {c}. Which colour is it?", "options": ["red", "blue"],
         "answer": "AB"[i % 2]} for i, c in enumerate(["red", "blue"] * 4)]


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in ROWS), encoding="utf-8")
    return path


def test_finetune_command_trains_and_reports(data, tmp_path, tiny_model_dir, capsys):
    knowledge = tmp_path / "kb.jsonl"
    knowledge.write_text("\n".join(json.dumps({"text": f"A {c} cat is a {c} animal."}) for c in ("red", "blue")))
    out = tmp_path / "adapter"
    code = main(["finetune", "--data", str(data), "-f", "mcq", "--out", str(out), "--base-model", str(tiny_model_dir),
                 "--template", "direct-en", "--max-steps", "2", "--batch-size", "4", "--r", "4",
                 "--target-modules", "q_proj,v_proj", "--threads", "1", "--retriever", "bm25", "--top-k", "1",
                 "--knowledge", str(knowledge), "--distractor-share", "0.5", "--eval-data", str(data),
                 "--eval-limit", "2", "--open-world", "--no-progress"])
    assert code == 0
    printed = capsys.readouterr().out
    assert f"adapter: {out}" in printed and "8 trained, 0 skipped (too long), 4 with distractor-only" in printed
    info = read_info(out)
    assert info.lora["r"] == 4 and info.lora["target_modules"] == ["q_proj", "v_proj"]
    assert info.train["max_steps"] == 2 and info.template == "direct-en" and info.metrics["eval_items"] == 2
    assert info.closed_world is False  # the prompt it was trained with, for serving it the same way
    assert info.metrics["batch_size"] == 4 and info.metrics["device"] == "cpu"
    adapter_config = json.loads((out / "adapter_config.json").read_text())
    assert sorted(adapter_config["target_modules"]) == ["q_proj", "v_proj"]
    again = ["finetune", "--data", str(data), "-f", "mcq", "--out", str(out), "--base-model", str(tiny_model_dir),
             "--template", "direct-en", "--max-steps", "2", "--batch-size", "4", "--threads", "1", "--no-progress"]
    assert main(again) == 1
    assert "already holds checkpoints; resume=True (--resume)" in capsys.readouterr().out


@pytest.mark.parametrize(("flags", "message"), [
    (["--lr", "0"], "error: bad TrainSpec: --lr must be in (0, 1), got 0.0"),
    (["--r", "0", "--dropout", "1"], "--r must be an integer >= 1, got 0; --dropout must be in [0, 1)"),
    (["--target-modules", ","], "--target-modules must name at least one module"),
    (["--batch-size", "0", "--grad-accum", "0"], "--grad-accum must be an integer >= 1"),
    (["--retriever", "bm25"], "error: --retriever needs --knowledge"),
])
def test_bad_flags_are_named_before_any_model_loads(data, tmp_path, flags, message, capsys):
    out = tmp_path / "never"
    code = main(["finetune", "--data", str(data), "-f", "mcq", "--out", str(out), "--base-model",
                 str(tmp_path / "no-model"), *flags])
    assert code == 1
    assert message in capsys.readouterr().out
    assert not out.exists()


def test_finetune_knowledge_is_read_as_run_reads_it(tmp_path):
    """``--knowledge`` (a folder or one file) goes through the one knowledge reader."""
    (tmp_path / "notes.md").write_text("# Notes\n\n## Rule one\nIf A then B.\n\n## Rule two\nA or B.\n")
    (tmp_path / "facts.jsonl").write_text('{"text": "Cats are animals.", "meta": {"kb": 1}}\n\n')
    args = argparse.Namespace(retriever="bm25", knowledge=str(tmp_path))
    assert [d.id for d in _retriever(args, [], TrainSpec()).docs] == [d.id for d in load_knowledge(tmp_path)]
    one = argparse.Namespace(retriever="bm25", knowledge=str(tmp_path / "notes.md"))
    retriever = _retriever(one, [], TrainSpec(top_k=2))
    assert [d.text for d in retriever.docs] == ["Notes > Rule one\nIf A then B.", "Notes > Rule two\nA or B."]
    assert retriever.top_k == 2
    with pytest.raises(FileNotFoundError):
        _retriever(argparse.Namespace(retriever="bm25", knowledge=str(tmp_path / "missing")), [], TrainSpec())


def test_every_spec_field_is_a_flag_with_its_help_and_sets_that_field():
    import dataclasses

    from ragreason.cli import build_parser
    from ragreason.cli.spec_flags import spec_from_args
    from ragreason.finetune import LoraSpec

    parser = build_parser()
    finetune = next(a for a in parser._subparsers._group_actions[0].choices.values() if a.prog.endswith("finetune"))
    flags = {o: a for a in finetune._actions for o in a.option_strings}
    for cls in (LoraSpec, TrainSpec):
        for f in dataclasses.fields(cls):
            action = flags["--" + f.name.replace("_", "-")]
            shown = "unset" if f.default is None else f.default
            assert f.metadata["help"] in action.help and f"default: {shown})" in action.help
    args = parser.parse_args(["finetune", "--data", "d", "-f", "mcq", "--out", "o", "--warmup", "0.1", "--r", "4",
                              "--no-group-by-length", "--target-modules", "q_proj,v_proj", "--precision", "fp32"])
    assert spec_from_args(TrainSpec, args) == TrainSpec(warmup=0.1, group_by_length=False, precision="fp32")
    assert spec_from_args(LoraSpec, args) == LoraSpec(r=4, target_modules=("q_proj", "v_proj"))
    default = parser.parse_args(["finetune", "--data", "d", "-f", "mcq", "--out", "o",
                                 "--target-modules", "all-linear"])
    assert spec_from_args(LoraSpec, default) == LoraSpec() and spec_from_args(TrainSpec, default) == TrainSpec()
