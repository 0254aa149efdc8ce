"""LoRA fine-tuning with peft: solved items (+ optional retrieved context with distractors) ->
chat examples rendered by the serving ``PromptBuilder`` -> an adapter folder; loss on the answer only.

Importing this package is light; torch, transformers and peft load when a function runs.
"""

from .info import AdapterInfo, AdapterMismatchError, check_adapter, holds_model, read_info
from .merge import load_with_adapter, merge
from .spec import LoraSpec, SpecError, TrainSpec
from .train import finetune

__all__ = [
    "AdapterInfo", "AdapterMismatchError", "LoraSpec", "SpecError", "TrainSpec", "check_adapter", "finetune",
    "holds_model", "load_with_adapter", "merge", "read_info",
]
