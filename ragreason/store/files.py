"""The on-disk layout of a saved vector store, written atomically and checked on load. No pickle.

A store folder holds ``index.<token>.faiss`` (the FAISS index), ``docs.<token>.jsonl`` (one document
per line: id, label, text, meta) and ``config.json`` (format and version, dim, kind, metric, embedder
name, index parameters, and each data file's name, size and SHA-256). A save writes new data files
under a fresh token, then replaces ``config.json`` atomically (temp file + rename), then removes the old
data files: a crash at any point leaves a folder that loads as the old store or as the new one.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..paths import atomic_write

FORMAT = "ragreason-faiss-store"
FORMAT_VERSION = 1
CONFIG = "config.json"


class StoreFormatError(ValueError):
    """A saved store that cannot be used: missing, truncated, corrupt or of another format version."""


def write_lines(path: Path, lines: Iterable[str]) -> None:
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8") as f:
            for line in lines:
                f.write(line)
                f.write("\n")
            f.flush()
            os.fsync(f.fileno())

    atomic_write(path, write)


def write_json(path: Path, data: dict[str, Any]) -> None:
    write_lines(path, [json.dumps(data, ensure_ascii=False, indent=2)])


def data_names(token: str) -> tuple[str, str]:
    """The index and documents file names of one save."""
    return f"index.{token}.faiss", f"docs.{token}.jsonl"


def remove_stale(folder: Path, keep: set[str]) -> None:
    """Delete data files (and temp files of crashed saves) that ``config.json`` no longer names."""
    for pattern in ("index.*.faiss", "docs.*.jsonl", ".*.tmp"):
        for path in folder.glob(pattern):
            if path.name not in keep:
                path.unlink(missing_ok=True)


def file_record(path: Path) -> dict[str, Any]:
    return {"name": path.name, "size": path.stat().st_size, "sha256": sha256(path)}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_config(folder: Path) -> dict[str, Any]:
    path = folder / CONFIG
    if not path.is_file():
        raise FileNotFoundError(f"no saved store at {folder}: {path} is missing")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreFormatError(f"{path} is not valid JSON (truncated or corrupt?): {exc}") from exc
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise StoreFormatError(f"{path} is not a {FORMAT} config")
    if config.get("version") != FORMAT_VERSION:
        raise StoreFormatError(
            f"{path} has format version {config.get('version')!r}; "
            f"this ragreason reads version {FORMAT_VERSION}"
        )
    for key in ("dim", "kind", "metric", "embedder", "params", "files", "count"):
        if key not in config:
            raise StoreFormatError(f"{path} lacks the field {key!r}")
    return config


def checked_file(folder: Path, record: dict[str, Any]) -> Path:
    """The data file named by a config record, after its size and checksum matched."""
    path = folder / str(record.get("name", ""))
    if not path.is_file():
        raise StoreFormatError(f"{path} is missing (named in {folder / CONFIG})")
    size = path.stat().st_size
    if size != record.get("size"):
        raise StoreFormatError(f"{path} is truncated or changed: {size} bytes, expected {record.get('size')}")
    if sha256(path) != record.get("sha256"):
        raise StoreFormatError(f"{path} is corrupt: its SHA-256 does not match {folder / CONFIG}")
    return path


def read_docs(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise StoreFormatError(f"{path}:{number}: not valid JSON: {exc}") from exc
            if not isinstance(row, dict) or not {"id", "label", "text", "meta"} <= row.keys():
                raise StoreFormatError(f"{path}:{number}: expected an object with id, label, text, meta")
            yield row
