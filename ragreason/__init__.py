"""ragreason: retrieval-augmented reasoning."""

__version__ = "0.1.0"
