"""The models a tuning run answers with: the base, and each fine-tuned adapter merged into a copy of it.

Each is a ``Served``: an engine started on first use, and stopped when another one starts (one engine in
memory at a time), behind one ``SampleCache`` that outlives restarts, so every recipe served by it shares
its samples and option scores. ``Served`` times the work that reaches the engine, which gives a candidate's
cost per item as if it ran alone (``costs.cost_per_item``): reused samples make a candidate cheap in a tuning
run, not on its own.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from ..generate.sample_cache import SampleCache
from ..types import Generation, Item, Prompt

log = logging.getLogger(__name__)


class _Timed:
    """The engine ``make()`` builds (and warms up, so that its start is not timed as answering), built on the
    first call and timed per call."""

    def __init__(self, name: str, make: Callable[[], Any], before_start: Callable[[], None]) -> None:
        self.name = name
        self._make = make
        self._before_start = before_start
        self._engine: Any = None
        self.model_name = name  # what answers are keyed by: stable whether or not the engine has started
        self.draws: dict[int, list[float]] = {}  # samples per prompt -> [seconds, prompts]
        self.score_seconds = 0.0
        self.scores = 0

    def _started(self) -> Any:
        if self._engine is None:
            self._before_start()
            self._engine = self._make()
        return self._engine

    def generate(self, prompts: Sequence[Prompt], **settings: Any) -> list[list[Generation]]:
        engine = self._started()
        start = time.perf_counter()
        out = engine.generate(prompts, **settings)
        spent = self.draws.setdefault(int(settings.get("n", 1)), [0.0, 0])
        spent[0] += time.perf_counter() - start
        spent[1] += len(prompts)
        return out

    def score_options(self, prompts: Sequence[Prompt], items: Sequence[Item], method: str = "text",
                      adapter: str | None = None) -> list[dict[str, float]]:
        engine = self._started()
        start = time.perf_counter()
        out = engine.score_options(prompts, items, method, adapter)
        self.score_seconds += time.perf_counter() - start
        self.scores += len(prompts)
        return out

    @property
    def running(self) -> bool:
        return self._engine is not None

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None


class Served:
    def __init__(self, name: str, make: Callable[[], Any], before_start: Callable[[], None]) -> None:
        self.engine = _Timed(name, make, before_start)
        self.cache = SampleCache(self.engine)

    @property
    def name(self) -> str:
        return self.engine.name

    def per_prompt(self, n: int) -> float | None:
        """Measured seconds to draw ``n`` samples of one prompt: at that n if drawn, else scaled by n from the
        nearest n drawn (one prompt's n samples share its prefill: per sample, larger draws cost less)."""
        draws = {k: v for k, v in self.engine.draws.items() if v[1]}
        if not draws:
            return None
        near = min(draws, key=lambda k: (abs(k - n), k))
        seconds, prompts = draws[near]
        return seconds / prompts * (1.0 if near == n else n / near)

    def per_score(self) -> float | None:
        e = self.engine
        return e.score_seconds / e.scores if e.scores else None


class Engines:
    """The served models by name, one running at a time; ``close()`` stops the running one."""

    def __init__(self) -> None:
        self.served: dict[str, Served] = {}

    def get(self, name: str, make: Callable[[], Any]) -> Served:
        if name not in self.served:
            self.served[name] = Served(name, make, self._stop_all)
        return self.served[name]

    def _stop_all(self) -> None:
        for served in self.served.values():
            if served.engine.running:
                log.info("stopping engine %s to start another", served.name)
                served.engine.close()

    def drawn_tokens(self) -> int:
        return sum(s.cache.drawn_tokens for s in self.served.values())

    def close(self) -> None:
        self._stop_all()

