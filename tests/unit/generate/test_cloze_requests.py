"""The cloze formulation's hard cases, with a real (tiny) tokenizer: options that are prefixes of one
another, options that differ only by "not", long statements, Chinese options."""

from __future__ import annotations

import pytest

from ragreason.generate.chat import load_tokenizer
from ragreason.generate.cloze import cloze_groups, normalised
from ragreason.prompt import PromptBuilder
from ragreason.types import Item


@pytest.fixture(scope="module")
def tok(tiny_model_dir):
    return load_tokenizer(tiny_model_dir)


def scored_texts(tok, item: Item) -> tuple[list[str], list[str]]:
    """What is scored of each option after the prompt, and after the question-free prompt."""
    (group,) = cloze_groups(tok, [PromptBuilder("cloze").build(item)], [item])
    texts = [tok.decode(ids[start:]).strip() for ids, start in group]
    return texts[: len(item.options)], texts[len(item.options):]


@pytest.mark.parametrize("options", [
    ("red", "red car", "red car park"),  # each a prefix of the next
    ("The cat is big.", "The cat is not big."),  # only "not" apart
    ("If every cat that Ann owns is big and no dog is small, then the cat is big.", "Nothing follows."),
])
def test_each_option_is_scored_whole_after_the_same_prompt(tok, options):
    item = Item("q", "Which is it?", options, context="Ann owns a red cat.")
    texts, null = scored_texts(tok, item)
    assert texts == null == list(options)
    (group,) = cloze_groups(tok, [PromptBuilder("cloze").build(item)], [item])
    prefixes = [tuple(ids[:start]) for ids, start in group]
    assert len(set(prefixes[: len(options)])) == 1  # one prompt before every option: computed once, read by the others
    assert len(set(prefixes[len(options):])) == 1 and prefixes[0] != prefixes[-1]


def test_chinese_options_follow_the_answer_prefix_without_a_space_and_count_characters(tok):
    item = Item("z", "小明养了什么动物？", ("猫", "猫头鹰"), context="小明养了一只猫头鹰。")
    texts, null = scored_texts(tok, item)
    assert texts == ["猫", "猫头鹰"] and null == texts
    scores = normalised("cloze-char", item, [[-1.0], [-1.0, -1.0, -1.5], [-9.0], [-9.0]])
    assert scores == pytest.approx({"A": -1.0, "B": -3.5 / 3})


def test_pmi_takes_the_question_free_scores_of_the_same_options():
    item = Item("p", "?", ("a", "b"))
    assert normalised("cloze-pmi", item, [[-2.0], [-3.0], [-0.5], [-2.5]]) == {"A": -1.5, "B": -0.5}
    assert normalised("cloze", item, [[-2.0], [-3.0], [-0.5], [-2.5]]) == {"A": -2.0, "B": -3.0}
    with pytest.raises(ValueError, match="question-free"):
        normalised("cloze-pmi", item, [[-2.0], [-3.0]])
