"""The CPU peak of the training profile: FLOPs per cycle from the flags, family and clock."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from cpu_peak import cpu_peak  # noqa: E402


def cpuinfo(flags: str, vendor: str = "GenuineIntel", family: str = "6", mhz: str = "2000.000") -> str:
    return f"processor\t: 0\nvendor_id\t: {vendor}\ncpu family\t: {family}\ncpu MHz\t\t: {mhz}\nflags\t\t: {flags}\n"


@pytest.mark.parametrize(("flags", "precision", "per_cycle"), [
    ("fma avx2 avx512f avx512_bf16 amx_bf16", "bf16", 1024),
    ("fma avx2 avx512f avx512_bf16 amx_bf16", "fp32", 64),
    ("fma avx2 avx512f avx512_bf16", "bf16", 128),
    ("fma avx2", "bf16", 32),  # no native bf16: the float32 unit does the work
    ("fma avx2", "fp32", 32),
])
def test_flops_per_cycle_follow_the_widest_unit_for_the_precision(flags, precision, per_cycle):
    peak = cpu_peak(precision, cpuinfo(flags), cores=2)
    assert peak.flops_per_cycle == per_cycle
    assert peak.flops == pytest.approx(2 * 2000e6 * per_cycle)


def test_zen4_runs_512_bit_operations_in_halves():
    zen4 = cpuinfo("fma avx2 avx512f avx512_bf16", vendor="AuthenticAMD", family="25")
    zen5 = cpuinfo("fma avx2 avx512f avx512_bf16", vendor="AuthenticAMD", family="26")
    assert cpu_peak("bf16", zen4, cores=1).flops_per_cycle == 64
    assert cpu_peak("bf16", zen5, cores=1).flops_per_cycle == 128


def test_a_missing_field_is_named():
    with pytest.raises(ValueError, match="cpu MHz"):
        cpu_peak("fp32", "flags\t: fma avx2\n", cores=1)
