"""The cache key of an adapter: the closed-book documents' texts decide it (the same path over another world is
another adapter), and documents read by the caller key it as reading them again would."""

import yaml

from ragreason.experiment.components import adapter_key, training_documents
from ragreason.experiment.validate import load_config
from ragreason.types import Item

TRAIN = [Item("q1", "Where was Ada born?", ("Mivale", "Zuby"), "A")]


def config(folder, text):
    folder.mkdir()
    (folder / "train.jsonl").write_text("")
    (folder / "docs.jsonl").write_text(f'{{"text": "{text}"}}\n')
    raw = {"name": "k", "out": "out", "data": {"format": "mcq", "train": "train.jsonl", "test": "train.jsonl"},
           "conditions": ["base", "ft"], "finetune": {"documents": "docs.jsonl"}}
    (folder / "bench.yaml").write_text(yaml.safe_dump(raw))
    return load_config(folder / "bench.yaml")


def test_documents_decide_the_closed_book_key_only(tmp_path):
    one = config(tmp_path / "a", "Ada\\nAda was born in Mivale.")
    other = config(tmp_path / "b", "Ada\\nAda was born in Zuby.")
    assert adapter_key(one, TRAIN, False) != adapter_key(other, TRAIN, False)
    assert adapter_key(one, TRAIN, True) == adapter_key(other, TRAIN, True)  # RAFT reads no closed-book documents
    assert adapter_key(one, TRAIN, False, training_documents(one)) == adapter_key(one, TRAIN, False)
