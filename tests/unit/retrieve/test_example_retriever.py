"""Few-shot examples on the real MiniLM: the most similar solved items, never the question itself (by
id or by content) and never an evaluation item."""

from __future__ import annotations

import pytest

from ragreason.retrieve import ExampleRetriever, Retriever
from ragreason.types import Item

TOPICS = {
    "kin": ("Bob is Ann's father and Cal is Bob's father. What is Cal to Ann?", ("grandfather", "uncle")),
    "order": ("Ann is taller than Bo and Bo is taller than Cy. Who is shortest?", ("Ann", "Cy")),
    "cwa": ("The facts do not say that the dog is red. Is the dog red?", ("True", "False")),
    "syll": ("All cats are mammals and Tom is a cat. Is Tom a mammal?", ("Yes", "No")),
}


def solved(topic: str, n: int, answer: str | None = "A", prefix: str = "t") -> Item:
    question, options = TOPICS[topic]
    return Item(id=f"{prefix}-{topic}-{n}", question=question.replace("Ann", f"Ann{n}"), options=options,
                answer=answer)


@pytest.fixture(scope="module")
def train():
    return [solved(t, n) for t in TOPICS for n in range(3)] + [solved("kin", 9, answer=None)]


def test_most_similar_solved_items_first(minilm, train):
    examples = ExampleRetriever(train, minilm, top_k=3)
    query = Item(id="new", question="Dan is Eve's father and Fay is Dan's mother. What is Fay to Eve?",
                 options=("grandmother", "aunt"))
    shots = examples.shots(query)
    assert len(shots) == 3 and all(s.id.startswith("t-kin-") for s in shots)
    assert all(s.answer is not None for s in shots) and "t-kin-9" not in examples.items
    context = examples.retrieve(query, top_k=1)
    assert isinstance(examples, Retriever) and context.hits[0].doc.text.endswith("Answer: A")
    assert examples.shots_many([query, query], top_k=2) == [shots[:2], shots[:2]]


def test_never_the_item_itself_even_under_another_id(minilm, train):
    copies = [solved("order", 0, prefix=f"copy{i}") for i in range(6)]  # same content, other ids
    examples = ExampleRetriever(train + copies, minilm, top_k=3)
    itself = train[3]  # t-order-0
    shots = examples.shots(itself)
    assert len(shots) == 3
    assert all(s.id != itself.id and s.question != itself.question for s in shots)


def test_evaluation_items_are_never_examples(minilm, train):
    evaluation = [train[0], Item(id="other-id", question=train[4].question, options=train[4].options),
                  Item(id="t-syll-0", question="A different puzzle under a reused id", options=("a", "b"))]
    examples = ExampleRetriever(train, minilm, top_k=20, exclude=[*evaluation, "t-cwa-1"])
    left = set(examples.items)
    assert not {"t-kin-0", "t-order-1", "t-cwa-1"} & left and len(left) == 9
    assert "t-syll-0" in left  # an evaluation item is matched by content, not by a reused id
    shots = examples.shots(Item(id="x", question=TOPICS["order"][0], options=("a", "b")))
    assert not {"t-kin-0", "t-order-1", "t-cwa-1"} & {s.id for s in shots}


def test_other_questions_on_the_same_puzzle_stay_out(minilm):
    puzzle = "Three books sit on a shelf: red, blue, green. The red book is left of the blue one."
    same = [Item(id=f"p{i}", question=q, options=("yes", "no"), answer="A", context=puzzle)
            for i, q in enumerate(["Is red leftmost?", "Is blue rightmost?", "Is green in the middle?"])]
    other = [Item(id=f"o{i}", question="Is the cat red?", options=("yes", "no"), answer="B",
                  context=f"Story {i}: the cat is red.") for i in range(3)]
    evaluation = Item(id="dev-1", question="Is green leftmost?", options=("yes", "no"), context=puzzle)
    strict = ExampleRetriever(same + other, minilm, top_k=3, exclude=[evaluation])
    assert set(strict.items) == {"o0", "o1", "o2"}
    loose = ExampleRetriever(same + other, minilm, top_k=3, same_problem=False)
    assert {s.id for s in loose.shots(same[0])} & {"p1", "p2"}
    assert not {s.id for s in ExampleRetriever(same + other, minilm, top_k=5).shots(same[0])} & {"p1", "p2"}


def test_bad_pools(minilm, train):
    with pytest.raises(ValueError, match="no solved training item"):
        ExampleRetriever([solved("kin", 1, answer=None)], minilm)
    with pytest.raises(ValueError, match="no solved training item"):
        ExampleRetriever(train[:1], minilm, exclude=["t-kin-0"])
    with pytest.raises(ValueError, match="share an id"):
        ExampleRetriever([train[0], train[0]], minilm)
