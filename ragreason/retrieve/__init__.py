"""Everything that finds context for a question. Importing this package stays light: faiss, torch,
bm25s, jieba and networkx load only when a retriever or graph is built."""

from __future__ import annotations

from .build import build_retriever, item_graph
from .dense import DenseRetriever, index_documents
from .examples import ExampleRetriever
from .graph import KnowledgeGraph
from .graph_facts import Fact, FactPattern, extract_facts
from .graph_link import EntityLinker
from .graph_retriever import GraphRetriever
from .hybrid import HybridRetriever
from .lexical import LexicalRetriever
from .protocol import Retriever, item_query, question_query, resolve_top_k
from .spec import RetrievalSpec

__all__ = [
    "DenseRetriever", "EntityLinker", "ExampleRetriever", "Fact", "FactPattern", "GraphRetriever",
    "HybridRetriever", "KnowledgeGraph", "LexicalRetriever", "RetrievalSpec", "Retriever", "build_retriever",
    "extract_facts", "index_documents", "item_graph", "item_query", "question_query", "resolve_top_k",
]
