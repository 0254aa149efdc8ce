"""How much work a tuning run may spend: seconds of wall time ("30m", "90s", "1.5h") or generated
tokens ("20k tokens", "50000 tokens"). Fine-tuning, engine starts and scoring count as time; only
sampled text counts as tokens. An adapter reused from the cache is charged the training seconds it
recorded, so a run costs the same whether or not an earlier one trained its adapters."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h)\s*$", re.IGNORECASE)
_TOKENS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(k|m)?\s*(tok|tokens)\s*$", re.IGNORECASE)
_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600}
_SCALE = {None: 1, "k": 1_000, "m": 1_000_000}


@dataclass(frozen=True)
class Budget:
    seconds: float | None = None
    tokens: int | None = None

    @classmethod
    def parse(cls, text: str | None) -> Budget:
        """``None`` or "none": no limit."""
        if text is None or str(text).strip().lower() in ("", "none"):
            return cls()
        match = _TIME.match(str(text))
        if match:
            return cls(seconds=float(match.group(1)) * _SECONDS[match.group(2).lower()])
        match = _TOKENS.match(str(text))
        if match:
            scale = _SCALE[match.group(2).lower() if match.group(2) else None]
            return cls(tokens=int(float(match.group(1)) * scale))
        raise ValueError(f"budget {text!r}: give a time (30m, 90s, 1.5h) or generated tokens (20k tokens)")

    def __str__(self) -> str:
        if self.seconds is not None:
            return f"{self.seconds:.0f} s"
        if self.tokens is not None:
            return f"{self.tokens} generated tokens"
        return "none"


class Meter:
    """The work spent so far against a budget: wall seconds since ``start`` and the generated tokens
    reported by ``tokens`` (a callable, read when asked)."""

    def __init__(self, budget: Budget, tokens) -> None:
        self.budget = budget
        self._tokens = tokens
        self._start = time.perf_counter()
        self.charged = 0.0

    def charge(self, seconds: float) -> None:
        """Count work done before this run on its behalf (a cached adapter's training) as spent."""
        self.charged += seconds

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self._start + self.charged

    @property
    def tokens(self) -> int:
        return int(self._tokens())

    def fits(self, seconds: float) -> bool:
        """Whether ``seconds`` more of work stay within a time budget (a token budget is checked by ``spent``)."""
        return self.budget.seconds is None or self.seconds + seconds <= self.budget.seconds

    def spent(self) -> bool:
        b = self.budget
        return bool((b.seconds is not None and self.seconds >= b.seconds)
                    or (b.tokens is not None and self.tokens >= b.tokens))
