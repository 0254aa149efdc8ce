"""``HashEmbedder``: hashed bag of words and character trigrams, no model. For tests of store
mechanics only: it carries no meaning."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from .common import check_texts, normalise


class HashEmbedder:
    """Deterministic hashed bag of words and character trigrams. No meaning: for unit tests only."""

    def __init__(self, dim: int = 64, *, name: str | None = None) -> None:
        if dim < 2:
            raise ValueError(f"dim must be >= 2, got {dim}")
        self.dim = dim
        self.name = name or f"hash-{dim}"

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        lowered = text.lower()
        features = re.findall(r"\w+", lowered) + [lowered[i : i + 3] for i in range(max(len(lowered) - 2, 0))]
        for feature in features:
            digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
            slot = int.from_bytes(digest[:4], "little") % self.dim
            vec[slot] += 1.0 if digest[4] & 1 else -1.0
        return vec

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        texts = check_texts(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise(np.stack([self._vector(t) for t in texts]))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_documents(texts)
