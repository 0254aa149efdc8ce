"""Command-line flags generated from a settings dataclass: one flag per field, named after it
(``lr`` -> ``--lr``), typed by its annotation, with the help text and choices of its metadata.

A flag left out stays None, so the dataclass's own default applies; ``spec_from_args`` builds the
dataclass from the flags given (its ``__post_init__`` checks the values).
"""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from typing import Any, TypeVar

T = TypeVar("T")


def add_spec_flags(group: Any, cls: type, *, skip: tuple[str, ...] = ()) -> None:
    """Add a ``--field-name`` flag for every field of ``cls`` not in ``skip``."""
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if f.name in skip:
            continue
        kind = _plain(hints[f.name])
        default = f.default if f.default is not dataclasses.MISSING else None
        help_text = f"{f.metadata.get('help', '')} (default: {_show(default)})".strip()
        flag = "--" + f.name.replace("_", "-")
        if kind is bool:
            group.add_argument(flag, action=argparse.BooleanOptionalAction, default=None, help=help_text)
        else:
            group.add_argument(flag, type=_parser(kind, default), choices=f.metadata.get("choices"), default=None,
                               help=help_text, metavar=f.name.upper() if f.metadata.get("choices") is None else None)


def spec_from_args(cls: type[T], args: argparse.Namespace) -> T:
    """``cls`` with the fields whose flags were given."""
    given = {f.name: getattr(args, f.name) for f in dataclasses.fields(cls) if getattr(args, f.name, None) is not None}
    return cls(**given)


def _plain(hint: Any) -> Any:
    """The type a flag parses into: ``int | None`` -> int; ``str | tuple[str, ...]`` -> tuple."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return next((a for a in args if typing.get_origin(a) is tuple), args[0])
    return hint


def _parser(kind: Any, default: Any) -> Any:
    if typing.get_origin(kind) is not tuple:
        return kind

    def names(text: str) -> str | tuple[str, ...]:
        """A list flag: its default word ("all-linear") stays a word, ``q_proj,v_proj`` becomes names."""
        if text == default:
            return text
        return tuple(part.strip() for part in text.split(",") if part.strip())

    return names


def _show(value: Any) -> str:
    return "unset" if value is None else str(value)
