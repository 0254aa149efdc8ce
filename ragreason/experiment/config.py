"""The benchmark configuration: YAML -> typed sections, checked without loading any model.

``load_config(path)`` returns a ``BenchConfig`` or raises ``ConfigError`` listing every problem at
once (unknown keys, wrong types, missing files, unknown names, values out of range).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..finetune.spec import LoraSpec, TrainSpec
from ..policy import DEFAULT_CALIBRATION, DEFAULT_FALLBACK, DEFAULT_SCORE
from ..prompt.spec import PromptSpec
from ..recipe.conditions import DEFAULT_CONDITIONS, DOCUMENT_CONDITIONS
from ..recipe.sampling import Sampling
from ..retrieve.spec import RetrievalSpec
from ..types import DEFAULT_TEMPERATURE

SERVING = ("lora", "merged")
T = TypeVar("T")


class ConfigError(ValueError):
    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{source}: {len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems))


def load_checked(read: Callable[[Path], tuple[T | None, list[str]]], path: str | Path) -> T:
    """What ``read`` makes of the YAML file at ``path`` (a config, a search space); ``ConfigError`` lists every
    problem it found."""
    value, problems = read(Path(path))
    if problems or value is None:
        raise ConfigError(str(path), problems)
    return value


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
    from its own engine, one after the other, none with LoRA enabled (on vLLM-CPU the LoRA path slows
    every request, base requests included: benchmarks/RESULTS.md, "The logic demo")."""

    path: str = "default"
    backend: str = "vllm"
    options: dict[str, Any] = field(default_factory=dict)
    adapters: str = "lora"


@dataclass(frozen=True)
class FinetuneConfig:
    """The fine-tuning section: the adapter's shape (``lora``), the run's hyper-parameters (``train``;
    its ``top_k`` defaults to the retrieval section's), ``train_limit``: train on the first N training items
    only, and ``documents``: a knowledge folder or file whose documents the closed-book adapter (conditions
    ft, ft+rag) learns beside the training items, each the reply to its title (knowledge injection; the RAFT
    adapter reads documents from retrieval instead)."""

    lora: LoraSpec = field(default_factory=LoraSpec)
    train: TrainSpec = field(default_factory=TrainSpec)
    train_limit: int | None = None
    documents: str | None = None


# What the config's top level and its finetune, retrieval and sampling sections held when results and cached
# adapters were first recorded under config hashes. A setting added since is hashed only when it is set away
# from the value that does what the config did before the setting existed (its default, unless ``BEFORE``
# names another: a default changed since), so those records and adapters still match.
FIRST_HASHED = {
    "": ("name", "data", "out", "model", "prompt", "retrieval", "finetune", "sampling", "conditions", "votes",
         "score", "batch_size", "seed"),
    "finetune": ("r", "alpha", "dropout", "target_modules", "epochs", "max_steps", "lr", "batch_size", "grad_accum",
                 "max_length", "target", "distractor_share", "train_limit", "seed", "group_by_length"),
    "retrieval": ("kind", "knowledge", "top_k", "embedder", "examples", "graph"),
    "sampling": ("temperature", "top_p", "max_tokens"),
}
BEFORE: dict[str, dict[str, Any]] = {"": {"fallback": "none", "calibrate": None}, "finetune": {},
                                     "retrieval": {"rerank": False}, "sampling": {}}


BENCH_MAX_TOKENS = 32  # a benchmark's templates ask for the answer line alone


def bench_sampling() -> Sampling:
    """The sampling section's defaults: the votes above one sample at ``DEFAULT_TEMPERATURE`` (one vote is
    greedy), each answer at most ``BENCH_MAX_TOKENS`` long."""
    return Sampling(temperature=DEFAULT_TEMPERATURE, max_tokens=BENCH_MAX_TOKENS)


@dataclass(frozen=True)
class BenchConfig:
    name: str
    data: DataConfig
    out: str
    model: ModelConfig = field(default_factory=ModelConfig)
    prompt: PromptSpec = field(default_factory=PromptSpec)
    retrieval: RetrievalSpec = field(default_factory=RetrievalSpec)
    finetune: FinetuneConfig = field(default_factory=FinetuneConfig)
    sampling: Sampling = field(default_factory=bench_sampling)
    conditions: tuple[str, ...] = DEFAULT_CONDITIONS
    votes: tuple[int, ...] = (1, 5)
    score: str | None = DEFAULT_SCORE  # option scoring: votes = 1 is the scores alone, votes = k adds them as a vote
    fallback: str = DEFAULT_FALLBACK  # what answers the items no vote named an option for: score, prior or none
    permutations: int | str = 1  # option orders per item (cyclic shifts; "all": every one), voted together
    calibrate: str | None = DEFAULT_CALIBRATION  # correct option scores: fitted (train split), batch, pride, null
    batch_size: int = 64
    seed: int = 0  # the generator's sampling seed
    # After an update of the knowledge: questions on the changed facts (``update_test``, the data section's
    # format) answered by every arm with its retriever rebuilt over ``update_knowledge``; adapters not retrained.
    update_test: str | None = None
    update_knowledge: str | None = None
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
        f = data.pop("finetune")
        data["finetune"] = {**f["lora"], **f["train"], "train_limit": f["train_limit"], "documents": f["documents"]}
        defaults = {"": {f.name: f.default for f in dataclasses.fields(self) if f.default is not dataclasses.MISSING},
                    "finetune": {**dataclasses.asdict(LoraSpec()), **dataclasses.asdict(TrainSpec()),
                                 "documents": None},
                    "retrieval": dataclasses.asdict(RetrievalSpec()),
                    "sampling": dataclasses.asdict(bench_sampling())}
        for section, first in FIRST_HASHED.items():
            part = data[section] if section else data
            for name in [n for n in part if n not in first]:
                if part[name] == {**defaults[section], **BEFORE[section]}[name]:
                    del part[name]
        picked = {k: data[k] for k in sections} if sections else data
        return hashlib.sha1(json.dumps(picked, sort_keys=True, default=str).encode()).hexdigest()[:12]

    def needs_retrieval(self) -> bool:
        """Whether a condition reads the retrieval section's documents (``graph`` builds its own retriever)."""
        return any(c in DOCUMENT_CONDITIONS for c in self.conditions)
