"""What an answer rests on: the documents of its context by name, those stating the chosen option, and the
recall of the documents the question needs."""

from ragreason.experiment.grounding import document_name, grounding
from ragreason.types import Answer, Context, Document, Hit, Item

ITEM = Item("q1", "In which town was Ada Quill born?", ("Mivale", "Rakaby", "Quushstead", "Zuby"), "C",
            meta={"documents": ["Ada Quill", "Loush Mills"]})


def hit(text, **meta):
    return Hit(Document(id=f"d{abs(hash(text))}", text=text, meta=meta), 1.0, "dense")


def test_names_rests_on_and_recall():
    ada = hit("Ada Quill\nAda Quill was born in Quushstead.", entity="Ada Quill", source="world.jsonl", line=3)
    town = hit("Mivale\nMivale lies in Oskland.", entity="Mivale", source="world.jsonl", line=9)
    fact = hit("Loush Mills was founded in Quushstead.", head="Loush Mills", relation="founded_in",
               tail="Quushstead")
    other = hit("A note on nothing.", source="notes.md", line=4)
    context = Context("q1", (ada, town, fact, other))
    right = grounding(ITEM, Answer("q1", "C", context=context))
    assert right.documents == ("Ada Quill", "Mivale", "Loush Mills founded_in Quushstead", "notes.md:4")
    assert right.rests_on == ("Ada Quill", "Loush Mills founded_in Quushstead")
    assert right.recall == 1.0  # Ada's document, and Loush Mills through the fact it heads
    wrong = grounding(ITEM, Answer("q1", "B", context=Context("q1", (ada, town))))
    assert wrong.rests_on == () and wrong.recall == 0.5  # no document says Rakaby; Loush Mills missing


def test_no_context_no_recall_and_unanswered_rests_on_nothing():
    assert grounding(ITEM, Answer("q1", "C")).recall is None
    unanswered = grounding(ITEM, Answer("q1", None, context=Context("q1", ())))
    assert unanswered.rests_on == () and unanswered.recall == 0.0
    assert document_name(Document(id="doc-1", text="x")) == "doc-1"
