"""Option scoring by log-probabilities, shared by the backends that can read them.

Two methods (``score_options(..., method=...)``):

- ``"label"``: the log-probability of each option letter as the next token after the prompt and
  the template's answer prefix ("Answer: ", "答案是："). One forward pass per item.
- ``"text"``: the mean log-probability per token of each option's own text as the reply to the
  prompt (length-normalised log-likelihood). One sequence per option.

Small models favour "A" under letter scoring; option-text scoring held up better on real data
(benchmarks/RESULTS.md, "Option scoring"), so it is the default.

A backend supplies two primitives: ``next_logprobs(contexts, candidates)`` (log-probabilities of
some candidate tokens right after each context) and ``continuation_logprobs(sequences, starts)``
(the log-probability of every token from ``start`` on, given the tokens before it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..types import Item, Prompt
from .base import check_pairs
from .chat import encode, render_text

METHODS = ("text", "label")
DEFAULT_METHOD = "text"

NextLogprobs = Callable[[list[list[int]], list[list[int]]], list[list[float]]]
ContinuationLogprobs = Callable[[list[list[int]], list[int]], list[list[float]]]


def answer_prefix(prompt: Prompt) -> str:
    """What precedes the letter in the prompt's answer line: ``prompt.meta["answer_prefix"]``, else the
    registered template's ``answer_line`` up to ``{letter}``, else "Answer: "."""
    if "answer_prefix" in prompt.meta:
        return str(prompt.meta["answer_prefix"])
    from ..prompt.templates import TEMPLATES

    template = TEMPLATES.get(prompt.template)
    if template is not None:
        return template.answer_line.split("{letter}")[0]
    return "Answer: "


def answer_choices(prompt: Prompt, item: Item) -> list[str]:
    """The replies constrained decoding allows: the prompt's answer line for each of the item's letters."""
    prefix = answer_prefix(prompt)
    return [prefix + letter for letter in item.letters]


def check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown scoring method {method!r}; use one of {', '.join(METHODS)}")


def score_options(
    tokenizer: Any,
    prompts: Sequence[Prompt],
    items: Sequence[Item],
    method: str,
    next_logprobs: NextLogprobs,
    continuation_logprobs: ContinuationLogprobs,
) -> list[dict[str, float]]:
    """Scores per option letter for each item, with the backend's two primitives."""
    check_method(method)
    check_pairs(prompts, items)
    if not items:
        return []
    if method == "label":
        contexts, candidates = zip(*(label_request(tokenizer, p, i) for p, i in zip(prompts, items, strict=True)),
                                   strict=True)
        found = next_logprobs(list(contexts), list(candidates))
        return [dict(zip(item.letters, lps, strict=True)) for item, lps in zip(items, found, strict=True)]
    sequences, starts, owners = text_requests(tokenizer, prompts, items)
    found = continuation_logprobs(sequences, starts)
    scores: list[dict[str, float]] = [{} for _ in items]
    for (index, letter), lps in zip(owners, found, strict=True):
        scores[index][letter] = sum(lps) / max(len(lps), 1)
    return scores


def label_request(tokenizer: Any, prompt: Prompt, item: Item) -> tuple[list[int], list[int]]:
    """The shared context ids and each letter's first own token after it.

    "Answer: " + "A" often tokenizes as "Answer", ":", " A": the context is cut back to the longest
    prefix shared by every letter's tokenization, so each letter is scored as the model would write it."""
    context_text = render_text(tokenizer, prompt) + answer_prefix(prompt)
    context = encode(tokenizer, context_text)
    full = [encode(tokenizer, context_text + letter) for letter in item.letters]
    shared = min(_common_prefix(context, ids) for ids in full)
    shared = min(shared, *(len(ids) - 1 for ids in full))
    candidates = [ids[shared] for ids in full]
    if len(set(candidates)) != len(candidates):
        raise ValueError(f"item {item.id!r}: the option letters do not start with distinct tokens after the prompt")
    return full[0][:shared], candidates


def text_requests(
    tokenizer: Any, prompts: Sequence[Prompt], items: Sequence[Item]
) -> tuple[list[list[int]], list[int], list[tuple[int, str]]]:
    """One (sequence, start) per option: the prompt, then the option's text as the reply."""
    sequences: list[list[int]] = []
    starts: list[int] = []
    owners: list[tuple[int, str]] = []
    for index, (prompt, item) in enumerate(zip(prompts, items, strict=True)):
        context_text = render_text(tokenizer, prompt)
        context = encode(tokenizer, context_text)
        for letter, option in zip(item.letters, item.options, strict=True):
            ids = encode(tokenizer, context_text + option.strip())
            start = min(_common_prefix(context, ids), len(ids) - 1)
            sequences.append(ids)
            starts.append(start)
            owners.append((index, letter))
    return sequences, starts, owners


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
