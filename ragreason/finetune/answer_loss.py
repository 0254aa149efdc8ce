"""The training loss on the answer tokens, computing logits only where an answer token is predicted.

Prompt tokens are masked (-100), so the logits over the prompt never enter the loss, yet a causal LM
computes them by default: a [batch, length, vocabulary] tensor (49,152 words for SmolLM2) and its
gradient, a fifth of the model's work and most of its activation memory. transformers' models take
``logits_to_keep`` (positions whose logits to compute); we keep the positions that predict a trained
token in any row of the batch (with batches of similar length, a handful) and take the same
cross-entropy as the model's own loss over them.
"""

from __future__ import annotations

import inspect
from typing import Any

import torch
import torch.nn.functional as F

from .examples import IGNORE


def supports_logits_to_keep(model: Any) -> bool:
    """Whether the (peft-wrapped) causal LM's forward takes ``logits_to_keep``."""
    inner = model.get_base_model() if hasattr(model, "get_base_model") else model
    return "logits_to_keep" in inspect.signature(inner.forward).parameters


def answer_positions(labels: torch.Tensor) -> torch.Tensor:
    """Positions ``t`` whose logits predict a trained token (``labels[:, t + 1]`` is not -100) in any row."""
    trained = (labels[:, 1:] != IGNORE).any(dim=0)
    return trained.nonzero().squeeze(-1)


def answer_loss(model: Any, inputs: dict[str, torch.Tensor],
                num_items_in_batch: torch.Tensor | int | None = None) -> tuple[torch.Tensor, Any]:
    """Cross-entropy over the answer tokens: summed and divided by ``num_items_in_batch`` (the trained
    tokens of the whole accumulated batch, as the Trainer counts them) or, if None, averaged."""
    labels = inputs["labels"]
    keep = answer_positions(labels)
    if keep.numel() == 0:
        raise ValueError("a training batch has no answer tokens to learn (every label is -100)")
    outputs = model(input_ids=inputs["input_ids"], attention_mask=inputs.get("attention_mask"), logits_to_keep=keep)
    logits = outputs.logits.float()
    targets = labels[:, keep + 1].to(logits.device)
    loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1), ignore_index=IGNORE,
                           reduction="sum")
    count = num_items_in_batch if num_items_in_batch is not None else (targets != IGNORE).sum()
    if torch.is_tensor(count):
        count = count.to(loss.device)
    return loss / count, outputs
