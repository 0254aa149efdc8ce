"""Search helpers for ``FaissStore``: input checks, approximate search with selectors, exact search
over a set of labels, and turning (scores, labels) rows into ``Hit`` lists."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..types import Document, Hit
from .index import IndexParams, search_params, selector


def check_vectors(vectors: Any, dim: int) -> np.ndarray:
    """``vectors`` as a C-contiguous float32 (n, dim) array of finite numbers, else a ``ValueError``."""
    array = np.ascontiguousarray(vectors, dtype=np.float32)
    if array.ndim != 2 or array.shape[1] != dim:
        raise ValueError(f"expected vectors of shape (n, {dim}), got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError("vectors contain NaN or infinite values")
    return array


def search_rows(
    index: Any, p: IndexParams, queries: np.ndarray, k: int, allowed: np.ndarray | None,
    dead: np.ndarray | None, ef_search: int | None, nprobe: int | None,
) -> tuple[np.ndarray, np.ndarray]:
    """FAISS search restricted to ``allowed`` labels and away from ``dead`` ones: (scores, labels)."""
    sel = selector(allowed, dead)
    params = search_params(p, index, sel, ef_search, nprobe)
    if params is None:
        return index.search(queries, k)
    return index.search(queries, k, params=params)


def exact_search(
    index: Any, queries: np.ndarray, pool: np.ndarray, k: int, metric: str
) -> tuple[np.ndarray, np.ndarray]:
    """Brute-force search over the vectors of ``pool`` labels, in FAISS's (scores, labels) convention
    (for l2 the scores are squared distances). Rows are padded with label -1 beyond ``len(pool)``."""
    n = len(queries)
    scores = np.full((n, k), -np.inf if metric == "ip" else np.inf, dtype=np.float32)
    labels = np.full((n, k), -1, dtype=np.int64)
    if not len(pool):
        return scores, labels
    vectors = index.reconstruct_batch(np.ascontiguousarray(pool, dtype=np.int64))
    sims = queries @ vectors.T
    if metric == "l2":
        sims = (queries**2).sum(1, keepdims=True) - 2 * sims + (vectors**2).sum(1)[None, :]
    order = np.argsort(-sims if metric == "ip" else sims, axis=1, kind="stable")[:, :k]
    m = order.shape[1]
    scores[:, :m] = np.take_along_axis(sims, order, axis=1)
    labels[:, :m] = pool[order]
    return scores, labels


def rows_to_hits(
    scores: np.ndarray, labels: np.ndarray, ids: dict[int, str], docs: dict[str, Document],
    metric: str, source: str,
) -> list[list[Hit]]:
    """Hits per query row, skipping empty slots (-1) and labels no longer live."""
    sign = 1.0 if metric == "ip" else -1.0
    out: list[list[Hit]] = []
    for row_scores, row_labels in zip(scores.tolist(), labels.tolist(), strict=True):
        out.append([
            Hit(doc=docs[ids[label]], score=sign * score, source=source)
            for score, label in zip(row_scores, row_labels, strict=True)
            if label >= 0 and label in ids
        ])
    return out
