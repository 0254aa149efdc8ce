"""Retrieval-augmented fine-tuning (RAFT-style): which context each training prompt carries.

Every item gets the context retrieved for it, except a seeded share (``distractor_share``) that gets
distractor-only context: the hits retrieved for another item, minus any document retrieved for this
one (an item's own documents are the ones retrieved for it). The model so learns both to use good
context and to ignore context that does not bear on the question.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass

from ..types import Context, Item, Retriever

log = logging.getLogger(__name__)

# How many other items to try before an item keeps its own context.
MAX_TRIES = 10


@dataclass(frozen=True)
class Mixed:
    """One context per item, in item order; ``distracted`` names the items given distractors only."""

    contexts: list[Context]
    distracted: frozenset[str]


def raft_contexts(
    items: Sequence[Item], retriever: Retriever, *, distractor_share: float, top_k: int | None = None,
    seed: int = 0,
) -> Mixed:
    """Retrieve context for every item and swap a share of them for distractors (reproducible by seed)."""
    if not 0.0 <= distractor_share <= 1.0:
        raise ValueError(f"distractor_share must be in [0, 1], got {distractor_share}")
    own = retriever.retrieve_many(items, top_k=top_k)
    if len(own) != len(items):
        raise ValueError(f"the retriever returned {len(own)} contexts for {len(items)} items")
    chosen = _choose(len(items), distractor_share, seed)
    if chosen and len(items) < 2:
        raise ValueError("distractor context needs at least 2 training items to draw from")
    rng = random.Random(seed + 1)
    contexts = list(own)
    distracted = set()
    for i in chosen:
        swap = distractor_for(i, own, rng)
        if swap is not None:
            contexts[i] = swap
            distracted.add(items[i].id)
    missed = len(chosen) - len(distracted)
    if missed:
        log.warning("%d of %d items chosen for distractors kept their own context (no other item's context "
                    "was free of their documents)", missed, len(chosen))
    log.info("RAFT: %d of %d training items get distractor-only context", len(distracted), len(items))
    return Mixed(contexts, frozenset(distracted))


def _choose(n: int, share: float, seed: int) -> list[int]:
    return sorted(random.Random(seed).sample(range(n), round(share * n)))


def distractor_for(i: int, contexts: Sequence[Context], rng: random.Random) -> Context | None:
    """Context for item ``i`` built from another item's context, without item ``i``'s own documents."""
    mine = contexts[i]
    own_docs = {hit.doc.id for hit in mine.hits}
    others = [j for j in range(len(contexts)) if j != i]
    for j in rng.sample(others, min(MAX_TRIES, len(others))):
        other = contexts[j]
        if other.hits:
            hits = tuple(h for h in other.hits if h.doc.id not in own_docs)
            if hits:
                return Context(mine.item_id, hits, "\n".join(h.doc.text for h in hits))
        elif other.text.strip() and other.text != mine.text:
            return Context(mine.item_id, (), other.text)
    return None
