"""Benchmarks: conditions x items -> records -> report, and the demo built on them.

- ``config`` / ``validate``: the YAML config as typed sections, every problem listed at once;
- ``split``: train and test items; ``arms``: the conditions at each vote size;
- ``components``: the retriever, the adapters (cached) and the generators a run needs;
- ``run``: every arm over the same items, resumable; ``records``: what each answer left;
- ``report`` / ``stats``: accuracy with intervals, paired tests; ``output``, ``markdown``, ``plots``: the files;
- ``demo``: the main job, a benchmark with a config written for you.
"""

from .config import BenchConfig, ConfigError
from .report import Report
from .run import run_bench
from .validate import load_config, validate_config

__all__ = ["BenchConfig", "ConfigError", "Report", "load_config", "run_bench", "validate_config"]
