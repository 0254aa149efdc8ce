"""Contract tests that every ``VectorStore`` must pass (after Haystack's ``testing/document_store.py``).

Subclass ``StoreContract`` in a ``Test*`` class and define ``make_store(dim)`` (an empty store) and
``load_store(folder)``. The vectors are random unit vectors: these tests are about store mechanics.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ragreason.types import Document

DIM = 16


def unit(rng: np.random.Generator, n: int, dim: int = DIM) -> np.ndarray:
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def docs(n: int, start: int = 0, **meta) -> list[Document]:
    return [
        Document(id=f"d{i}", text=f"text {i}", meta={"n": i, "even": i % 2 == 0, **meta})
        for i in range(start, start + n)
    ]


class StoreContract:
    def make_store(self, dim: int):  # pragma: no cover - defined by subclasses
        raise NotImplementedError

    def load_store(self, folder: Path):  # pragma: no cover - defined by subclasses
        raise NotImplementedError

    @pytest.fixture
    def rng(self) -> np.random.Generator:
        return np.random.default_rng(7)

    def filled(self, rng, n: int = 300):
        store, vectors = self.make_store(DIM), unit(rng, n)
        store.add(docs(n), vectors)
        return store, vectors

    def test_empty_store_finds_nothing(self, rng):
        store = self.make_store(DIM)
        assert len(store) == 0
        assert store.search(unit(rng, 2), top_k=3) == [[], []]

    def test_add_counts_and_gets(self, rng):
        store, _ = self.filled(rng, 10)
        assert len(store) == 10
        assert store.get("d3").text == "text 3"
        assert store.get("nope") is None

    def test_every_stored_vector_finds_itself_first(self, rng):
        store, vectors = self.filled(rng)
        hits = store.search(vectors[:50], top_k=1)
        assert [h[0].doc.id for h in hits] == [f"d{i}" for i in range(50)]
        assert all(h[0].score == pytest.approx(1.0, abs=1e-4) for h in hits)

    def test_batched_results_are_sorted_and_sized(self, rng):
        store, _ = self.filled(rng)
        results = store.search(unit(rng, 7), top_k=5)
        assert len(results) == 7
        for hits in results:
            assert len(hits) == 5
            scores = [h.score for h in hits]
            assert scores == sorted(scores, reverse=True)
            assert len({h.doc.id for h in hits}) == 5

    def test_top_k_beyond_size_returns_everything(self, rng):
        store, _ = self.filled(rng, 4)
        assert len(store.search(unit(rng, 1), top_k=10)[0]) == 4

    @pytest.mark.parametrize("top_k", [0, -1, 2.5, None])
    def test_bad_top_k_is_a_value_error(self, rng, top_k):
        store, _ = self.filled(rng, 4)
        with pytest.raises(ValueError, match="top_k"):
            store.search(unit(rng, 1), top_k=top_k)

    def test_duplicate_id_is_refused(self, rng):
        store, _ = self.filled(rng, 4)
        with pytest.raises(ValueError, match="'d2'"):
            store.add(docs(1, start=2), unit(rng, 1))
        with pytest.raises(ValueError, match="'d9'"):
            store.add(docs(1, start=9) * 2, unit(rng, 2))
        assert len(store) == 4

    def test_wrong_shapes_are_refused(self, rng):
        store = self.make_store(DIM)
        with pytest.raises(ValueError, match=r"\(n, 16\)"):
            store.add(docs(2), unit(rng, 2, dim=8))
        with pytest.raises(ValueError, match="2 documents but 3 vectors"):
            store.add(docs(2), unit(rng, 3))
        bad = unit(rng, 1)
        bad[0, 0] = np.nan
        with pytest.raises(ValueError, match="NaN"):
            store.add(docs(1), bad)
        assert len(store) == 0

    def test_deleted_documents_are_never_found(self, rng):
        store, vectors = self.filled(rng)
        gone = [f"d{i}" for i in range(0, 300, 3)]
        assert store.delete(gone + ["unknown"]) == 100
        assert len(store) == 200 and store.get("d0") is None
        found = {h.doc.id for hits in store.search(vectors[:60], top_k=10) for h in hits}
        assert found and not found & set(gone)
        assert store.delete(["d0"]) == 0

    def test_upsert_replaces_text_and_vector(self, rng):
        store, vectors = self.filled(rng, 50)
        new_vector = unit(rng, 1)
        store.upsert([Document(id="d5", text="new five")], new_vector)
        assert len(store) == 50 and store.get("d5").text == "new five"
        assert store.search(new_vector, top_k=1)[0][0].doc.id == "d5"
        assert all(h.doc.id != "d5" for h in store.search(vectors[5:6], top_k=1)[0])

    def test_filter_keeps_top_k_even_for_far_documents(self, rng):
        store, vectors = self.filled(rng, 400)
        rare = [Document(id=f"r{i}", text=f"rare {i}", meta={"group": "rare"}) for i in range(30)]
        store.add(rare, -vectors[:30])  # the rare ones point away from the queries below
        results = store.search(vectors[:5], top_k=10, filter={"group": "rare"})
        for hits in results:
            assert len(hits) == 10 and all(h.doc.meta["group"] == "rare" for h in hits)
        query_minus = store.search(-vectors[3:4], top_k=1, filter={"group": "rare"})[0]
        assert query_minus[0].doc.id == "r3"

    def test_filter_over_many_documents_matches_exact_search(self, rng):
        store, vectors = self.filled(rng, 300)
        queries = unit(rng, 10)
        results = store.search(queries, top_k=10, filter={"even": True})
        sims = queries @ vectors[::2].T
        for hits, row in zip(results, sims, strict=True):
            assert len(hits) == 10 and all(h.doc.meta["even"] for h in hits)
            exact = {f"d{2 * j}" for j in np.argsort(-row)[:10]}
            assert len(exact & {h.doc.id for h in hits}) >= 9

    def test_filter_matching_one_or_none(self, rng):
        store, vectors = self.filled(rng, 300)
        results = store.search(vectors[:20], top_k=8, filter={"n": 4})
        assert all([h.doc.id for h in hits] == ["d4"] for hits in results)
        assert store.search(vectors[:2], top_k=3, filter={"missing": 1}) == [[], []]
        assert store.search(vectors[:2], top_k=3, filter={"n": "4"}) == [[], []]

    def test_save_and_load_round_trip(self, rng, tmp_path):
        store, vectors = self.filled(rng, 300)
        store.delete(["d1", "d2"])
        store.upsert([Document(id="d3", text="three", meta={"lang": "en", "tags": ["a"]})], vectors[3:4])
        before = store.search(vectors[:20], top_k=5)
        store.save(tmp_path / "s")
        loaded = self.load_store(tmp_path / "s")
        assert len(loaded) == 298 and loaded.get("d1") is None
        assert loaded.get("d3").meta == {"lang": "en", "tags": ["a"]}
        after = loaded.search(vectors[:20], top_k=5)
        assert [[h.doc.id for h in row] for row in after] == [[h.doc.id for h in row] for row in before]
        loaded.add(docs(1, start=1000), vectors[1:2])  # new labels must not collide with loaded ones
        assert loaded.search(vectors[1:2], top_k=1)[0][0].doc.id == "d1000"
