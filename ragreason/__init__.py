"""ragreason: retrieval-augmented reasoning for multiple-choice questions.

The light names of the flow are here; importing them loads no torch, vLLM or FAISS::

    from ragreason import Item, PromptBuilder, Sampling, Voter, answer, load_items

Components live in the packages that read like the flow: ``data`` -> ``embed`` -> ``store`` ->
``retrieve`` -> ``prompt`` -> ``generate`` -> ``extract``/``vote`` -> ``pipeline``, with ``finetune``,
``bench`` (benchmarks and the demo), ``tune`` (the recipe search), ``synth`` (generated problems) and
``cli`` beside them.
"""

from .data import load_items, load_problems
from .pipeline import Sampling, answer
from .prompt import PromptBuilder
from .types import Answer, Context, Document, Generation, Item, Problem, Prompt
from .vote import Voter

__version__ = "0.1.0"

__all__ = [
    "Answer", "Context", "Document", "Generation", "Item", "Problem", "Prompt", "PromptBuilder", "Sampling",
    "Voter", "__version__", "answer", "load_items", "load_problems",
]
