"""``ContextCache`` retrieves each item once per top_k and hands out what the retriever gave."""

from ragreason.retrieve.context_cache import ContextCache
from ragreason.types import Context, Document, Hit, Item


class Counting:
    def __init__(self):
        self.asked = []

    def retrieve_many(self, items, top_k=None):
        self.asked += [(i.id, top_k) for i in items]
        return [Context(i.id, (Hit(Document(id=f"d-{i.id}", text=i.question), 1.0, "fake"),)) for i in items]


def test_each_item_is_retrieved_once_per_top_k():
    inner = Counting()
    cache = ContextCache(inner)
    items = [Item(f"q{i}", f"Question {i}?", ("a", "b")) for i in range(3)]
    first = cache.retrieve_many(items, top_k=2)
    again = cache.retrieve_many(items[::-1], top_k=2)
    assert [c.hits[0].doc.id for c in again] == ["d-q2", "d-q1", "d-q0"]
    assert again[::-1] == first
    cache.retrieve(items[0], top_k=3)
    assert inner.asked == [("q0", 2), ("q1", 2), ("q2", 2), ("q0", 3)] and cache.retrieved == 4
    moved = Item("q0", "Question 0?", ("b", "a"))  # the same item under another option order
    cache.retrieve(moved, top_k=2)
    assert inner.asked[-1] == ("q0", 2)


def test_it_times_what_it_retrieves_and_counts_what_is_missing():
    import time

    class Slow(Counting):
        def retrieve_many(self, items, top_k=None):
            time.sleep(0.01 * len(items))
            return super().retrieve_many(items, top_k)

    cache = ContextCache(Slow())
    items = [Item(f"q{i}", f"Question {i}?", ("a", "b")) for i in range(4)]
    assert cache.per_item() is None and cache.missing(items) == 4
    cache.retrieve_many(items[:2])
    assert cache.missing([*items, items[3]]) == 2  # q2, q3 (the repeat counted once)
    assert cache.missing(items[:2], top_k=5) == 2  # kept under another top_k only
    assert 0.01 <= cache.per_item() < 0.05
