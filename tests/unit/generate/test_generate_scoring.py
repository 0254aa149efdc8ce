"""Option scoring's requests and arithmetic, with a real (tiny) tokenizer and scripted log-probabilities."""

from __future__ import annotations

import pytest

from ragreason.generate.chat import load_tokenizer, render_text
from ragreason.generate.scoring import GroupMemo, answer_prefix, label_request, score_options, text_requests
from ragreason.prompt import PromptBuilder
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
    requests = text_requests(tok, prompt(), ITEM)
    assert len(requests) == 3
    for (seq, start), option in zip(requests, ITEM.options, strict=True):
        assert tok.decode(seq[start:]).strip().endswith(option)
        assert tok.decode(seq[:start]) in render_text(tok, prompt())


def groups_of(per_token):
    """A scripted ``group_logprobs``: each scored token of a sequence gets ``per_token(sequence)``; calls kept."""
    calls = []

    def run(groups, shared):
        calls.append(groups)
        return [[[per_token(ids)] * (len(ids) - start) for ids, start in group] for group in groups]

    return run, calls


def next_token(contexts, candidates, shared):
    return [[-0.1 * (i + 1) for i in range(len(c))] for c in candidates]


def test_scores_are_mean_token_logprobs_for_text_and_raw_for_label(tok):
    def continuation(sequences, starts):
        return [[-1.0] * (len(s) - f - 1) + [-4.0] for s, f in zip(sequences, starts, strict=True)]

    from ragreason.generate.scoring import flat_groups

    text = score_options(tok, [prompt()], [ITEM], "text", next_token, flat_groups(continuation))[0]
    lengths = [len(s) - f for s, f in text_requests(tok, prompt(), ITEM)]
    assert text == pytest.approx({k: (-(n - 1) - 4.0) / n for k, n in zip("ABC", lengths, strict=True)})
    label = score_options(tok, [prompt()], [ITEM], "label", next_token, flat_groups(continuation))[0]
    assert label == pytest.approx({"A": -0.1, "B": -0.2, "C": -0.3})


CLOZE_ITEM = Item("c", "Where was Kalo born?", ("Vethra", "the old harbour town of Dunmoor"),
                  context="Kalo was born in Vethra.")


def test_cloze_prompts_show_the_context_and_question_but_not_the_options():
    built = PromptBuilder("direct").for_scoring("cloze").build(CLOZE_ITEM)
    text = "\n".join(m["content"] for m in built.messages)
    assert "Context: Kalo was born in Vethra." in text and "Question: Where was Kalo born?" in text
    assert "Dunmoor" not in text and "A." not in text and built.meta["cloze"]
    assert built.meta["null_messages"][-1] == {"role": "user", "content": "Question:"}
    assert PromptBuilder("direct").for_scoring("label").template == "direct"  # letters keep the builder's own


def test_cloze_scores_each_option_text_after_the_answer_prefix(tok):
    built = PromptBuilder("cloze").build(CLOZE_ITEM)
    run, calls = groups_of(lambda ids: -1.0)
    scores = score_options(tok, [built], [CLOZE_ITEM], "cloze", next_token, run)[0]
    group = calls[0][0][:2]  # the options after the prompt (then after the question-free prompt)
    for (ids, start), option in zip(group, CLOZE_ITEM.options, strict=True):
        assert tok.decode(ids[start:]).strip() == option and tok.decode(ids[:start]).rstrip().endswith("Answer:")
    sums = {k: -float(len(ids) - start) for k, (ids, start) in zip("AB", group, strict=True)}
    assert scores == pytest.approx(sums)  # summed: the long option pays for each of its tokens
    token = score_options(tok, [built], [CLOZE_ITEM], "cloze-token", next_token, run)[0]
    assert token == pytest.approx({"A": -1.0, "B": -1.0})
    char = score_options(tok, [built], [CLOZE_ITEM], "cloze-char", next_token, run)[0]
    assert char == pytest.approx({k: sums[k] / len(o) for k, o in zip("AB", CLOZE_ITEM.options, strict=True)})


def test_pmi_subtracts_the_options_logprob_after_the_question_free_prompt(tok):
    built = PromptBuilder("cloze").build(CLOZE_ITEM)
    null_text = tok.decode(tok.encode(tok.apply_chat_template(list(built.meta["null_messages"]), tokenize=False)))

    def per_token(ids):  # the question-free prompt makes every token likelier
        return -0.5 if "Kalo" not in tok.decode(ids) else -2.0

    run, calls = groups_of(per_token)
    pmi = score_options(tok, [built], [CLOZE_ITEM], "cloze-pmi", next_token, run)[0]
    (group,) = calls[0]
    real, null = group[:2], group[2:]
    assert "Kalo" not in tok.decode(null[0][0]) and "Question:" in null_text
    assert pmi == pytest.approx({k: -1.5 * (len(ids) - start) for k, (ids, start) in zip("AB", real, strict=True)})


def test_cloze_needs_a_cloze_prompt(tok):
    with pytest.raises(ValueError, match="PromptBuilder\\('cloze'\\)"):
        score_options(tok, [PromptBuilder("direct").build(CLOZE_ITEM)], [CLOZE_ITEM], "cloze", next_token,
                      groups_of(lambda ids: 0.0)[0])


def test_the_memo_scores_a_group_once_per_adapter():
    run, calls = groups_of(lambda ids: -1.0)
    memo = GroupMemo()
    group = [([1, 2, 3], 2), ([1, 2, 4, 5], 2)]
    assert memo.wrap(None, run)([group, group], [0, 0]) == [[[-1.0], [-1.0, -1.0]]] * 2
    memo.wrap(None, run)([group], [0])
    memo.wrap("ft", run)([group], [0])
    assert [len(c) for c in calls] == [1, 1]  # the repeat within a call and the second call cost nothing


def test_bad_calls(tok):
    with pytest.raises(ValueError, match="scoring method"):
        score_options(tok, [prompt()], [ITEM], "logits", None, None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="1 prompts for 2 items"):
        score_options(tok, [prompt()], [ITEM, ITEM], "text", None, None)  # type: ignore[arg-type]
    assert score_options(tok, [], [], "label", None, None) == []  # type: ignore[arg-type]


def test_the_shared_part_of_a_prompt_ends_with_its_problem_text(tok):
    from ragreason.generate.chat import encode
    from ragreason.generate.scoring import shared_tokens

    built = PromptBuilder("direct").build(CLOZE_ITEM)
    n = shared_tokens(tok, built, CLOZE_ITEM)
    ids = encode(tok, render_text(tok, built))
    assert 0 < n < len(ids) and tok.decode(ids[:n]).endswith("Kalo was born in Vethra.")
    sibling = Item("c2", "What does Kalo do?", ("bake", "fly"), context=CLOZE_ITEM.context)
    assert encode(tok, render_text(tok, PromptBuilder("direct").build(sibling)))[:n] == ids[:n]
    assert shared_tokens(tok, prompt(), ITEM) == 0  # no problem text: nothing to share
