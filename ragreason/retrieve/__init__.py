"""Everything that finds context for a question. Importing this package stays light: faiss, torch,
bm25s, jieba and networkx load only when a retriever is built."""

from __future__ import annotations

from .dense import DenseRetriever, index_documents
from .hybrid import HybridRetriever
from .lexical import LexicalRetriever
from .protocol import Retriever, item_query, question_query, resolve_top_k

__all__ = [
    "DenseRetriever", "HybridRetriever", "LexicalRetriever", "Retriever", "index_documents", "item_query",
    "question_query", "resolve_top_k",
]
