import pytest

from ragreason.extract import extract_choice

CASES = [
    ("推理过程……\n答案是：B", 4, "B"),
    ("答案是:C", 4, "C"),
    ("答案：D", 4, "D"),
    ("答案是 B", 4, "B"),
    ("答案为（A）", 4, "A"),
    ("答案是：**C**", 4, "C"),
    ("综上所述，故选C。", 4, "C"),
    ("选项B是正确的。", 4, "B"),
    ("Answer: (b)", 4, "B"),
    ("answer: c", 4, "C"),
    ("So the answer is B.", 4, "B"),
    ("The correct option is D", 4, "D"),
    ("Option C is correct.", 4, "C"),
    ("Ａｎｓｗｅｒ：Ｂ", 4, "B"),  # full-width letters and colon
    ("B", 4, "B"),
    ("(C)", 4, "C"),
    ("B.", 4, "B"),
    ("A. 7", 2, "A"),
    ("首先答案是：A。但再想想，答案是：C", 4, "C"),  # the last explicit answer wins
    ("The answer is A. Wait, no. Answer: B", 4, "B"),
    ("Answer: B\nBecause option A mentions the cat.", 4, "B"),  # explicit beats a later mention
    ("答案是：E", 4, None),  # beyond the options
    ("Answer: F", 3, None),
    ("The answer is a dog.", 4, None),  # an English article, not option a
    ("Answer: I think it is hard.", 4, None),
    ("I don't know.", 4, None),
    ("", 4, None),
    ("A. True\nB. False\nC. Unknown", 3, None),  # an echo of the options is not an answer
    ("To answer this question we look at the facts.", 4, None),
]


@pytest.mark.parametrize(("text", "n", "expected"), CASES)
def test_extract_choice(text, n, expected):
    assert extract_choice(text, n) == expected


@pytest.mark.parametrize(("text", "options", "expected"), [
    ("The statement is False.", ("True", "False", "Unknown"), "B"),
    ("Jason is Angela's grandfather.", ("grandson", "father", "grandfather", "uncle"), "C"),
    ("He is her son.", ("grandson", "son", "son-in-law", "aunt"), "B"),
    ("It could be true or false.", ("True", "False"), None),  # two options on the last line
    ("Reasoning...\nso: 张三", ("李四", "张三", "王五"), "B"),
    ("Answer: A\nThe statement is False.", ("True", "False"), "A"),  # an explicit answer wins
    ("Nothing here.", ("True", "False"), None),
])
def test_extract_option_text_verbatim(text, options, expected):
    assert extract_choice(text, len(options), options=options) == expected


def test_bad_arguments():
    with pytest.raises(ValueError):
        extract_choice("A", 0)
    with pytest.raises(ValueError):
        extract_choice("A", 3, options=("x", "y"))
