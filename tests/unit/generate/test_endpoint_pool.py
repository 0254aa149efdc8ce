"""The rotation of endpoints: out after a failure for a cool-down that doubles, back after it or a success."""

import pytest

from ragreason.generate.endpoint_pool import EndpointPool


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_round_robin_skips_an_endpoint_out_of_the_rotation():
    clock = Clock()
    pool = EndpointPool(["a", "b", "c"], cooldown=2.0, max_cooldown=60.0, clock=clock)
    assert [pool.pick(i)[0] for i in range(3)] == [0, 1, 2]
    assert pool.failed(1) == 2.0
    assert [pool.pick(i)[0] for i in range(3)] == [0, 2, 2] and pool.in_rotation() == ["a", "c"]
    clock.now += 2.0
    assert pool.pick(1) == (1, 0.0)


def test_the_cool_down_doubles_while_failures_follow_each_other_up_to_the_cap():
    clock = Clock()
    pool = EndpointPool(["a"], cooldown=1.0, max_cooldown=3.0, clock=clock)
    assert [pool.failed(0) for _ in range(4)] == [1.0, 2.0, 3.0, 3.0]
    pool.succeeded(0)
    assert pool.failed(0) == 1.0


def test_with_every_endpoint_out_the_one_back_soonest_is_waited_for():
    clock = Clock()
    pool = EndpointPool(["a", "b"], cooldown=4.0, max_cooldown=60.0, clock=clock)
    pool.failed(0)
    pool.failed(0)  # out for 4 s, then 8 s: back at 108
    clock.now += 1.0
    pool.failed(1)  # back at 105
    assert pool.pick(0) == (1, 4.0)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="at least one"):
        EndpointPool([], 1.0, 2.0)
    with pytest.raises(ValueError, match="cooldown"):
        EndpointPool(["a"], cooldown=5.0, max_cooldown=1.0)
