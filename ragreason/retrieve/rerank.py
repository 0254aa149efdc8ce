"""The answering model reads the retrieved documents and keeps those the question is about.

A small model does not tell which of several retrieved documents a question is about: asked where an
invented person was born, with that person's document and two others in its context, the packaged 135M
model answers with a town from another document half of the time (fictional facts: 46.7% with the three
hybrid hits, 88.7% with the first alone; benchmarks/RESULTS.md, "Cloze scoring"). Retrieval alone cannot cut
them: its scores are ranks fused.

So the model ranks the documents itself: each retrieved document is scored as the answer to the item's
question (its text as the cloze continuation of the problem and question) less its log-probability
without the question, ``cloze-pmi``: log p(d | q) - log p(d) = log p(q | d) - log p(q), how much more likely
the question is given the document (as in UPR, Sachan et al. 2022, arXiv 2204.07496, by Bayes' rule). Their
softmax is the posterior over the retrieved documents; the best are kept until they hold ``mass`` of it,
the rest are dropped. Documents the question is about equally stay together; a document it is plainly
about stands alone.

``build_retriever`` marks a retriever of documents for this (``RetrievalSpec.rerank``); ``answer()`` binds
the mark to the model that answers (``with_model``), so the calibration's examples, the fallback and the
answers read the same documents.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ..types import MAX_OPTIONS, Context, Item
from .protocol import make_context

log = logging.getLogger(__name__)

RERANK_MASS = 0.9  # the share of the documents' posterior the kept documents hold, at least
RERANK_METHOD = "cloze-pmi"


class Rerank:
    """A retriever whose documents the answering model reranks (``with_model``); unbound, it hands out the
    wrapped retriever's contexts as they are (training prompts, where no model answers)."""

    def __init__(self, retriever: Any, mass: float = RERANK_MASS) -> None:
        if not 0.0 < mass <= 1.0:
            raise ValueError(f"rerank mass must be in (0, 1], got {mass!r}")
        self.inner = retriever
        self.rerank_mass = mass

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def retrieve(self, item: Item, top_k: int | None = None) -> Context:
        return self.retrieve_many([item], top_k=top_k)[0]

    def retrieve_many(self, items: Sequence[Item], top_k: int | None = None) -> list[Context]:
        return self.inner.retrieve_many(items, top_k=top_k)


class ModelReranker:
    """``retriever``'s contexts with their documents reranked by ``generator`` (with ``adapter``) and cut to
    the best that hold ``mass`` of the posterior. Each kept hit's ``score`` is its posterior, its ``source``
    the retriever's with "+model"."""

    rerank_mass = None  # bound already: nothing for ``with_model`` to do

    def __init__(self, retriever: Any, generator: Any, *, adapter: str | None = None,
                 mass: float = RERANK_MASS) -> None:
        if not 0.0 < mass <= 1.0:
            raise ValueError(f"rerank mass must be in (0, 1], got {mass!r}")
        self.inner, self.generator, self.adapter, self.mass = retriever, generator, adapter, mass

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def retrieve(self, item: Item, top_k: int | None = None) -> Context:
        return self.retrieve_many([item], top_k=top_k)[0]

    def retrieve_many(self, items: Sequence[Item], top_k: int | None = None) -> list[Context]:
        contexts = self.inner.retrieve_many(items, top_k=top_k)
        todo = [k for k, c in enumerate(contexts) if len(c.hits) > 1]
        many = next((items[k].id for k in todo if len(contexts[k].hits) > MAX_OPTIONS), None)
        if many is not None:
            raise ValueError(f"item {many!r}: the model reranks at most {MAX_OPTIONS} retrieved documents; "
                             "ask for fewer (top_k) or turn reranking off (rerank: false, --no-rerank)")
        if not todo:
            return contexts
        from ..prompt import PromptBuilder

        asks = [documents_as_options(items[k], contexts[k]) for k in todo]
        prompts = PromptBuilder("cloze").build_many(asks)
        scores = self.generator.score_options(prompts, asks, method=RERANK_METHOD, adapter=self.adapter)
        out = list(contexts)
        for k, ask, found in zip(todo, asks, scores, strict=True):
            out[k] = kept(items[k], contexts[k], [found[letter] for letter in ask.letters], self.mass)
        return out


def with_model(retriever: Any, generator: Any, adapter: str | None = None) -> Any:
    """The retriever ``answer()`` reads: ``retriever`` reranked by ``generator`` where it is marked for it
    (``Rerank``, also through a wrapper such as ``ContextCache``), else ``retriever`` itself."""
    mass = getattr(retriever, "rerank_mass", None) if retriever is not None else None
    return retriever if mass is None else ModelReranker(retriever, generator, adapter=adapter, mass=mass)


def documents_as_options(item: Item, context: Context) -> Item:
    """The question put to the model: the item's problem and question, its retrieved documents the options."""
    return Item(id=item.id, question=item.question, options=tuple(h.doc.text.strip() for h in context.hits),
                context=item.context, meta={k: v for k, v in item.meta.items() if k == "lang"})


def kept(item: Item, context: Context, scores: Sequence[float], mass: float) -> Context:
    """``context``'s hits by the posterior of ``scores`` (log-domain), best first, cut once ``mass`` is held."""
    top = max(scores)
    weights = [math.exp(s - top) for s in scores]
    total = sum(weights)
    ranked = sorted(range(len(scores)), key=lambda j: -weights[j])  # ties: the retriever's order
    hits, held = [], 0.0
    for j in ranked:
        hit = context.hits[j]
        hits.append(replace(hit, score=weights[j] / total, source=f"{hit.source}+model"))
        held += weights[j] / total
        if held >= mass:
            break
    if len(hits) < len(context.hits):
        log.debug("%s: kept %d of %d retrieved documents (posterior %.3f)", item.id, len(hits), len(context.hits),
                  held)
    return make_context(item, hits)
