"""The token sequences option scoring sends: a context rendered through the chat template, then a tail
(an option's text, a letter) whose own tokens are scored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..types import Prompt
from .chat import encode

Scored = tuple[list[int], int]  # token ids, and the first position whose log-probability counts


def answer_prefix(prompt: Prompt) -> str:
    """What precedes the answer in the prompt's answer line: ``prompt.meta["answer_prefix"]``, else the
    registered template's ``answer_line`` up to ``{letter}``, else "Answer: "."""
    if "answer_prefix" in prompt.meta:
        return str(prompt.meta["answer_prefix"])
    from ..prompt.templates import TEMPLATES

    template = TEMPLATES.get(prompt.template)
    if template is not None:
        return template.answer_line.split("{letter}")[0]
    return "Answer: "


def continuation(tokenizer: Any, base_text: str, context_text: str, tail: str) -> Scored:
    """The ids of ``context_text + tail`` and where the tail's own tokens start: after the longest prefix
    they share with the ids of ``base_text`` (a tail may merge with the context's last token)."""
    base = encode(tokenizer, base_text)
    ids = encode(tokenizer, context_text + tail)
    return ids, max(1, min(common_prefix(base, ids), len(ids) - 1))


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
