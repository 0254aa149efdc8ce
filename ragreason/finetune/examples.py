"""Training examples -> token ids with the loss on the assistant's reply only.

The model's own chat template renders both the prompt (``messages[:-1]`` plus the generation
prompt, exactly what serving sends) and the whole conversation; the prompt must be a prefix of the
whole, and its tokens get label -100. The reply ends at the end-of-turn token (what follows it, such
as ChatML's trailing newline, is dropped). An example longer than ``max_length`` is never cut: it is
skipped and reported, since right-truncation would cut the answer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..prompt import TrainingExample

log = logging.getLogger(__name__)

IGNORE = -100


class TemplateMismatchError(ValueError):
    """The chat template renders the prompt differently once the reply is appended."""


@dataclass(frozen=True)
class Encoded:
    """One tokenised example; ``labels`` is -100 on the prompt."""

    item_id: str
    input_ids: tuple[int, ...]
    labels: tuple[int, ...]

    @property
    def prompt_length(self) -> int:
        return next((i for i, label in enumerate(self.labels) if label != IGNORE), len(self.labels))


@dataclass(frozen=True)
class Skipped:
    item_id: str
    reason: str


@dataclass
class Encoding:
    """What ``encode_examples`` kept and what it skipped (with why)."""

    examples: list[Encoded] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def tokens(self) -> int:
        return sum(len(e.input_ids) for e in self.examples)


def chat_ids(tokenizer: Any, messages: Sequence[dict[str, str]], *, generation_prompt: bool = False) -> list[int]:
    """Token ids of ``messages`` under the tokenizer's chat template."""
    encoded = tokenizer.apply_chat_template(
        list(messages), tokenize=True, add_generation_prompt=generation_prompt, return_dict=True
    )
    return list(encoded["input_ids"])


def encode_example(example: TrainingExample, tokenizer: Any) -> Encoded:
    """Token ids and labels for one example (no length limit; see ``encode_examples``)."""
    if example.messages[-1]["role"] != "assistant":
        raise ValueError(f"example {example.item_id!r}: the last message must be the assistant's reply")
    prompt = chat_ids(tokenizer, example.messages[:-1], generation_prompt=True)
    full = chat_ids(tokenizer, example.messages)
    if full[: len(prompt)] != prompt:
        raise TemplateMismatchError(
            f"example {example.item_id!r}: the chat template renders the prompt differently once the reply "
            "is appended, so the reply's tokens cannot be told apart; use a model whose template is "
            "prefix-stable (ChatML, Llama 3, ...)"
        )
    reply = _through_end_of_turn(full[len(prompt):], tokenizer.eos_token_id)
    if not reply:
        raise ValueError(f"example {example.item_id!r}: the assistant's reply renders to no tokens")
    return Encoded(example.item_id, tuple(prompt + reply), tuple([IGNORE] * len(prompt) + reply))


def _through_end_of_turn(reply: list[int], eos_id: int | None) -> list[int]:
    if eos_id is None or eos_id not in reply:
        return reply
    last = len(reply) - 1 - reply[::-1].index(eos_id)
    return reply[: last + 1]


def encode_examples(examples: Sequence[TrainingExample], tokenizer: Any, max_length: int) -> Encoding:
    """Encode every example; those longer than ``max_length`` tokens are skipped and reported."""
    result = Encoding()
    for example in examples:
        encoded = encode_example(example, tokenizer)
        if len(encoded.input_ids) > max_length:
            reason = (f"{len(encoded.input_ids)} tokens > max_length {max_length} "
                      f"(the prompt alone is {encoded.prompt_length}); truncating would cut the answer")
            result.skipped.append(Skipped(example.item_id, reason))
            continue
        result.examples.append(encoded)
    if result.skipped:
        log.warning("skipped %d of %d training examples longer than max_length=%d (e.g. %s: %s)",
                    len(result.skipped), len(examples), max_length, result.skipped[0].item_id,
                    result.skipped[0].reason)
    return result


class Collator:
    """Pads a batch on the right: ``pad_id`` for inputs, -100 for labels, 0 in the attention mask."""

    def __init__(self, pad_id: int) -> None:
        self.pad_id = pad_id

    def __call__(self, batch: Sequence[Encoded | dict[str, Any]]) -> dict[str, Any]:
        import torch

        rows = [b if isinstance(b, dict) else {"input_ids": b.input_ids, "labels": b.labels} for b in batch]
        width = max(len(r["input_ids"]) for r in rows)
        ids, labels, mask = [], [], []
        for r in rows:
            pad = width - len(r["input_ids"])
            ids.append(list(r["input_ids"]) + [self.pad_id] * pad)
            labels.append(list(r["labels"]) + [IGNORE] * pad)
            mask.append([1] * len(r["input_ids"]) + [0] * pad)
        return {"input_ids": torch.tensor(ids), "labels": torch.tensor(labels), "attention_mask": torch.tensor(mask)}
