"""Option scoring's requests and arithmetic, with a real (tiny) tokenizer and scripted log-probabilities."""

from __future__ import annotations

import pytest

from ragreason.generate.chat import load_tokenizer, render_text
from ragreason.generate.scoring import answer_prefix, label_request, score_options, text_requests
from ragreason.types import Item, Prompt

ITEM = Item("q", "Is the cat big?", ("True", "False", "Unknown"))


def prompt(template: str = "direct-en", **meta) -> Prompt:
    return Prompt("q", ({"role": "user", "content": "The cat is red. Is the cat big?"},), template, meta)


@pytest.fixture(scope="module")
def tok(tiny_model_dir):
    return load_tokenizer(tiny_model_dir)


def test_the_answer_prefix_comes_from_the_template():
    assert answer_prefix(prompt("direct-en")) == "Answer: "
    assert answer_prefix(prompt("reasoning-zh")) == "答案是："
    assert answer_prefix(prompt("my-own")) == "Answer: "
    assert answer_prefix(prompt("direct-en", answer_prefix="Final: ")) == "Final: "


def test_label_scores_each_letter_as_the_next_token_after_the_answer_prefix(tok):
    context, candidates = label_request(tok, prompt(), ITEM)
    rendered = tok.decode(context)
    assert rendered.startswith(render_text(tok, prompt())) and rendered.rstrip().endswith("Answer:")
    assert [tok.decode([c]).strip() for c in candidates] == ["A", "B", "C"]
    for letter, c in zip("ABC", candidates, strict=True):
        assert tok.decode(context + [c]).rstrip().endswith(f"Answer: {letter}")


def test_text_scores_the_option_text_as_the_reply(tok):
    sequences, starts, owners = text_requests(tok, [prompt()], [ITEM])
    assert owners == [(0, "A"), (0, "B"), (0, "C")]
    for seq, start, option in zip(sequences, starts, ITEM.options, strict=True):
        assert tok.decode(seq[start:]).strip().endswith(option)
        assert tok.decode(seq[:start]) in render_text(tok, prompt())


def test_scores_are_mean_token_logprobs_for_text_and_raw_for_label(tok):
    def continuation(sequences, starts):
        return [[-1.0] * (len(s) - f - 1) + [-4.0] for s, f in zip(sequences, starts, strict=True)]

    def next_token(contexts, candidates):
        return [[-0.1 * (i + 1) for i in range(len(c))] for c in candidates]

    text = score_options(tok, [prompt()], [ITEM], "text", next_token, continuation)[0]
    sequences, starts, _ = text_requests(tok, [prompt()], [ITEM])
    lengths = [len(s) - f for s, f in zip(sequences, starts, strict=True)]
    assert text == pytest.approx({k: (-(n - 1) - 4.0) / n for k, n in zip("ABC", lengths, strict=True)})
    label = score_options(tok, [prompt()], [ITEM], "label", next_token, continuation)[0]
    assert label == pytest.approx({"A": -0.1, "B": -0.2, "C": -0.3})


def test_bad_calls(tok):
    with pytest.raises(ValueError, match="scoring method"):
        score_options(tok, [prompt()], [ITEM], "logits", None, None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="1 prompts for 2 items"):
        score_options(tok, [prompt()], [ITEM, ITEM], "text", None, None)  # type: ignore[arg-type]
    assert score_options(tok, [], [], "label", None, None) == []  # type: ignore[arg-type]
