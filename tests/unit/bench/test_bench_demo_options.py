"""The demo's options: test-set size follows --fast unless given; the demo config names the sizes
that keep the run within its time (benchmarks/RESULTS.md, "The logic demo")."""

import pytest

from ragreason.bench.demo import DemoOptions, demo_config


def test_test_problems_follow_fast_unless_given():
    assert DemoOptions().n_test_problems == 60
    assert DemoOptions(fast=True).n_test_problems == 20
    assert DemoOptions(fast=True, test_problems=3).n_test_problems == 3
    with pytest.raises(ValueError, match="test_problems"):
        DemoOptions(test_problems=0)


def test_full_demo_trains_and_serves_merged_adapters_fast_one_does_not():
    full = demo_config(DemoOptions(), {})
    fast = demo_config(DemoOptions(fast=True), {})
    assert full["conditions"] == ["base", "rag", "ft", "rag+ft"] and fast["conditions"] == ["base", "rag"]
    assert full["model"]["adapters"] == "merged" and full["votes"] == [1]
