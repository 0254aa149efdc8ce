"""``ContextCache``: a retriever that keeps what it retrieved for each item, so answering the same items
again (another recipe with the same retrieval, the calibration's examples) retrieves nothing twice.

Keyed by the item's id and text and ``top_k``; a context is handed out as the same object each time
(contexts are frozen records). It times the wrapped retriever, so a caller can estimate what retrieving
the items still ``missing`` will take (``per_item``)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from ..types import Context, Item


class ContextCache:
    def __init__(self, retriever: Any) -> None:
        self.inner = retriever
        self._kept: dict[tuple, Context] = {}
        self.retrieved = 0  # items the wrapped retriever was asked about
        self.seconds = 0.0  # the time it took to answer them

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    @staticmethod
    def _key(item: Item, top_k: int | None) -> tuple:
        return item.id, item.question, item.context, tuple(item.options), top_k

    def retrieve(self, item: Item, top_k: int | None = None) -> Context:
        return self.retrieve_many([item], top_k=top_k)[0]

    def retrieve_many(self, items: Sequence[Item], top_k: int | None = None) -> list[Context]:
        keys = [self._key(item, top_k) for item in items]
        todo = [i for i, key in enumerate(keys) if key not in self._kept]
        if todo:
            started = time.perf_counter()
            found = self.inner.retrieve_many([items[i] for i in todo], top_k=top_k)
            self.seconds += time.perf_counter() - started
            for i, context in zip(todo, found, strict=True):
                self._kept[keys[i]] = context
            self.retrieved += len(todo)
        return [self._kept[key] for key in keys]

    def per_item(self) -> float | None:
        """Measured seconds per item retrieved (None before the first retrieval)."""
        return self.seconds / self.retrieved if self.retrieved else None

    def missing(self, items: Sequence[Item], top_k: int | None = None) -> int:
        """How many distinct ``items`` a ``retrieve_many(items, top_k)`` would still have to retrieve."""
        return len({key for key in (self._key(item, top_k) for item in items) if key not in self._kept})
