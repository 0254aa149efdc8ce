"""``Sampling``: how many answers to sample per prompt, and how."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..types import DEFAULT_MAX_TOKENS, DEFAULT_TEMPERATURE, DEFAULT_TOP_P, check_settings


@dataclass(frozen=True)
class Sampling:
    """How to sample: ``n`` answers per prompt; temperature None means greedy for n=1, ``DEFAULT_TEMPERATURE``
    above.
    ``separate``: ask for the n samples in n calls of one sample each (the SAIS 2024 competition
    baseline's way; slower, kept for comparison) instead of one call with ``n``. ``constrained``:
    every sample is one of the template's answer lines with a valid letter (structured outputs on
    vLLM; no reasoning is written, so no sample is unreadable)."""

    n: int = 1
    temperature: float | None = None
    top_p: float = DEFAULT_TOP_P
    max_tokens: int = DEFAULT_MAX_TOKENS
    stop: tuple[str, ...] = ()
    separate: bool = False
    constrained: bool = False

    def __post_init__(self) -> None:
        check_settings(self.problems())

    def problems(self) -> list[str]:
        """Every bad setting, each "name: why" (an empty list when it is sound)."""
        out = []
        if self.n < 0:
            out.append(f"n: must be >= 0, got {self.n}")
        if self.temperature is not None and self.temperature < 0:
            out.append(f"temperature: must be >= 0, got {self.temperature}")
        if not 0.0 < self.top_p <= 1.0:
            out.append(f"top_p: must be in (0, 1], got {self.top_p}")
        if self.max_tokens < 1:
            out.append(f"max_tokens: must be >= 1, got {self.max_tokens}")
        return out

    @property
    def effective_temperature(self) -> float:
        if self.temperature is not None:
            return self.temperature
        return 0.0 if self.n <= 1 else DEFAULT_TEMPERATURE

    def settings(self) -> dict[str, Any]:
        """What of it decides an answer (for the run key); settings added later count only when set."""
        return {k: v for k, v in self.__dict__.items() if k not in _LATER or v != _LATER[k]}


_LATER = {"constrained": False}
