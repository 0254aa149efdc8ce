"""Prompts: an item, its retrieved context and solved examples -> chat messages, in Chinese or English.

- ``spec``: ``PromptSpec``, what a prompt is made of (the setting a recipe holds);
- ``builder``: ``PromptBuilder`` (serving prompts and training examples from one place) and the
  token budget for context and shots;
- ``templates``: the wording of every prompt style (``register_template`` adds your own);
- ``tokens``: token counting, with the model's tokenizer or a model-free estimate.
"""

from .builder import Message, PromptBuilder, TrainingExample
from .spec import DEFAULT_CONTEXT_TOKENS, PromptSpec
from .templates import BASELINE_PROMPT, TEMPLATES, Template, get_template, is_family, register_template
from .tokens import ApproxTokenCounter, HFTokenCounter, TokenCounter

__all__ = [
    "BASELINE_PROMPT", "DEFAULT_CONTEXT_TOKENS", "TEMPLATES", "ApproxTokenCounter", "HFTokenCounter", "Message",
    "PromptBuilder", "PromptSpec", "Template",
    "TokenCounter", "TrainingExample", "get_template", "is_family", "register_template",
]
