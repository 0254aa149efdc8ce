"""How a question is answered: the conditions (what an answer reads, which adapter gives it), and the YAML
binding its settings are read with (`binding`)."""

from .conditions import (
    CONDITIONS,
    CONTEXT_CONDITIONS,
    DEFAULT_CONDITIONS,
    DOCUMENT_CONDITIONS,
    SEARCHABLE_CONDITIONS,
    adapter_of,
    trained_with_context,
)

__all__ = [
    "CONDITIONS", "CONTEXT_CONDITIONS", "DEFAULT_CONDITIONS", "DOCUMENT_CONDITIONS", "SEARCHABLE_CONDITIONS",
    "adapter_of", "trained_with_context",
]
