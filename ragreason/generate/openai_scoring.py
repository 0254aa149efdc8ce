"""``score_options`` over an OpenAI-compatible vLLM endpoint.

The prompt is rendered and tokenized locally (the served model's tokenizer), sent as token ids to
``/v1/completions`` with ``echo=True`` and ``logprobs``, and the prompt tokens' log-probabilities
come back. Hosted APIs that do not echo prompt log-probabilities cannot score this way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from ..types import Item, Prompt
from .base import GenerationError
from .scoring import flat_groups
from .scoring import score_options as _score_options

T = TypeVar("T")


class EchoClient(Protocol):
    """What scoring needs of an OpenAI-compatible client (``OpenAIGenerator`` is one)."""

    model: str
    endpoints: Sequence[Any]
    score_concurrency: int
    tokenizer: Any

    def served_model(self, adapter: str | None) -> str: ...

    def call(self, request: Callable[[Any], T], start: int = 0, model: str | None = None) -> T: ...

    def map(self, tasks: Sequence[Callable[[], T]], concurrency: int | None = None) -> list[T]: ...


def score_options(gen: EchoClient, prompts: Sequence[Prompt], items: Sequence[Item], method: str,
                  adapter: str | None) -> list[dict[str, float]]:
    model = gen.served_model(adapter)

    def continuation(sequences: list[list[int]], starts: list[int]) -> list[list[float]]:
        tasks = [(lambda s=s, f=f, i=i: _echo(gen, s, f, model, i))
                 for i, (s, f) in enumerate(zip(sequences, starts, strict=True))]
        return gen.map(tasks, gen.score_concurrency)

    def next_token(contexts: list[list[int]], candidates: list[list[int]], shared: list[int]) -> list[list[float]]:
        sequences = [ctx + [c] for ctx, cands in zip(contexts, candidates, strict=True) for c in cands]
        starts = [len(ctx) for ctx, cands in zip(contexts, candidates, strict=True) for _ in cands]
        flat = iter(continuation(sequences, starts))
        return [[next(flat)[0] for _ in cands] for cands in candidates]

    return _score_options(gen.tokenizer, prompts, items, method, next_token, flat_groups(continuation))


def _echo(gen: EchoClient, sequence: list[int], start: int, model: str, index: int) -> list[float]:
    response = gen.call(
        lambda client: client.completions.create(model=model, prompt=sequence, max_tokens=1, temperature=0.0,
                                                 echo=True, logprobs=1),
        start=index, model=model,
    )
    logprobs = response.choices[0].logprobs
    values = logprobs.token_logprobs if logprobs is not None else None
    if not values or len(values) < len(sequence):
        raise GenerationError(
            f"{gen.endpoints[index % len(gen.endpoints)].base_url} returned no prompt log-probabilities; "
            "option scoring over an endpoint needs a vLLM server (echo + logprobs)"
        )
    return [float(v) for v in values[start: len(sequence)]]
