"""Shared fixtures: the real data folder, the packaged models, and a tiny chat model built here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tiny_model import build_tiny_model

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("VLLM_NO_USAGE_STATS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real data sets in ../shared/data (never copied into the project)."""
    from ragreason.paths import shared_data_dir

    folder = shared_data_dir()
    if folder is None or not folder.is_dir():
        pytest.skip("the shared data folder (../shared/data or $RAGREASON_DATA) is not present")
    return folder


@pytest.fixture(scope="session")
def default_llm() -> Path:
    """The packaged SmolLM2-135M-Instruct, converted once into the ragreason cache."""
    from ragreason.models import default_llm_path

    return default_llm_path()


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A ~250k-parameter Qwen2 chat model with a byte-level BPE tokenizer and a ChatML template.

    head_dim is 32 (vLLM's CPU attention needs one of its supported sizes)."""
    return build_tiny_model(tmp_path_factory.mktemp("tiny-model"))
