"""``build_retriever``: a ``RetrievalSpec`` -> the retriever it describes (one source, or several fused)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from ..lang import corpus_lang
from ..types import Embedder, Item, Retriever
from .spec import RetrievalSpec

log = logging.getLogger(__name__)


def build_retriever(spec: RetrievalSpec, items: Sequence[Item], solved: Sequence[Item] = ()) -> Retriever | None:
    """The retriever for answering ``items``: documents (knowledge or a saved index), each item's graph,
    and ``solved`` items as examples (never one of ``items``), marked for the answering model to rerank
    (``spec.rerank``, when documents are searched). None when the spec names no source."""
    spec_problems = spec.problems()
    if spec_problems:
        raise ValueError("retrieval: " + "; ".join(spec_problems))
    if spec.examples and not solved:
        raise ValueError("retrieval: examples need solved items to retrieve")
    embedder = _embedder(spec, [*solved, *items]) if _needs_embedder(spec) else None
    parts: list[Retriever] = []
    if spec.kind == "graph" or spec.graph:
        parts.append(_graph_retriever(spec))
    if spec.kind != "graph" and spec.documents is not None:
        parts += _document_retrievers(spec, embedder)
    if spec.examples:
        from .examples import ExampleRetriever

        parts.append(ExampleRetriever(solved, embedder, top_k=spec.top_k, exclude=items))
    if not parts:
        return None
    retriever = parts[0]
    if len(parts) > 1:
        from .hybrid import HybridRetriever

        retriever = HybridRetriever(parts, top_k=spec.top_k)
    if spec.rerank and spec.kind != "graph" and spec.documents is not None:
        from .rerank import Rerank

        retriever = Rerank(retriever)
    return retriever


def _needs_embedder(spec: RetrievalSpec) -> bool:
    dense = spec.kind in ("dense", "hybrid") and spec.knowledge is not None and spec.index is None
    return dense or spec.examples


def _embedder(spec: RetrievalSpec, items: Sequence[Item]) -> Embedder:
    from ..embed import default_embedder, make_embedder

    return default_embedder(corpus_lang(items)) if spec.embedder == "auto" else make_embedder(spec.embedder)


def _document_retrievers(spec: RetrievalSpec, embedder: Embedder | None) -> list[Retriever]:
    from .dense import DenseRetriever
    from .lexical import LexicalRetriever

    dense = None
    if spec.index is not None:
        from ..embed import embedder_for_store
        from ..store import read_config

        built_with = embedder_for_store(read_config(Path(spec.index))["embedder"])
        dense = DenseRetriever.load(spec.index, built_with, top_k=spec.top_k)
        docs = dense.store.documents()
    else:
        from ..data.knowledge import load_knowledge

        docs = load_knowledge(spec.knowledge)
    out: list[Retriever] = []
    if spec.kind in ("dense", "hybrid"):
        out.append(dense or DenseRetriever.from_documents(docs, embedder, top_k=spec.top_k))
    if spec.kind in ("bm25", "hybrid"):
        out.append(LexicalRetriever(docs, top_k=spec.top_k))
    return out


def _graph_retriever(spec: RetrievalSpec) -> Retriever:
    """The knowledge folder's one graph when it holds ``*.triples.jsonl`` files, else each item's own."""
    from .graph_folder import folder_graph, triples_files
    from .graph_retriever import GraphRetriever

    if spec.knowledge is not None and triples_files(spec.knowledge):
        return GraphRetriever(folder_graph(spec.knowledge), top_k=spec.graph_top_k or spec.top_k)
    return GraphRetriever(build=item_graph, top_k=spec.graph_top_k or spec.top_k)


def item_graph(item: Item):
    """An item's own knowledge graph: CLUTRR story edges, the problem's triples, or its fact sentences."""
    from .graph import KnowledgeGraph

    if "story_edges" in item.meta:
        return KnowledgeGraph.from_clutrr(item)
    triples = item.meta.get("problem_extra", {}).get("triples")
    if triples:
        return KnowledgeGraph.from_triples(triples)
    return KnowledgeGraph.from_text(item.context, lang=item.meta.get("lang"))
