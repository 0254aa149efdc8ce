import math

import pytest

from ragreason.stats import accuracy, mcnemar_exact, paired


def test_mcnemar_exact_known_values():
    assert mcnemar_exact(1, 9) == pytest.approx(2 * (1 + 10) / 1024)  # 2 * P(X <= 1), X ~ Bin(10, 1/2)
    assert mcnemar_exact(0, 5) == pytest.approx(2 / 32)
    assert mcnemar_exact(3, 3) == pytest.approx(1.0)
    assert mcnemar_exact(0, 0) == 1.0
    with pytest.raises(ValueError):
        mcnemar_exact(-1, 2)


def test_accuracy_interval_brackets_the_normal_approximation():
    est = accuracy([True] * 50 + [False] * 50, n_boot=20_000)
    assert est.value == 0.5
    half = 1.96 * math.sqrt(0.25 / 100)
    assert est.low == pytest.approx(0.5 - half, abs=0.015) and est.high == pytest.approx(0.5 + half, abs=0.015)


def test_accuracy_degenerate_cases():
    assert accuracy([True] * 10) == accuracy([True] * 10, seed=3)
    est = accuracy([True] * 10)
    assert (est.value, est.low, est.high) == (1.0, 1.0, 1.0)
    assert math.isnan(accuracy([]).value)


def test_paired_comparison_counts_discordant_items():
    a = [1, 1, 1, 1, 0, 0, 1, 1, 1, 1]
    b = [0, 0, 0, 1, 0, 1, 1, 1, 0, 0]
    result = paired(a, b)
    assert (result.n, result.only_a, result.only_b) == (10, 5, 1)
    assert result.diff.value == pytest.approx(0.8 - 0.4)
    assert result.diff.low <= 0.4 <= result.diff.high
    assert result.p_value == pytest.approx(mcnemar_exact(5, 1))
    same = paired(a, a)
    assert same.p_value == 1.0 and (same.diff.low, same.diff.high) == (0.0, 0.0)
    with pytest.raises(ValueError, match="differ in length"):
        paired([1], [1, 0])
