"""The vector store: documents and their vectors in a FAISS index (flat, HNSW or IVF), saved without
pickle. Importing this package is light; faiss loads when a store is built.

- ``faiss_store``: ``FaissStore`` and the ``VectorStore`` protocol it follows;
- ``index``: index construction and search parameters;
- ``search``: input checks, filtered and exact search, hits;
- ``files`` / ``load``: the on-disk layout (atomic saves, checksums) and reading it back.
"""

from .faiss_store import FaissStore, VectorStore
from .files import StoreFormatError, read_config

__all__ = ["FaissStore", "StoreFormatError", "VectorStore", "read_config"]
