import pytest

from ragreason.prompt import PromptBuilder
from ragreason.prompt.templates import BASELINE_PROMPT, Template, get_template, register_template
from ragreason.prompt.tokens import ApproxTokenCounter
from ragreason.types import Context, Document, Hit, Item

ZH = Item("zh1", "谁是李四的父亲？", ("张三", "王五"), "A", "张三是李四的父亲。", {"lang": "zh"})
EN = Item("en1", "Is the cat big?", ("True", "False"), "A", "The cat is red. Red things are big.")


def context(*texts):
    hits = tuple(Hit(Document.from_text(t, source=f"doc{i}.md"), 1.0 / (i + 1), "dense") for i, t in enumerate(texts))
    return Context("x", hits, "\n".join(texts))


class WordCounter:
    def count(self, text):
        return len(text.split())


def user(prompt):
    return prompt.messages[-1]["content"]


def test_family_template_picks_each_items_language():
    builder = PromptBuilder("reasoning")
    zh, en = builder.build(ZH), builder.build(EN)
    assert zh.template == "reasoning-zh" and en.template == "reasoning-en"
    assert "闭世界假设" in user(zh) and "答案是：X" in user(zh)
    assert "closed-world assumption" in user(en) and 'Answer: X' in user(en)
    assert zh.messages[0]["role"] == "system"
    assert "A. 张三\nB. 王五" in user(zh) and "A. True\nB. False" in user(en)
    assert user(en).index("The cat is red.") < user(en).index("Is the cat big?")


def test_closed_world_sentence_can_be_turned_off():
    assert "closed-world" not in user(PromptBuilder("direct-en", closed_world=False).build(EN))
    assert "Reply with one line only" in user(PromptBuilder("direct-en").build(EN))


def test_competition_baseline_reproduces_its_original_prompt():
    prompt = PromptBuilder("competition-baseline").build(ZH)
    assert len(prompt.messages) == 1 and prompt.messages[0]["role"] == "user"
    expected = BASELINE_PROMPT.format(problem=ZH.context, question=ZH.question, options="A. 张三\nB. 王五")
    assert user(prompt) == expected


def test_context_is_delimited_and_attributed():
    prompt = PromptBuilder("reasoning-en").build(EN, context("Red things are big.", "Cats purr."))
    text = user(prompt)
    assert "Reference material" in text and "[1] (doc0.md) Red things are big." in text
    assert "[2] (doc1.md) Cats purr." in text and prompt.meta["context_kept"] == 2


def test_budget_cuts_context_by_rank_never_the_question():
    builder = PromptBuilder("reasoning-en", max_context_tokens=10, counter=WordCounter())  # blocks: 7, 6, 3 words
    prompt = builder.build(EN, context("one two three four five", "six seven eight nine", "ten"))
    text = user(prompt)
    assert "one two three four five" in text and "six seven" not in text and "[3] (doc2.md) ten" in text
    assert prompt.meta["context_cut"] == [2] and prompt.meta["context_kept"] == 2
    tiny = PromptBuilder("reasoning-en", max_context_tokens=0, counter=WordCounter()).build(EN, context("x y"))
    assert "Is the cat big?" in user(tiny) and "A. True" in user(tiny) and tiny.meta["context_cut"] == [1]


def test_shots_are_solved_turns_and_are_cut_after_context():
    shots = [Item(f"s{i}", f"Is thing {i} red?", ("True", "False"), "B", "Nothing is red.") for i in range(3)]
    prompt = PromptBuilder("direct-en", shots=2).build(EN, shots=shots)
    roles = [m["role"] for m in prompt.messages]
    assert roles == ["system", "user", "assistant", "user", "assistant", "user"]
    assert prompt.messages[2]["content"] == "Answer: B" and prompt.meta["shot_ids"] == ["s0", "s1"]
    cost = WordCounter().count(PromptBuilder("direct-en").question_text(shots[0], [], get_template("direct-en")))
    budget = PromptBuilder("direct-en", shots=2, max_context_tokens=cost + 3, counter=WordCounter())
    cut = budget.build(EN, shots=shots)
    assert cut.meta["shot_ids"] == ["s0"] and cut.meta["shots_cut"] == ["s1"]


def test_training_example_ends_with_the_target_and_matches_serving():
    builder = PromptBuilder("reasoning")
    example = builder.training_example(ZH)
    assert example.messages[:-1] == builder.build(ZH).messages
    assert example.messages[-1] == {"role": "assistant", "content": "答案是：A"}
    cot = Item("c", "Is Max sour?", ("True", "False"), "B", "ctx", {"explanation": ["Max is a tumpus.", "So no."]})
    assert builder.training_example(cot, target="cot").messages[-1]["content"] == (
        "Max is a tumpus.\nSo no.\nAnswer: B"
    )
    with pytest.raises(ValueError, match="no 'explanation'"):
        builder.training_example(EN, target="cot")
    with pytest.raises(ValueError, match="no answer"):
        builder.training_example(Item("u", "q", ("x", "y")))


def test_real_tokenizer_budget(default_llm):
    builder = PromptBuilder("reasoning-en", max_context_tokens=20, model=default_llm)
    prompt = builder.build(EN, context("Red things are big.", "A very long passage " * 10))
    assert prompt.meta["context_kept"] == 1 and prompt.meta["context_cut"] == [2]
    assert 0 < prompt.meta["context_tokens"] <= 20


def test_bad_settings():
    with pytest.raises(ValueError, match="unknown prompt template 'chatty'"):
        PromptBuilder("chatty")
    with pytest.raises(ValueError, match="max_context_tokens"):
        PromptBuilder(max_context_tokens=-1)
    with pytest.raises(ValueError, match="must contain"):
        Template("t", "en", "", "", "", "", answer_line="Answer")
    with pytest.raises(ValueError, match="items, .* contexts"):
        PromptBuilder().build_many([EN], contexts=[])


def test_custom_template_is_usable_by_name():
    register_template(Template("terse-en", "en", "", "Pick one.", "", "Letter only.", "Final: {letter}"))
    prompt = PromptBuilder("terse-en").build(EN)
    assert user(prompt).startswith("Pick one.") and PromptBuilder("terse-en").target(EN) == "Final: A"


def test_approx_counter():
    assert ApproxTokenCounter().count("张三李四") == 4 and ApproxTokenCounter().count("abcdefgh") == 2
