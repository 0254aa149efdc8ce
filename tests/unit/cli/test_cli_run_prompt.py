"""``ragreason run`` serves an adapter with the prompt it was trained with unless told otherwise, and a folder that
holds a whole model (full fine-tuning, a merged adapter) as the model."""

import dataclasses
import logging

import pytest

from ragreason.cli import build_parser
from ragreason.cli.run import _prompt, _whole_model
from ragreason.finetune import AdapterInfo


def args(*flags):
    return build_parser().parse_args(["run", "--data", "d.jsonl", "--out", "a.jsonl", *flags])


def adapter(tmp_path, **fields):
    info = AdapterInfo(path=str(tmp_path), base_model="m", base_fingerprint={}, data_hash="h", template="direct-en",
                       target="answer", lora={}, train={}, closed_world=False)
    dataclasses.replace(info, **fields).write(tmp_path)
    return str(tmp_path)


def test_without_an_adapter_the_defaults_or_the_flags():
    assert _prompt(args()) == ("direct", True)
    assert _prompt(args("--template", "reasoning", "--open-world")) == ("reasoning", False)


def test_an_adapter_serves_with_its_training_prompt_unless_told_otherwise(tmp_path, caplog):
    trained = adapter(tmp_path / "a")
    assert _prompt(args("--adapter", trained)) == ("direct-en", False)
    assert not caplog.records
    with caplog.at_level(logging.WARNING):
        assert _prompt(args("--adapter", trained, "--closed-world")) == ("direct-en", True)
    assert "it was trained with direct-en (open world)" in caplog.text
    older = adapter(tmp_path / "b", closed_world=None)  # written before the choice was recorded
    assert _prompt(args("--adapter", older)) == ("direct-en", True)


def test_an_adapter_without_ragreason_json_gets_the_defaults(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        assert _prompt(args("--adapter", str(tmp_path))) == ("direct", True)
    assert "has no ragreason.json" in caplog.text


def test_a_whole_model_given_as_adapter_is_served_as_the_model_with_its_training_prompt(tmp_path):
    full = adapter(tmp_path / "full", train={"method": "full"})
    (tmp_path / "full" / "config.json").write_text("{}", encoding="utf-8")
    given = args("--adapter", full)
    assert _prompt(given) == ("direct-en", False)
    _whole_model(given)
    assert (given.model, given.adapter) == (full, None)
    lora = adapter(tmp_path / "lora")
    (tmp_path / "lora" / "adapter_config.json").write_text("{}", encoding="utf-8")
    (tmp_path / "lora" / "config.json").write_text("{}", encoding="utf-8")  # peft may save the base's config too
    kept = args("--adapter", lora)
    _whole_model(kept)
    assert (kept.model, kept.adapter) == ("default", lora)
    with pytest.raises(ValueError, match="holds a whole model"):
        _whole_model(args("--adapter", full, "--model", "other/model"))


def test_a_recipe_the_flags_cannot_make_is_an_error_message_before_any_model_loads(tmp_path, capsys):
    data = tmp_path / "q.jsonl"
    data.write_text('{"id": "q1", "question": "?", "options": ["a", "b"], "answer": "A"}\n')
    parsed = build_parser().parse_args(["run", "--data", str(data), "--format", "mcq", "--out",
                                        str(tmp_path / "a.jsonl"), "--top-k", "0"])
    assert parsed.func(parsed) == 1
    assert "error: top_k: must be >= 1 or unset, got 0" in capsys.readouterr().out
    assert not (tmp_path / "a.jsonl").exists()
