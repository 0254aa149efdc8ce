"""``HybridRetriever``: reciprocal rank fusion (Cormack et al., 2009) of any retrievers.

A document's fused score is ``sum(weight_r / (k + rank_r))`` over the retrievers that found it (rank
from 1). Each retriever is asked for ``fetch_k`` candidates; ties keep the order in which documents
were first seen (retriever order, then rank). A hit's ``source`` names every retriever that found it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..types import Context, Document, Hit, Item
from .protocol import DEFAULT_TOP_K, Retriever, check_items, make_context, resolve_top_k


class HybridRetriever:
    def __init__(
        self,
        retrievers: Sequence[Retriever] | Mapping[str, Retriever],
        *,
        weights: Sequence[float] | None = None,
        k: int = 60,
        top_k: int = DEFAULT_TOP_K,
        fetch_k: int | None = None,
    ) -> None:
        """``retrievers``: a list (named by their ``name`` attribute) or a name -> retriever mapping."""
        if isinstance(retrievers, Mapping):
            self.retrievers = dict(retrievers)
        else:
            self.retrievers = {getattr(r, "name", f"r{i}"): r for i, r in enumerate(retrievers)}
            if len(self.retrievers) != len(retrievers):
                raise ValueError("two retrievers share a name; pass a mapping of distinct names")
        if not self.retrievers:
            raise ValueError("HybridRetriever needs at least one retriever")
        weights = [1.0] * len(self.retrievers) if weights is None else [float(w) for w in weights]
        if len(weights) != len(self.retrievers):
            raise ValueError(f"got {len(weights)} weights for {len(self.retrievers)} retrievers")
        if any(w < 0 for w in weights) or not any(weights):
            raise ValueError(f"weights must be >= 0 and not all zero, got {weights}")
        if isinstance(k, bool) or not isinstance(k, int | float) or k <= 0:
            raise ValueError(f"k must be > 0, got {k!r}")
        self.weights = dict(zip(self.retrievers, weights, strict=True))
        self.k = k
        self.top_k = resolve_top_k(top_k, top_k)
        self.fetch_k = None if fetch_k is None else resolve_top_k(fetch_k, fetch_k)
        self.name = "hybrid"

    def retrieve(self, item: Item, top_k: int | None = None) -> Context:
        return self.retrieve_many([item], top_k=top_k)[0]

    def retrieve_many(self, items: Sequence[Item], top_k: int | None = None) -> list[Context]:
        items = check_items(items)
        k = resolve_top_k(top_k, self.top_k)
        fetch = self.fetch_k or max(2 * k, 20)
        per_retriever = {
            name: r.retrieve_many(items, top_k=fetch) for name, r in self.retrievers.items()
        }
        return [
            make_context(item, self.fuse({name: ctxs[i].hits for name, ctxs in per_retriever.items()})[:k])
            for i, item in enumerate(items)
        ]

    def fuse(self, ranked: Mapping[str, Sequence[Hit]]) -> list[Hit]:
        """Reciprocal rank fusion of each retriever's ranked hits, best first."""
        scores: dict[str, float] = {}
        docs: dict[str, Document] = {}
        found_by: dict[str, list[str]] = {}
        for name, hits in ranked.items():
            for rank, hit in enumerate(hits, start=1):
                doc_id = hit.doc.id
                if name in found_by.get(doc_id, []):
                    continue  # a retriever that repeats a document counts once, at its best rank
                docs.setdefault(doc_id, hit.doc)
                found_by.setdefault(doc_id, []).append(name)
                scores[doc_id] = scores.get(doc_id, 0.0) + self.weights.get(name, 1.0) / (self.k + rank)
        order = sorted(scores, key=lambda d: -scores[d])  # stable: ties keep first-seen order
        return [Hit(docs[d], scores[d], "+".join(found_by[d])) for d in order]
