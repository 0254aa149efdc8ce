"""ragreason: retrieval-augmented reasoning for multiple-choice questions.

The light names of the flow are here; importing them loads no torch, vLLM or FAISS::

    from ragreason import Item, PromptSpec, Recipe, Sampling, answer, load_items

    answers = answer(items, Recipe(prompt=PromptSpec("direct"), sampling=Sampling(n=5)), generator=generator)

Components live in the packages that read like the flow: ``data`` -> ``embed`` -> ``store`` ->
``retrieve`` -> ``prompt`` -> ``generate`` -> ``extract``/``vote`` -> ``pipeline`` (which answers by a
``recipe``), with ``finetune``, ``experiment`` (a benchmark's config, split, arms and components), ``bench``
(benchmarks and the demo), ``tune`` (the recipe search), ``synth`` (generated problems) and ``cli`` beside them.
"""

from .data import load_items, load_problems
from .pipeline import RunOptions, answer
from .prompt import PromptBuilder, PromptSpec
from .recipe import Recipe, Sampling
from .types import Answer, Context, Document, Generation, Item, Problem, Prompt
from .vote import Voter

__version__ = "0.1.0"

__all__ = [
    "Answer", "Context", "Document", "Generation", "Item", "Problem", "Prompt", "PromptBuilder", "PromptSpec",
    "Recipe", "RunOptions", "Sampling", "Voter", "__version__", "answer", "load_items", "load_problems",
]
