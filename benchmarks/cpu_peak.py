"""The peak FLOP rate of this CPU for one precision: cores x clock x FLOPs per cycle of its widest unit.

FLOPs per cycle per core, assuming two fused multiply-add pipes (what current server cores have):
AMX (``amx_bf16``) 1,024 in bf16 (a 16x16x32 tile product every 16 cycles); AVX512-BF16 128 in bf16
(``vdpbf16ps``: 16 lanes x 2 products x 2 FLOPs, twice a cycle); AVX-512 64 in float32; AVX2 with FMA 32.
AMD family 25 (Zen 3/4) splits 512-bit operations into two 256-bit halves: half the AVX-512 figures. The
clock is the one /proc/cpuinfo reports (the nominal one in a VM; boost clocks make the true peak higher),
so a share of this peak is an upper estimate of the share of the real one.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CpuPeak:
    cores: int
    mhz: float
    flops_per_cycle: int
    unit: str
    precision: str

    @property
    def flops(self) -> float:
        return self.cores * self.mhz * 1e6 * self.flops_per_cycle

    def describe(self) -> str:
        return (f"CPU peak for {self.precision}: {self.cores} cores x {self.mhz:.0f} MHz x {self.flops_per_cycle} "
                f"FLOP/cycle ({self.unit}) = {self.flops / 1e9:.0f} GFLOP/s")


def cpu_peak(precision: str, cpuinfo: str | None = None, cores: int | None = None) -> CpuPeak:
    """The peak for ``precision`` ("bf16" or "fp32") from the flags, family and clock in ``cpuinfo``
    (default: /proc/cpuinfo) and ``cores`` (default: the cores this process may run on)."""
    text = cpuinfo if cpuinfo is not None else Path("/proc/cpuinfo").read_text()
    flags = set(_field(text, "flags").split())
    mhz = float(_field(text, "cpu MHz"))
    halves = _field(text, "vendor_id") == "AuthenticAMD" and _field(text, "cpu family") == "25"
    if precision == "bf16" and "amx_bf16" in flags:
        per_cycle, unit = 1024, "AMX bf16"
    elif precision == "bf16" and "avx512_bf16" in flags:
        per_cycle, unit = 128, "AVX512-BF16"
    elif "avx512f" in flags:
        per_cycle, unit = 64, "AVX-512 float32"
    elif {"avx2", "fma"} <= flags:
        per_cycle, unit = 32, "AVX2 FMA float32"
    else:
        per_cycle, unit = 8, "SSE float32"
    if halves and "512" in unit:
        per_cycle, unit = per_cycle // 2, f"{unit}, in 256-bit halves"
    return CpuPeak(cores or len(os.sched_getaffinity(0)), mhz, per_cycle, unit, precision)


def _field(cpuinfo: str, name: str) -> str:
    match = re.search(rf"^{re.escape(name)}\s*:\s*(.*)$", cpuinfo, re.MULTILINE)
    if match is None:
        raise ValueError(f"/proc/cpuinfo has no {name!r} line")
    return match.group(1).strip()
