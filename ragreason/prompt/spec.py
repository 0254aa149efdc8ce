"""``PromptSpec``: what a prompt is made of (template, closed-world instruction, context budget, shots), the
setting a recipe and a benchmark config hold; ``builder`` makes the ``PromptBuilder`` that renders it."""

from __future__ import annotations

from dataclasses import dataclass

from ..policy import DEFAULT_TEMPLATE
from ..types import check_settings
from .builder import PromptBuilder
from .templates import Template
from .tokens import TokenCounter

DEFAULT_CONTEXT_TOKENS = 768  # retrieved context plus shots, in the serving model's tokens


@dataclass(frozen=True)
class PromptSpec:
    """``template``: a name ("direct-zh"), a family ("direct": the zh or en member by each item's language) or
    a ``Template``; ``closed_world``: add the closed-world instruction (off for True/False/Unknown data such
    as ProofWriter's); ``max_context_tokens``: the budget of retrieved context plus ``shots`` solved examples
    (None: no bound)."""

    template: str | Template = DEFAULT_TEMPLATE
    closed_world: bool = True
    max_context_tokens: int | None = DEFAULT_CONTEXT_TOKENS
    shots: int = 0

    def __post_init__(self) -> None:
        check_settings(self.problems())

    def problems(self) -> list[str]:
        """Every bad setting, each "name: why" (an empty list when it is sound)."""
        out = []
        if self.max_context_tokens is not None and self.max_context_tokens < 0:
            out.append(f"max_context_tokens: must be >= 0 or null, got {self.max_context_tokens}")
        if self.shots < 0:
            out.append(f"shots: must be >= 0, got {self.shots}")
        return out

    def builder(self, counter: TokenCounter | None = None) -> PromptBuilder:
        """The builder of these prompts, counting the budget with ``counter`` (the serving model's tokenizer;
        None: a model-free estimate)."""
        return PromptBuilder(self.template, closed_world=self.closed_world, max_context_tokens=self.max_context_tokens,
                             shots=self.shots, counter=counter)

    @classmethod
    def of(cls, builder: PromptBuilder) -> PromptSpec:
        """What ``builder``'s prompts are made of."""
        return cls(builder.template, closed_world=builder.closed_world, max_context_tokens=builder.max_context_tokens,
                   shots=builder.shots)

    @property
    def name(self) -> str:
        return getattr(self.template, "name", self.template)  # type: ignore[return-value]
