"""The loop every loader shares: build typed records from raw ones, skip or stop on bad ones,
and check that ids are unique."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TypeVar

from ..types import Item, Problem
from .errors import DataError, Rejects, Where

log = logging.getLogger(__name__)

T = TypeVar("T", Item, Problem)
Raw = tuple[Where, object]


def build_records(
    raws: Iterable[Raw | DataError],
    build: Callable[[Where, object], T],
    *,
    strict: bool = True,
    rejects: Rejects | None = None,
    duplicates: str = "error",
) -> list[T]:
    """Build one record per raw record.

    ``strict=True`` stops at the first bad record with a ``DataError``; ``strict=False`` skips bad
    records, logs each and adds it to ``rejects``, and keeps every good one.
    ``duplicates``: "error" (a repeated id is a bad record) or "suffix" (a repeated id gets
    ``-L<line>`` appended, with a warning; for upstream files known to repeat ids).
    """
    if duplicates not in ("error", "suffix"):
        raise ValueError(f"duplicates must be 'error' or 'suffix', got {duplicates!r}")
    rejects = rejects if rejects is not None else Rejects()
    out: list[T] = []
    seen: dict[tuple[str, str], Where] = {}
    for raw in raws:
        try:
            if isinstance(raw, DataError):
                raise raw
            where, data = raw
            record = build(where, data)
            record = _unique(record, where, seen, duplicates)
        except DataError as error:
            if strict:
                raise
            rejects.add(error)
            continue
        out.append(record)
    if rejects:
        log.warning("%d bad record(s) skipped, %d kept", len(rejects), len(out))
    return out


def _ids(record: Item | Problem) -> list[tuple[str, str]]:
    """Ids as (kind, id): problems and items are separate namespaces."""
    if isinstance(record, Problem):
        return [("problem", record.id), *(("item", item.id) for item in record.items)]
    return [("item", record.id)]


def _unique(record: T, where: Where, seen: dict[tuple[str, str], Where], duplicates: str) -> T:
    clash = next((i for i in _ids(record) if i in seen), None)
    if clash is not None:
        first = seen[clash]
        if duplicates == "error":
            raise where.error(f"duplicate {clash[0]} id {clash[1]!r} (first seen at line {first.line})", field="id")
        if not isinstance(record, Item):
            raise ValueError("duplicates='suffix' is only supported for item loaders")
        new_id = f"{record.id}-L{where.line}"
        log.warning("%s:%s: duplicate id %r (first at line %s); renamed %r",
                    where.path, where.line, clash[1], first.line, new_id)
        record = replace(record, id=new_id)
    for i in _ids(record):
        seen[i] = where
    return record


def guard(where: Where, build: Callable[[], T]) -> T:
    """Turn a validation error raised by a dataclass into a located ``DataError``."""
    try:
        return build()
    except DataError:
        raise
    except (ValueError, TypeError) as exc:
        raise where.error(str(exc)) from exc
