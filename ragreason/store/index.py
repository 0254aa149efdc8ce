"""FAISS index construction and search parameters for ``FaissStore`` (imported lazily: faiss is heavy).

Every index maps our int64 labels to vectors: ``IndexIDMap2`` around a flat or HNSW index, or an IVF
index (which takes ids itself) with a hash-table direct map so that vectors can be read back by label.
An IVF store keeps its vectors in a flat staging index until it has enough to train on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

KINDS = ("flat", "hnsw", "ivf")
METRICS = ("ip", "l2")
TRAIN_POINTS_PER_LIST = 39  # FAISS's own minimum for k-means: 39 training points per centroid
MAX_TRAIN_PER_LIST = 100  # train on at most this many points per centroid (a random sample)


def faiss_module() -> Any:
    try:
        import faiss
    except ImportError as exc:
        raise ImportError("FaissStore needs faiss: pip install faiss-cpu") from exc
    return faiss


@dataclass(frozen=True)
class IndexParams:
    """How to build and search an index. ``nlist``/``nprobe``: IVF; ``hnsw_m``/``ef_*``: HNSW."""

    dim: int
    kind: str = "flat"
    metric: str = "ip"
    hnsw_m: int = 32
    ef_construction: int = 80
    ef_search: int = 64
    nlist: int = 100
    nprobe: int = 8

    def __post_init__(self) -> None:
        if not isinstance(self.dim, int) or self.dim < 1:
            raise ValueError(f"dim must be a positive int, got {self.dim!r}")
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        if self.metric not in METRICS:
            raise ValueError(f"metric must be one of {METRICS}, got {self.metric!r}")
        for name in ("hnsw_m", "ef_construction", "ef_search", "nlist", "nprobe"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")

    def index_settings(self) -> dict[str, int]:
        """The settings beyond dim, kind and metric (what a saved store records as ``params``)."""
        return {k: v for k, v in vars(self).items() if k not in ("dim", "kind", "metric")}

    @property
    def min_train(self) -> int:
        return TRAIN_POINTS_PER_LIST * self.nlist

    def faiss_metric(self) -> int:
        faiss = faiss_module()
        return faiss.METRIC_INNER_PRODUCT if self.metric == "ip" else faiss.METRIC_L2


def new_index(p: IndexParams) -> Any:
    """An empty labelled index: flat, HNSW, or (for IVF, until trained) the flat staging index."""
    faiss = faiss_module()
    if p.kind == "hnsw":
        inner = faiss.IndexHNSWFlat(p.dim, p.hnsw_m, p.faiss_metric())
        inner.hnsw.efConstruction = p.ef_construction
        inner.hnsw.efSearch = p.ef_search
    else:
        inner = faiss.IndexFlatIP(p.dim) if p.metric == "ip" else faiss.IndexFlatL2(p.dim)
    return faiss.IndexIDMap2(inner)


def trained_ivf(p: IndexParams, staging: Any) -> Any:
    """An IVF index trained on, and holding, every vector of the flat staging index (same labels)."""
    faiss = faiss_module()
    vectors, labels = labelled_vectors(staging)
    train = vectors
    if len(vectors) > MAX_TRAIN_PER_LIST * p.nlist:  # k-means gains little from more points
        rng = np.random.default_rng(0)
        train = vectors[np.sort(rng.choice(len(vectors), MAX_TRAIN_PER_LIST * p.nlist, replace=False))]
    quantizer = faiss.IndexFlatIP(p.dim) if p.metric == "ip" else faiss.IndexFlatL2(p.dim)
    ivf = faiss.IndexIVFFlat(quantizer, p.dim, p.nlist, p.faiss_metric())
    log.info("training IVF (nlist=%d) on %d of %d vectors", p.nlist, len(train), len(vectors))
    ivf.train(train)
    ivf.set_direct_map_type(faiss.DirectMap.Hashtable)
    ivf.nprobe = p.nprobe
    ivf.add_with_ids(vectors, labels)
    return ivf


def labelled_vectors(index: Any) -> tuple[np.ndarray, np.ndarray]:
    """All (vectors, labels) of an ``IndexIDMap2``."""
    faiss = faiss_module()
    labels = faiss.vector_to_array(index.id_map).astype(np.int64)
    inner = faiss.downcast_index(index.index)
    vectors = inner.reconstruct_n(0, inner.ntotal) if inner.ntotal else np.zeros((0, index.d), np.float32)
    return np.ascontiguousarray(vectors, dtype=np.float32), labels


def is_trained_ivf(index: Any) -> bool:
    return type(index).__name__ == "IndexIVFFlat"


def search_params(
    p: IndexParams, index: Any, selector: Any, ef_search: int | None, nprobe: int | None
) -> Any:
    """Search parameters carrying an optional id selector and per-call ``efSearch``/``nprobe``."""
    faiss = faiss_module()
    if p.kind == "hnsw":
        return faiss.SearchParametersHNSW(sel=selector, efSearch=ef_search or p.ef_search)
    if is_trained_ivf(index):
        return faiss.SearchParametersIVF(sel=selector, nprobe=nprobe or p.nprobe)
    return faiss.SearchParameters(sel=selector) if selector is not None else None


def selector(allowed: np.ndarray | None, dead: np.ndarray | None) -> Any:
    """An id selector that admits ``allowed`` labels (all when None) and none of the ``dead`` ones."""
    faiss = faiss_module()
    keep = faiss.IDSelectorBatch(allowed) if allowed is not None else None
    if dead is None or not len(dead):
        return keep
    dead_batch = faiss.IDSelectorBatch(dead)
    drop = faiss.IDSelectorNot(dead_batch)
    drop.referenced_objects = [dead_batch]  # keep the parts alive as long as the whole
    if keep is None:
        return drop
    both = faiss.IDSelectorAnd(keep, drop)
    both.referenced_objects = [keep, drop]
    return both


def configure_loaded(p: IndexParams, index: Any) -> None:
    """Set the search-time knobs that a freshly read index must carry."""
    faiss = faiss_module()
    if is_trained_ivf(index):
        index.nprobe = p.nprobe
    elif p.kind == "hnsw":
        faiss.downcast_index(index.index).hnsw.efSearch = p.ef_search
