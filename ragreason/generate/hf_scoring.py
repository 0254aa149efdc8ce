"""The two log-probability primitives of option scoring, with a transformers model.

Sequences are left-padded with explicit position ids, so every row ends at the last column and only
the last few columns' logits are computed (``logits_to_keep``): the memory stays small on long prompts.
"""

from __future__ import annotations

from typing import Any


def _batch(model: Any, pad_id: int, sequences: list[list[int]], keep: int) -> Any:
    """Log-probabilities over the vocabulary at the last ``keep`` positions of each row."""
    import torch

    from .hf_decode import left_pad

    ids, mask = left_pad(sequences, pad_id)
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    device = next(model.parameters()).device
    with torch.inference_mode():
        out = model(input_ids=ids.to(device), attention_mask=mask.to(device), position_ids=positions.to(device),
                    logits_to_keep=keep, use_cache=False)
    return torch.log_softmax(out.logits.float(), dim=-1).cpu()


def next_logprobs(model: Any, pad_id: int, contexts: list[list[int]], candidates: list[list[int]],
                  batch_size: int) -> list[list[float]]:
    """Log-probability of each candidate token right after each context."""
    found: list[list[float]] = []
    for i in range(0, len(contexts), batch_size):
        logprobs = _batch(model, pad_id, contexts[i: i + batch_size], keep=1)
        for row, cands in enumerate(candidates[i: i + batch_size]):
            found.append([float(logprobs[row, -1, t]) for t in cands])
    return found


def continuation_logprobs(model: Any, pad_id: int, sequences: list[list[int]], starts: list[int],
                          batch_size: int) -> list[list[float]]:
    """Log-probability of each token from ``start`` on, given the tokens before it."""
    found: list[list[float]] = []
    for i in range(0, len(sequences), batch_size):
        seqs, firsts = sequences[i: i + batch_size], starts[i: i + batch_size]
        keep = max(len(s) - f for s, f in zip(seqs, firsts, strict=True)) + 1
        logprobs = _batch(model, pad_id, seqs, keep=keep)
        for row, (seq, start) in enumerate(zip(seqs, firsts, strict=True)):
            tail = seq[start:]
            # column -1 predicts the token after the sequence; token seq[j] is predicted at column j - len - 1
            cols = range(keep - 1 - len(tail), keep - 1)
            found.append([float(logprobs[row, c, t]) for c, t in zip(cols, tail, strict=True)])
    return found


def group_logprobs(model: Any, pad_id: int, groups: list[list[tuple[list[int], int]]], batch_size: int
                   ) -> list[list[list[float]]]:
    """``continuation_logprobs`` for each group on its own (a forward pass holds one group's sequences only,
    at most ``batch_size`` at a time), so a group's scores do not depend on the other groups."""
    return [continuation_logprobs(model, pad_id, [ids for ids, _ in group], [start for _, start in group], batch_size)
            for group in groups]
