"""Read a knowledge folder into ``Document`` chunks: markdown by heading, then by size, with overlap.

Files: ``.md`` (split at headings; each chunk starts with its heading path, e.g. "Rules of inference >
Modus tollens", so that it reads on its own), ``.txt`` (paragraphs), ``.jsonl`` (one document per
line: ``{"text": ..., "meta": {...}}``, optional ``"title"``). ``README*`` files describe the folder
and are skipped, and so are ``*.triples.jsonl`` files (facts for the knowledge graph, not
documents). Ids are a hash of the file's relative path and the chunk text, so they stay stable
while the text does. ``meta``: ``source`` (relative path), ``section``, ``chunk``, ``lang``.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from ..lang import detect_lang
from ..types import Document
from .triples import SUFFIX as TRIPLES_SUFFIX

log = logging.getLogger(__name__)
SUFFIXES = (".md", ".markdown", ".txt", ".jsonl")
README = "README.md"  # the shipped folder's description; marks where it lies
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_UNITS = re.compile(r"(?<=[。！？!?；;])|(?<=[.])\s+|\n\s*\n")


def default_knowledge_dir() -> Path:
    """The shipped knowledge base: ``knowledge/`` of the source checkout the package runs from, else the
    copy an install put under ``<prefix>/share/ragreason/knowledge`` (found through the package's record
    of its installed files)."""
    checkout = Path(__file__).resolve().parents[2] / "knowledge"
    if (checkout / README).is_file():
        return checkout
    installed = _installed_knowledge_dir()
    if installed is not None:
        return installed
    raise FileNotFoundError(f"the shipped knowledge base is missing (neither {checkout} nor an installed copy "
                            "under share/ragreason/knowledge); pass a folder explicitly")


def _installed_knowledge_dir() -> Path | None:
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        files = distribution("ragreason").files or []
    except PackageNotFoundError:
        return None
    for file in files:
        if file.as_posix().endswith(f"share/ragreason/knowledge/{README}"):
            folder = Path(str(file.locate())).resolve().parent
            return folder if folder.is_dir() else None
    return None


def load_knowledge(
    source: str | Path | None = None, *, chunk_size: int = 800, overlap: int = 100
) -> list[Document]:
    """Every chunk of every knowledge file under the folder ``source`` (default: the shipped one), in path
    order; or of the one file ``source``."""
    if chunk_size < 50:
        raise ValueError(f"chunk_size must be >= 50 characters, got {chunk_size}")
    if not 0 <= overlap < chunk_size // 2:
        raise ValueError(f"overlap must be >= 0 and under half of chunk_size, got {overlap}")
    root = Path(source) if source is not None else default_knowledge_dir()
    if root.is_file():
        if root.suffix not in SUFFIXES:
            raise ValueError(f"{root}: a knowledge file must be one of {', '.join(SUFFIXES)}")
        paths, root = [root], root.parent
    elif root.is_dir():
        paths = sorted(p for p in root.rglob("*") if p.suffix in SUFFIXES and p.is_file()
                       and not p.name.lower().startswith("readme") and not p.name.endswith(TRIPLES_SUFFIX))
    else:
        raise FileNotFoundError(f"knowledge folder or file {root} does not exist")
    docs: list[Document] = []
    for path in paths:
        rel = path.relative_to(root).as_posix()
        if path.suffix == ".jsonl":
            docs.extend(_jsonl_docs(path, rel))
        else:
            text = path.read_text(encoding="utf-8")
            sections = split_markdown(text, path.stem) if path.suffix != ".txt" else [("", text)]
            docs.extend(_chunk_docs(rel, sections, chunk_size, overlap))
    log.info("read %d knowledge chunks from %s", len(docs), root)
    return docs


def split_markdown(text: str, title: str = "") -> list[tuple[str, str]]:
    """(heading path, body) for each section; headings inside ``` fences are text."""
    sections: list[tuple[str, str]] = []
    stack: list[tuple[int, str]] = []
    body: list[str] = []
    fenced = False

    def flush() -> None:
        if "".join(body).strip():
            sections.append((" > ".join(h for _, h in stack) or title, "\n".join(body).strip()))
        body.clear()

    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        match = None if fenced else _HEADING.match(line)
        if match is None:
            body.append(line)
            continue
        flush()
        level = len(match.group(1))
        stack = [(lvl, h) for lvl, h in stack if lvl < level] + [(level, match.group(2))]
    flush()
    return sections


def chunk_text(text: str, size: int, overlap: int) -> list[str]:
    """Pieces of at most ``size`` characters, cut between sentences or paragraphs where possible; each
    piece repeats up to ``overlap`` characters of whole sentences from the end of the one before."""
    text = text.strip()
    if len(text) <= size:
        return [text] if text else []
    units = [u.strip() for u in _UNITS.split(text) if u and u.strip()]
    units = [piece for u in units for piece in _hard_split(u, size)]
    chunks: list[list[str]] = [[]]
    for unit in units:
        current = chunks[-1]
        if current and len(_join(current + [unit])) > size:
            carried: list[str] = []
            for previous in reversed(current):
                if len(_join([previous, *carried, unit])) > min(overlap + len(unit), size):
                    break
                carried.insert(0, previous)
            chunks.append(carried)
            current = chunks[-1]
        current.append(unit)
    return [_join(c) for c in chunks if c]


def _join(units: list[str]) -> str:
    sep = "" if units and detect_lang(units[0]) == "zh" else " "
    return sep.join(units)


def _hard_split(unit: str, size: int) -> list[str]:
    return [unit[i : i + size] for i in range(0, len(unit), size)] if len(unit) > size else [unit]


def _chunk_docs(rel: str, sections: list[tuple[str, str]], size: int, overlap: int) -> list[Document]:
    docs, seen = [], set()
    for section, body in sections:
        room = max(size - len(section) - 1, size // 2)
        for i, piece in enumerate(chunk_text(body, room, overlap)):
            text = f"{section}\n{piece}" if section else piece
            meta = {"source": rel, "section": section, "chunk": i, "lang": detect_lang(text)}
            docs.append(_unique(Document.from_text(text, rel, meta), rel, seen))
    return docs


def _unique(doc: Document, rel: str, seen: set[str]) -> Document:
    """The same text twice in one file gets a second, still stable, id."""
    n = 1
    while doc.id in seen:
        n += 1
        doc = Document.from_text(doc.text, f"{rel}#{n}", {**doc.meta, "source": rel})
    seen.add(doc.id)
    return doc


def _jsonl_docs(path: Path, rel: str) -> list[Document]:
    docs, seen = [], set()
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row: Any = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not valid JSON: {exc}") from exc
            if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not row["text"].strip():
                raise ValueError(f"{path}:{number}: expected an object with a non-empty 'text'")
            if not isinstance(row.get("meta", {}), dict):
                raise ValueError(f"{path}:{number}: 'meta' must be an object")
            text = f"{row['title']}\n{row['text']}" if row.get("title") else row["text"]
            meta = {"lang": detect_lang(text), **row.get("meta", {}), "source": rel, "line": number}
            docs.append(_unique(Document.from_text(text, rel, meta), rel, seen))
    return docs
