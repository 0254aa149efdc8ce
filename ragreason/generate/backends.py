"""The generator backends by name, as ``ragreason run --backend`` and a benchmark's ``model.backend``
name them: ``vllm`` (offline vLLM engine) and ``hf`` (transformers + peft)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..types import Generator
from .hf import TransformersGenerator
from .vllm_offline import VLLMGenerator

BACKENDS: dict[str, type] = {"vllm": VLLMGenerator, "hf": TransformersGenerator}


def make_generator(backend: str, model: str | Path, **settings: Any) -> Generator:
    """The ``backend``'s generator over the model folder ``model`` (built lazily: no model loads here)."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r} (known: {', '.join(BACKENDS)})")
    return BACKENDS[backend](model, **settings)
