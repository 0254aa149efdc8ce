"""Fixtures for the integration tests: LoRA adapters for the packaged SmolLM2, built here, and that model on vLLM."""

from __future__ import annotations

from pathlib import Path

import pytest


def build_random_adapters(base: Path, root: Path, seeds: dict[str, int], rank: int = 8,
                          std: float = 0.1) -> dict[str, Path]:
    """peft LoRA adapters (q/v projections) whose ``lora_B`` is random, so that each changes outputs
    (peft starts ``lora_B`` at zero). One model load for all of them; float32; no training; the same
    files every time (peft draws ``lora_A`` from torch's global generator, seeded here)."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32)
    config = LoraConfig(r=rank, lora_alpha=2 * rank, target_modules=["q_proj", "v_proj"], lora_dropout=0.0)
    torch.manual_seed(0)
    model = get_peft_model(model, config)
    out = {}
    for name, seed in seeds.items():
        generator = torch.Generator().manual_seed(seed)
        with torch.no_grad():
            for param_name, param in model.named_parameters():
                if "lora_B" in param_name:
                    param.copy_(torch.randn(param.shape, generator=generator) * std)
        out[name] = root / name
        model.save_pretrained(out[name])
    return out


@pytest.fixture(scope="session")
def smol_adapters(default_llm, tmp_path_factory) -> dict[str, Path]:
    """Two random rank-8 adapters of SmolLM2-135M-Instruct, by name."""
    return build_random_adapters(default_llm, tmp_path_factory.mktemp("smol-adapters"), {"rnd1": 1, "rnd2": 2})


@pytest.fixture(scope="module")
def vllm(default_llm):
    """The packaged model on vLLM's offline engine, one per test module (closed at its end)."""
    from ragreason.generate import VLLMGenerator

    gen = VLLMGenerator(default_llm, kv_cache_bytes=256 << 20, max_model_len=1024)
    yield gen
    gen.close()
