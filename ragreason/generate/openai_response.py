"""Chat completion responses as ``Generation``s (one per choice), for ``OpenAIGenerator``."""

from __future__ import annotations

from typing import Any

from ..types import Generation, Prompt


def generations(prompt: Prompt, response: Any, model: str, adapter: str | None, seconds: float) -> list[Generation]:
    """A chat completion's choices as ``Generation``s (token counts from logprobs when present)."""
    choices = sorted(response.choices, key=lambda c: c.index)
    usage = response.usage
    texts = [c.message.content or "" for c in choices]
    counts = _split(usage.completion_tokens if usage else 0, texts)
    out = []
    for i, (choice, text) in enumerate(zip(choices, texts, strict=True)):
        tokens = choice.logprobs.content if choice.logprobs is not None and choice.logprobs.content else None
        out.append(Generation(
            item_id=prompt.item_id, text=text, model=model, adapter=adapter, prompt_template=prompt.template,
            sample=i, prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=len(tokens) if tokens is not None else counts[i], latency_s=seconds,
            logprob=sum(t.logprob for t in tokens) if tokens is not None else None,
        ))
    return out


def _split(total: int, texts: list[str]) -> list[int]:
    """Share a response's completion tokens out over its choices by text length (when the server
    gives no per-choice count)."""
    chars = sum(len(t) for t in texts)
    if not texts or chars == 0:
        return [total // max(len(texts), 1)] * len(texts)
    shares = [total * len(t) // chars for t in texts]
    shares[0] += total - sum(shares)
    return shares
