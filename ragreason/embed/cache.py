"""An on-disk embedding cache keyed by (model, text hash), so re-indexing unchanged text costs nothing,
and an in-memory one for queries, so that the retrievers of one hybrid search (knowledge and solved
examples, both searching with the item's text) embed a query once.

One SQLite file (``$RAGREASON_HOME/embeddings/cache.sqlite`` by default) holds float32 vectors as raw
bytes; no pickle. SQLite gives atomic commits and lets several processes share the file.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ..models import ragreason_home

log = logging.getLogger(__name__)


def default_cache_path() -> Path:
    return ragreason_home() / "embeddings" / "cache.sqlite"


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """``get``/``put`` vectors by (model, text); ``model`` should name the model and the text kind."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self._connect() as db:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS vectors (model TEXT, key TEXT, dim INTEGER, vec BLOB, "
                    "PRIMARY KEY (model, key))"
                )
        except sqlite3.DatabaseError as exc:
            raise ValueError(f"embedding cache {self.path} is not a readable SQLite file: {exc}") from exc

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30.0)

    def get(self, model: str, texts: Sequence[str], dim: int) -> dict[str, np.ndarray]:
        """The cached vectors of ``texts`` (by text), skipping any stored with another dimension."""
        keys = {text_key(t): t for t in texts}
        found: dict[str, np.ndarray] = {}
        key_list = list(keys)
        with self._connect() as db:
            for start in range(0, len(key_list), 500):
                chunk = key_list[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(
                    f"SELECT key, dim, vec FROM vectors WHERE model = ? AND key IN ({marks})", [model, *chunk]
                )
                for key, stored_dim, blob in rows:
                    if stored_dim == dim and len(blob) == 4 * dim:
                        found[keys[key]] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put(self, model: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        if len(texts) != len(vectors):
            raise ValueError(f"{len(texts)} texts but {len(vectors)} vectors")
        rows = [
            (model, text_key(t), int(v.shape[0]), np.ascontiguousarray(v, dtype=np.float32).tobytes())
            for t, v in zip(texts, vectors, strict=True)
        ]
        with self._connect() as db:
            db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)", rows)

    def __len__(self) -> int:
        with self._connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])


QUERY_MEMO = 4096  # query vectors an embedder keeps in memory


class QueryMemo:
    """The last ``size`` query vectors of one embedder, in memory (``get``/``put`` as ``EmbeddingCache``)."""

    def __init__(self, size: int = QUERY_MEMO) -> None:
        if size < 1:
            raise ValueError(f"size must be >= 1, got {size}")
        self.size = size
        self._kept: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, model: str, texts: Sequence[str], dim: int) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for text in texts:
                vector = self._kept.get((model, text))
                if vector is not None and vector.shape[0] == dim:
                    self._kept.move_to_end((model, text))
                    found[text] = vector
        return found

    def put(self, model: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        if len(texts) != len(vectors):
            raise ValueError(f"{len(texts)} texts but {len(vectors)} vectors")
        with self._lock:
            for text, vector in zip(texts, vectors, strict=True):
                self._kept[(model, text)] = np.array(vector, dtype=np.float32)
                self._kept.move_to_end((model, text))
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def __len__(self) -> int:
        return len(self._kept)


def query_memo(size: int) -> QueryMemo | None:
    """An embedder's query memo of ``size`` vectors; 0: none (every query embedded afresh, as a benchmark
    timing repeated calls needs)."""
    if size < 0:
        raise ValueError(f"memo must be >= 0, got {size}")
    return QueryMemo(size) if size else None


def embed_cached(
    cache: EmbeddingCache | QueryMemo | None,
    model: str,
    dim: int,
    texts: Sequence[str],
    compute: Callable[[list[str]], np.ndarray],
) -> np.ndarray:
    """Vectors for ``texts`` in order: cached ones read back, the rest computed once (deduplicated)."""
    unique = list(dict.fromkeys(texts))
    known = cache.get(model, unique, dim) if cache is not None else {}
    missing = [t for t in unique if t not in known]
    if missing:
        fresh = compute(missing)
        if cache is not None:
            cache.put(model, missing, fresh)
        known.update(zip(missing, fresh, strict=True))
    if cache is not None:
        log.debug("embedding cache %s: %d hits, %d computed", model, len(unique) - len(missing), len(missing))
    out = np.empty((len(texts), dim), dtype=np.float32)
    for row, text in enumerate(texts):
        out[row] = known[text]
    return out
