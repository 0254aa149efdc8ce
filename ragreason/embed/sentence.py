"""``SentenceTransformerEmbedder``: a sentence-transformers model from a local folder (default: the
packaged all-MiniLM-L6-v2, English)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .cache import QUERY_MEMO, embed_cached, query_memo
from .common import PROGRESS_MIN, CacheSpec, check_texts, normalise, open_cache


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local folder (default: the packaged all-MiniLM-L6-v2).
    ``memo``: query vectors kept in memory (0: none)."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        name: str | None = None,
        batch_size: int = 64,
        device: str = "cpu",
        cache: CacheSpec = True,
        memo: int = QUERY_MEMO,
    ) -> None:
        from ..models import default_embedder_path

        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.path = Path(path) if path is not None else default_embedder_path()
        if not self.path.is_dir():
            raise ValueError(f"no sentence-transformers model folder at {self.path}")
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(self.path), device=device)
        self.name = name or ("all-MiniLM-L6-v2" if path is None else self.path.name)
        dimension = getattr(self.model, "get_embedding_dimension", None)
        self.dim = int(dimension() if dimension else self.model.get_sentence_embedding_dimension())
        self.batch_size = batch_size
        self.cache = open_cache(cache)
        self.queries = query_memo(memo)

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=len(texts) >= PROGRESS_MIN,
        )
        return normalise(vectors)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return embed_cached(self.cache, self.name, self.dim, check_texts(texts), self._encode)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return embed_cached(self.queries, self.name, self.dim, check_texts(texts), self._encode)
