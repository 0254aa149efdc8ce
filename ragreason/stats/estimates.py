"""Statistics for comparing conditions on the same items: accuracy with bootstrap intervals,
McNemar's exact test and the paired bootstrap difference."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float


@dataclass(frozen=True)
class PairedTest:
    """A vs B on the same items: ``only_a`` items only A got right, ``only_b`` only B;
    ``diff`` = accuracy(A) - accuracy(B) with a paired bootstrap interval; McNemar's exact p-value."""

    n: int
    only_a: int
    only_b: int
    diff: Estimate
    p_value: float


def _as_array(correct: Sequence[bool]) -> np.ndarray:
    arr = np.asarray(correct, dtype=float)
    if arr.ndim != 1:
        raise ValueError("expected a flat sequence of correct/incorrect flags")
    return arr


def accuracy(correct: Sequence[bool], *, n_boot: int = 10_000, level: float = 0.95, seed: int = 0) -> Estimate:
    """The share correct, with a percentile bootstrap interval (resampling items)."""
    arr = _as_array(correct)
    if arr.size == 0:
        return Estimate(float("nan"), float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = arr[rng.integers(0, arr.size, size=(n_boot, arr.size))].mean(axis=1)
    low, high = np.quantile(means, [(1 - level) / 2, (1 + level) / 2])
    return Estimate(float(arr.mean()), float(low), float(high))


def mcnemar_exact(only_a: int, only_b: int) -> float:
    """Two-sided exact McNemar p-value: a binomial test of the discordant pairs against 1/2."""
    if only_a < 0 or only_b < 0:
        raise ValueError(f"discordant counts must be >= 0, got {only_a}, {only_b}")
    if only_a + only_b == 0:
        return 1.0
    from scipy.stats import binomtest

    return float(binomtest(only_a, only_a + only_b, 0.5, alternative="two-sided").pvalue)


def paired(a: Sequence[bool], b: Sequence[bool], *, n_boot: int = 10_000, level: float = 0.95,
           seed: int = 0) -> PairedTest:
    """Compare two conditions scored on the same items, in the same order."""
    xa, xb = _as_array(a), _as_array(b)
    if xa.shape != xb.shape:
        raise ValueError(f"paired samples differ in length: {xa.size} vs {xb.size}")
    only_a = int(((xa == 1) & (xb == 0)).sum())
    only_b = int(((xa == 0) & (xb == 1)).sum())
    if xa.size == 0:
        nan = float("nan")
        return PairedTest(0, 0, 0, Estimate(nan, nan, nan), 1.0)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, xa.size, size=(n_boot, xa.size))
    diffs = xa[idx].mean(axis=1) - xb[idx].mean(axis=1)
    low, high = np.quantile(diffs, [(1 - level) / 2, (1 + level) / 2])
    diff = Estimate(float(xa.mean() - xb.mean()), float(low), float(high))
    return PairedTest(int(xa.size), only_a, only_b, diff, mcnemar_exact(only_a, only_b))
