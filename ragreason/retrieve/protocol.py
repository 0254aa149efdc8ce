"""The small helpers every retriever of the ``Retriever`` protocol (``ragreason.types``) shares.

A retriever's constructor sets the defaults (``top_k`` above all); each call may override them, and
``top_k=None`` means "the default". ``retrieve_many`` is the batched form (one embedding batch, one
index search) and what the pipeline calls; ``retrieve`` is ``retrieve_many`` of one item.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..types import Context, Hit, Item, Retriever

__all__ = ["Retriever"]  # defined in types, named here for the retrievers


DEFAULT_TOP_K = 3  # documents per question unless told: every retriever's, and RetrievalSpec's


def resolve_top_k(top_k: int | None, default: int) -> int:
    """``top_k`` when given, else ``default``; a ``ValueError`` naming the value unless it is an int >= 1."""
    value = default if top_k is None else top_k
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"top_k must be an int >= 1 (or None for the default), got {value!r}")
    return value


def item_query(item: Item) -> str:
    """The text to search with: the question, its options, then the problem text."""
    return "\n".join(part for part in (item.question, *item.options, item.context) if part.strip())


def question_query(item: Item) -> str:
    """Only the question and its options (for a problem text too long or too specific to search with)."""
    return "\n".join(part for part in (item.question, *item.options) if part.strip())


def make_context(item: Item, hits: Sequence[Hit]) -> Context:
    """A ``Context`` whose text is the hits' texts, best first, one per line."""
    return Context(item_id=item.id, hits=tuple(hits), text="\n".join(hit.doc.text.strip() for hit in hits))


def check_items(items: Sequence[Item]) -> list[Item]:
    items = list(items)
    for i, item in enumerate(items):
        if not isinstance(item, Item):
            raise TypeError(f"items[{i}] must be an Item, got {type(item).__name__}")
    return items
