"""The knowledge graph of a knowledge folder: the facts of its ``*.triples.jsonl`` files, and those the fact
pattern table reads from its documents' other sentences (a sentence that is a triple's ``text`` is that
triple already). A fact's source is the file it came from."""

from __future__ import annotations

import logging
from pathlib import Path

from ..data.triples import SUFFIX, read_triples
from .graph import KnowledgeGraph
from .graph_facts import extract_facts, facts_from_rows

log = logging.getLogger(__name__)


def triples_files(folder: str | Path) -> list[Path]:
    """The folder's ``*.triples.jsonl`` files, in path order (none for a single file)."""
    root = Path(folder)
    return sorted(p for p in root.rglob("*" + SUFFIX) if p.is_file()) if root.is_dir() else []


def folder_graph(folder: str | Path) -> KnowledgeGraph:
    """One graph of everything the folder states: its triples, then its documents' facts."""
    from ..data.knowledge import load_knowledge

    root = Path(folder)
    graph = KnowledgeGraph()
    for path in triples_files(root):
        rows = [t.as_dict() for t in read_triples(path)]
        graph.add_facts(facts_from_rows(rows, source=path.relative_to(root).as_posix()))
    from_triples = len(graph)
    stated = {_sentence_key(f.text) for f in graph.facts() if f.text}
    for doc in load_knowledge(root):
        facts = extract_facts(doc.text, lang=doc.meta.get("lang"), source=doc.meta.get("source", ""))
        graph.add_facts(f for f in facts if _sentence_key(f.text) not in stated)
    log.info("knowledge graph of %s: %d facts from triples files, %d read from documents, %d entities", root,
             from_triples, len(graph) - from_triples, len(graph.nodes))
    return graph


def _sentence_key(text: str) -> str:
    return text.strip().rstrip("。.!?！？").casefold()
