"""Accuracy while training, through the real pipeline (``pipeline.answer``).

``LiveGenerator`` serves the model being trained, straight from memory, behind the generator
interface the pipeline calls; ``eval_accuracy`` runs the pipeline and counts correct choices.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Sequence
from typing import Any

from ..pipeline import answer
from ..prompt import PromptBuilder, PromptSpec
from ..recipe import Recipe, Sampling
from ..types import DEFAULT_MAX_TOKENS, Generation, Generator, Item, Prompt, Retriever

log = logging.getLogger(__name__)


class LiveGenerator:
    """Generates from an in-memory (peft) model: greedy at temperature 0, else sampled."""

    def __init__(self, model: Any, tokenizer: Any, *, name: str, batch_size: int = 8,
                 autocast_dtype: Any = None) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.model_name = name
        self.batch_size = batch_size
        self.autocast_dtype = autocast_dtype

    def generate(self, prompts: Sequence[Prompt], *, n: int = 1, temperature: float = 0.0, top_p: float = 1.0,
                 max_tokens: int = DEFAULT_MAX_TOKENS, adapter: str | None = None, stop: Sequence[str] | None = None
                 ) -> list[list[Generation]]:
        out: list[list[Generation]] = []
        for start in range(0, len(prompts), self.batch_size):
            batch = prompts[start: start + self.batch_size]
            out += self._generate_batch(batch, n, temperature, top_p, max_tokens, adapter, stop)
        return out

    def _generate_batch(self, batch, n, temperature, top_p, max_tokens, adapter, stop) -> list[list[Generation]]:
        import torch

        texts = [self.tokenizer.apply_chat_template(list(p.messages), tokenize=False, add_generation_prompt=True)
                 for p in batch]
        side, self.tokenizer.padding_side = self.tokenizer.padding_side, "left"
        try:
            inputs = self.tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False)
        finally:
            self.tokenizer.padding_side = side
        inputs = inputs.to(self.model.device)
        sampled = temperature > 0
        started = time.perf_counter()
        with torch.no_grad(), self._autocast():
            ids = self.model.generate(
                **inputs, max_new_tokens=max_tokens, do_sample=sampled, num_return_sequences=n,
                temperature=temperature if sampled else None, top_p=top_p if sampled else None, top_k=None,
                pad_token_id=self.tokenizer.pad_token_id, eos_token_id=self.tokenizer.eos_token_id,
            )
        latency = (time.perf_counter() - started) / max(1, len(batch))
        new = ids[:, inputs["input_ids"].shape[1]:]
        prompt_tokens = inputs["attention_mask"].sum(dim=1).tolist()
        return [[self._generation(p, new[i * n + k], k, prompt_tokens[i], latency, adapter, stop)
                 for k in range(n)] for i, p in enumerate(batch)]

    def _generation(self, prompt, ids, sample, prompt_tokens, latency, adapter, stop) -> Generation:
        tokens = [t for t in ids.tolist() if t not in (self.tokenizer.pad_token_id, self.tokenizer.eos_token_id)]
        text = self.tokenizer.decode(tokens, skip_special_tokens=True)
        for s in stop or ():
            text = text.split(s, 1)[0]
        return Generation(prompt.item_id, text, self.model_name, adapter, prompt.template, sample=sample,
                          prompt_tokens=int(prompt_tokens), completion_tokens=len(tokens), latency_s=latency)

    def _autocast(self) -> contextlib.AbstractContextManager:
        import torch

        if self.autocast_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.model.device.type, dtype=self.autocast_dtype)

    def score_options(self, prompts: Sequence[Prompt], items: Sequence[Item], method: str = "text",
                      adapter: str | None = None) -> list[dict[str, float]]:
        raise NotImplementedError("LiveGenerator evaluates by generation only; use score=None")


def eval_accuracy(items: Sequence[Item], *, builder: PromptBuilder, generator: Generator,
                  retriever: Retriever | None = None, max_tokens: int = 16, n: int = 1,
                  adapter: str | None = None) -> dict[str, float]:
    """Answer ``items`` through the pipeline; the share answered correctly and the share answered at all."""
    unlabelled = [item.id for item in items if item.answer is None]
    if unlabelled:
        raise ValueError(f"eval items need answers; {len(unlabelled)} have none (e.g. {unlabelled[0]!r})")
    recipe = Recipe(prompt=PromptSpec.of(builder), sampling=Sampling(n=n, max_tokens=max_tokens), adapter=adapter)
    answers = answer(items, recipe, generator=generator, retriever=retriever, progress=False)
    correct = sum(a.choice == item.answer for a, item in zip(answers, items, strict=True))
    readable = sum(a.choice is not None for a in answers)
    total = max(1, len(items))
    return {"eval_accuracy": correct / total, "eval_answered": readable / total, "eval_items": len(items)}


class Evaluator:
    """Eval accuracy of a model in training: switches it to eval mode, runs the pipeline, switches back.
    ``seconds`` adds up the time spent, so that training throughput can leave it out."""

    def __init__(self, items: Sequence[Item], *, builder: PromptBuilder, generator: LiveGenerator,
                 retriever: Retriever | None = None, max_tokens: int = 16) -> None:
        self.items = items
        self.builder = builder
        self.generator = generator
        self.retriever = retriever
        self.max_tokens = max_tokens
        self.seconds = 0.0

    def __call__(self) -> dict[str, float]:
        model = self.generator.model
        was_training = model.training
        started = time.perf_counter()
        model.eval()
        try:
            return eval_accuracy(self.items, builder=self.builder, generator=self.generator,
                                 retriever=self.retriever, max_tokens=self.max_tokens)
        finally:
            model.train(was_training)
            self.seconds += time.perf_counter() - started
