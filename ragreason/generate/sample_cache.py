"""``SampleCache``: a generator that keeps every prompt's samples, so that fewer votes reuse more.

Asking again for k <= n samples of a prompt already sampled n times (the same item, messages, adapter,
sampling settings and allowed answers) returns its first k without a model call: majority votes at k = 3 and
5 come from the first k samples of one n = 5 run, as lm-eval's maj@k filters take them. Asking for more
samples than are kept draws all of them afresh (the first k of a larger draw, not a mix of two draws).
``draw_at_least``: a sampled draw (temperature > 0) of fewer samples takes that many and keeps them, so the
smaller vote sizes may come first and the larger ones still reuse. A reused sample keeps the latency and
tokens it cost when it was drawn. Option scores are kept the same way (the same item, messages, options,
method and adapter score once), so recipes that differ only in how they calibrate or vote share one scoring
pass. ``drawn_tokens`` and ``scored`` count the work that reached the wrapped generator; everything else
passes through to it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..types import Generation, Item, Prompt
from .base import DEFAULT_MAX_TOKENS


class SampleCache:
    def __init__(self, generator: Any) -> None:
        self.inner = generator
        self._kept: dict[str, list[Generation]] = {}
        self._scores: dict[str, dict[str, float]] = {}
        self.reused = 0  # samples handed out again instead of drawn
        self.drawn_tokens = 0  # completion tokens the wrapped generator produced
        self.scored = 0  # prompts the wrapped generator scored
        self.draw_at_least = 1

    def __getattr__(self, name: str) -> Any:  # score_options, close, ...
        return getattr(self.inner, name)

    @property
    def model_name(self) -> str:
        """The wrapped generator's, so that runs keyed by it resume with or without the cache."""
        return getattr(self.inner, "model_name", type(self.inner).__name__)

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
        settings = [temperature, top_p, max_tokens, adapter, list(stop or [])]
        keys = [json.dumps([p.item_id, p.messages, settings, list(choices[i]) if choices is not None else None],
                           ensure_ascii=False) for i, p in enumerate(prompts)]
        todo = [i for i, key in enumerate(keys) if len(self._kept.get(key, ())) < n]
        if todo:
            extra = {"choices": [choices[i] for i in todo]} if choices is not None else {}
            draw = max(n, self.draw_at_least) if temperature > 0 else n
            drawn = self.inner.generate([prompts[i] for i in todo], n=draw, temperature=temperature, top_p=top_p,
                                        max_tokens=max_tokens, adapter=adapter, stop=stop, **extra)
            for i, samples in zip(todo, drawn, strict=True):
                self._kept[keys[i]] = list(samples)
                self.drawn_tokens += sum(g.completion_tokens for g in samples)
        fresh = set(todo)
        self.reused += sum(n for i in range(len(prompts)) if i not in fresh)
        return [self._kept[key][:n] for key in keys]

    def score_options(self, prompts: Sequence[Prompt], items: Sequence[Item], method: str = "text",
                      adapter: str | None = None) -> list[dict[str, float]]:
        keys = [json.dumps([p.item_id, p.messages, list(item.options), method, adapter], ensure_ascii=False)
                for p, item in zip(prompts, items, strict=True)]
        todo = [i for i, key in enumerate(keys) if key not in self._scores]
        if todo:
            found = self.inner.score_options([prompts[i] for i in todo], [items[i] for i in todo], method, adapter)
            for i, scores in zip(todo, found, strict=True):
                self._scores[keys[i]] = dict(scores)
            self.scored += len(todo)
        return [dict(self._scores[key]) for key in keys]
