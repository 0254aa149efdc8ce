"""What benchmarks and the recipe search both stand on: an experiment's config, its data and arms, and the
parts that turn an arm's ``Recipe`` into answers.

- ``config`` / ``validate`` / ``options``: the YAML config as typed sections, every problem listed at once;
- ``split``: train and test items; ``arms``: the conditions at each vote size, each a ``Recipe``;
- ``components``: the retriever, the adapters (cached), merged models and the generators a run needs;
- ``answer_arm``: one arm over its items, resumable, as ``records`` (what each answer left, with its
  ``grounding``: which retrieved documents it rests on).

``bench`` (the matrix of arms and its report) and ``tune`` (the race and its leaderboard) import from here
and not from each other.
"""

from .config import BenchConfig, ConfigError
from .validate import load_config, validate_config

__all__ = ["BenchConfig", "ConfigError", "load_config", "validate_config"]
