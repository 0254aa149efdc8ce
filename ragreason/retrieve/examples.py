"""``ExampleRetriever``: the solved training items most similar to a question, as few-shot examples.

Never the question itself (same id, or the same problem, question and options under another id),
and never an item of the evaluation split: pass the evaluation items as ``exclude`` and every
training item with the same content (problem text, question, options) is left out of the index;
ids given as strings exclude by id. (Data sets reuse ids across splits, so items are matched by
content: "logical_deduction_0" of train and of dev are different puzzles.) By default an item that
merely shares its problem text is left out too: 294 of the 300 LogicalDeduction dev puzzles of
Logic-LM appear in its train split under other options, and such an "example" solves the puzzle.
``shots_many`` gives ``Item`` lists for ``PromptBuilder.build(item, shots=...)``; ``retrieve_many``
gives the same examples as a ``Context`` (one hit per example, text = question, options, answer).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Iterable, Sequence

from ..embed import Embedder
from ..types import Context, Document, Hit, Item, text_id
from .dense import index_documents
from .protocol import check_items, item_query, make_context, resolve_top_k

log = logging.getLogger(__name__)


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def content_key(item: Item) -> str:
    """Identifies an item by what it asks (problem text, question, options), whatever its id."""
    parts = (item.context, item.question, *item.options)
    return text_id(*(_norm(p) for p in parts), prefix="item-")


def item_keys(item: Item, same_problem: bool = True) -> set[str]:
    """The keys under which two items count as the same: their content, and (with ``same_problem``)
    their shared problem text, when they have one."""
    keys = {content_key(item)}
    if same_problem and item.context.strip():
        keys.add(text_id(_norm(item.context), prefix="problem-"))
    return keys


class ExampleRetriever:
    def __init__(
        self,
        train: Sequence[Item],
        embedder: Embedder,
        *,
        top_k: int = 3,
        exclude: Iterable[Item | str] = (),
        kind: str = "flat",
        query: Callable[[Item], str] = item_query,
        same_problem: bool = True,
        name: str = "examples",
    ) -> None:
        """``exclude``: evaluation items (matched by content) or ids that must never be shown.
        ``same_problem``: also keep out every item that shares its problem text with an evaluation
        item or with the question asked (another question on the same puzzle gives its solution away)."""
        self.top_k = resolve_top_k(top_k, top_k)
        self.embedder, self.query, self.name, self.same_problem = embedder, query, name, same_problem
        banned_ids, banned_keys = set(), set()
        for x in exclude:
            if isinstance(x, Item):
                banned_keys |= item_keys(x, same_problem)
            else:
                banned_ids.add(str(x))
        solved = [i for i in check_items(train) if i.answer is not None]
        kept = [i for i in solved if i.id not in banned_ids and not item_keys(i, same_problem) & banned_keys]
        log.info("example pool: %d solved of %d training items; %d left out as evaluation items",
                 len(solved), len(train), len(solved) - len(kept))
        if not kept:
            raise ValueError("no solved training item is left to serve as an example")
        self.items = {i.id: i for i in kept}
        if len(self.items) != len(kept):
            raise ValueError("two training items share an id")
        docs = [
            Document(id=i.id, text=query(i), meta={"keys": sorted(item_keys(i, same_problem))}) for i in kept
        ]
        self.store = index_documents(docs, embedder, kind=kind)

    def shots(self, item: Item, top_k: int | None = None) -> list[Item]:
        return self.shots_many([item], top_k)[0]

    def shots_many(self, items: Sequence[Item], top_k: int | None = None) -> list[list[Item]]:
        """For each item, up to ``top_k`` solved examples, most similar first."""
        return [[self.items[h.doc.id] for h in hits] for hits in self._hits(check_items(items), top_k)]

    def retrieve(self, item: Item, top_k: int | None = None) -> Context:
        return self.retrieve_many([item], top_k)[0]

    def retrieve_many(self, items: Sequence[Item], top_k: int | None = None) -> list[Context]:
        items = check_items(items)
        return [
            make_context(item, [Hit(_example_doc(self.items[h.doc.id]), h.score, self.name) for h in hits])
            for item, hits in zip(items, self._hits(items, top_k), strict=True)
        ]

    def _hits(self, items: list[Item], top_k: int | None) -> list[list[Hit]]:
        k = resolve_top_k(top_k, self.top_k)
        if not items:
            return []
        vectors = self.embedder.embed_queries([self.query(i) for i in items])
        size = len(self.store)
        first = self.store.search(vectors, min(k + 1, size))  # one batched search for all items
        out: list[list[Hit]] = []
        for item, vector, hits in zip(items, vectors, first, strict=True):
            keep, fetch = self._allowed(item, hits), k + 1
            while len(keep) < k and fetch < size:  # the item's own copies crowded the top: look deeper
                fetch = min(2 * fetch, size)
                keep = self._allowed(item, self.store.search(vector[None, :], fetch)[0])
            out.append(keep[:k])
        return out

    def _allowed(self, item: Item, hits: list[Hit]) -> list[Hit]:
        keys = item_keys(item, self.same_problem)
        return [h for h in hits if h.doc.id != item.id and not keys & set(h.doc.meta["keys"])]


def _example_doc(item: Item) -> Document:
    options = "\n".join(f"{letter}. {text}" for letter, text in zip(item.letters, item.options, strict=True))
    parts = [item.context.strip(), item.question.strip(), options, f"Answer: {item.answer}"]
    meta = {"source": "example", "item_id": item.id}
    return Document(id=item.id, text="\n".join(p for p in parts if p), meta=meta)
