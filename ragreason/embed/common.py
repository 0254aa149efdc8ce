"""What every embedder shares: unit-length float32 rows, text checks, batched encoding with a
progress bar, and the choice of embedding cache."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from queue import Queue

import numpy as np

from .cache import EmbeddingCache

CacheSpec = bool | str | Path | EmbeddingCache
PROGRESS_MIN = 1000  # show a progress bar from this many texts on


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as C-contiguous float32."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.where(norms == 0, 1.0, norms), dtype=np.float32)


def open_cache(cache: CacheSpec) -> EmbeddingCache | None:
    """``True``: the default cache file; ``False``: none; a path or an ``EmbeddingCache``: that one."""
    if cache is False:
        return None
    if cache is True:
        return EmbeddingCache()
    if isinstance(cache, EmbeddingCache):
        return cache
    if isinstance(cache, str | Path):
        return EmbeddingCache(cache)
    raise TypeError(f"cache must be a bool, a path or an EmbeddingCache, got {type(cache).__name__}")


def check_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("expected a sequence of texts, got one string; wrap it in a list")
    out = list(texts)
    for i, text in enumerate(out):
        if not isinstance(text, str):
            raise TypeError(f"texts[{i}] must be a string, got {type(text).__name__}")
    return out


def batched(
    texts: list[str], batch_size: int, encoders: Sequence[Callable[[list[str]], np.ndarray]], name: str
) -> np.ndarray:
    """``texts`` encoded in batches of at most ``batch_size``, in order. With several ``encoders`` (each
    its own model, whose native code releases the GIL) the batches run on that many threads at once."""
    from ..console import bar

    if not encoders:
        raise ValueError("batched needs at least one encoder")
    size = max(1, min(batch_size, -(-len(texts) // len(encoders))))
    batches = [texts[start : start + size] for start in range(0, len(texts), size)]
    parts = []
    with bar(len(texts), f"embedding ({name})", enabled=len(texts) >= PROGRESS_MIN) as shown:
        if len(encoders) == 1 or len(batches) == 1:
            done = (encoders[0](batch) for batch in batches)
            for vectors in done:
                parts.append(np.asarray(vectors, dtype=np.float32))
                shown.update(len(parts[-1]))
        else:
            free: Queue = Queue()
            for encode in encoders:
                free.put(encode)

            def run(batch: list[str]) -> np.ndarray:
                encode = free.get()
                try:
                    return encode(batch)
                finally:
                    free.put(encode)

            with ThreadPoolExecutor(max_workers=len(encoders)) as pool:
                for vectors in pool.map(run, batches):
                    parts.append(np.asarray(vectors, dtype=np.float32))
                    shown.update(len(parts[-1]))
    return np.concatenate(parts)


def usable_cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
