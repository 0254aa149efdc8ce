"""Read raw records from JSONL, JSON-list and CSV files, keeping each record's line number.

Readers yield ``(Where, data)`` pairs, or a ``DataError`` for a line that cannot be read (bad JSON,
bad encoding) so that a lenient load can skip it and go on. A fault that spoils the whole file
(a missing file, a broken JSON list) is raised at once.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import DataError, Where

RawRecord = tuple[Where, Any]

_BOM = b"\xef\xbb\xbf"


def _read_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise DataError(path, "no such file")
    return path.read_bytes()


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_utf8(path: Path, data: bytes) -> str:
    """The whole file as text; a wrong encoding is reported with the line it is on."""
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(
            path, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); re-save the file as UTF-8",
            line=_line_of_offset(data, exc.start),
        ) from exc


def iter_jsonl(path: str | Path) -> Iterator[RawRecord | DataError]:
    """One JSON object per non-blank line."""
    path = Path(path)
    data = _read_bytes(path)
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        where = Where(path, line=number)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield where.error(f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); re-save the file as UTF-8")
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield where.error(f"malformed JSON: {exc.msg} at column {exc.colno}")
            continue
        if not isinstance(obj, dict):
            yield where.error(f"expected a JSON object, got {type(obj).__name__}")
            continue
        yield where, obj


def iter_json_list(path: str | Path) -> Iterator[RawRecord | DataError]:
    """A file holding one JSON list of objects; each record keeps the line it starts on."""
    path = Path(path)
    data = _read_bytes(path)
    text = decode_utf8(path, data)
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    if pos >= len(text) or text[pos] != "[":
        raise DataError(path, "expected a JSON list of records ('[' ...)", line=text.count("\n", 0, pos) + 1)
    pos = _skip_ws(text, pos + 1)
    index = 0
    while pos < len(text) and text[pos] != "]":
        line = text.count("\n", 0, pos) + 1
        try:
            obj, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise DataError(path, f"malformed JSON: {exc.msg} at column {exc.colno}", line=exc.lineno) from exc
        where = Where(path, line=line, record=index)
        if isinstance(obj, dict):
            yield where, obj
        else:
            yield where.error(f"expected a JSON object, got {type(obj).__name__}")
        index += 1
        pos = _skip_ws(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
        elif pos < len(text) and text[pos] != "]":
            raise DataError(path, "malformed JSON: expected ',' or ']'", line=text.count("\n", 0, pos) + 1)
    if pos >= len(text):
        raise DataError(path, "malformed JSON: the list is not closed (truncated file?)",
                        line=text.count("\n") + 1)


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def iter_csv(path: str | Path, required: tuple[str, ...] = ()) -> Iterator[RawRecord | DataError]:
    """CSV rows as dicts keyed by the header; each row keeps the line it starts on."""
    path = Path(path)
    text = decode_utf8(path, _read_bytes(path))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [name for name in required if name not in header]
    if missing:
        raise DataError(path, f"CSV header lacks column(s) {', '.join(missing)}", line=1, field=missing[0])
    line = 2
    for row in reader:
        where = Where(path, line=line)
        line = reader.line_num + 1
        if None in row:
            yield where.error(f"row has {len(header) + len(row[None])} cells, header has {len(header)}")
            continue
        yield where, row
