"""Reciprocal rank fusion: the arithmetic on known rankings, weights that matter, and a real
BM25 + MiniLM fusion that keeps what each retriever alone finds."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from ragreason.retrieve import DenseRetriever, HybridRetriever, LexicalRetriever, Retriever
from ragreason.retrieve.protocol import make_context, resolve_top_k
from ragreason.types import Context, Document, Hit, Item

Q = Item(id="q", question="?", options=("a", "b"))


class Ranked:
    """A retriever with a fixed ranking (to check the fusion arithmetic, not retrieval)."""

    def __init__(self, name: str, ids: Sequence[str]) -> None:
        self.name, self.ids, self.asked = name, list(ids), []

    def retrieve(self, item: Item, top_k: int | None = None) -> Context:
        return self.retrieve_many([item], top_k)[0]

    def retrieve_many(self, items, top_k=None):
        self.asked.append(top_k)
        k = resolve_top_k(top_k, 10)
        return [make_context(i, [Hit(Document(d, f"text {d}"), 1.0, self.name) for d in self.ids[:k]])
                for i in items]


def test_rrf_scores_and_order():
    a, b = Ranked("a", ["x", "y", "z"]), Ranked("b", ["z", "w", "x"])
    hits = HybridRetriever([a, b], top_k=4).retrieve(Q).hits
    expect = {"x": 1 / 61 + 1 / 63, "z": 1 / 63 + 1 / 61, "y": 1 / 62, "w": 1 / 62}
    assert [h.doc.id for h in hits] == ["x", "z", "y", "w"]  # ties keep first-seen order
    assert all(h.score == pytest.approx(expect[h.doc.id]) for h in hits)
    assert hits[0].source == "a+b" and hits[2].source == "a"


def test_weights_and_k_change_the_ranking():
    a, b = Ranked("a", ["x", "y"]), Ranked("b", ["y", "x"])
    assert [h.doc.id for h in HybridRetriever([a, b], weights=[1, 3]).retrieve(Q).hits] == ["y", "x"]
    assert [h.doc.id for h in HybridRetriever([a, b], weights=[3, 1]).retrieve(Q).hits] == ["x", "y"]
    only_b = HybridRetriever({"a": a, "b": b}, weights=[0, 1], top_k=1).retrieve(Q).hits
    assert [h.doc.id for h in only_b] == ["y"]


def test_fetch_k_and_top_k():
    a = Ranked("a", [f"d{i}" for i in range(50)])
    hybrid = HybridRetriever([a], top_k=3)
    assert len(hybrid.retrieve(Q).hits) == 3 and a.asked[-1] == 20
    assert len(hybrid.retrieve(Q, top_k=15).hits) == 15 and a.asked[-1] == 30
    HybridRetriever([a], fetch_k=7).retrieve(Q)
    assert a.asked[-1] == 7


@pytest.mark.parametrize("kwargs, message", [
    ({"weights": [1]}, "1 weights for 2"), ({"weights": [0, 0]}, "not all zero"),
    ({"weights": [-1, 1]}, ">= 0"),
    ({"k": 0}, "k must be > 0"), ({"top_k": 0}, "top_k"),
])
def test_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        HybridRetriever([Ranked("a", []), Ranked("b", [])], **kwargs)
    with pytest.raises(ValueError, match="share a name"):
        HybridRetriever([Ranked("a", []), Ranked("a", [])])


def test_real_bm25_and_minilm_fused(minilm):
    docs = [
        Document("cwa", "Closed-world assumption: whatever is not stated or derivable is false."),
        Document("cwa-zh", "封闭世界假设：凡是没有陈述、也无法推出的事实，都视为假。"),
        Document("kin", "The father of one's father is one's grandfather."),
        Document("mt", "Modus tollens: from if P then Q and not Q, conclude not P."),
        Document("order", "Ordering is transitive: if A is before B and B before C, A is before C."),
    ]
    bm25 = LexicalRetriever(docs)
    dense = DenseRetriever.from_documents(docs, minilm)
    hybrid = HybridRetriever([bm25, dense], top_k=2)
    assert isinstance(hybrid, Retriever)
    zh = Item(id="zh", question="题目没有说明的事实，在封闭世界假设下是真是假？", options=("真", "假"))
    en = Item(id="en", question="Who is my dad's dad to me?", options=("uncle", "grandfather"))
    assert bm25.retrieve(zh).hits[0].doc.id == "cwa-zh" and dense.retrieve(en).hits[0].doc.id == "kin"
    fused = hybrid.retrieve_many([zh, en])
    assert fused[0].hits[0].doc.id == "cwa-zh" and fused[1].hits[0].doc.id == "kin"
