"""A scripted generator for unit tests of the pipeline's plumbing (never the only test of a capability)."""

from __future__ import annotations

import time

from ragreason.types import Generation


class ScriptedGenerator:
    """Answers each prompt with ``script[item_id]`` (a list of texts, cycled over the n samples)."""

    model_name = "scripted"

    def __init__(self, script, delay: float = 0.0, scores=None):
        self.script = script
        self.delay = delay
        self.scores = scores or {}
        self.calls: list[list[str]] = []

    def generate(self, prompts, *, n=1, temperature=0.0, top_p=1.0, max_tokens=256, adapter=None, stop=None):
        self.calls.append([p.item_id for p in prompts])
        time.sleep(self.delay)
        out = []
        for p in prompts:
            texts = self.script[p.item_id]
            out.append([
                Generation(p.item_id, texts[k % len(texts)], self.model_name, adapter, p.template, sample=k,
                           prompt_tokens=10, completion_tokens=3, latency_s=0.01)
                for k in range(n)
            ])
        return out

    def score_options(self, prompts, items, method="text", adapter=None):
        return [self.scores[i.id] for i in items]
