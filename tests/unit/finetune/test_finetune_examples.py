import pytest

from ragreason.finetune.examples import (
    IGNORE,
    Collator,
    Encoded,
    TemplateMismatchError,
    chat_ids,
    encode_example,
    encode_examples,
)
from ragreason.prompt import PromptBuilder
from ragreason.types import Context, Document, Hit, Item

ITEM = Item("q1", "Is the cat big?", ("True", "False", "Unknown"), "B", "The cat is red. Red things are big.",
            {"lang": "en", "explanation": ["The cat is red.", "Red things are big."]})


@pytest.fixture(scope="module")
def tiny_tokenizer(tiny_model_dir):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model_dir)


@pytest.fixture(scope="module")
def smol_tokenizer(default_llm):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(default_llm)


def check_mask_token_by_token(tokenizer, example, reply_text):
    encoded = encode_example(example, tokenizer)
    served = chat_ids(tokenizer, example.messages[:-1], generation_prompt=True)  # what serving sends
    assert list(encoded.input_ids[: len(served)]) == served
    assert encoded.prompt_length == len(served)
    for i, (token, label) in enumerate(zip(encoded.input_ids, encoded.labels, strict=True)):
        assert label == (IGNORE if i < len(served) else token), f"position {i}"
    reply = tokenizer.decode(encoded.input_ids[len(served):])
    assert reply == reply_text + tokenizer.eos_token  # ends at the end-of-turn token, nothing after it
    assert encoded.labels[-1] == tokenizer.eos_token_id
    return encoded


@pytest.mark.parametrize("which", ["tiny_tokenizer", "smol_tokenizer"])
def test_loss_is_on_the_reply_only(which, request):
    tokenizer = request.getfixturevalue(which)
    example = PromptBuilder("direct-en").training_example(ITEM)
    encoded = check_mask_token_by_token(tokenizer, example, "Answer: B")
    assert "Is the cat big?" in tokenizer.decode(encoded.input_ids[: encoded.prompt_length])


def test_cot_reply_has_the_steps_then_the_answer(tiny_tokenizer):
    example = PromptBuilder("reasoning-en").training_example(ITEM, target="cot")
    check_mask_token_by_token(tiny_tokenizer, example, "The cat is red.\nRed things are big.\nAnswer: B")


def test_chinese_template_masks_the_same_way(smol_tokenizer):
    item = Item("z1", "小红的父亲是谁？", ("小明", "小刚"), "A", "小明是小红的父亲。")
    example = PromptBuilder("direct").training_example(item)
    check_mask_token_by_token(smol_tokenizer, example, "答案是：A")


def test_too_long_examples_are_skipped_and_reported_never_cut(tiny_tokenizer):
    builder = PromptBuilder("direct-en")
    long_doc = Document.from_text("The cat is red. " * 80, "kb.md")
    short = builder.training_example(ITEM)
    long = builder.training_example(Item("q2", "Is the cat red?", ("yes", "no"), "A"),
                                    Context("q2", (Hit(long_doc, 1.0, "bm25"),)))
    n_short = len(encode_example(short, tiny_tokenizer).input_ids)
    n_long = len(encode_example(long, tiny_tokenizer).input_ids)
    assert n_long > n_short
    result = encode_examples([short, long], tiny_tokenizer, max_length=n_short)  # exactly fits the short one
    assert [e.item_id for e in result.examples] == ["q1"]
    assert [s.item_id for s in result.skipped] == ["q2"]
    assert f"{n_long} tokens > max_length {n_short}" in result.skipped[0].reason
    assert result.tokens == n_short
    kept = result.examples[0]
    assert tiny_tokenizer.decode([t for t in kept.labels if t != IGNORE]) == "Answer: B" + tiny_tokenizer.eos_token


def test_a_template_that_is_not_prefix_stable_is_refused(tiny_model_dir):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    # like templates that render a past assistant turn differently from the generation prompt
    tokenizer.chat_template = (
        "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\n' }}{% if m['role'] == 'assistant' %}"
        "{{ 'Sure. ' }}{% endif %}{{ m['content'] + '<|im_end|>\n' }}{% endfor %}"
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\nOK ' }}{% endif %}"
    )
    with pytest.raises(TemplateMismatchError, match="renders the prompt differently"):
        encode_example(PromptBuilder("direct-en").training_example(ITEM), tokenizer)


def test_collator_pads_right_with_ignored_labels():
    batch = [Encoded("a", (5, 6, 7), (IGNORE, 6, 7)), Encoded("b", (8,), (8,))]
    out = Collator(pad_id=0)(batch)
    assert out["input_ids"].tolist() == [[5, 6, 7], [8, 0, 0]]
    assert out["labels"].tolist() == [[IGNORE, 6, 7], [8, IGNORE, IGNORE]]
    assert out["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]


@pytest.mark.parametrize("which", ["tiny_tokenizer", "smol_tokenizer"])
def test_the_trained_prompt_is_the_one_the_generators_send(which, request):
    from ragreason.generate.chat import render_ids

    tokenizer = request.getfixturevalue(which)
    builder = PromptBuilder("reasoning")
    for item in (ITEM, Item("z1", "小红的父亲是谁？", ("小明", "小刚"), "A", "小明是小红的父亲。")):
        example = builder.training_example(item)
        encoded = encode_example(example, tokenizer)
        assert list(encoded.input_ids[: encoded.prompt_length]) == render_ids(tokenizer, example.prompt)
