"""What every backend of the ``Generator`` protocol (``ragreason.types``) shares: errors and checks.

A generator turns chat prompts into ``n`` sampled answers each (``generate``) and scores the options
of multiple-choice items in one deterministic pass (``score_options``). Backends: ``VLLMGenerator``
(offline vLLM), ``OpenAIGenerator`` (any OpenAI-compatible server, e.g. a ``VLLMServer``),
``TransformersGenerator`` (transformers + peft) and ``FakeGenerator`` (scripted, for tests).

``Generation.latency_s`` is the time spent on that prompt: exact per request for a server, the
batch's wall time divided by the number of prompts for a batched offline call. The ``n`` samples
of one prompt share it (and the prompt's token count).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..types import DEFAULT_MAX_TOKENS, Generator, Item, Prompt

__all__ = ["DEFAULT_MAX_TOKENS", "Generator"]  # defined in types, named here for the backends


class GenerationError(RuntimeError):
    """A generator could not produce what was asked."""


class UnknownAdapterError(ValueError):
    """An adapter name that the generator does not serve."""

    def __init__(self, name: str, known: Sequence[str]) -> None:
        listed = ", ".join(sorted(known)) or "none"
        super().__init__(f"unknown adapter {name!r}; this generator serves: {listed}")
        self.name = name
        self.known = tuple(known)


class ServerStartError(GenerationError):
    """A server process died or did not become healthy in time."""


class EndpointError(GenerationError):
    """An OpenAI-compatible endpoint could not be reached or kept failing."""


def check_sampling(n: int, temperature: float, top_p: float, max_tokens: int) -> None:
    """Reject sampling settings no backend can honour, naming the bad value."""
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    if n > 1 and temperature == 0:
        raise ValueError(
            f"n={n} samples at temperature 0 would all be the same greedy answer; "
            "use temperature > 0 (e.g. 0.7) or n=1"
        )
    if not 0 < top_p <= 1:
        raise ValueError(f"top_p must be in (0, 1], got {top_p}")
    if not isinstance(max_tokens, int) or max_tokens < 1:
        raise ValueError(f"max_tokens must be an integer >= 1, got {max_tokens!r}")


def check_choices(choices: Sequence[Sequence[str]] | None, prompts: Sequence[Prompt]) -> None:
    """Constrained decoding needs, per prompt, at least one allowed text."""
    if choices is None:
        return
    if len(choices) != len(prompts):
        raise ValueError(f"choices has {len(choices)} entries for {len(prompts)} prompts; give one list per prompt")
    for prompt, allowed in zip(prompts, choices, strict=True):
        if isinstance(allowed, str) or not allowed or not all(isinstance(c, str) and c for c in allowed):
            raise ValueError(f"choices for {prompt.item_id!r} must be a non-empty list of non-empty texts, "
                             f"got {allowed!r}")


def check_pairs(prompts: Sequence[Prompt], items: Sequence[Item]) -> None:
    """``score_options`` needs one prompt per item, for the same item."""
    if len(prompts) != len(items):
        raise ValueError(f"score_options got {len(prompts)} prompts for {len(items)} items")
    for prompt, item in zip(prompts, items, strict=True):
        if prompt.item_id != item.id:
            raise ValueError(f"prompt for {prompt.item_id!r} paired with item {item.id!r}; keep them in the same order")


def amortised(seconds: float, count: int) -> float:
    """A batch's wall time shared out over its prompts."""
    return seconds / count if count else 0.0
