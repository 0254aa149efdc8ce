"""``validate_config`` lists every problem of a benchmark config at once, without loading a model:
here the model section's serving mode and the fine-tuning section's types and ranges."""

import dataclasses
import hashlib
import json

import yaml

from ragreason.bench.validate import load_config, validate_config
from ragreason.synth import SynthConfig, generate, write_jsonl


def write(tmp_path, **sections):
    write_jsonl(generate(4, SynthConfig(lang="en", seed=1)), tmp_path / "items.jsonl")
    config = {"name": "t", "out": "out", "data": {"format": "competition", "path": "items.jsonl"},
              "retrieval": {"kind": "bm25", "knowledge": None, "examples": True}, **sections}
    path = tmp_path / "bench.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def test_a_sound_config_loads_with_lora_serving_and_grouped_batches_by_default(tmp_path):
    config = load_config(write(tmp_path))
    assert config.model.adapters == "lora" and config.finetune.group_by_length is True
    assert config.finetune.train_spec().group_by_length is True
    merged = load_config(write(tmp_path, model={"adapters": "merged"}, finetune={"group_by_length": False}))
    assert merged.model.adapters == "merged" and merged.finetune.train_spec().group_by_length is False


def test_every_problem_is_listed(tmp_path):
    problems = validate_config(write(tmp_path, model={"adapters": "fused", "backend": "tgi"},
                                     finetune={"group_by_length": "yes", "lr": -1.0, "r": 0,
                                               "top_layers": 0}))
    text = "\n".join(problems)
    assert "model.adapters: must be one of lora, merged, got 'fused'" in text
    assert "model.backend: unknown backend 'tgi'" in text
    assert "finetune.group_by_length: expected bool, got 'yes'" in text
    assert "lr must be in (0, 1), got -1.0" in text and "r must be an integer >= 1, got 0" in text
    assert "top_layers must be an integer >= 1 or None, got 0" in text
    assert len(problems) == 5, problems  # the LoraSpec names its two in one message


def test_top_layers_reaches_the_lora_spec_and_changes_the_hash_only_when_set(tmp_path):
    plain = load_config(write(tmp_path))
    top = load_config(write(tmp_path, finetune={"top_layers": 4}))
    assert plain.finetune.lora_spec().top_layers is None and top.finetune.lora_spec().top_layers == 4
    assert top.digest("finetune") != plain.digest("finetune")
    # Left unset it stays out of the hash: records and adapters cached before the option existed still match.
    data = dataclasses.asdict(plain)
    data.pop("base_dir")
    del data["finetune"]["top_layers"]
    before = hashlib.sha1(json.dumps({"finetune": data["finetune"]}, sort_keys=True, default=str).encode())
    assert plain.digest("finetune") == before.hexdigest()[:12]
