"""Benchmarks: conditions x items -> records -> report, and the demo built on them.

Standing on ``ragreason.experiment`` (the config, the split, the arms, the components, one arm's answers):
- ``run``: every arm over the same items, resumable;
- ``report``, ``findings``: accuracy with intervals, paired tests, what they say; ``output``, ``markdown``,
  ``plots``: the files;
- ``curve``: accuracy against the training items;
- ``demo``, ``demo_world``: the main job, a benchmark with a config written for you.
"""

from .report import Report
from .run import run_bench

__all__ = ["Report", "run_bench"]
