"""The conditions a question is answered under: what the answer reads, and which adapter gives it. Every
module that names a condition reads it here.

- ``base``: the model alone; ``rag``: with the retrieval section's documents in the prompt; ``graph``: with
  facts of the knowledge folder's graph; ``ft``: a fine-tuned adapter, closed book; ``rag+ft``: an adapter
  trained with retrieved context and served with it (RAFT); ``ft+rag``: the closed-book adapter served with
  retrieved context; ``competition-baseline``: the competition's reference (three samples, a regex).
"""

from __future__ import annotations

BASE, RAG, GRAPH, FT, RAG_FT, FT_RAG, COMPETITION_BASELINE = (
    "base", "rag", "graph", "ft", "rag+ft", "ft+rag", "competition-baseline")
CONDITIONS = (BASE, RAG, GRAPH, FT, RAG_FT, FT_RAG, COMPETITION_BASELINE)
# A benchmark config without ``conditions`` runs these (graph came later and is asked for by name).
DEFAULT_CONDITIONS = (BASE, RAG, FT, RAG_FT, FT_RAG, COMPETITION_BASELINE)
DOCUMENT_CONDITIONS = (RAG, RAG_FT, FT_RAG)  # read the retrieval section's documents
CONTEXT_CONDITIONS = (*DOCUMENT_CONDITIONS, GRAPH)  # served with retrieved context of either kind
# The recipe search races recipes built from the retrieval section; the graph condition builds its own retriever.
SEARCHABLE_CONDITIONS = (BASE, RAG, FT, RAG_FT, FT_RAG)

FT_ADAPTER, RAFT_ADAPTER = "ft", "raft"  # the adapters a benchmark trains: closed book, and with context
_ADAPTERS = {FT: FT_ADAPTER, FT_RAG: FT_ADAPTER, RAG_FT: RAFT_ADAPTER}


def adapter_of(condition: str) -> str | None:
    """The adapter a condition is answered with (None: the base model)."""
    return _ADAPTERS.get(condition)


def trained_with_context(condition: str) -> bool:
    """Whether the condition's adapter is trained with retrieved context in its prompts (RAFT)."""
    return adapter_of(condition) == RAFT_ADAPTER
