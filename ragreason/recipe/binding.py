"""YAML settings bound to typed dataclasses: every unknown, missing or mistyped setting listed at once, named
by where it is (``finetune.train.lr``). What a benchmark config, a search space and a recipe file are read with.

A setting whose type is itself a dataclass is written as a mapping under its name and bound the same way."""

from __future__ import annotations

import dataclasses
import types
import typing
from pathlib import Path
from typing import Any


def read_mapping(path: Path, what: str) -> tuple[dict[str, Any] | None, list[str]]:
    """The YAML mapping in ``path``, or None and why not (``what``: "config", "search space", ...)."""
    import yaml

    if not path.is_file():
        return None, [f"no such {what} file: {path}"]
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        return None, [f"not valid YAML: {exc}"]
    if not isinstance(raw, dict):
        return None, [f"the {what} must be a mapping of sections"]
    return dict(raw), []


def bind(cls: type, raw: dict[str, Any], prefix: str, problems: list[str], base: Any = None) -> Any:
    """``cls`` from the well-typed settings of a mapping (nested settings too), those not given taken from
    ``base`` (an instance of ``cls``; None: the class's defaults); None, with the problems listed, when a
    required setting is missing or the class's own checks reject them."""
    values = bind_settings(cls, raw, prefix, problems)
    required = [f.name for f in dataclasses.fields(cls)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    if any(name not in values for name in required):  # listed as missing or mistyped by bind_settings
        return None
    hints = typing.get_type_hints(cls)
    for name, value in list(values.items()):
        if _nested(hints[name]):
            if not isinstance(value, dict):
                problems.append(f"{prefix}{name}: expected a mapping, got {value!r}")
                del values[name]
                continue
            nested = bind(hints[name], value, f"{prefix}{name}.", problems, default_of(cls, name))
            if nested is None:
                del values[name]
            else:
                values[name] = nested
    if base is not None:
        values = {**{f.name: getattr(base, f.name) for f in dataclasses.fields(cls)}, **values}
    try:
        built = cls(**values)
    except ValueError as exc:  # the class's own checks (a SpecError lists every bad value)
        text = str(exc).split(": ", 1)[1] if str(exc).startswith("bad ") else str(exc)
        problems += [_where(part, prefix, {f.name for f in dataclasses.fields(cls)}) for part in text.split("; ")]
        return None
    return built


def _where(problem: str, prefix: str, names: set[str]) -> str:
    """A class's problem named by where it is: "top_p: must be ..." under ``sampling.`` -> "sampling.top_p: ..."."""
    name, sep, why = problem.partition(": ")
    return f"{prefix}{name}: {why}" if sep and name in names else f"{prefix.rstrip('.')}: {problem}"


def default_of(cls: type, name: str) -> Any:
    """The default value of the dataclass ``cls``'s setting ``name`` (None when it has none)."""
    f = next(f for f in dataclasses.fields(cls) if f.name == name)
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None if f.default is dataclasses.MISSING else f.default


def bind_settings(cls: type, raw: dict[str, Any], prefix: str, problems: list[str],
                  skip: set[str] = frozenset()) -> dict:
    """The settings of ``raw`` that are fields of the dataclass ``cls`` and have its field types (a nested
    dataclass's mapping as it is); every unknown, missing or mistyped one is added to ``problems``."""
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    out: dict[str, Any] = {}
    known = [n for n in fields if n != "base_dir"]
    for key in raw:
        if key not in fields and key not in skip:
            problems.append(f"{prefix}{key}: unknown setting{_belongs(cls, key, skip)} (known: {', '.join(known)})")
    for name, f in fields.items():
        if name in skip:
            continue
        if name not in raw:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                problems.append(f"{prefix}{name}: missing")
            continue
        value = raw[name]
        if _nested(hints[name]):
            out[name] = value
            continue
        if not _fits(value, hints[name]):
            problems.append(f"{prefix}{name}: expected {_describe(hints[name])}, got {value!r}")
            continue
        out[name] = float(value) if hints[name] in (float, float | None) and isinstance(value, int) else value
    return out


def _nested(hint: Any) -> bool:
    return isinstance(hint, type) and dataclasses.is_dataclass(hint)


def _belongs(cls: type, key: str, skip: set[str]) -> str:
    """Where a setting of a nested section goes (``finetune.lr`` -> "finetune.train")."""
    for name, hint in typing.get_type_hints(cls).items():
        if name not in skip and _nested(hint) and key in {f.name for f in dataclasses.fields(hint)}:
            return f"; it belongs under {name}"
    return ""


def _fits(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, arg) for arg in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if origin in (list, tuple):
        inner = typing.get_args(hint)[0]
        return isinstance(value, list) and all(_fits(v, inner) for v in value)
    if origin is dict:
        return isinstance(value, dict)
    return isinstance(value, hint)


def _describe(hint: Any) -> str:
    return str(hint).replace("typing.", "").replace("<class '", "").replace("'>", "")
