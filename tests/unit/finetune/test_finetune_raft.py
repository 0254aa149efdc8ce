import random

import pytest

from ragreason.finetune.raft import distractor_for, raft_contexts
from ragreason.finetune.spec import TrainSpec
from ragreason.finetune.train import render_examples
from ragreason.prompt import PromptBuilder
from ragreason.types import Context, Document, Hit, Item

ITEMS = [Item(f"q{i}", f"What colour is animal {i}?", ("red", "blue"), "A", meta={"lang": "en"}) for i in range(20)]


def doc(i: int, k: int) -> Document:
    return Document(f"d{i}-{k}", f"Animal {i} fact {k}.", {"source": "kb.md"})


class TinyRetriever:
    """Each item's own two documents, plus one document every item shares."""

    def __init__(self):
        self.calls = []

    def retrieve_many(self, items, top_k=None):
        self.calls.append(top_k)
        shared = Hit(Document("shared", "All animals are colourful."), 0.5, "toy")
        return [Context(item.id, (Hit(doc(int(item.id[1:]), 0), 0.9, "toy"), Hit(doc(int(item.id[1:]), 1), 0.8, "toy"),
                                  shared)) for item in items]

    def retrieve(self, item, top_k=None):
        return self.retrieve_many([item], top_k)[0]


def own_ids(item_id):
    return {f"d{item_id[1:]}-0", f"d{item_id[1:]}-1", "shared"}


def test_a_share_of_items_gets_distractors_without_their_own_documents():
    retriever = TinyRetriever()
    mixed = raft_contexts(ITEMS, retriever, distractor_share=0.25, top_k=3, seed=7)
    assert retriever.calls == [3]
    assert len(mixed.distracted) == 5
    for item, context in zip(ITEMS, mixed.contexts, strict=True):
        ids = {hit.doc.id for hit in context.hits}
        assert context.item_id == item.id
        if item.id in mixed.distracted:
            assert ids and not ids & own_ids(item.id)  # another item's documents only
            assert context.text == "\n".join(h.doc.text for h in context.hits)
        else:
            assert ids == own_ids(item.id)


def test_mixing_is_reproducible_by_seed_and_bounded_by_share():
    a = raft_contexts(ITEMS, TinyRetriever(), distractor_share=0.3, seed=1)
    b = raft_contexts(ITEMS, TinyRetriever(), distractor_share=0.3, seed=1)
    c = raft_contexts(ITEMS, TinyRetriever(), distractor_share=0.3, seed=2)
    assert a == b and a.distracted != c.distracted
    assert raft_contexts(ITEMS, TinyRetriever(), distractor_share=0.0).distracted == frozenset()
    assert len(raft_contexts(ITEMS, TinyRetriever(), distractor_share=1.0).distracted) == len(ITEMS)


def test_no_distractor_when_every_other_context_holds_the_items_documents():
    same = Context("x", (Hit(doc(0, 0), 1.0, "toy"),))
    contexts = [same, Context("y", (Hit(doc(0, 0), 1.0, "toy"),))]
    assert distractor_for(0, contexts, random.Random(0)) is None
    text_only = [Context("x", (), "own text"), Context("y", (), "other text")]
    assert distractor_for(0, text_only, random.Random(0)) == Context("x", (), "other text")


def test_bad_shares_and_too_few_items():
    with pytest.raises(ValueError, match="distractor_share"):
        raft_contexts(ITEMS, TinyRetriever(), distractor_share=1.5)
    with pytest.raises(ValueError, match="at least 2 training items"):
        raft_contexts(ITEMS[:1], TinyRetriever(), distractor_share=1.0)


def test_training_prompts_carry_the_mixed_context():
    spec = TrainSpec(distractor_share=0.5, seed=3)
    examples, distracted = render_examples(ITEMS, PromptBuilder("direct-en"), TinyRetriever(), spec)
    assert len(distracted) == 10
    for item, example in zip(ITEMS, examples, strict=True):
        prompt = example.messages[-2]["content"]
        assert "Reference material" in prompt and example.messages[-1]["content"] == "Answer: A"
        assert (f"Animal {item.id[1:]} fact 0." in prompt) == (item.id not in distracted)
    plain, none = render_examples(ITEMS, PromptBuilder("direct-en"), None, spec)
    assert none == frozenset() and "Reference material" not in plain[0].messages[-2]["content"]
