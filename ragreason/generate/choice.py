"""Choice-constrained sampling for backends without a grammar engine (transformers).

Every allowed text is scored as the reply to its prompt (the log-probability of all its tokens);
a sample is drawn from those scores at the temperature asked, renormalised over the allowed texts and
cut to ``top_p`` (temperature 0: the likeliest). vLLM instead masks each token to the grammar as it
decodes, so it may spell a choice with other tokens than the tokenizer's own ("Answer:" + " " + "C"
rather than "Answer:" + " C"): the two backends can pick different letters for the same prompt.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

from ..types import Prompt
from .chat import encode, render_text
from .scoring import ContinuationLogprobs
from .sequences import common_prefix


def constrained_samples(
    tokenizer: Any, prompts: Sequence[Prompt], choices: Sequence[Sequence[str]], n: int, temperature: float,
    top_p: float, continuation_logprobs: ContinuationLogprobs, rng: random.Random,
) -> list[list[tuple[str, int, float]]]:
    """Per prompt, ``n`` (text, token count, log-probability) drawn from its allowed texts."""
    sequences: list[list[int]] = []
    starts: list[int] = []
    for prompt, allowed in zip(prompts, choices, strict=True):
        context_text = render_text(tokenizer, prompt)
        context = encode(tokenizer, context_text)
        for text in allowed:
            ids = encode(tokenizer, context_text + text)
            sequences.append(ids)
            starts.append(min(common_prefix(context, ids), len(ids) - 1))
    found = iter(continuation_logprobs(sequences, starts))
    out = []
    for allowed in choices:
        scored = [(text, len(lps), sum(lps)) for text, lps in zip(allowed, (next(found) for _ in allowed), strict=True)]
        out.append([_draw(scored, temperature, top_p, rng) for _ in range(n)])
    return out


def _draw(scored: list[tuple[str, int, float]], temperature: float, top_p: float, rng: random.Random
          ) -> tuple[str, int, float]:
    ranked = sorted(scored, key=lambda s: -s[2])
    if temperature == 0:
        return ranked[0]
    top = ranked[0][2] / temperature
    weights = [math.exp(s[2] / temperature - top) for s in ranked]
    total = sum(weights)
    kept, mass = [], 0.0
    for s, w in zip(ranked, weights, strict=True):
        kept.append((s, w))
        mass += w / total
        if mass >= top_p:
            break
    return rng.choices([s for s, _ in kept], weights=[w for _, w in kept])[0]
