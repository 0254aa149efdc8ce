"""Option scoring by log-probabilities, shared by the backends that can read them.

Two formulations of a multiple-choice question (OLMES, Gu et al. 2024, arXiv 2406.08446), as methods of
``score_options(..., method=...)``:

- the multiple-choice formulation, options listed with their letters:
  ``"label"``: the log-probability of each option letter as the next token after the prompt and the
  template's answer prefix ("Answer: ", "答案是："); ``"text"``: the mean log-probability per token of each
  option's own text as the reply to that prompt.
- the cloze formulation (``cloze.py``): the prompt shows the context and the question but not the
  options and ends in the answer prefix; each option's text is scored as its continuation. ``"cloze"`` is
  the summed log-probability; ``"cloze-token"`` per token, ``"cloze-char"`` per character (lm-eval's
  ``acc_norm``), ``"cloze-pmi"`` less the option's log-probability after a question-free prompt (Holtzman
  et al. 2021, arXiv 2104.08315): frequent surface forms do not win by being frequent.

Small models cannot answer in letters: with the answer's document in the context the packaged 135M model
picks the right option of four 98% of the time under cloze and about 30% under letters
(benchmarks/RESULTS.md, "Cloze scoring").

A backend supplies two primitives: ``next_logprobs(contexts, candidates, shared)`` (log-probabilities of
some candidate tokens right after each context) and ``group_logprobs(groups, shared)``: per group (one
item's sequences, which share a prefix), the log-probability of every token of each sequence from its start
on, given the tokens before it. ``shared``: per item, how many leading tokens other items may share (its
prompt up to the end of its problem text), which a backend may compute once for all of them. vLLM computes
each item on its own (``vllm_scoring``), so its scores do not depend on what else is scored with it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from ..types import Item, Prompt
from .base import check_pairs
from .chat import encode, render_text
from .cloze import CLOZE_METHODS, cloze_groups, normalised
from .sequences import Scored, answer_prefix, common_prefix, continuation

__all__ = ["METHODS", "DEFAULT_METHOD", "GroupMemo", "answer_choices", "answer_prefix", "check_method", "is_cloze",
           "label_request", "score_options", "text_requests", "flat_groups"]

METHODS = ("label", "text", *CLOZE_METHODS)
DEFAULT_METHOD = "text"

NextLogprobs = Callable[[list[list[int]], list[list[int]], list[int]], list[list[float]]]
ContinuationLogprobs = Callable[[list[list[int]], list[int]], list[list[float]]]
GroupLogprobs = Callable[[list[list[Scored]], list[int]], list[list[list[float]]]]


def answer_choices(prompt: Prompt, item: Item) -> list[str]:
    """The replies constrained decoding allows: the prompt's answer line for each of the item's letters."""
    prefix = answer_prefix(prompt)
    return [prefix + letter for letter in item.letters]


def check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown scoring method {method!r}; use one of {', '.join(METHODS)}")


def is_cloze(method: str | None) -> bool:
    """Whether ``method`` scores under the cloze formulation (a prompt without the options)."""
    return method in CLOZE_METHODS


def score_options(
    tokenizer: Any,
    prompts: Sequence[Prompt],
    items: Sequence[Item],
    method: str,
    next_logprobs: NextLogprobs,
    group_logprobs: GroupLogprobs,
) -> list[dict[str, float]]:
    """Scores per option letter for each item, with the backend's two primitives. Cloze methods need the
    prompts of a cloze template (``PromptBuilder("cloze")``)."""
    check_method(method)
    check_pairs(prompts, items)
    if not items:
        return []
    shared = [shared_tokens(tokenizer, p, i) for p, i in zip(prompts, items, strict=True)]
    if method == "label":
        contexts, candidates = zip(*(label_request(tokenizer, p, i) for p, i in zip(prompts, items, strict=True)),
                                   strict=True)
        found = next_logprobs(list(contexts), list(candidates), shared)
        return [dict(zip(item.letters, lps, strict=True)) for item, lps in zip(items, found, strict=True)]
    if method == "text":
        groups = [text_requests(tokenizer, p, i) for p, i in zip(prompts, items, strict=True)]
        return [{letter: sum(lps) / max(len(lps), 1) for letter, lps in zip(item.letters, got, strict=True)}
                for item, got in zip(items, group_logprobs(groups, shared), strict=True)]
    found = group_logprobs(cloze_groups(tokenizer, prompts, items), shared)
    return [normalised(method, item, got) for item, got in zip(items, found, strict=True)]


def shared_tokens(tokenizer: Any, prompt: Prompt, item: Item) -> int:
    """How many leading tokens of the item's rendered prompt end with its problem text (``Item.context``),
    which the other questions of the problem share; 0 without one."""
    if not item.context.strip():
        return 0
    rendered = render_text(tokenizer, prompt)
    end = rendered.find(item.context)
    if end < 0:
        return 0
    return common_prefix(encode(tokenizer, rendered[: end + len(item.context)]), encode(tokenizer, rendered))


def label_request(tokenizer: Any, prompt: Prompt, item: Item) -> tuple[list[int], list[int]]:
    """The shared context ids and each letter's first own token after it.

    "Answer: " + "A" often tokenizes as "Answer", ":", " A": the context is cut back to the longest
    prefix shared by every letter's tokenization, so each letter is scored as the model would write it."""
    context_text = render_text(tokenizer, prompt) + answer_prefix(prompt)
    context = encode(tokenizer, context_text)
    full = [encode(tokenizer, context_text + letter) for letter in item.letters]
    shared = min(common_prefix(context, ids) for ids in full)
    shared = min(shared, *(len(ids) - 1 for ids in full))
    candidates = [ids[shared] for ids in full]
    if len(set(candidates)) != len(candidates):
        raise ValueError(f"item {item.id!r}: the option letters do not start with distinct tokens after the prompt")
    return full[0][:shared], candidates


def text_requests(tokenizer: Any, prompt: Prompt, item: Item) -> list[Scored]:
    """One (sequence, start) per option: the prompt, then the option's text as the reply."""
    context_text = render_text(tokenizer, prompt)
    return [continuation(tokenizer, context_text, context_text, option.strip()) for option in item.options]


def flat_groups(continuation_logprobs: ContinuationLogprobs) -> GroupLogprobs:
    """``group_logprobs`` from a backend's flat ``continuation_logprobs(sequences, starts)``."""
    def run(groups: list[list[Scored]], shared: list[int] | None = None) -> list[list[list[float]]]:
        flat = [s for group in groups for s in group]
        found = iter(continuation_logprobs([ids for ids, _ in flat], [start for _, start in flat]))
        return [[next(found) for _ in group] for group in groups]

    return run


class GroupMemo:
    """The scores of groups already computed, by adapter and token ids (least recently used dropped past
    ``limit``). A group is computed on its own, so it scores the same every time: a second normalisation
    of the same prompts (cloze, then cloze-token) and the question-free prompt's options shared by many
    items cost no second model call."""

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self._found: OrderedDict[tuple, list[list[float]]] = OrderedDict()

    def wrap(self, adapter: str | None, group_logprobs: GroupLogprobs) -> GroupLogprobs:
        def run(groups: list[list[Scored]], shared: list[int]) -> list[list[list[float]]]:
            keys = [(adapter, size, tuple((tuple(ids), start) for ids, start in group))
                    for group, size in zip(groups, shared, strict=True)]
            todo = list({key: k for k, key in enumerate(keys) if key not in self._found}.values())
            found = group_logprobs([groups[k] for k in todo], [shared[k] for k in todo]) if todo else []
            for k, got in zip(todo, found, strict=True):
                self._found[keys[k]] = got
            out = []
            for key in keys:
                self._found.move_to_end(key)
                out.append(self._found[key])
            while len(self._found) > self.limit:
                self._found.popitem(last=False)
            return out

        return run
