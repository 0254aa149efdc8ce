"""Typed access to the fields of one raw record; every failure names the field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..types import MAX_OPTIONS, option_letters
from .errors import DataError, Where

_LABEL = re.compile(r"^\s*\(?([A-Za-z])\s*[).:：、．,，]\s*")


class Fields:
    """A raw record (a dict) at a known place; ``prefix`` names nested records ("questions[2]")."""

    def __init__(self, data: Mapping[str, Any], where: Where, prefix: str = "") -> None:
        self.data = data
        self.where = where
        self.prefix = prefix

    def name(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def error(self, key: str, message: str) -> DataError:
        return self.where.error(message, field=self.name(key))

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def raw(self, key: str) -> Any:
        if key not in self.data or self.data[key] is None:
            raise self.error(key, "missing")
        return self.data[key]

    def text(self, key: str, *, allow_empty: bool = False) -> str:
        value = self.raw(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise self.error(key, f"expected text, got {type(value).__name__}")
        if not allow_empty and not value.strip():
            raise self.error(key, "empty")
        return value

    def optional_text(self, key: str, default: str = "") -> str:
        return self.text(key, allow_empty=True) if self.has(key) else default

    def identifier(self, key: str) -> str:
        return self.text(key).strip()

    def records(self, key: str) -> list[Fields]:
        value = self.raw(key)
        if not isinstance(value, list):
            raise self.error(key, f"expected a list, got {type(value).__name__}")
        if not value:
            raise self.error(key, "empty list")
        out = []
        for i, entry in enumerate(value):
            if not isinstance(entry, Mapping):
                raise self.error(f"{key}[{i}]", f"expected an object, got {type(entry).__name__}")
            out.append(Fields(entry, self.where, self.name(f"{key}[{i}]")))
        return out

    def options(self, key: str, *, labels: str = "auto") -> tuple[str, ...]:
        """A list of option texts. ``labels``: "strip" (each must start "A) ..."), "auto" (strip when
        every option carries its own label in order), "keep"."""
        value = self.raw(key)
        if not isinstance(value, list):
            raise self.error(key, f"expected a list of option texts, got {type(value).__name__}")
        if not value:
            raise self.error(key, "empty option list")
        if len(value) < 2:
            raise self.error(key, f"needs at least 2 options, got {len(value)}")
        if len(value) > MAX_OPTIONS:
            raise self.error(key, f"at most {MAX_OPTIONS} options, got {len(value)}")
        for i, option in enumerate(value):
            if not isinstance(option, str) or not option.strip():
                raise self.error(f"{key}[{i}]", "option must be non-empty text")
        if labels == "keep":
            return tuple(value)
        stripped = strip_labels(value)
        if stripped is None:
            if labels == "strip":
                raise self.error(key, "options must be labelled in order: 'A) ...', 'B) ...'")
            return tuple(value)
        return stripped

    def answer(self, key: str, n_options: int, *, kind: str = "letter") -> str:
        """The gold answer as a letter. ``kind``: "letter" ("B"), "index" (0-based int), "either"."""
        value = self.raw(key)
        letters = option_letters(n_options)
        if isinstance(value, bool):
            raise self.error(key, f"expected an option letter or index, got {value!r}")
        if isinstance(value, int) and kind in ("index", "either"):
            if not 0 <= value < n_options:
                raise self.error(key, f"answer index {value} out of range 0-{n_options - 1}")
            return letters[value]
        if isinstance(value, str) and kind in ("letter", "either"):
            letter = value.strip().upper()
            if len(letter) != 1 or letter not in letters:
                raise self.error(key, f"answer {value!r} names no option (options are {', '.join(letters)})")
            return letter
        wanted = {"letter": "an option letter", "index": "a 0-based option index", "either": "a letter or index"}
        raise self.error(key, f"expected {wanted[kind]}, got {value!r}")

    def extras(self, known: set[str]) -> dict[str, Any]:
        """Fields the format does not use, kept so that nothing is lost on write-back."""
        return {k: v for k, v in self.data.items() if k not in known}


def strip_labels(options: list[str]) -> tuple[str, ...] | None:
    """Remove "A) " style labels when every option carries its own label in order; else None."""
    out = []
    for letter, option in zip(option_letters(len(options)), options, strict=True):
        match = _LABEL.match(option)
        if not match or match.group(1).upper() != letter or not option[match.end():].strip():
            return None
        out.append(option[match.end():].strip())
    return tuple(out)
