"""The typed records that cross module lines (frozen dataclasses, validated on construction), and the
protocols of the components that make them: ``Embedder``, ``Retriever``, ``Generator``.

Option labels are capital letters in order: the first option is "A", the second "B", and so on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np

MAX_OPTIONS = 26
DEFAULT_MAX_TOKENS = 256  # what a generator writes at most per sample unless told
DEFAULT_TEMPERATURE = 0.7  # sampling several answers to vote over, unless told (one answer: greedy)
DEFAULT_TOP_P = 0.95


def option_letters(n: int) -> tuple[str, ...]:
    """The labels of ``n`` options: ``("A", "B", ...)``."""
    if not 0 <= n <= MAX_OPTIONS:
        raise ValueError(f"number of options must be between 0 and {MAX_OPTIONS}, got {n}")
    return tuple(chr(ord("A") + i) for i in range(n))


def letter_index(letter: str) -> int:
    """The 0-based position named by an option letter ("A" -> 0)."""
    if not (isinstance(letter, str) and len(letter) == 1 and "A" <= letter <= "Z"):
        raise ValueError(f"an option letter must be one capital letter A-Z, got {letter!r}")
    return ord(letter) - ord("A")


def text_id(*parts: str, prefix: str = "", length: int = 16) -> str:
    """A stable id from the hash of some text parts."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:length]
    return f"{prefix}{digest}"


class SettingsError(ValueError):
    """Settings that cannot work together: every problem, each "name: why", listed at once."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def check_settings(problems: list[str]) -> None:
    """Raise ``SettingsError`` listing ``problems``, if there are any."""
    if problems:
        raise SettingsError(problems)


def _require_text(value: Any, name: str, owner: str, *, allow_empty: bool = False) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{owner}.{name} must be a string, got {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise ValueError(f"{owner}.{name} must not be empty")


@dataclass(frozen=True)
class Document:
    """A chunk of knowledge. ``id`` is a hash of source + text unless given."""

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _require_text(self.id, "id", "Document")
        _require_text(self.text, "text", "Document")

    @classmethod
    def from_text(cls, text: str, source: str = "", meta: dict[str, Any] | None = None) -> Document:
        meta = dict(meta or {})
        if source:
            meta.setdefault("source", source)
        return cls(id=text_id(source, text, prefix="doc-"), text=text, meta=meta)


@dataclass(frozen=True)
class Item:
    """One multiple-choice question. ``context`` is the shared problem text, if any."""

    id: str
    question: str
    options: tuple[str, ...]
    answer: str | None = None
    context: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _require_text(self.id, "id", "Item")
        _require_text(self.question, "question", "Item")
        _require_text(self.context, "context", "Item", allow_empty=True)
        if not isinstance(self.options, tuple):
            raise TypeError(f"Item.options must be a tuple, got {type(self.options).__name__}")
        if len(self.options) < 2:
            raise ValueError(f"Item {self.id!r} needs at least 2 options, got {len(self.options)}")
        if len(self.options) > MAX_OPTIONS:
            raise ValueError(f"Item {self.id!r} has {len(self.options)} options; at most {MAX_OPTIONS}")
        for i, option in enumerate(self.options):
            _require_text(option, f"options[{i}]", "Item")
        if self.answer is not None and self.answer not in self.letters:
            raise ValueError(
                f"Item {self.id!r}: answer {self.answer!r} names no option (options are {', '.join(self.letters)})"
            )

    @property
    def letters(self) -> tuple[str, ...]:
        return option_letters(len(self.options))

    def option(self, letter: str) -> str:
        """The text of the option labelled ``letter``."""
        index = letter_index(letter)
        if index >= len(self.options):
            raise ValueError(f"Item {self.id!r} has no option {letter!r}")
        return self.options[index]


@dataclass(frozen=True)
class Problem:
    """A shared problem text with its sub-questions (the competition format's unit)."""

    id: str
    text: str
    items: tuple[Item, ...]
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _require_text(self.id, "id", "Problem")
        _require_text(self.text, "text", "Problem", allow_empty=True)
        if not isinstance(self.items, tuple):
            raise TypeError(f"Problem.items must be a tuple, got {type(self.items).__name__}")
        seen: set[str] = set()
        for item in self.items:
            if item.id in seen:
                raise ValueError(f"Problem {self.id!r} has two items with id {item.id!r}")
            seen.add(item.id)


@dataclass(frozen=True)
class Hit:
    """One retrieved document with its score and the retriever that found it."""

    doc: Document
    score: float
    source: str


@dataclass(frozen=True)
class Context:
    """What retrieval returns for one item, already verbalised as ``text``."""

    item_id: str
    hits: tuple[Hit, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class Prompt:
    """Chat messages (``[{"role": ..., "content": ...}]``) for one item."""

    item_id: str
    messages: tuple[dict[str, str], ...]
    template: str
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.messages:
            raise ValueError(f"Prompt for {self.item_id!r} has no messages")
        for i, message in enumerate(self.messages):
            if set(message) != {"role", "content"}:
                raise ValueError(f"Prompt for {self.item_id!r}: message {i} needs exactly 'role' and 'content'")
            if message["role"] not in ("system", "user", "assistant"):
                raise ValueError(f"Prompt for {self.item_id!r}: message {i} has unknown role {message['role']!r}")


@dataclass(frozen=True)
class Generation:
    """One sampled answer text, with what produced it and what it cost."""

    item_id: str
    text: str
    model: str
    adapter: str | None = None
    prompt_template: str = ""
    sample: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_s: float = 0.0
    logprob: float | None = None
    order: tuple[int, ...] = ()  # the option order it was shown (``ragreason.orders``); () is as given

    def __post_init__(self) -> None:
        if self.sample < 0 or self.prompt_tokens < 0 or self.completion_tokens < 0 or self.latency_s < 0:
            raise ValueError(f"Generation for {self.item_id!r}: counts and latency must be >= 0")


@dataclass(frozen=True)
class Answer:
    """The voted answer for one item. ``choice`` is None when no vote could be read (and no fallback
    answered instead).

    ``votes``: weight per option letter; ``confidence``: the winner's share of the weight cast;
    ``abstentions``: votes that named no readable option; ``by_source``: the tally per source
    (a prompt, adapter, model or scorer), with abstentions under ``"-"``; ``fallback``: what chose
    ``choice`` when no vote named an option ("score" or "prior"), None when the votes did;
    ``by_order``: with several option orders, the answer under each order alone (original letters),
    the identity first: CircularEval counts an item right only if all of them are. ``scoring_s``: the
    seconds its option scoring took: its share of the scoring calls it was in, and of choosing the scoring
    method and calibrating (which score the items); the sampled answers' time is in their
    ``Generation.latency_s``."""

    item_id: str
    choice: str | None
    votes: dict[str, float] = field(default_factory=dict)
    confidence: float = 0.0
    abstentions: int = 0
    generations: tuple[Generation, ...] = ()
    context: Context | None = None
    by_source: dict[str, dict[str, int]] = field(default_factory=dict)
    fallback: str | None = None
    by_order: tuple[str | None, ...] = ()
    scoring_s: float = 0.0

    def __post_init__(self) -> None:
        if self.choice is not None:
            letter_index(self.choice)
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"Answer for {self.item_id!r}: confidence must be in [0, 1], got {self.confidence}")


@runtime_checkable
class Embedder(Protocol):
    """Texts -> L2-normalised float32 rows; documents and queries may be encoded differently (e5)."""

    name: str
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


@runtime_checkable
class Retriever(Protocol):
    def retrieve(self, item: Item, top_k: int | None = None) -> Context: ...

    def retrieve_many(self, items: Sequence[Item], top_k: int | None = None) -> list[Context]: ...


@runtime_checkable
class Generator(Protocol):
    """What the pipeline needs from a model backend."""

    model_name: str

    def generate(
        self,
        prompts: Sequence[Prompt],
        *,
        n: int = 1,
        temperature: float = 0.0,
        top_p: float = 1.0,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        adapter: str | None = None,
        stop: Sequence[str] | None = None,
        choices: Sequence[Sequence[str]] | None = None,
    ) -> list[list[Generation]]:
        """``n`` samples per prompt, one list per prompt, in prompt order. ``choices``: per prompt, the
        only texts a sample may be (constrained decoding); None leaves sampling free."""
        ...

    def score_options(
        self,
        prompts: Sequence[Prompt],
        items: Sequence[Item],
        method: str = "text",
        adapter: str | None = None,
    ) -> list[dict[str, float]]:
        """A log-probability score per option letter, one dict per item (higher is better)."""
        ...

    def close(self) -> None:
        """Free the model (idempotent)."""
        ...
