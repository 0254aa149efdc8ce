"""What an answer rests on: the documents in its context, those that state the chosen option, and how many of
the documents the question needs (``meta["documents"]``: the entities whose documents answer it) were there.

A document is named by the entity it is about (``meta["entity"]``: one document per entity, as ``ragreason
synth world`` writes them), a graph fact by its head and relation (it is stated in the head's document), any
other document by where it came from (``source:line``). An answer rests on a document of its context when
that document's text holds the chosen option's text."""

from __future__ import annotations

from dataclasses import dataclass

from ..types import Answer, Document, Item


@dataclass(frozen=True)
class Grounding:
    documents: tuple[str, ...]  # the documents in the answer's context, by name, in context order
    rests_on: tuple[str, ...]  # those whose text holds the chosen option
    recall: float | None  # the share of the documents the question needs that were in the context (None:
    # no context, or the question names none)


def document_name(doc: Document) -> str:
    meta = doc.meta
    if meta.get("entity"):
        return str(meta["entity"])
    if meta.get("head") and meta.get("relation"):
        return f"{meta['head']} {meta['relation']} {meta.get('tail', '')}".strip()
    if meta.get("source"):
        return f"{meta['source']}:{meta['line']}" if meta.get("line") else str(meta["source"])
    return doc.id


def _about(doc: Document) -> str | None:
    """The entity a document is about: its own (a document per entity) or a graph fact's head."""
    return doc.meta.get("entity") or doc.meta.get("head")


def grounding(item: Item, answer: Answer) -> Grounding:
    hits = answer.context.hits if answer.context is not None else ()
    docs = [hit.doc for hit in hits]
    chosen = item.option(answer.choice).strip().casefold() if answer.choice else ""
    rests = tuple(dict.fromkeys(document_name(d) for d in docs if chosen and chosen in d.text.casefold()))
    needed = item.meta.get("documents")
    recall = None
    if answer.context is not None and isinstance(needed, list) and needed:
        present = {_about(d) for d in docs}
        recall = sum(name in present for name in needed) / len(needed)
    return Grounding(tuple(dict.fromkeys(document_name(d) for d in docs)), rests, recall)
