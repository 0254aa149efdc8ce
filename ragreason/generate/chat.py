"""Prompts to token ids with the model's own chat template, the same way in every local backend.

Rendering here (rather than inside vLLM's ``chat``) means vLLM and transformers see exactly the same
token ids, which is what makes their greedy outputs comparable and the token counts exact.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..types import Prompt
from .base import GenerationError


def render_text(tokenizer: Any, prompt: Prompt) -> str:
    """The prompt's messages through the tokenizer's chat template, ready for the assistant's reply."""
    if not getattr(tokenizer, "chat_template", None):
        raise GenerationError(
            "the model's tokenizer has no chat template; use an instruction-tuned model or set "
            "tokenizer.chat_template before generating"
        )
    return tokenizer.apply_chat_template(list(prompt.messages), tokenize=False, add_generation_prompt=True)


def encode(tokenizer: Any, text: str) -> list[int]:
    """Token ids of already-templated text (the template writes any special tokens itself)."""
    return list(tokenizer.encode(text, add_special_tokens=False))


def render_ids(tokenizer: Any, prompt: Prompt) -> list[int]:
    return encode(tokenizer, render_text(tokenizer, prompt))


def load_tokenizer(model: str | Path, *, trust_remote_code: bool = False) -> Any:
    """The Hugging Face tokenizer of a local model folder."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(model), trust_remote_code=trust_remote_code)
