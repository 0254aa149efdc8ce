"""Which endpoints are in the rotation: one that fails (refused connection, timeout, 5xx) is taken out for a
cool-down that doubles with each failure in a row (``cooldown`` up to ``max_cooldown`` seconds; the
``OpenAIGenerator``'s ``backoff`` and ``max_backoff``) and tried again
when it ends; a success puts it back for good. Requests go round-robin over the endpoints in the rotation;
when none is, the one back soonest is waited for."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class _State:
    failures: int = 0  # in a row
    back_at: float = 0.0  # monotonic seconds when it rejoins the rotation


class EndpointPool:
    """The rotation of ``names`` (the endpoints' URLs, for the log); thread-safe."""

    def __init__(self, names: list[str], cooldown: float, max_cooldown: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not names:
            raise ValueError("an endpoint pool needs at least one endpoint")
        if cooldown < 0 or max_cooldown < cooldown:
            raise ValueError(f"need 0 <= cooldown <= max_cooldown, got {cooldown}, {max_cooldown}")
        self.names, self.cooldown, self.max_cooldown, self._clock = names, cooldown, max_cooldown, clock
        self._states = [_State() for _ in names]
        self._lock = threading.Lock()

    def pick(self, start: int) -> tuple[int, float]:
        """An endpoint for a request and the seconds to wait before sending it: the first in the rotation from
        ``start`` on (round robin; no wait), else the one back soonest (the wait until it is back)."""
        with self._lock:
            now = self._clock()
            n = len(self._states)
            for k in range(n):
                index = (start + k) % n
                if self._states[index].back_at <= now:
                    return index, 0.0
            index = min(range(n), key=lambda i: self._states[i].back_at)
            return index, self._states[index].back_at - now

    def failed(self, index: int) -> float:
        """Take ``index`` out of the rotation; the seconds until it is tried again."""
        with self._lock:
            state = self._states[index]
            state.failures += 1
            seconds = min(self.cooldown * 2 ** (state.failures - 1), self.max_cooldown)
            state.back_at = self._clock() + seconds
        log.warning("%s out of the rotation for %.1f s (%d failure(s) in a row)", self.names[index], seconds,
                    state.failures)
        return seconds

    def succeeded(self, index: int) -> None:
        with self._lock:
            state = self._states[index]
            if state.failures:
                log.warning("%s is back in the rotation", self.names[index])
            state.failures, state.back_at = 0, 0.0

    def in_rotation(self) -> list[str]:
        with self._lock:
            now = self._clock()
            return [name for name, s in zip(self.names, self._states, strict=True) if s.back_at <= now]
