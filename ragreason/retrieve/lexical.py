"""``LexicalRetriever``: BM25 (``bm25s``) over Chinese (``jieba``) and English word tokens.

Each document's language is read from ``meta["lang"]`` or detected, and each query's from its text,
so one index serves a mixed zh/en knowledge base. Documents that share no token with the query are
never returned, so a result may hold fewer than ``top_k`` hits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ..types import Context, Document, Hit, Item
from .protocol import DEFAULT_TOP_K, check_items, item_query, make_context, resolve_top_k
from .tokenize import stopword_set, tokenize

log = logging.getLogger(__name__)


class LexicalRetriever:
    def __init__(
        self,
        docs: Sequence[Document],
        *,
        top_k: int = DEFAULT_TOP_K,
        stopwords: str | Iterable[str] | None = "default",
        k1: float = 1.5,
        b: float = 0.75,
        filter: Mapping[str, Any] | None = None,
        query: Callable[[Item], str] = item_query,
        name: str = "bm25",
    ) -> None:
        try:
            import bm25s
        except ImportError as exc:
            raise ImportError("LexicalRetriever needs bm25s and jieba: pip install bm25s jieba") from exc
        quiet_library_logger("bm25s")
        self.docs = list(docs)
        if not self.docs:
            raise ValueError("LexicalRetriever needs at least one document")
        if len({d.id for d in self.docs}) != len(self.docs):
            raise ValueError("LexicalRetriever got two documents with the same id")
        self.top_k = resolve_top_k(top_k, top_k)
        self.stopwords = stopword_set(stopwords)
        self.filter, self.query, self.name = filter, query, name
        corpus = [tokenize(d.text, d.meta.get("lang"), self.stopwords) for d in self.docs]
        self.bm25 = bm25s.BM25(k1=k1, b=b)
        self.bm25.index(corpus, show_progress=len(corpus) >= 10_000)
        log.info("BM25 index over %d documents", len(self.docs))

    def retrieve(self, item: Item, top_k: int | None = None) -> Context:
        return self.retrieve_many([item], top_k=top_k)[0]

    def retrieve_many(
        self, items: Sequence[Item], top_k: int | None = None, *, filter: Mapping[str, Any] | None = None
    ) -> list[Context]:
        items = check_items(items)
        k = min(resolve_top_k(top_k, self.top_k), len(self.docs))
        if not items:
            return []
        queries = [tokenize(self.query(item), None, self.stopwords) for item in items]
        mask = self._mask(filter if filter is not None else self.filter)
        if mask is not None and not mask.any():
            return [make_context(item, []) for item in items]
        ids, scores = self.bm25.retrieve(
            queries, k=k, show_progress=False, n_threads=1, return_as="tuple",
            weight_mask=None if mask is None else mask.astype(np.float32),
        )
        return [
            make_context(item, self._hits(row_ids, row_scores, mask))
            for item, row_ids, row_scores in zip(items, ids.tolist(), scores.tolist(), strict=True)
        ]

    def _hits(self, ids: list[int], scores: list[float], mask: np.ndarray | None) -> list[Hit]:
        return [
            Hit(self.docs[i], float(s), self.name)
            for i, s in zip(ids, scores, strict=True)
            if s > 0 and (mask is None or mask[i])
        ]

    def _mask(self, filter: Mapping[str, Any] | None) -> np.ndarray | None:
        if filter is None:
            return None
        if not isinstance(filter, Mapping):
            raise TypeError(f"filter must be a mapping of meta field to value, got {type(filter).__name__}")
        return np.array(
            [all(k in d.meta and d.meta[k] == v for k, v in filter.items()) for d in self.docs], dtype=bool
        )


def quiet_library_logger(name: str) -> None:
    """bm25s sets its own logger to DEBUG on import, which prints through any root handler: keep it
    at WARNING unless the user set a level on it themselves (anything but bm25s's DEBUG)."""
    logger = logging.getLogger(name)
    if logger.level == logging.DEBUG:
        logger.setLevel(logging.WARNING)
