import pytest

from ragreason.types import Answer, Document, Generation, Item, Problem, Prompt, letter_index, option_letters


def test_item_validates_answer_and_options():
    item = Item("i", "q?", ("x", "y", "z"), answer="C")
    assert item.letters == ("A", "B", "C") and item.option("C") == "z"
    with pytest.raises(ValueError, match="answer 'D' names no option"):
        Item("i", "q?", ("x", "y", "z"), answer="D")
    with pytest.raises(ValueError, match="at least 2 options"):
        Item("i", "q?", ("x",))
    with pytest.raises(ValueError, match=r"options\[1\] must not be empty"):
        Item("i", "q?", ("x", " "))
    with pytest.raises(TypeError, match="options must be a tuple"):
        Item("i", "q?", ["x", "y"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="question must not be empty"):
        Item("i", "", ("x", "y"))


def test_records_are_frozen():
    item = Item("i", "q?", ("x", "y"))
    with pytest.raises(AttributeError):
        item.answer = "A"  # type: ignore[misc]


def test_problem_rejects_repeated_item_ids():
    item = Item("i", "q?", ("x", "y"))
    with pytest.raises(ValueError, match="two items with id 'i'"):
        Problem("p", "text", (item, item))


def test_document_ids_hash_source_and_text():
    a = Document.from_text("All men are mortal.", source="rules.md")
    assert a.id == Document.from_text("All men are mortal.", source="rules.md").id
    assert a.id != Document.from_text("All men are mortal.", source="other.md").id
    assert a.meta == {"source": "rules.md"}


def test_prompt_and_answer_and_generation_checks():
    with pytest.raises(ValueError, match="unknown role"):
        Prompt("i", ({"role": "bot", "content": "x"},), "t")
    with pytest.raises(ValueError, match="no messages"):
        Prompt("i", (), "t")
    with pytest.raises(ValueError, match="confidence"):
        Answer("i", "A", confidence=1.5)
    with pytest.raises(ValueError, match="capital letter"):
        Answer("i", "a")
    with pytest.raises(ValueError, match=">= 0"):
        Generation("i", "t", "m", completion_tokens=-1)


def test_letters():
    assert option_letters(4) == ("A", "B", "C", "D") and letter_index("C") == 2
    with pytest.raises(ValueError):
        option_letters(27)
