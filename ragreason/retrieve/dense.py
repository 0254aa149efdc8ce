"""``DenseRetriever``: embed the query, search a vector store. Batched: one embedding call and one
store search for a whole list of items."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..embed import Embedder
from ..store import FaissStore, VectorStore
from ..types import Context, Document, Hit, Item
from .protocol import DEFAULT_TOP_K, check_items, item_query, make_context, resolve_top_k

log = logging.getLogger(__name__)


class DenseRetriever:
    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        *,
        top_k: int = DEFAULT_TOP_K,
        filter: Mapping[str, Any] | None = None,
        query: Callable[[Item], str] = item_query,
        name: str = "dense",
    ) -> None:
        """``filter``: equality on document ``meta`` fields, applied to every call unless overridden."""
        if embedder.dim != store.dim:
            raise ValueError(
                f"embedder {embedder.name!r} makes {embedder.dim}-d vectors; the store holds {store.dim}-d"
            )
        built_with = getattr(store, "embedder", "")
        if built_with and built_with != embedder.name:
            raise ValueError(f"the store was built with embedder {built_with!r}, not {embedder.name!r}")
        self.store, self.embedder = store, embedder
        self.top_k = resolve_top_k(top_k, top_k)
        self.filter, self.query, self.name = filter, query, name

    @classmethod
    def from_documents(
        cls, docs: Sequence[Document], embedder: Embedder, *, kind: str = "flat", top_k: int = DEFAULT_TOP_K,
        store_options: Mapping[str, Any] | None = None, **options: Any,
    ) -> DenseRetriever:
        """Embed ``docs`` and index them in a new ``FaissStore`` of ``kind``."""
        return cls(index_documents(docs, embedder, kind=kind, **(store_options or {})), embedder, top_k=top_k,
                   **options)

    @classmethod
    def load(cls, folder: str | Path, embedder: Embedder, **options: Any) -> DenseRetriever:
        """A retriever over a saved store, which must have been built with ``embedder``."""
        store = FaissStore.load(folder, embedder=embedder.name, dim=embedder.dim)
        return cls(store, embedder, **options)

    def retrieve(self, item: Item, top_k: int | None = None) -> Context:
        return self.retrieve_many([item], top_k=top_k)[0]

    def retrieve_many(
        self, items: Sequence[Item], top_k: int | None = None, *, filter: Mapping[str, Any] | None = None
    ) -> list[Context]:
        items = check_items(items)
        k = resolve_top_k(top_k, self.top_k)
        if not items:
            return []
        vectors = self.embedder.embed_queries([self.query(item) for item in items])
        rows = self.store.search(vectors, k, filter=filter if filter is not None else self.filter)
        return [
            make_context(item, [Hit(h.doc, h.score, self.name) for h in hits])
            for item, hits in zip(items, rows, strict=True)
        ]


def index_documents(
    docs: Sequence[Document], embedder: Embedder, *, kind: str = "flat", store: FaissStore | None = None,
    **store_options: Any,
) -> FaissStore:
    """Embed ``docs`` (through the embedder's cache) and upsert them into ``store`` or a new one."""
    docs = list(docs)
    if store is None:
        store = FaissStore(embedder.dim, kind, embedder=embedder.name, **store_options)
    elif store.embedder and store.embedder != embedder.name:
        raise ValueError(f"the store was built with embedder {store.embedder!r}, not {embedder.name!r}")
    if docs:
        store.upsert(docs, embedder.embed_documents([d.text for d in docs]))
    log.info("indexed %d documents with %s into a %s store", len(docs), embedder.name, store.kind)
    return store
