"""BM25 over jieba (zh) and word (en) tokens: Chinese words are matched as words, the logic words
survive the stopword lists, filters keep top_k, and the retriever contract holds."""

from __future__ import annotations

import pytest

from ragreason.retrieve import LexicalRetriever, Retriever
from ragreason.retrieve.tokenize import stopword_set, tokenize
from ragreason.types import Document, Item

ROWS = [
    ("zh-kin", "kin", "父亲的父亲是祖父。如果甲是乙的父亲，乙是丙的父亲，那么甲是丙的祖父。"),
    ("zh-cond", "cond", "只有具备必要条件，结论才可能成立；充分条件成立则结论一定成立。"),
    ("zh-order", "order", "传递性：如果甲比乙高，乙比丙高，那么甲比丙高。"),
    ("en-mt", "cond", "Modus tollens: if P then Q; not Q; therefore not P."),
    ("en-kin", "kin", "The father of your father is your grandfather."),
    ("en-order", "order", "Taller-than is transitive: if A is taller than B, B than C, A is taller than C."),
]
DOCS = [Document(doc_id, text, {"lang": doc_id[:2], "topic": topic}) for doc_id, topic, text in ROWS]


def item(question: str, options=("yes", "no"), context: str = "") -> Item:
    return Item(id="q", question=question, options=options, context=context)


@pytest.fixture(scope="module")
def bm25() -> LexicalRetriever:
    return LexicalRetriever(DOCS, top_k=2)


def test_chinese_is_cut_into_words():
    tokens = tokenize("如果甲是乙的父亲，那么甲是丙的祖父。")
    assert tokens == ["如果", "甲", "是", "乙", "的", "父亲", "那么", "甲", "是", "丙", "的", "祖父"]
    assert "的" not in tokenize("甲是乙的父亲", stopwords=stopword_set("default"))
    with pytest.raises(ValueError, match="'fr'"):
        tokenize("bonjour", "fr")


def test_logic_words_survive_the_stopwords():
    words = stopword_set("default")
    kept = tokenize("If not all men are mortal, then some are not; only if unless or", "en", words)
    assert {"if", "not", "all", "some", "only", "unless", "or", "then"} <= set(kept)
    assert not {"不", "所有", "有些", "如果", "只有", "除非", "或者"} & words
    assert tokenize("The cat", "en", words) == ["cat"]
    with pytest.raises(ValueError, match="'english'"):
        stopword_set("english")


def test_chinese_query_finds_the_chinese_rule(bm25):
    question = "张三是李四的父亲，李四是王五的父亲，张三是王五的什么人？"
    hits = bm25.retrieve(item(question, ("祖父", "叔叔"))).hits
    assert hits[0].doc.id == "zh-kin" and hits[0].source == "bm25"


def test_english_query_finds_the_english_rule(bm25):
    hits = bm25.retrieve(item("Q is false and if P then Q. What follows about P?", ("P", "not P"))).hits
    assert hits[0].doc.id == "en-mt"


def test_no_shared_word_means_no_hit(bm25):
    assert bm25.retrieve(item("Quantum chromodynamics?", ("gluon", "quark"))).hits == ()


def test_top_k_default_override_and_errors(bm25):
    query = item("如果甲比乙高，甲是丙的父亲吗？条件", ("father", "taller", "not"))
    assert len(bm25.retrieve(query).hits) == 2
    assert len(bm25.retrieve(query, top_k=3).hits) == 3
    assert len(bm25.retrieve(query, top_k=100).hits) <= len(DOCS)
    with pytest.raises(ValueError, match="top_k"):
        bm25.retrieve(query, top_k=0)


def test_filter_keeps_only_matching_documents(bm25):
    query = item("父亲 祖父 transitive taller father", ("a", "b"))
    hits = bm25.retrieve_many([query], top_k=5, filter={"lang": "en"})[0].hits
    assert hits and all(h.doc.meta["lang"] == "en" for h in hits)
    assert bm25.retrieve_many([query], filter={"lang": "fr"})[0].hits == ()


def test_batched_equals_one_by_one(bm25):
    queries = [item("父亲的父亲是谁？"), item("What is transitive?"), item("if P then Q, not Q")]
    batched = bm25.retrieve_many(queries, top_k=3)
    assert [c.hits for c in batched] == [bm25.retrieve(q, top_k=3).hits for q in queries]
    assert isinstance(bm25, Retriever) and batched[0].text.startswith("父亲的父亲")


def test_bad_corpora_are_refused():
    with pytest.raises(ValueError, match="at least one"):
        LexicalRetriever([])
    with pytest.raises(ValueError, match="same id"):
        LexicalRetriever([DOCS[0], DOCS[0]])
