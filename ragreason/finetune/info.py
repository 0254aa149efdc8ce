"""``ragreason.json``: what an adapter folder was trained from, and the checks that use it.

It records the base model (path and a fingerprint of its shape), a hash of the exact training
examples, the prompt template, the hyper-parameters and the final metrics. ``check_adapter``
compares the fingerprint with another base model before loading, so an adapter trained on one
model fails with a clear message on another instead of a tensor-shape error deep in peft.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..paths import write_text_atomic

INFO_FILE = "ragreason.json"
INFO_VERSION = 1
# The base-model config fields an adapter's tensor shapes depend on.
SHAPE_FIELDS = ("model_type", "hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
                "intermediate_size", "vocab_size", "head_dim")


class AdapterMismatchError(ValueError):
    """An adapter was trained on a base model of another shape than the one it is loaded onto."""


@dataclass(frozen=True)
class AdapterInfo:
    """An adapter folder and what made it. ``template`` and ``closed_world`` are the prompt it was trained
    with (so that it is served with the same; ``closed_world`` None: not recorded, an adapter written
    before it was). ``metrics``: the final numbers; ``history``: eval accuracy by step."""

    path: str
    base_model: str
    base_fingerprint: dict[str, Any]
    data_hash: str
    template: str
    target: str
    lora: dict[str, Any]
    train: dict[str, Any]
    examples: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    merged_from: str | None = None
    version: int = INFO_VERSION
    closed_world: bool | None = None

    def write(self, folder: str | Path | None = None) -> Path:
        """Write ``ragreason.json`` atomically into ``folder`` (default: ``path``)."""
        target = Path(folder or self.path) / INFO_FILE
        write_text_atomic(target, json.dumps(asdict(self), indent=2, ensure_ascii=False, default=str) + "\n")
        return target


def holds_model(folder: str | Path) -> bool:
    """True for a folder of a whole model (fully fine-tuned, or an adapter merged into its base): weights and a
    ``config.json``, no LoRA's ``adapter_config.json``. Such a folder is served as the model itself."""
    path = Path(folder)
    return (path / "config.json").is_file() and not (path / "adapter_config.json").is_file()


def read_info(adapter_dir: str | Path) -> AdapterInfo:
    """The ``ragreason.json`` of an adapter folder."""
    path = Path(adapter_dir) / INFO_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{adapter_dir} has no {INFO_FILE}; was it written by ragreason finetune?")
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("version") != INFO_VERSION:
        raise ValueError(f"{path}: version {data.get('version')!r} is not {INFO_VERSION}")
    known = AdapterInfo.__dataclass_fields__
    return AdapterInfo(**{k: v for k, v in data.items() if k in known})


def model_fingerprint(model: str | Path) -> dict[str, Any]:
    """The shape fields of a model's ``config.json`` (read without loading transformers when local)."""
    config_file = Path(model) / "config.json"
    if config_file.is_file():
        config = json.loads(config_file.read_text(encoding="utf-8"))
    else:
        from transformers import AutoConfig

        config = AutoConfig.from_pretrained(str(model)).to_dict()
    config = {**config.get("text_config", {}), **config}
    return {k: config[k] for k in SHAPE_FIELDS if config.get(k) is not None}


def check_adapter(adapter_dir: str | Path, base_model: str | Path) -> AdapterInfo:
    """Raise ``AdapterMismatchError`` if the adapter was trained on a base of another shape."""
    info = read_info(adapter_dir)
    here = model_fingerprint(base_model)
    differ = {k: (v, here.get(k)) for k, v in info.base_fingerprint.items() if here.get(k) != v}
    if differ:
        detail = ", ".join(f"{k} {a!r} vs {b!r}" for k, (a, b) in differ.items())
        raise AdapterMismatchError(
            f"the adapter in {adapter_dir} was trained on {info.base_model}, which differs from {base_model} "
            f"({detail}); load it onto its own base model"
        )
    return info


def data_hash(examples: Sequence[Any]) -> str:
    """A hash of the exact training conversations (prompt, context and target), in order."""
    digest = hashlib.sha256()
    for example in examples:
        record = {"id": example.item_id, "messages": list(example.messages)}
        digest.update(json.dumps(record, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()[:16]


def library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("ragreason", "torch", "transformers", "peft", "accelerate"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found
