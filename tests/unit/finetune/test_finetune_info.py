import json

import pytest

from ragreason.finetune.info import (
    AdapterInfo,
    AdapterMismatchError,
    check_adapter,
    data_hash,
    model_fingerprint,
    read_info,
)
from ragreason.prompt import PromptBuilder
from ragreason.types import Item

LLAMA = {"model_type": "llama", "hidden_size": 576, "num_hidden_layers": 30, "num_attention_heads": 9,
         "num_key_value_heads": 3, "intermediate_size": 1536, "vocab_size": 49152, "head_dim": 64, "rope_theta": 1.0}


def model_dir(tmp_path, name, **changes):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({**LLAMA, **changes}))
    return folder


def info_for(folder, base) -> AdapterInfo:
    return AdapterInfo(path=str(folder), base_model=str(base), base_fingerprint=model_fingerprint(base),
                       data_hash="abc", template="direct-en", target="answer", lora={"r": 8}, train={"lr": 1e-4},
                       metrics={"eval_accuracy": 0.5})


def test_round_trip_and_fingerprint(tmp_path):
    base = model_dir(tmp_path, "base")
    assert model_fingerprint(base) == {k: v for k, v in LLAMA.items() if k != "rope_theta"}
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    info = info_for(adapter, base)
    info.write()
    assert read_info(adapter) == info
    assert not list(adapter.glob("*.tmp"))


def test_check_adapter_names_the_difference(tmp_path):
    base, other = model_dir(tmp_path, "base"), model_dir(tmp_path, "other", hidden_size=128, model_type="qwen2")
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    info_for(adapter, base).write()
    assert check_adapter(adapter, model_dir(tmp_path, "copy")).base_model == str(base)
    with pytest.raises(AdapterMismatchError, match=r"model_type 'llama' vs 'qwen2', hidden_size 576 vs 128"):
        check_adapter(adapter, other)


def test_missing_or_foreign_info_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="ragreason.json"):
        read_info(tmp_path)
    (tmp_path / "ragreason.json").write_text(json.dumps({"version": 99}))
    with pytest.raises(ValueError, match="version 99"):
        read_info(tmp_path)


def test_data_hash_follows_the_exact_conversations():
    builder = PromptBuilder("direct-en")
    items = [Item("a", "Is it?", ("yes", "no"), "A"), Item("b", "Is it not?", ("yes", "no"), "B")]
    examples = [builder.training_example(i) for i in items]
    assert data_hash(examples) == data_hash([builder.training_example(i) for i in items])
    assert data_hash(examples) != data_hash(examples[::-1])
    changed = [builder.training_example(Item("a", "Is it?", ("yes", "no"), "B")), examples[1]]
    assert data_hash(examples) != data_hash(changed)
    assert data_hash(examples) != data_hash([PromptBuilder("reasoning-en").training_example(i) for i in items])
