"""Helpers of ``TransformersGenerator``: padding, the generation config, decoding samples."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def left_pad(sequences: list[list[int]], pad_id: int) -> tuple[Any, Any]:
    """Token ids and attention mask, left-padded to the longest sequence."""
    import torch

    width = max(len(s) for s in sequences)
    ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(sequences), width), dtype=torch.long)
    for row, seq in enumerate(sequences):
        ids[row, width - len(seq):] = torch.tensor(seq, dtype=torch.long)
        mask[row, width - len(seq):] = 1
    return ids, mask


def generation_config(model: Any, n: int, temperature: float, top_p: float, max_tokens: int, pad_id: int,
                      stop: Sequence[str] | None, with_logprobs: bool) -> Any:
    """A fresh config (the checkpoint's sampling defaults must not leak in); greedy at temperature 0."""
    from transformers import GenerationConfig

    eos = model.generation_config.eos_token_id
    sampled = temperature > 0
    return GenerationConfig(
        max_new_tokens=max_tokens, do_sample=sampled, temperature=temperature if sampled else None,
        top_p=top_p if sampled else None, top_k=0 if sampled else None, num_return_sequences=n,
        pad_token_id=pad_id, eos_token_id=eos, stop_strings=list(stop) if stop else None,
        output_logits=with_logprobs, return_dict_in_generate=True,
    )


def decode_samples(result: Any, tokenizer: Any, prompt_width: int, eos: int | list[int] | None,
                   stop: Sequence[str] | None, with_logprobs: bool) -> list[tuple[str, int, float | None]]:
    """(text, completion tokens, cumulative log-probability) per returned sequence.

    The text ends before the first end-of-sequence token (which is counted, as vLLM counts it) and
    before the first stop string (which is not kept, as in vLLM)."""
    import torch

    eos_ids = set([eos] if isinstance(eos, int) else eos or [])
    new = result.sequences[:, prompt_width:]
    logprobs = torch.log_softmax(torch.stack(result.logits, dim=1).float(), dim=-1) if with_logprobs else None
    samples = []
    for row in range(new.shape[0]):
        tokens = new[row].tolist()
        end = next((i for i, t in enumerate(tokens) if t in eos_ids), None)
        count = len(tokens) if end is None else end + 1
        text = tokenizer.decode(tokens[: count if end is None else end], skip_special_tokens=True)
        for s in stop or ():
            text = text.split(s, 1)[0]
        logprob = None
        if logprobs is not None:
            logprob = float(sum(logprobs[row, i, tokens[i]] for i in range(count)))
        samples.append((text, count, logprob))
    return samples
