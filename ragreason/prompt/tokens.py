"""Counting tokens for prompt budgets, with the model's own tokenizer."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from ..lang import count_cjk

log = logging.getLogger(__name__)


class TokenCounter(Protocol):
    def count(self, text: str) -> int: ...


class HFTokenCounter:
    """Counts with a Hugging Face tokenizer (loaded lazily from a model folder, or given)."""

    def __init__(self, model: str | Path | None = None, tokenizer: object | None = None) -> None:
        if model is None and tokenizer is None:
            raise ValueError("HFTokenCounter needs a model folder or a tokenizer")
        self._model = model
        self._tokenizer = tokenizer

    @property
    def tokenizer(self):
        if self._tokenizer is None:
            self._tokenizer = _load_tokenizer(str(self._model))
        return self._tokenizer

    def count(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=False))


@lru_cache(maxsize=8)
def _load_tokenizer(path: str):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(path)


class ApproxTokenCounter:
    """A model-free estimate: one token per Chinese character, one per 4 other characters.
    For budgets when no tokenizer is at hand; say so when you use it."""

    def count(self, text: str) -> int:
        cjk = count_cjk(text)
        return cjk + (len(text) - cjk + 3) // 4


class ModelTokenCounter:
    """Counts with the tokenizer of the model a generator serves, read when first needed; a model-free estimate
    (``ApproxTokenCounter``) for a generator that has none (a test double, an endpoint without a local
    tokenizer)."""

    def __init__(self, generator: object) -> None:
        self._generator = generator
        self._counter: TokenCounter | None = None

    def count(self, text: str) -> int:
        if self._counter is None:
            self._counter = _counter_of(self._generator)
        return self._counter.count(text)


def _counter_of(generator: object) -> TokenCounter:
    try:
        tokenizer = getattr(generator, "tokenizer", None)
    except ValueError as error:  # an endpoint told no local tokenizer
        log.info("counting prompt tokens by estimate: %s", error)
        tokenizer = None
    if tokenizer is None or not hasattr(tokenizer, "encode"):
        return ApproxTokenCounter()
    return HFTokenCounter(tokenizer=tokenizer)
