"""``ragreason run`` serves an adapter with the prompt it was trained with unless told otherwise."""

import dataclasses
import logging

from ragreason.cli import build_parser
from ragreason.cli.run import _prompt
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
