"""Prompt templates: the wording of every part of a prompt, in Chinese and English.

A template is data, not code: ``PromptBuilder`` assembles the parts. Users add their own with
``register_template(Template(...))``.
"""

from __future__ import annotations

from dataclasses import dataclass

# The SAIS 2024 logic track competition baseline's prompt, reproduced for a fair comparison.
BASELINE_PROMPT = (
    "你是一个逻辑推理专家，擅长解决逻辑推理问题。以下是一个逻辑推理的题目，形式为单项选择题。"
    "所有的问题都是（close-world assumption）闭世界假设，即未观测事实都为假。"
    "请逐步分析问题并在最后一行输出答案，最后一行的格式为\"答案是：A\"。题目如下：\n\n"
    "### 题目:\n{problem}\n\n### 问题:\n{question}\n{options}\n"
)


@dataclass(frozen=True)
class Template:
    """The wording of one prompt style. ``{letter}`` in ``answer_line`` is the option letter.

    ``cloze``: the cloze formulation: the prompt shows the context and the question (``question_header``
    then the question, on one line) but not the options, and the reply starts with the answer prefix
    (``answer_line`` up to ``{letter}``) followed by an option's own text; option scoring scores each
    option's text as that continuation. Otherwise options are listed with their letters."""

    name: str
    lang: str
    system: str
    instruction: str
    closed_world: str
    answer_format: str
    answer_line: str
    context_header: str = ""
    context_item: str = "[{rank}] ({source}) {text}"
    problem_header: str = ""
    question_header: str = ""
    reasoning: bool = True
    cloze: bool = False
    raw: str = ""  # a whole-prompt format string ({problem}, {question}, {options}); overrides the parts

    def __post_init__(self) -> None:
        if self.lang not in ("zh", "en"):
            raise ValueError(f"template {self.name!r}: lang must be 'zh' or 'en', got {self.lang!r}")
        if "{letter}" not in self.answer_line:
            raise ValueError(f"template {self.name!r}: answer_line must contain '{{letter}}'")

    def answer(self, letter: str) -> str:
        return self.answer_line.format(letter=letter)

    @property
    def answer_prefix(self) -> str:
        """What precedes the answer: the answer line up to ``{letter}``."""
        return self.answer_line.split("{letter}")[0]


_ZH_SYSTEM = "你是一个逻辑推理专家，擅长解决逻辑推理问题。"
_ZH_MCQ = "这是一道单项选择题。"
_ZH_CWA = "请使用闭世界假设：题目中没有陈述、也无法从陈述推出的事实都视为假。"
_EN_SYSTEM = "You are an expert in logical reasoning."
_EN_MCQ = "This is a multiple-choice question with one correct option."
_EN_CWA = "Use the closed-world assumption: whatever is neither stated nor derivable from the statements is false."

TEMPLATES: dict[str, Template] = {}


def register_template(template: Template) -> Template:
    """Add (or replace) a template by name."""
    TEMPLATES[template.name] = template
    return template


def get_template(name: str, lang: str | None = None) -> Template:
    """A template by name; a family name ("reasoning", "direct") picks the ``lang`` member."""
    if name not in TEMPLATES and lang is not None and f"{name}-{lang}" in TEMPLATES:
        return TEMPLATES[f"{name}-{lang}"]
    if name not in TEMPLATES:
        known = sorted({*TEMPLATES, *(n.rsplit("-", 1)[0] for n in TEMPLATES if n.endswith(("-zh", "-en")))})
        raise ValueError(f"unknown prompt template {name!r}; known: {', '.join(known)}")
    return TEMPLATES[name]


def is_family(name: str) -> bool:
    return name not in TEMPLATES and f"{name}-zh" in TEMPLATES and f"{name}-en" in TEMPLATES


register_template(Template(
    name="reasoning-zh", lang="zh", system=_ZH_SYSTEM, instruction=_ZH_MCQ, closed_world=_ZH_CWA,
    answer_format="请逐步推理，最后一行只写“答案是：X”，X 是正确选项的字母。",
    answer_line="答案是：{letter}", context_header="参考资料（可能有用，也可能无关）：",
    context_item="[{rank}]（来源：{source}）{text}", problem_header="### 题目：", question_header="### 问题：",
))
register_template(Template(
    name="direct-zh", lang="zh", system=_ZH_SYSTEM, instruction=_ZH_MCQ, closed_world=_ZH_CWA,
    answer_format="请直接回答，只写一行“答案是：X”，X 是正确选项的字母。",
    answer_line="答案是：{letter}", context_header="参考资料（可能有用，也可能无关）：",
    context_item="[{rank}]（来源：{source}）{text}", problem_header="### 题目：", question_header="### 问题：",
    reasoning=False,
))
register_template(Template(
    name="reasoning-en", lang="en", system=_EN_SYSTEM, instruction=_EN_MCQ, closed_world=_EN_CWA,
    answer_format="Reason step by step, then write the last line as \"Answer: X\", where X is the letter "
                  "of the correct option.",
    answer_line="Answer: {letter}", context_header="Reference material (it may or may not be relevant):",
    problem_header="### Problem:", question_header="### Question:",
))
register_template(Template(
    name="direct-en", lang="en", system=_EN_SYSTEM, instruction=_EN_MCQ, closed_world=_EN_CWA,
    answer_format="Reply with one line only: \"Answer: X\", where X is the letter of the correct option.",
    answer_line="Answer: {letter}", context_header="Reference material (it may or may not be relevant):",
    problem_header="### Problem:", question_header="### Question:", reasoning=False,
))
register_template(Template(
    name="competition-baseline", lang="zh", system="", instruction="", closed_world="", answer_format="",
    answer_line="答案是：{letter}", raw=BASELINE_PROMPT,
))

# The cloze formulation: no options in the prompt, the reply "Answer: <the option's text>" (see Template.cloze).
# No instructions: the model continues a text. The closed-world sentence cost the packaged model 3 to 7 points
# on fictional facts stated in the context (benchmarks/RESULTS.md, "Cloze scoring"), so these have none.
register_template(Template(
    name="cloze-zh", lang="zh", system=_ZH_SYSTEM, instruction="", closed_world="", answer_format="",
    answer_line="答案：{letter}", context_header="参考资料：", context_item="{text}", problem_header="资料：",
    question_header="问题：", reasoning=False, cloze=True,
))
register_template(Template(
    name="cloze-en", lang="en", system=_EN_SYSTEM, instruction="", closed_world="", answer_format="",
    answer_line="Answer: {letter}", context_header="Reference material:", context_item="{text}",
    problem_header="Context:", question_header="Question: ", reasoning=False, cloze=True,
))
