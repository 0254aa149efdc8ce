"""The answering model reranks retrieved documents and keeps those the question is about."""

import json

import pytest

from ragreason import PromptSpec, Recipe, Sampling, answer
from ragreason.generate import FakeGenerator
from ragreason.retrieve import RetrievalSpec, build_retriever
from ragreason.retrieve.context_cache import ContextCache
from ragreason.retrieve.rerank import ModelReranker, Rerank, kept, with_model
from ragreason.types import Context, Document, Hit, Item

PEOPLE = {"Ana Voss": "Ana Voss was born in Loby.", "Ana Kell": "Ana Kell was born in Dorby.",
          "Tom Rusk": "Tom Rusk was born in Vale."}


class Fixed:
    """Every item gets the three people's documents, in the same order."""

    top_k = 3

    def retrieve_many(self, items, top_k=None):
        hits = tuple(Hit(Document(id=name, text=text), 1.0 / (k + 1), "dense") for k, (name, text)
                     in enumerate(PEOPLE.items()))
        return [Context(i.id, hits[: top_k or 3], "\n".join(h.doc.text for h in hits[: top_k or 3])) for i in items]


def _item(name="Ana Kell"):
    return Item(f"q-{name}", f"Where was {name} born?", ("Loby", "Dorby", "Vale"), answer="B")


def _reader(prompt, item, method):
    """Scores a document (an option of the question put to the model) by whether it names the asked person."""
    if method != "cloze-pmi" or not item.options[0].startswith(tuple(PEOPLE)):
        return {}
    name = item.question.removeprefix("Where was ").removesuffix(" born?")
    return {letter: (8.0 if option.startswith(name) else 0.0)
            for letter, option in zip(item.letters, item.options, strict=True)}


def test_the_document_the_question_is_about_stands_alone():
    gen = FakeGenerator(scores=_reader)
    (context,) = ModelReranker(Fixed(), gen).retrieve_many([_item("Ana Kell")])
    assert [h.doc.id for h in context.hits] == ["Ana Kell"]
    assert context.hits[0].source == "dense+model" and context.hits[0].score > 0.99
    assert context.text == PEOPLE["Ana Kell"]
    (call,) = gen.calls
    assert call["score"] == "cloze-pmi" and call["prompts"] == 1


def test_documents_the_model_cannot_tell_apart_all_stay_in_its_order():
    gen = FakeGenerator()  # every document scores 0.0: a uniform posterior
    (context,) = ModelReranker(Fixed(), gen, mass=0.9).retrieve_many([_item()])
    assert [h.doc.id for h in context.hits] == list(PEOPLE)
    assert sum(h.score for h in context.hits) == pytest.approx(1.0)


def test_the_mass_decides_how_many_stay():
    item, (context,) = _item(), Fixed().retrieve_many([_item()])
    two = kept(item, context, [2.0, 2.0, -5.0], mass=0.9)
    assert [h.doc.id for h in two.hits] == ["Ana Voss", "Ana Kell"]
    one = kept(item, context, [2.0, 2.0, -5.0], mass=0.4)
    assert [h.doc.id for h in one.hits] == ["Ana Voss"]
    reordered = kept(item, context, [-1.0, 0.0, 3.0], mass=1.0)
    assert [h.doc.id for h in reordered.hits] == ["Tom Rusk", "Ana Kell", "Ana Voss"]
    with pytest.raises(ValueError, match="mass"):
        Rerank(Fixed(), mass=0.0)


def test_one_document_is_not_scored():
    gen = FakeGenerator(scores=_reader)
    (context,) = ModelReranker(Fixed(), gen).retrieve_many([_item()], top_k=1)
    assert [h.doc.id for h in context.hits] == ["Ana Voss"] and gen.calls == []


def test_a_mark_is_bound_to_the_answering_model_through_a_cache():
    marked = ContextCache(Rerank(Fixed()))
    assert marked.retrieve_many([_item()])[0].hits[0].doc.id == "Ana Voss"  # unbound: as retrieved
    bound = with_model(marked, FakeGenerator(scores=_reader))
    assert isinstance(bound, ModelReranker) and bound.inner is marked
    assert [h.doc.id for h in bound.retrieve_many([_item("Tom Rusk")])[0].hits] == ["Tom Rusk"]
    assert with_model(bound, FakeGenerator()) is bound  # bound once
    plain = Fixed()
    assert with_model(plain, FakeGenerator()) is plain and with_model(None, FakeGenerator()) is None


def _knowledge(tmp_path):
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "people.jsonl").write_text("".join(json.dumps({"text": t, "title": n}) + "\n" for n, t in PEOPLE.items()))
    return str(folder)


def test_build_retriever_marks_document_search_for_reranking(tmp_path):
    knowledge = _knowledge(tmp_path)
    marked = build_retriever(RetrievalSpec(kind="bm25", knowledge=knowledge), [_item()])
    assert isinstance(marked, Rerank)
    plain = build_retriever(RetrievalSpec(kind="bm25", knowledge=knowledge, rerank=False), [_item()])
    assert not isinstance(plain, Rerank) and getattr(plain, "rerank_mass", None) is None
    graph = build_retriever(RetrievalSpec(kind="graph", knowledge=None), [_item()])
    assert not isinstance(graph, Rerank)


def test_answer_reads_only_the_kept_documents_and_keys_the_run_by_it(tmp_path):
    knowledge, item = _knowledge(tmp_path), _item("Tom Rusk")
    shown = {}

    def scores(prompt, it, method):
        if it.options[0] in PEOPLE.values() or it.options[0].startswith(tuple(PEOPLE)):
            return _reader(prompt, it, method)
        shown[prompt.item_id] = prompt.messages[-1]["content"]
        return {"C": 1.0}

    results = {}
    for rerank in (True, False):
        retriever = build_retriever(RetrievalSpec(kind="bm25", knowledge=knowledge, rerank=rerank), [item])
        out = tmp_path / f"answers-{rerank}.jsonl"
        (a,) = answer([item], Recipe(prompt=PromptSpec("cloze"), sampling=Sampling(n=0), score="cloze"),
                      generator=FakeGenerator(scores=scores), retriever=retriever, out=out, progress=False)
        results[rerank] = (shown[item.id], [h.doc.text for h in a.context.hits],
                           json.loads(out.read_text().splitlines()[0])["run_key"])
    reranked, plain = results[True], results[False]
    assert reranked[1] == [f"Tom Rusk\n{PEOPLE['Tom Rusk']}"] and "Ana Voss" not in reranked[0]
    assert len(plain[1]) == 3 and "Ana Voss" in plain[0]
    assert reranked[2] != plain[2]


def test_more_documents_than_options_is_a_clear_error():
    class Many(Fixed):
        def retrieve_many(self, items, top_k=None):
            hits = tuple(Hit(Document(id=f"d{k}", text=f"Document {k}."), 1.0, "dense") for k in range(30))
            return [Context(i.id, hits, "") for i in items]

    with pytest.raises(ValueError, match="reranks at most 26"):
        ModelReranker(Many(), FakeGenerator()).retrieve_many([_item()])
    assert any("reranks at most" in p for p in RetrievalSpec(top_k=30).problems())
    assert RetrievalSpec(top_k=30, rerank=False).problems() == []
