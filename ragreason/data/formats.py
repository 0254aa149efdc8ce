"""One entry point over all loaders: ``load_items(path, format)`` and ``load_problems(path, format)``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..types import Item, Problem
from .clutrr import load_clutrr
from .competition import load_competition
from .errors import Rejects
from .logic_lm import load_logic_lm
from .logiqa import load_logiqa2
from .mcq import load_mcq
from .pararule import load_pararule_plus

GROUPED: dict[str, Callable[..., list[Problem]]] = {
    "competition": load_competition,
    "pararule-plus": load_pararule_plus,
}
FLAT: dict[str, Callable[..., list[Item]]] = {
    "mcq": load_mcq,
    "logiqa2": load_logiqa2,
    "logic-lm": load_logic_lm,
    "clutrr": load_clutrr,
}
FORMATS = tuple(sorted([*GROUPED, *FLAT]))


def _check(fmt: str) -> None:
    if fmt not in GROUPED and fmt not in FLAT:
        raise ValueError(f"unknown data format {fmt!r}; known formats: {', '.join(FORMATS)}")


def load_problems(
    path: str | Path, fmt: str, *, strict: bool = True, rejects: Rejects | None = None, **options: Any
) -> list[Problem]:
    """Problems in file order. A flat format gives one single-item problem per item."""
    _check(fmt)
    if fmt in GROUPED:
        return GROUPED[fmt](path, strict=strict, rejects=rejects, **options)
    items = FLAT[fmt](path, strict=strict, rejects=rejects, **options)
    return [Problem(item.id, item.context, (item,)) for item in items]


def load_items(
    path: str | Path, fmt: str, *, strict: bool = True, rejects: Rejects | None = None, **options: Any
) -> list[Item]:
    """Every question of the file as a flat list, in file order."""
    _check(fmt)
    if fmt in FLAT:
        return FLAT[fmt](path, strict=strict, rejects=rejects, **options)
    return flatten(GROUPED[fmt](path, strict=strict, rejects=rejects, **options))


def flatten(problems: list[Problem]) -> list[Item]:
    return [item for problem in problems for item in problem.items]
