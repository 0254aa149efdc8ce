"""``TransformersGenerator``: transformers + peft, for machines without vLLM. Same outputs format.

Prompts go through the model's chat template (the same token ids as ``VLLMGenerator``), in batches
of ``batch_size`` left-padded prompts; ``n`` samples per prompt come from one ``generate`` call
(``num_return_sequences``). Adapters are peft folders loaded side by side; ``adapter=None`` runs
the base model with the adapters switched off.
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..types import Generation, Item, Prompt
from .adapters import AdapterSpec, as_specs, lookup
from .base import DEFAULT_MAX_TOKENS, amortised, check_choices, check_sampling
from .chat import render_ids
from .hf_scoring import continuation_logprobs, group_logprobs, next_logprobs
from .scoring import DEFAULT_METHOD
from .scoring import score_options as _score_options

log = logging.getLogger(__name__)


class TransformersGenerator:
    """``dtype``: "auto" (the checkpoint's), "bfloat16", "float32"...; ``threads``: torch threads
    (None: leave torch's setting); ``seed``: seeds torch once, at load time."""

    def __init__(
        self,
        model: str | Path,
        *,
        adapters: Iterable[AdapterSpec | str] | Mapping[str, str | Path] | None = None,
        name: str | None = None,
        dtype: str = "auto",
        device: str = "cpu",
        batch_size: int = 8,
        threads: int | None = None,
        seed: int = 0,
        logprobs: bool = True,
        trust_remote_code: bool = False,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.model = str(model)
        self.model_name = name or self.model
        self.adapters = as_specs(adapters)
        for spec in self.adapters:
            spec.config()  # a missing adapter folder fails here, not at the first call
        self.dtype, self.device, self.batch_size = dtype, device, batch_size
        self.threads, self.seed, self.logprobs = threads, seed, logprobs
        self.trust_remote_code = trust_remote_code
        self._model: Any = None
        self._tokenizer: Any = None
        self._rng = random.Random(seed)  # constrained sampling's draws

    # -- loading -------------------------------------------------------------------------------
    @property
    def hf_model(self) -> Any:
        if self._model is None:
            self._load()
        return self._model

    @property
    def tokenizer(self) -> Any:
        if self._tokenizer is None:
            self._load()
        return self._tokenizer

    def _load(self) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if self.threads:
            torch.set_num_threads(self.threads)
        torch.manual_seed(self.seed)
        tokenizer = AutoTokenizer.from_pretrained(self.model, trust_remote_code=self.trust_remote_code)
        if tokenizer.pad_token_id is None:
            tokenizer.pad_token = tokenizer.eos_token
        dtype = "auto" if self.dtype == "auto" else getattr(torch, self.dtype)
        model = AutoModelForCausalLM.from_pretrained(self.model, dtype=dtype,
                                                     trust_remote_code=self.trust_remote_code)
        model = self._with_adapters(model).to(self.device).eval()
        self._tokenizer, self._model = tokenizer, model

    def _with_adapters(self, model: Any) -> Any:
        if not self.adapters:
            return model
        from peft import PeftModel

        first, *rest = self.adapters
        model = PeftModel.from_pretrained(model, str(first.path), adapter_name=first.name)
        for spec in rest:
            model.load_adapter(str(spec.path), adapter_name=spec.name)
        return model

    @contextlib.contextmanager
    def _adapter(self, adapter: str | None) -> Iterator[None]:
        spec = lookup(self.adapters, adapter)
        model = self.hf_model
        if not self.adapters:
            yield
        elif spec is None:
            with model.disable_adapter():
                yield
        else:
            model.set_adapter(spec.name)
            yield

    def close(self) -> None:
        self._model = None
        self._tokenizer = None

    def __enter__(self) -> TransformersGenerator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- generation ---------------------------------------------------------------------------
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
        """``choices``: each prompt's samples are drawn from its allowed texts (``generate.choice``)."""
        check_sampling(n, temperature, top_p, max_tokens)
        check_choices(choices, prompts)
        if choices is not None:
            return self._constrained(prompts, choices, n, temperature, top_p, adapter)
        out: list[list[Generation]] = []
        with self._adapter(adapter):
            for i in range(0, len(prompts), self.batch_size):
                batch = list(prompts[i: i + self.batch_size])
                out += self._generate_batch(batch, n, temperature, top_p, max_tokens, adapter, stop)
        return out

    def _generate_batch(self, prompts: list[Prompt], n: int, temperature: float, top_p: float, max_tokens: int,
                        adapter: str | None, stop: Sequence[str] | None) -> list[list[Generation]]:
        import torch

        from .hf_decode import decode_samples, generation_config, left_pad

        tok = self.tokenizer
        ids = [render_ids(tok, p) for p in prompts]
        input_ids, mask = left_pad(ids, tok.pad_token_id)
        config = generation_config(self.hf_model, n, temperature, top_p, max_tokens, tok.pad_token_id, stop,
                                   self.logprobs)
        started = time.perf_counter()
        with torch.inference_mode():
            result = self.hf_model.generate(
                input_ids=input_ids.to(self.device), attention_mask=mask.to(self.device), generation_config=config,
                tokenizer=tok if stop else None,
            )
        seconds = amortised(time.perf_counter() - started, len(prompts))
        samples = decode_samples(result, tok, input_ids.shape[1], config.eos_token_id, stop, self.logprobs)
        return [
            [
                Generation(item_id=p.item_id, text=text, model=self.model_name, adapter=adapter,
                           prompt_template=p.template, sample=j, prompt_tokens=len(ids[row]),
                           completion_tokens=count, latency_s=seconds, logprob=logprob)
                for j, (text, count, logprob) in enumerate(samples[row * n: (row + 1) * n])
            ]
            for row, p in enumerate(prompts)
        ]

    def _constrained(self, prompts: Sequence[Prompt], choices: Sequence[Sequence[str]], n: int, temperature: float,
                     top_p: float, adapter: str | None) -> list[list[Generation]]:
        from .choice import constrained_samples

        started = time.perf_counter()
        with self._adapter(adapter):
            model, pad, size = self.hf_model, self.tokenizer.pad_token_id, self.batch_size
            drawn = constrained_samples(
                self.tokenizer, prompts, choices, n, temperature, top_p,
                lambda sequences, starts: continuation_logprobs(model, pad, sequences, starts, size), self._rng,
            )
        seconds = amortised(time.perf_counter() - started, len(prompts))
        return [
            [Generation(item_id=p.item_id, text=text, model=self.model_name, adapter=adapter,
                        prompt_template=p.template,
                        sample=j, prompt_tokens=len(render_ids(self.tokenizer, p)), completion_tokens=count,
                        latency_s=seconds, logprob=logprob if self.logprobs else None)
             for j, (text, count, logprob) in enumerate(samples)]
            for p, samples in zip(prompts, drawn, strict=True)
        ]

    # -- option scoring -----------------------------------------------------------------------
    def score_options(
        self, prompts: Sequence[Prompt], items: Sequence[Item], method: str = DEFAULT_METHOD,
        adapter: str | None = None,
    ) -> list[dict[str, float]]:
        """Log-probability scores per option letter (see ``ragreason.generate.scoring``)."""
        with self._adapter(adapter):
            model, pad, size = self.hf_model, self.tokenizer.pad_token_id, self.batch_size
            return _score_options(
                self.tokenizer, prompts, items, method,
                lambda contexts, candidates, shared: next_logprobs(model, pad, contexts, candidates, size),
                lambda groups, shared: group_logprobs(model, pad, groups, size),
            )
