"""How a question is answered: the ``Recipe`` (prompt, sampling, option scoring, calibration, option orders,
fallback, votes, adapter) and its ``Sampling``; the conditions a benchmark compares (what an answer reads,
which adapter gives it); and the YAML binding settings are read with (``binding``)."""

from .conditions import (
    CONDITIONS,
    CONTEXT_CONDITIONS,
    DEFAULT_CONDITIONS,
    DOCUMENT_CONDITIONS,
    SEARCHABLE_CONDITIONS,
    adapter_of,
    trained_with_context,
)
from .recipe import Recipe, RecipeError
from .sampling import Sampling

__all__ = [
    "CONDITIONS", "CONTEXT_CONDITIONS", "DEFAULT_CONDITIONS", "DOCUMENT_CONDITIONS", "SEARCHABLE_CONDITIONS",
    "Recipe", "RecipeError", "Sampling", "adapter_of", "trained_with_context",
]
