"""``FakeGenerator``: scripted replies and scores, for tests of everything above the model.

It follows the ``Generator`` protocol exactly (argument checks, unknown adapters, output shape), so a
test that passes with it exercises the same contract the real backends keep. Every call is recorded
in ``calls``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..types import Generation, Item, Prompt
from .base import DEFAULT_MAX_TOKENS, check_choices, check_pairs, check_sampling
from .scoring import DEFAULT_METHOD, check_method

Reply = str | Sequence[str]
ReplyFn = Callable[[Prompt, int, str | None], str]
ScoreFn = Callable[[Prompt, Item, str], Mapping[str, float]]


class FakeGenerator:
    """``replies``: item id -> a text, or a list whose i-th entry is sample i (cycled); or a function
    ``(prompt, sample, adapter) -> text``. Items not listed get ``default``. ``scores``: item id ->
    letter scores, or a function ``(prompt, item, method) -> scores``; unlisted items score 0.0 per letter.
    ``adapters``: the adapter names it accepts."""

    def __init__(
        self,
        replies: Mapping[str, Reply] | ReplyFn | None = None,
        *,
        default: str = "Answer: A",
        scores: Mapping[str, Mapping[str, float]] | ScoreFn | None = None,
        model_name: str = "fake",
        adapters: Sequence[str] = (),
    ) -> None:
        self.replies = replies if replies is not None else {}
        self.default = default
        self.scores = scores if scores is not None else {}
        self.model_name = model_name
        self.adapters = tuple(adapters)
        self.calls: list[dict[str, Any]] = []

    def _check_adapter(self, adapter: str | None) -> None:
        from .base import UnknownAdapterError

        if adapter is not None and adapter not in self.adapters:
            raise UnknownAdapterError(adapter, self.adapters)

    def reply(self, prompt: Prompt, sample: int, adapter: str | None) -> str:
        if callable(self.replies):
            return self.replies(prompt, sample, adapter)
        scripted = self.replies.get(prompt.item_id, self.default)
        if isinstance(scripted, str):
            return scripted
        if not scripted:
            raise ValueError(f"FakeGenerator: empty reply list for {prompt.item_id!r}")
        return scripted[sample % len(scripted)]

    def generate(
        self,
        prompts: Sequence[Prompt],
        *,
        n: int = 1,
        temperature: float = 0.0,
        top_p: float = 1.0,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        adapter: str | None = None,
        stop: Sequence[str] | None = None,
        choices: Sequence[Sequence[str]] | None = None,
    ) -> list[list[Generation]]:
        """Scripted replies; under ``choices`` a reply outside them becomes the allowed text it ends with
        (its answer line), else the first allowed text."""
        check_sampling(n, temperature, top_p, max_tokens)
        check_choices(choices, prompts)
        self._check_adapter(adapter)
        self.calls.append({"method": "generate", "prompts": len(prompts), "n": n, "temperature": temperature,
                           "top_p": top_p, "max_tokens": max_tokens, "adapter": adapter, "stop": stop,
                           "choices": choices})
        allowed = choices if choices is not None else [None] * len(prompts)
        return [[self._generation(p, i, adapter, stop, c) for i in range(n)] for p, c in zip(prompts, allowed,
                                                                                             strict=True)]

    def _generation(self, prompt: Prompt, sample: int, adapter: str | None, stop: Sequence[str] | None,
                    choices: Sequence[str] | None) -> Generation:
        text = self.reply(prompt, sample, adapter)
        for s in stop or ():
            text = text.split(s, 1)[0]
        if choices is not None and text not in choices:
            text = next((c for c in choices if text.rstrip().endswith(c)), choices[0])
        words = sum(len(m["content"].split()) for m in prompt.messages)
        return Generation(
            item_id=prompt.item_id, text=text, model=self.model_name, adapter=adapter,
            prompt_template=prompt.template, sample=sample, prompt_tokens=words,
            completion_tokens=len(text.split()), latency_s=0.0, logprob=None,
        )

    def score_options(
        self, prompts: Sequence[Prompt], items: Sequence[Item], method: str = DEFAULT_METHOD,
        adapter: str | None = None,
    ) -> list[dict[str, float]]:
        check_method(method)
        check_pairs(prompts, items)
        self._check_adapter(adapter)
        self.calls.append({"method": "score_options", "prompts": len(prompts), "score": method, "adapter": adapter})
        out = []
        for prompt, item in zip(prompts, items, strict=True):
            if callable(self.scores):
                found = self.scores(prompt, item, method)
            else:
                found = self.scores.get(item.id, {})
            out.append({letter: float(found.get(letter, 0.0)) for letter in item.letters})
        return out

    def close(self) -> None:
        """Nothing to free."""
