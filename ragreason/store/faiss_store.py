"""``FaissStore``: documents and their vectors in a FAISS index (flat, HNSW or IVF), saved without pickle.

Scores are "higher is better": the inner product for ``metric="ip"`` (cosine on normalised vectors),
the negated squared distance for ``"l2"``. ``search`` is batched; a metadata ``filter`` (equality on
``meta`` fields) never costs results: a filter that admits few documents is searched exactly, and a
query whose approximate search came back short is redone exactly over the admitted documents.

HNSW cannot remove vectors, so deleted ones are skipped at search time and the index is rebuilt once
they outnumber the live ones (and before saving). IVF keeps its vectors in an exact staging index
until it holds ``39 * nlist`` of them, then trains itself.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..paths import atomic_write
from ..types import Document, Hit
from . import files
from .index import (
    IndexParams,
    configure_loaded,
    faiss_module,
    is_trained_ivf,
    labelled_vectors,
    new_index,
    trained_ivf,
)
from .load import read_saved
from .search import check_vectors, exact_search, rows_to_hits, search_rows

log = logging.getLogger(__name__)


@runtime_checkable
class VectorStore(Protocol):
    dim: int

    def add(self, docs: Sequence[Document], vectors: np.ndarray) -> None: ...

    def upsert(self, docs: Sequence[Document], vectors: np.ndarray) -> None: ...

    def delete(self, ids: Iterable[str]) -> int: ...

    def get(self, doc_id: str) -> Document | None: ...

    def search(
        self, vectors: np.ndarray, top_k: int, filter: Mapping[str, Any] | None = None
    ) -> list[list[Hit]]: ...

    def __len__(self) -> int: ...

    def save(self, folder: str | Path) -> None: ...


class FaissStore:
    def __init__(
        self, dim: int, kind: str = "flat", metric: str = "ip", *, embedder: str = "",
        brute_force_max: int = 2048, **index_params: int,
    ) -> None:
        """``embedder`` names the model whose vectors this store holds; ``load`` checks it.
        ``index_params``: ``hnsw_m``, ``ef_construction``, ``ef_search``, ``nlist``, ``nprobe``."""
        self.params = IndexParams(dim=dim, kind=kind, metric=metric, **index_params)
        self.embedder = embedder
        self.brute_force_max = brute_force_max
        self._index = new_index(self.params)
        self._docs: dict[str, Document] = {}
        self._labels: dict[str, int] = {}
        self._ids: dict[int, str] = {}
        self._dead: set[int] = set()
        self._next = 0

    dim = property(lambda self: self.params.dim)
    kind = property(lambda self: self.params.kind)
    metric = property(lambda self: self.params.metric)

    @property
    def trained(self) -> bool:
        """False only for an IVF store still searching its staging index exactly."""
        return self.kind != "ivf" or is_trained_ivf(self._index)

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def get(self, doc_id: str) -> Document | None:
        return self._docs.get(doc_id)

    def documents(self) -> list[Document]:
        return list(self._docs.values())

    def add(self, docs: Sequence[Document], vectors: np.ndarray) -> None:
        """Add new documents; an id already stored (or repeated in ``docs``) is a ``ValueError``."""
        vectors = check_vectors(vectors, self.dim)
        docs = list(docs)
        if len(docs) != len(vectors):
            raise ValueError(f"{len(docs)} documents but {len(vectors)} vectors")
        seen: set[str] = set()
        for doc in docs:
            if not isinstance(doc, Document):
                raise TypeError(f"expected Document, got {type(doc).__name__}")
            if doc.id in self._docs or doc.id in seen:
                raise ValueError(f"document id {doc.id!r} is already in the store; use upsert to replace it")
            seen.add(doc.id)
        labels = np.arange(self._next, self._next + len(docs), dtype=np.int64)
        self._index.add_with_ids(vectors, labels)
        self._next += len(docs)
        for doc, label in zip(docs, labels.tolist(), strict=True):
            self._docs[doc.id], self._labels[doc.id], self._ids[label] = doc, label, doc.id
        self._maybe_train()

    def upsert(self, docs: Sequence[Document], vectors: np.ndarray) -> None:
        """Add documents, replacing any stored ones with the same id."""
        docs = list(docs)
        if len({d.id for d in docs}) != len(docs):
            raise ValueError("upsert got the same document id twice in one call")
        check_vectors(vectors, self.dim)
        self.delete(d.id for d in docs)
        self.add(docs, vectors)

    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id; unknown ids are ignored. Returns how many were removed."""
        labels = [self._labels.pop(i) for i in dict.fromkeys(ids) if i in self._labels]
        for label in labels:
            del self._docs[self._ids.pop(label)]
        if not labels:
            return 0
        if self.kind == "hnsw":
            self._dead.update(labels)
            if len(self._dead) > max(len(self._docs), 64):
                self._compact()
        else:
            self._index.remove_ids(np.asarray(labels, dtype=np.int64))
        return len(labels)

    def search(
        self, vectors: np.ndarray, top_k: int, filter: Mapping[str, Any] | None = None, *,
        ef_search: int | None = None, nprobe: int | None = None,
    ) -> list[list[Hit]]:
        """The ``top_k`` best documents for each query row, best first (fewer only if fewer match).
        ``ef_search`` (HNSW) and ``nprobe`` (IVF) override the store's settings for this call."""
        if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1:
            raise ValueError(f"top_k must be a positive int, got {top_k!r}")
        queries = check_vectors(vectors if np.ndim(vectors) == 2 else np.atleast_2d(vectors), self.dim)
        allowed = self._allowed(filter)
        if not self._docs or (allowed is not None and not len(allowed)):
            return [[] for _ in range(len(queries))]
        k = min(top_k, len(self._docs) if allowed is None else len(allowed))
        if allowed is not None and len(allowed) <= self.brute_force_max:
            scores, labels = exact_search(self._index, queries, allowed, k, self.metric)
        else:
            dead = np.fromiter(self._dead, dtype=np.int64) if self._dead else None
            scores, labels = search_rows(
                self._index, self.params, queries, k, allowed, dead, ef_search, nprobe
            )
            self._fill_short(queries, scores, labels, allowed, k)
        return rows_to_hits(scores, labels, self._ids, self._docs, self.metric, f"faiss-{self.kind}")

    def _fill_short(self, queries, scores, labels, allowed, k) -> None:
        """Redo exactly, over the admitted documents, any query that an approximate search left short."""
        short = np.flatnonzero((labels >= 0).sum(axis=1) < k)
        if not len(short):
            return
        log.debug("%d queries came back short of %d hits; searching them exactly", len(short), k)
        pool = allowed if allowed is not None else np.fromiter(self._ids, dtype=np.int64)
        scores[short], labels[short] = exact_search(self._index, queries[short], pool, k, self.metric)

    def _allowed(self, filter: Mapping[str, Any] | None) -> np.ndarray | None:
        if filter is None:
            return None
        if not isinstance(filter, Mapping):
            raise TypeError(f"filter must be a mapping of meta field to value, got {type(filter).__name__}")
        keep = [
            self._labels[doc_id] for doc_id, doc in self._docs.items()
            if all(k in doc.meta and doc.meta[k] == v for k, v in filter.items())
        ]
        return np.asarray(keep, dtype=np.int64)

    def _maybe_train(self) -> None:
        if self.kind != "ivf" or self.trained:
            return
        if len(self._docs) >= self.params.min_train:
            self._index = trained_ivf(self.params, self._index)
        else:
            log.info(
                "IVF store not trained yet: it has %d vectors and needs %d (39 x nlist=%d); "
                "searching exactly until then", len(self._docs), self.params.min_train, self.params.nlist,
            )

    def _compact(self) -> None:
        """Rebuild the HNSW graph from the live vectors only."""
        vectors, labels = labelled_vectors(self._index)
        live = np.isin(labels, np.fromiter(self._dead, dtype=np.int64), invert=True)
        log.info("rebuilding the HNSW index without %d deleted vectors", len(self._dead))
        self._index = new_index(self.params)
        self._index.add_with_ids(vectors[live], labels[live])
        self._dead.clear()

    def save(self, folder: str | Path) -> None:
        """Write the index, the documents and ``config.json`` into ``folder``; see ``files``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        if self._dead:
            self._compact()
        faiss = faiss_module()
        index_name, docs_name = files.data_names(uuid.uuid4().hex[:12])
        atomic_write(folder / index_name, lambda tmp: faiss.write_index(self._index, str(tmp)))
        files.write_lines(folder / docs_name, (self._doc_line(d) for d in self._docs.values()))
        params = self.params.index_settings()
        config = {
            "format": files.FORMAT, "version": files.FORMAT_VERSION, "dim": self.dim, "kind": self.kind,
            "metric": self.metric, "embedder": self.embedder, "count": len(self._docs),
            "next_label": self._next, "trained": self.trained, "params": params,
            "files": {
                "index": files.file_record(folder / index_name),
                "docs": files.file_record(folder / docs_name),
            },
        }
        files.write_json(folder / files.CONFIG, config)
        files.remove_stale(folder, keep={index_name, docs_name})
        log.info("saved %d documents (%s, dim %d) to %s", len(self), self.kind, self.dim, folder)

    def _doc_line(self, doc: Document) -> str:
        row = {"id": doc.id, "label": self._labels[doc.id], "text": doc.text, "meta": doc.meta}
        try:
            return json.dumps(row, ensure_ascii=False)
        except TypeError as exc:
            raise TypeError(f"document {doc.id!r} has meta that JSON cannot hold: {exc}") from exc

    @classmethod
    def load(cls, folder: str | Path, *, embedder: str | None = None, dim: int | None = None) -> FaissStore:
        """Read a saved store; ``embedder``/``dim``, when given, must match what it was built with."""
        saved = read_saved(Path(folder), embedder=embedder, dim=dim)
        p = saved.params
        store = cls(p.dim, p.kind, p.metric, embedder=saved.embedder, **p.index_settings())
        configure_loaded(p, saved.index)
        store._index, store._next = saved.index, saved.next_label
        for doc, label in saved.docs:
            store._docs[doc.id], store._labels[doc.id], store._ids[label] = doc, label, doc.id
        log.info("loaded %d documents (%s, dim %d) from %s", len(store), p.kind, p.dim, folder)
        return store
