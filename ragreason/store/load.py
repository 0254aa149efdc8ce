"""Reading a saved store folder back (``SavedStore``), with every check that turns a bad folder into a
clear error. ``FaissStore.load`` builds the store from it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..types import Document
from . import files
from .index import IndexParams, faiss_module, is_trained_ivf


@dataclass(frozen=True)
class SavedStore:
    """What a store folder holds, checked: its settings, the FAISS index and the labelled documents."""

    params: IndexParams
    embedder: str
    index: Any
    docs: list[tuple[Document, int]]
    next_label: int


def read_saved(folder: Path, *, embedder: str | None, dim: int | None) -> SavedStore:
    """The store saved in ``folder``; ``embedder``/``dim``, when given, must match what it was built with."""
    config = files.read_config(folder)
    where = folder / files.CONFIG
    if dim is not None and config["dim"] != dim:
        raise ValueError(f"{where}: the store holds {config['dim']}-d vectors, but {dim}-d were expected")
    if embedder is not None and config["embedder"] != embedder:
        raise ValueError(
            f"{where}: the store was built with embedder {config['embedder']!r}, not {embedder!r}; "
            "re-index with the embedder you query with"
        )
    try:
        params = IndexParams(dim=config["dim"], kind=config["kind"], metric=config["metric"], **config["params"])
    except (TypeError, ValueError) as exc:
        raise files.StoreFormatError(f"{where}: invalid store settings: {exc}") from exc
    index = _read_index(folder, config)
    docs = _read_docs(folder, config)
    _check_agreement(folder, config, index, docs)
    return SavedStore(params, config["embedder"], index, docs, int(config.get("next_label", len(docs))))


def _read_index(folder: Path, config: dict[str, Any]) -> Any:
    path = files.checked_file(folder, config["files"].get("index", {}))
    try:
        return faiss_module().read_index(str(path))
    except RuntimeError as exc:
        raise files.StoreFormatError(f"{path} could not be read as a FAISS index: {exc}") from exc


def _read_docs(folder: Path, config: dict[str, Any]) -> list[tuple[Document, int]]:
    path = files.checked_file(folder, config["files"].get("docs", {}))
    out = []
    for number, row in enumerate(files.read_docs(path), start=1):
        try:
            out.append((Document(id=row["id"], text=row["text"], meta=dict(row["meta"])), int(row["label"])))
        except (TypeError, ValueError) as exc:
            raise files.StoreFormatError(f"{path}:{number}: not a valid document: {exc}") from exc
    return out


def _check_agreement(
    folder: Path, config: dict[str, Any], index: Any, docs: list[tuple[Document, int]]
) -> None:
    path = folder / config["files"]["index"]["name"]
    if index.d != config["dim"]:
        raise files.StoreFormatError(
            f"{path} holds {index.d}-d vectors; {folder / files.CONFIG} says {config['dim']}"
        )
    if len(docs) != config["count"] or index.ntotal != len(docs):
        raise files.StoreFormatError(
            f"{folder}: {len(docs)} documents, {index.ntotal} vectors in the index, "
            f"{config['count']} in {files.CONFIG}"
        )
    if config["kind"] == "ivf" and is_trained_ivf(index) != bool(config.get("trained")):
        raise files.StoreFormatError(f"{path}: the IVF training state does not match {files.CONFIG}")
