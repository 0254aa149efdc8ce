"""DenseRetriever on the real MiniLM and FAISS: the right rule comes first, batches equal single calls,
and a store never meets an embedder it was not built with."""

from __future__ import annotations

import numpy as np
import pytest

from ragreason.embed import HashEmbedder
from ragreason.retrieve import DenseRetriever, Retriever, index_documents
from ragreason.store import FaissStore
from ragreason.types import Document, Item

DOCS = [
    Document(doc_id, text, {"topic": topic}) for doc_id, topic, text in [
        ("kin", "kinship", "The father of one's father is one's grandfather."),
        ("mt", "inference", "Modus tollens: from 'if P then Q' and 'not Q', conclude 'not P'."),
        ("order", "order", "If A is taller than B and B is taller than C, then A is taller than C."),
        ("cwa", "world", "Under the closed-world assumption, a fact that is not stated is false."),
        ("fallacy", "inference", "Affirming the consequent: 'if P then Q' and 'Q', so 'P', is invalid."),
    ]
]


def item(question: str, item_id: str = "q") -> Item:
    return Item(id=item_id, question=question, options=("yes", "no"))


@pytest.fixture(scope="module")
def dense(minilm) -> DenseRetriever:
    return DenseRetriever.from_documents(DOCS, minilm, top_k=2)


def test_the_matching_rule_comes_first(dense):
    assert dense.retrieve(item("Who is my dad's dad to me?")).hits[0].doc.id == "kin"
    assert dense.retrieve(item("Tom is older than Ann, and Ann is older than Bo. Is Tom older than Bo?")
                          ).hits[0].doc.id == "order"
    unstated = item("The story never states that Bob is rich. Is 'Bob is rich' false?")
    assert dense.retrieve(unstated).hits[0].doc.id == "cwa"


def test_batch_equals_single_calls_and_top_k_overrides(dense):
    items = [item("Who is my dad's dad?", "a"), item("It did not rain, so?", "b"), item("Is it blue?", "c")]
    batched = dense.retrieve_many(items, top_k=3)
    single = [dense.retrieve(i, top_k=3) for i in items]
    assert [[h.doc.id for h in c.hits] for c in batched] == [[h.doc.id for h in c.hits] for c in single]
    assert all(np.isclose(a.score, b.score, atol=1e-5) for c, d in zip(batched, single, strict=True)
               for a, b in zip(c.hits, d.hits, strict=True))
    assert [c.item_id for c in batched] == ["a", "b", "c"] and len(batched[0].hits) == 3
    assert len(dense.retrieve(items[0]).hits) == 2 and isinstance(dense, Retriever)
    with pytest.raises(ValueError, match="top_k"):
        dense.retrieve(items[0], top_k=-3)


def test_filter_default_and_per_call(minilm):
    store = index_documents(DOCS, minilm)
    only_inference = DenseRetriever(store, minilm, top_k=5, filter={"topic": "inference"})
    hits = only_inference.retrieve(item("Who is my grandfather?")).hits
    assert {h.doc.id for h in hits} == {"mt", "fallacy"}
    override = only_inference.retrieve_many([item("Who is my grandfather?")], filter={"topic": "kinship"})[0]
    assert [h.doc.id for h in override.hits] == ["kin"]


def test_save_load_round_trip_and_embedder_checks(dense, minilm, tmp_path):
    dense.store.save(tmp_path / "idx")
    loaded = DenseRetriever.load(tmp_path / "idx", minilm, top_k=2)
    query = item("If it is not Q, and P implies Q, what about P?")
    assert [h.doc.id for h in loaded.retrieve(query).hits] == [h.doc.id for h in dense.retrieve(query).hits]
    with pytest.raises(ValueError, match="built with embedder 'all-MiniLM-L6-v2', not 'hash-384'"):
        DenseRetriever.load(tmp_path / "idx", HashEmbedder(384))
    with pytest.raises(ValueError, match="makes 64-d vectors; the store holds 384-d"):
        DenseRetriever(dense.store, HashEmbedder(64))
    with pytest.raises(ValueError, match="not 'hash-384'"):
        index_documents(DOCS[:1], HashEmbedder(384), store=FaissStore(384, embedder=minilm.name))


def test_hnsw_and_ivf_stores_answer_like_flat(minilm):
    texts = [f"Rule {i}: " + d.text for i in range(40) for d in DOCS]
    docs = [Document(f"d{i}", t) for i, t in enumerate(texts)]
    vectors = minilm.embed_documents(texts)  # once, for the three stores
    queries = [item("Who is my father's father?"), item("Unstated facts are false?")]
    results = {}
    for kind, options in (("flat", {}), ("hnsw", {}), ("ivf", {"nlist": 4, "nprobe": 4})):
        store = FaissStore(minilm.dim, kind, embedder=minilm.name, **options)
        store.add(docs, vectors)
        assert store.trained
        contexts = DenseRetriever(store, minilm, top_k=5).retrieve_many(queries)
        results[kind] = [[h.doc.id for h in c.hits] for c in contexts]
    assert results["hnsw"] == results["flat"] and results["ivf"] == results["flat"]
    assert {texts[int(i[1:])].split(": ", 1)[1] for i in results["flat"][0]} == {DOCS[0].text}
