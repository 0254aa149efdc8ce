"""``GraphRetriever``: the facts of a knowledge graph that connect the entities a question names.

1. Link the question (and its options) to graph nodes (``EntityLinker``): the seeds.
2. Paths: the shortest simple paths (up to ``max_path_len`` edges, at most ``max_paths`` per pair)
   between every pair of seeds, in the undirected view; their facts come first, in path order,
   paths whose facts all share a source (one document, one story) before paths stitched together.
3. Neighbourhood: the facts within ``max_hops`` of a seed, ranked by personalised PageRank from the
   seeds (HippoRAG's idea: a fact scores the PageRank of its two ends) or, in ``"khop"`` mode, by hop
   distance.
``mode``: "auto" (paths, then PageRank), "paths", "ppr" or "khop". The graph is fixed (``graph=``) or
built per item (``build=``, e.g. ``KnowledgeGraph.from_clutrr``); by default it is read from the
item's problem text with the fact pattern table. Facts are verbalised in the question's language.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Sequence
from typing import Any

from ..lang import detect_lang
from ..types import Context, Document, Hit, Item
from .graph import KnowledgeGraph
from .graph_facts import Fact, FactPattern
from .graph_link import EntityLinker
from .graph_text import verbalise
from .protocol import DEFAULT_TOP_K, check_items, make_context, question_query, resolve_top_k

log = logging.getLogger(__name__)
MODES = ("auto", "paths", "ppr", "khop")
Edge = tuple[str, str, str]


class GraphRetriever:
    def __init__(
        self,
        graph: KnowledgeGraph | None = None,
        *,
        build: Callable[[Item], KnowledgeGraph] | None = None,
        top_k: int = DEFAULT_TOP_K,
        mode: str = "auto",
        max_hops: int = 2,
        max_path_len: int = 4,
        max_paths: int = 20,
        alpha: float = 0.85,
        query: Callable[[Item], str] = question_query,
        lang: str | None = None,
        patterns: Sequence[FactPattern] = (),
        templates: dict[str, dict[str, str]] | None = None,
        name: str = "graph",
    ) -> None:
        if graph is not None and build is not None:
            raise ValueError("give a fixed graph or a build function, not both")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        limits = {"max_hops": max_hops, "max_path_len": max_path_len, "max_paths": max_paths}
        for label, value in limits.items():
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"{label} must be an int >= 0, got {value!r}")
        if not 0 < alpha < 1:
            raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
        self.graph, self.mode, self.top_k = graph, mode, resolve_top_k(top_k, top_k)
        self.build = build or (lambda item: KnowledgeGraph.from_text(item.context, patterns))
        self.max_hops, self.max_path_len, self.max_paths = max_hops, max_path_len, max_paths
        self.alpha = alpha
        self.query, self.lang, self.templates, self.name = query, lang, templates, name
        self._fixed = _Prepared(graph) if graph is not None else None

    def retrieve(self, item: Item, top_k: int | None = None) -> Context:
        return self.retrieve_many([item], top_k=top_k)[0]

    def retrieve_many(self, items: Sequence[Item], top_k: int | None = None) -> list[Context]:
        k = resolve_top_k(top_k, self.top_k)
        return [self._retrieve(item, k) for item in check_items(items)]

    def _retrieve(self, item: Item, k: int) -> Context:
        prepared = self._fixed or _Prepared(self.build(item))
        query = self.query(item)
        seeds = prepared.linker.link(query)
        if not seeds:
            log.debug("item %s: no graph entity named in the question", item.id)
            return make_context(item, [])
        lang = self.lang or detect_lang(query)
        hits: list[Hit] = []
        seen_text: set[str] = set()
        for edge, score in self.rank(prepared, seeds):
            fact = prepared.graph.fact(*edge)
            text = verbalise(fact, lang, self.templates)
            if text in seen_text:
                continue  # two conditions of one rule sentence
            seen_text.add(text)
            hits.append(Hit(_document(fact, text), score, self.name))
            if len(hits) == k:
                break
        return make_context(item, hits)

    def rank(self, prepared: _Prepared, seeds: list[str]) -> list[tuple[Edge, float]]:
        """Every candidate fact (as an edge) with its score, best first."""
        hood = prepared.neighbourhood(seeds, self.max_hops)
        paths = self._path_edges(prepared, seeds) if self.mode in ("auto", "paths") else []
        if self.mode == "paths":
            return [(e, 1.0) for e in paths]
        if self.mode == "khop":
            ranked = sorted(prepared.edges_among(hood), key=lambda e: min(hood[e[0]], hood[e[1]]))
            return [(e, 1.0 / (1 + min(hood[e[0]], hood[e[1]]))) for e in ranked]
        nodes = set(hood) | {n for e in paths for n in e[:2]}
        pr = prepared.pagerank(nodes, seeds, self.alpha)
        on_path = set(paths)
        rest = sorted((e for e in prepared.edges_among(nodes) if e not in on_path),
                      key=lambda e: -(pr[e[0]] + pr[e[1]]))
        return [(e, 1.0 + pr[e[0]] + pr[e[1]]) for e in paths] + [(e, pr[e[0]] + pr[e[1]]) for e in rest]

    def _path_edges(self, prepared: _Prepared, seeds: list[str]) -> list[Edge]:
        """The facts of the paths between seeds: paths whose facts share a source first (a story
        told in one document, not stitched from several), then shorter ones, then found first."""
        candidates = []
        for a, b in itertools.combinations(seeds, 2):
            for path in self._paths(prepared, a, b):
                hops = [prepared.edges_between(u, v) for u, v in itertools.pairwise(path)]
                shared = set.intersection(*({prepared.source(e) for e in hop} for hop in hops)) - {""}
                if shared:
                    hops = [[e for e in hop if prepared.source(e) in shared] for hop in hops]
                candidates.append((not shared, len(hops), len(candidates), hops))
        edges: dict[Edge, None] = {}
        for *_, hops in sorted(candidates, key=lambda c: c[:3]):
            for hop in hops:
                edges.update(dict.fromkeys(hop))
        return list(edges)

    def _paths(self, prepared: _Prepared, a: str, b: str) -> list[list[str]]:
        """Up to ``max_paths`` shortest simple paths of at most ``max_path_len`` edges."""
        import networkx as nx

        out: list[list[str]] = []
        try:
            for path in itertools.islice(nx.shortest_simple_paths(prepared.undirected, a, b), self.max_paths):
                if len(path) - 1 > self.max_path_len:
                    break
                out.append(path)
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            pass
        return out


def _document(fact: Fact, text: str) -> Document:
    meta = {"head": fact.head, "relation": fact.relation, "tail": fact.tail, "source": fact.source or "graph"}
    return Document(id=fact.id, text=text, meta=meta)


class _Prepared:
    """A graph with what retrieval reuses: its linker and its undirected simple view."""

    def __init__(self, graph: KnowledgeGraph) -> None:
        import networkx as nx

        self.graph = graph
        self.linker = EntityLinker(graph)
        self.undirected = nx.Graph()
        self.undirected.add_nodes_from(graph.g.nodes)
        for u, v in graph.g.edges():
            weight = self.undirected.get_edge_data(u, v, {}).get("weight", 0)
            self.undirected.add_edge(u, v, weight=weight + 1)

    def neighbourhood(self, seeds: list[str], hops: int) -> dict[str, int]:
        """Node -> hop distance from the nearest seed, for nodes within ``hops``."""
        import networkx as nx

        lengths = nx.multi_source_dijkstra_path_length(self.undirected, set(seeds), cutoff=hops, weight=None)
        return dict(lengths)

    def source(self, edge: Edge) -> str:
        return self.graph.g.edges[edge].get("source", "")

    def edges_between(self, u: str, v: str) -> list[Edge]:
        g = self.graph.g
        forward, backward = g.get_edge_data(u, v, default={}), g.get_edge_data(v, u, default={})
        return [(u, v, k) for k in forward] + [(v, u, k) for k in backward]

    def edges_among(self, nodes: Any) -> list[Edge]:
        nodes = set(nodes)
        return [(u, v, k) for u, v, k in self.graph.g.edges(nodes, keys=True) if v in nodes]

    def pagerank(self, nodes: set[str], seeds: list[str], alpha: float) -> dict[str, float]:
        import networkx as nx

        sub = self.undirected.subgraph(nodes)
        if sub.number_of_edges() == 0:
            return dict.fromkeys(nodes, 0.0)
        return nx.pagerank(sub, alpha=alpha, personalization={s: 1.0 for s in seeds if s in sub})
