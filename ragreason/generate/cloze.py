"""The cloze formulation's requests and scores: each option's text as the continuation of a prompt that
shows the context and the question but not the options, and ends in the answer prefix.

Normalisations (``CLOZE_METHODS``): ``cloze`` the summed log-probability of the option's tokens;
``cloze-token`` per token; ``cloze-char`` per character of the option (a Chinese option's characters
count one each); ``cloze-pmi`` the sum less the option's summed log-probability after the template's
question-free prompt (``Prompt.meta["null_messages"]``, written by ``PromptBuilder`` for a cloze
template), which takes out how likely the option's words are anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..types import Item, Prompt
from .chat import render_text
from .sequences import Scored, answer_prefix, continuation

CLOZE_METHODS = ("cloze", "cloze-token", "cloze-char", "cloze-pmi")


def cloze_groups(tokenizer: Any, prompts: Sequence[Prompt], items: Sequence[Item]) -> list[list[Scored]]:
    """Per item, one group: its options' sequences after its prompt, then the same options after the
    question-free prompt. Every normalisation reads the same group (one engine call per item scores them
    all; the question-free sequences are short)."""
    groups = []
    for prompt, item in zip(prompts, items, strict=True):
        if not prompt.meta.get("cloze"):
            raise ValueError(f"item {item.id!r}: cloze scoring needs a prompt that does not list the options "
                             f"(template {prompt.template!r} does); build it with PromptBuilder('cloze')")
        messages = prompt.meta.get("null_messages")
        if not messages:
            raise ValueError(f"item {item.id!r}: cloze scoring needs the template's question-free prompt "
                             "(Prompt.meta['null_messages'], written by PromptBuilder)")
        null = Prompt(prompt.item_id, tuple(messages), prompt.template, {"answer_prefix": answer_prefix(prompt)})
        groups.append(_options_after(tokenizer, prompt, item) + _options_after(tokenizer, null, item))
    return groups


def _options_after(tokenizer: Any, prompt: Prompt, item: Item) -> list[Scored]:
    rendered = render_text(tokenizer, prompt)
    prefix = answer_prefix(prompt)
    return [continuation(tokenizer, rendered + prefix.rstrip(), rendered + prefix, option.strip())
            for option in item.options]


def normalised(method: str, item: Item, found: Sequence[Sequence[float]]) -> dict[str, float]:
    """The item's score per letter from its group's token log-probabilities (``cloze_groups``: the options
    after the prompt, then after the question-free prompt)."""
    n = len(item.options)
    if len(found) != 2 * n:
        raise ValueError(f"item {item.id!r}: expected {2 * n} scored sequences (its options after the prompt and "
                         f"after the question-free prompt), got {len(found)}")
    scores = {}
    for k, (letter, option) in enumerate(zip(item.letters, item.options, strict=True)):
        total = sum(found[k])
        if method == "cloze-token":
            total /= max(len(found[k]), 1)
        elif method == "cloze-char":
            total /= max(len(option.strip()), 1)
        elif method == "cloze-pmi":
            total -= sum(found[n + k])
        scores[letter] = total
    return scores
