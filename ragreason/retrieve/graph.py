"""``KnowledgeGraph``: facts on a ``networkx.MultiDiGraph``, built from triples, CLUTRR edges or text.

Nodes are keyed by their normalised name (``graph_text.node_key``) and keep the name as first seen
plus any aliases; each edge is one ``Fact`` (head -> tail, keyed by the fact's id, so adding a fact
twice stores it once). Saved as node-link JSON with a format version, written atomically.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..store.files import StoreFormatError, write_json
from ..types import Item
from .graph_facts import Fact, FactPattern, extract_facts, facts_from_rows
from .graph_text import node_key

log = logging.getLogger(__name__)
FORMAT, VERSION = "ragreason-graph", 1


class KnowledgeGraph:
    def __init__(self) -> None:
        import networkx as nx

        self.g = nx.MultiDiGraph()

    def __len__(self) -> int:
        return self.g.number_of_edges()

    @property
    def nodes(self) -> list[str]:
        return list(self.g.nodes)

    def name(self, key: str) -> str:
        return self.g.nodes[key]["name"]

    def aliases(self, key: str) -> list[str]:
        return list(self.g.nodes[key].get("aliases", []))

    def _node(self, name: str) -> str:
        key = node_key(name)
        if not key:
            raise ValueError(f"a node name must have letters, got {name!r}")
        if key not in self.g:
            self.g.add_node(key, name=name.strip(), aliases=[])
        return key

    def add(self, fact: Fact) -> Fact:
        head, tail = self._node(fact.head), self._node(fact.tail)
        self.g.add_edge(head, tail, key=fact.id, relation=fact.relation, text=fact.text, source=fact.source)
        return fact

    def add_facts(self, facts: Iterable[Fact]) -> KnowledgeGraph:
        for fact in facts:
            self.add(fact)
        return self

    def add_alias(self, name: str, alias: str) -> None:
        """Let entity linking find the node ``name`` also by ``alias`` ("Bob" for "Robert")."""
        key = node_key(name)
        if key not in self.g:
            raise ValueError(f"no node named {name!r} to alias")
        if alias not in self.g.nodes[key]["aliases"]:
            self.g.nodes[key]["aliases"].append(alias)

    def fact(self, head_key: str, tail_key: str, edge_key: str) -> Fact:
        data = self.g.edges[head_key, tail_key, edge_key]
        return Fact(self.name(head_key), data["relation"], self.name(tail_key), data.get("text", ""),
                    data.get("source", ""))

    def facts(self) -> list[Fact]:
        return [self.fact(u, v, k) for u, v, k in self.g.edges(keys=True)]

    # -- building
    @classmethod
    def from_facts(cls, facts: Iterable[Fact]) -> KnowledgeGraph:
        return cls().add_facts(facts)

    @classmethod
    def from_triples(
        cls, rows: Iterable[Mapping[str, Any] | Sequence[str]], source: str = ""
    ) -> KnowledgeGraph:
        return cls.from_facts(facts_from_rows(rows, source))

    @classmethod
    def read_triples(cls, path: str | Path) -> KnowledgeGraph:
        """Triples from ``.jsonl`` (objects with head, relation, tail[, text]) or ``.csv`` (that header)."""
        from ..data.triples import read_triples

        path = Path(path)
        if path.suffix == ".jsonl":
            rows: list[Any] = [t.as_dict() for t in read_triples(path)]
        elif path.suffix == ".csv":
            with open(path, encoding="utf-8", newline="") as f:
                rows = list(csv.DictReader(f))
        else:
            raise ValueError(f"triples must be in a .jsonl or .csv file, got {path.name!r}")
        try:
            return cls.from_triples(rows, source=path.name)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from exc

    @classmethod
    def from_clutrr(cls, item: Item | Mapping[str, Any]) -> KnowledgeGraph:
        """The story graph of a CLUTRR item: edge (i, j) of type r reads "entities[j] is entities[i]'s r".
        Each fact's source is the item's id (when an ``Item`` is given)."""
        meta = item.meta if isinstance(item, Item) else item
        try:
            entities, edges, types = meta["entities"], meta["story_edges"], meta["edge_types"]
        except KeyError as exc:
            raise ValueError(f"a CLUTRR item needs meta {exc.args[0]!r} (entities, story_edges, edge_types)"
                             ) from None
        if len(edges) != len(types):
            raise ValueError(f"{len(edges)} story_edges but {len(types)} edge_types")
        pairs, source = zip(edges, types, strict=True), item.id if isinstance(item, Item) else "story"
        return cls.from_facts(Fact(entities[j], rel, entities[i], source=source) for (i, j), rel in pairs)

    @classmethod
    def from_text(
        cls, text: str, patterns: Sequence[FactPattern] = (), *, lang: str | None = None, source: str = ""
    ) -> KnowledgeGraph:
        """Facts read from the simple sentences of ``text`` by the pattern table (see ``graph_facts``)."""
        return cls.from_facts(extract_facts(text, patterns, lang=lang, source=source))

    # -- files
    def save(self, path: str | Path) -> None:
        import networkx as nx

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = nx.node_link_data(self.g, edges="edges")
        write_json(path, {"format": FORMAT, "version": VERSION, "graph": data})

    @classmethod
    def load(cls, path: str | Path) -> KnowledgeGraph:
        import networkx as nx

        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StoreFormatError(f"{path} is not valid JSON (truncated or corrupt?): {exc}") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
            raise StoreFormatError(f"{path} is not a {FORMAT} file of version {VERSION}")
        graph = cls()
        try:
            graph.g = nx.node_link_graph(data["graph"], directed=True, multigraph=True, edges="edges")
        except (KeyError, TypeError, nx.NetworkXError) as exc:
            raise StoreFormatError(f"{path}: the graph cannot be read: {exc!r}") from exc
        return graph
