"""What every embedder shares: unit-length float32 rows, text checks, batched encoding with a
progress bar, and the choice of embedding cache."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

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
    texts: list[str], batch_size: int, encode: Callable[[list[str]], np.ndarray], name: str
) -> np.ndarray:
    from ..console import bar

    parts = []
    with bar(len(texts), f"embedding ({name})", enabled=len(texts) >= PROGRESS_MIN) as shown:
        for start in range(0, len(texts), batch_size):
            parts.append(np.asarray(encode(texts[start : start + batch_size]), dtype=np.float32))
            shown.update(len(parts[-1]))
    return np.concatenate(parts)
