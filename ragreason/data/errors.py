"""Errors for bad input data: each names the file, the line (or record) and the field."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


class DataError(ValueError):
    """Bad input data, located as precisely as the format allows."""

    def __init__(
        self,
        path: str | Path,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
        record: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.line = line
        self.field = field
        self.record = record
        self.message = message
        super().__init__(self.describe())

    def describe(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
        if self.record is not None:
            where += f" (record {self.record})"
        if self.field:
            where += f": field '{self.field}'"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Where:
    """The place of one record in its file, used to build located errors."""

    path: Path
    line: int | None = None
    record: int | None = None

    def error(self, message: str, field: str | None = None) -> DataError:
        return DataError(self.path, message, line=self.line, field=field, record=self.record)


class Rejects:
    """Collects the bad records skipped by a lenient (``strict=False``) load, and logs each one."""

    def __init__(self) -> None:
        self.errors: list[DataError] = []

    def add(self, error: DataError) -> None:
        log.warning("skipped bad record: %s", error)
        self.errors.append(error)

    def __len__(self) -> int:
        return len(self.errors)

    def __iter__(self):
        return iter(self.errors)
