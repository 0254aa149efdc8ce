"""Checking the free-form ``options`` of a config section against what they are passed to (the
loader of the data format, the generator backend), by binding them to its signature: a typo fails in
``ragreason validate`` instead of after fine-tuning has finished."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Iterable
from typing import Any


def keyword_names(target: Callable[..., Any], *, leave_out: Iterable[str] = ()) -> list[str]:
    """The keyword parameters ``target`` accepts by name, without ``leave_out`` and ``**kwargs``."""
    skip = {"self", *leave_out}
    return [p.name for p in inspect.signature(target).parameters.values()
            if p.name not in skip and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def option_problems(options: dict[str, Any], known: list[str], where: str, what: str,
                    reserved: dict[str, str] | None = None) -> list[str]:
    """One problem per option that ``known`` does not name; ``reserved`` options (set by the benchmark
    itself) say where to set them instead."""
    problems = []
    for key in options:
        if reserved and key in reserved:
            problems.append(f"{where}.{key}: set by the benchmark; {reserved[key]}")
        elif key not in known:
            problems.append(f"{where}.{key}: unknown option for {what} (known: {', '.join(known) or 'none'})")
    return problems


def value_problems(cls: type, values: dict[str, Any], where: str) -> list[str]:
    """The problem, if any, with building the settings dataclass ``cls`` from ``values``."""
    fields = {f.name for f in dataclasses.fields(cls)}
    try:
        cls(**{k: v for k, v in values.items() if k in fields})
    except (TypeError, ValueError) as exc:
        return [f"{where}: {exc}"]
    return []
