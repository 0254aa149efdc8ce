"""Prompts: an item, its retrieved context and solved examples -> chat messages, in Chinese or English.

- ``builder``: ``PromptBuilder`` (serving prompts and training examples from one place) and the
  token budget for context and shots;
- ``templates``: the wording of every prompt style (``register_template`` adds your own);
- ``tokens``: token counting, with the model's tokenizer or a model-free estimate.
"""

from .builder import Message, PromptBuilder, TrainingExample
from .templates import BASELINE_PROMPT, TEMPLATES, Template, get_template, is_family, register_template
from .tokens import ApproxTokenCounter, HFTokenCounter, TokenCounter

__all__ = [
    "BASELINE_PROMPT", "TEMPLATES", "ApproxTokenCounter", "HFTokenCounter", "Message", "PromptBuilder", "Template",
    "TokenCounter", "TrainingExample", "get_template", "is_family", "register_template",
]
