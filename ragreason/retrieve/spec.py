"""``RetrievalSpec``: what to retrieve from, and how much. ``ragreason run``, ``ragreason finetune`` and
the benchmark's ``retrieval`` section all fill one, and ``build_retriever`` turns it into a retriever."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..embed.choose import EMBEDDERS
from ..types import MAX_OPTIONS
from .protocol import DEFAULT_TOP_K

KINDS = ("dense", "bm25", "hybrid", "graph")
EMBEDDER_CHOICES = ("auto", *EMBEDDERS)


@dataclass(frozen=True)
class RetrievalSpec:
    """``kind`` searches the ``knowledge`` folder or file (dense, bm25 or hybrid: both, fused), or is
    ``graph``: the facts that connect the question's entities in a knowledge graph, the knowledge
    folder's (its ``*.triples.jsonl`` files and its documents' facts) when it has triples files, else
    each item's own. ``knowledge: None`` uses no documents;
    ``index`` reads the documents and vectors of a saved vector index instead (``ragreason index``).
    ``examples`` adds similar solved items, ``graph`` adds the graph retriever beside the documents;
    several sources are fused by reciprocal rank fusion. ``embedder``: "auto" picks by the language of
    the items, or a name of ``ragreason.embed.EMBEDDERS``. ``rerank``: the model that answers reads the
    retrieved documents and keeps those the question is about (``retrieve.rerank``; when documents are
    searched, not for graph facts or solved examples alone)."""

    kind: str = field(default="dense", metadata={"help": f"one of {', '.join(KINDS)}"})
    knowledge: str | None = field(default="knowledge", metadata={"help": "knowledge folder or file"})
    top_k: int = field(default=DEFAULT_TOP_K, metadata={"help": "documents per question, from each source and fused"})
    embedder: str = field(default="auto", metadata={"help": f"one of {', '.join(EMBEDDER_CHOICES)}"})
    examples: bool = field(default=False, metadata={"help": "add the most similar solved items"})
    graph: bool = field(default=False, metadata={"help": "add the graph retriever (kind graph) beside the documents"})
    index: str | None = field(default=None, metadata={"help": "a saved vector index instead of knowledge"})
    graph_top_k: int | None = field(default=None, metadata={
        "help": "facts from the graph retriever per question (a fact is a sentence, a document many; unset: top_k)"})
    rerank: bool = field(default=True, metadata={
        "help": "the answering model keeps the retrieved documents the question is about (retrieve.rerank)"})

    def problems(self) -> list[str]:
        """Every bad setting (an empty list when the spec is sound); paths are checked by the caller."""
        out = []
        if self.kind not in KINDS:
            out.append(f"kind: unknown retriever {self.kind!r} (known: {', '.join(KINDS)})")
        if self.embedder not in EMBEDDER_CHOICES:
            out.append(f"embedder: unknown embedder {self.embedder!r} (known: {', '.join(EMBEDDER_CHOICES)})")
        if not _count(self.top_k):
            out.append(f"top_k: must be an integer >= 1, got {self.top_k!r}")
        elif self.rerank and self.top_k > MAX_OPTIONS:
            out.append(f"top_k: the model reranks at most {MAX_OPTIONS} documents (set rerank: false for more)")
        if self.graph_top_k is not None and not _count(self.graph_top_k):
            out.append(f"graph_top_k: must be an integer >= 1 or unset, got {self.graph_top_k!r}")
        if self.index is not None and self.kind == "graph":
            out.append("index: a vector index serves dense, bm25 or hybrid retrieval, not graph")
        if self.kind != "graph" and self.documents is None and not (self.examples or self.graph):
            out.append("nothing to retrieve from (give knowledge or index, or examples: true, or graph: true)")
        return out

    @property
    def documents(self) -> str | None:
        """Where the documents come from: the index, else the knowledge folder or file (None: neither)."""
        return self.index if self.index is not None else self.knowledge


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1
