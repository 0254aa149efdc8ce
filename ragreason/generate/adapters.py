"""LoRA adapters by name: ``AdapterSpec(name, path)`` and the checks every backend shares.

An adapter is a peft folder (``adapter_config.json`` + weights). Backends serve several adapters at
once and pick one per call by name; ``adapter=None`` means the base model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .base import UnknownAdapterError

# The ranks vLLM accepts for ``max_lora_rank``.
VLLM_LORA_RANKS = (1, 8, 16, 32, 64, 128, 256, 320, 512)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class AdapterRankError(ValueError):
    """An adapter's rank is above the engine's ``max_lora_rank``."""


@dataclass(frozen=True)
class AdapterSpec:
    """A LoRA adapter folder served under ``name`` (the model name clients ask for)."""

    name: str
    path: Path

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise ValueError(f"adapter name {self.name!r} must be letters, digits, '.', '_' or '-'")
        object.__setattr__(self, "path", Path(self.path).expanduser())

    @classmethod
    def parse(cls, text: str) -> AdapterSpec:
        """``"name=path"`` (the command line form)."""
        name, sep, path = text.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise ValueError(f"an adapter is given as name=path, got {text!r}")
        return cls(name.strip(), Path(path.strip()))

    def config(self) -> dict:
        file = self.path / "adapter_config.json"
        if not file.is_file():
            raise FileNotFoundError(f"adapter {self.name!r}: no adapter_config.json in {self.path}")
        return json.loads(file.read_text(encoding="utf-8"))

    @property
    def rank(self) -> int:
        """The LoRA rank ``r`` (the largest one when the adapter sets per-module ranks)."""
        config = self.config()
        ranks = [int(config.get("r", 0)), *(int(r) for r in (config.get("rank_pattern") or {}).values())]
        if max(ranks) < 1:
            raise ValueError(f"adapter {self.name!r}: adapter_config.json in {self.path} gives no rank 'r'")
        return max(ranks)


def as_specs(adapters: Iterable[AdapterSpec | str] | Mapping[str, str | Path] | None) -> tuple[AdapterSpec, ...]:
    """Normalise ``{"name": path}``, ``["name=path"]`` or ``AdapterSpec``s; names must be unique."""
    if adapters is None:
        return ()
    if isinstance(adapters, Mapping):
        specs = [AdapterSpec(name, Path(path)) for name, path in adapters.items()]
    else:
        specs = [a if isinstance(a, AdapterSpec) else AdapterSpec.parse(a) for a in adapters]
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise ValueError(f"adapter name {spec.name!r} is given twice")
        seen.add(spec.name)
    return tuple(specs)


def lookup(specs: Iterable[AdapterSpec], name: str | None) -> AdapterSpec | None:
    """The adapter called ``name`` (None: the base model), or ``UnknownAdapterError``."""
    if name is None:
        return None
    specs = list(specs)
    for spec in specs:
        if spec.name == name:
            return spec
    raise UnknownAdapterError(name, [s.name for s in specs])


def lora_rank_for(specs: Iterable[AdapterSpec], max_lora_rank: int | None = None) -> int:
    """The engine's ``max_lora_rank``: the given one (checked) or the smallest that fits every adapter."""
    ranks = {spec.name: spec.rank for spec in specs}
    needed = max(ranks.values(), default=1)
    if max_lora_rank is None:
        if needed > VLLM_LORA_RANKS[-1]:
            raise AdapterRankError(f"adapter rank {needed} is above the largest vLLM serves ({VLLM_LORA_RANKS[-1]})")
        return next(r for r in VLLM_LORA_RANKS if r >= needed)
    if max_lora_rank not in VLLM_LORA_RANKS:
        raise ValueError(f"max_lora_rank must be one of {VLLM_LORA_RANKS}, got {max_lora_rank}")
    too_big = {name: r for name, r in ranks.items() if r > max_lora_rank}
    if too_big:
        listed = ", ".join(f"{name} (r={r})" for name, r in too_big.items())
        raise AdapterRankError(f"adapter rank above max_lora_rank={max_lora_rank}: {listed}; raise max_lora_rank")
    return max_lora_rank
