"""Entity linking: find the graph's nodes named in a question.

Every node is known by its name and aliases, normalised like node keys (NFKC width folding, case
folding, no leading article). The question is scanned left to right for the longest known form at
each position; a form that starts or ends with a Latin letter or digit must stand on word boundaries
("Al" is not found inside "Alice"), Chinese forms need none (Chinese has no spaces between words).
"""

from __future__ import annotations

import unicodedata

from .graph import KnowledgeGraph
from .graph_text import node_key


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _wordish(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class EntityLinker:
    def __init__(self, graph: KnowledgeGraph, *, min_length: int = 1) -> None:
        """``min_length``: ignore surface forms shorter than this many characters."""
        self.forms: dict[str, str] = {}
        for key in graph.nodes:
            for form in (graph.name(key), key, *graph.aliases(key)):
                folded = node_key(form)
                if len(folded) >= min_length:
                    self.forms.setdefault(folded, key)
        self.longest = max((len(f) for f in self.forms), default=0)

    def link(self, text: str) -> list[str]:
        """The node keys named in ``text``, in order of first mention, each once."""
        folded = _fold(text)
        found: list[str] = []
        i = 0
        while i < len(folded):
            match = self._longest_at(folded, i)
            if match is None:
                i += 1
                continue
            form, key = match
            if key not in found:
                found.append(key)
            i += len(form)
        return found

    def _longest_at(self, text: str, i: int) -> tuple[str, str] | None:
        if i > 0 and _wordish(text[i - 1]) and _wordish(text[i]):
            return None  # inside a Latin word
        for length in range(min(self.longest, len(text) - i), 0, -1):
            form = text[i : i + length]
            key = self.forms.get(form)
            if key is None:
                continue
            end = i + length
            if _wordish(form[-1]) and end < len(text) and _wordish(text[end]):
                continue
            return form, key
        return None
