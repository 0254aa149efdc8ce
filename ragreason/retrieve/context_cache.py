"""``ContextCache``: a retriever that keeps what it retrieved for each item, so answering the same items
again (another recipe with the same retrieval, the calibration's examples) retrieves nothing twice.

Keyed by the item's id and text and ``top_k``; a context is handed out as the same object each time
(contexts are frozen records)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..types import Context, Item


class ContextCache:
    def __init__(self, retriever: Any) -> None:
        self.inner = retriever
        self._kept: dict[tuple, Context] = {}
        self.retrieved = 0  # items the wrapped retriever was asked about

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
            found = self.inner.retrieve_many([items[i] for i in todo], top_k=top_k)
            for i, context in zip(todo, found, strict=True):
                self._kept[keys[i]] = context
            self.retrieved += len(todo)
        return [self._kept[key] for key in keys]
