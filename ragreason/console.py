"""Where a user's output goes: quiet by default.

The console shows ragreason's progress bars, results and the warnings that matter to the user; what the
engines say (vLLM, transformers, peft, torch, C-level output) goes to a log file. ``quiet`` does that for
one command: it points file descriptor 2 (stderr of every library and of C code) at the log, keeps a
duplicate of the terminal for ``stream()``, and routes Python logging: every record to the log, and to
the console only ragreason's warnings and anyone's errors. Standard output (the results) is left alone.
Outside ``quiet`` (the Python API), ``stream()`` is ``sys.stderr`` and logging is the caller's.
"""

from __future__ import annotations

import io
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

CONSOLE_FORMAT = "%(levelname)s %(name)s: %(message)s"
FILE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
OWN_LOGGER = "ragreason"
LOG_NAME = "ragreason.log"  # the log file a command writes into its output folder

_terminal: TextIO | None = None
_leave_bars = True  # False inside ``transient_bars``: a finished progress bar is wiped from the terminal


def stream() -> TextIO:
    """The terminal: where progress bars and messages for the user go."""
    return _terminal if _terminal is not None else sys.stderr


def bar(total: int, desc: str, unit: str = "it", *, enabled: bool = True, initial: int = 0) -> Any:
    """A progress bar on the terminal (``stream()``), off when not ``enabled`` or with nothing to count."""
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, desc=desc, unit=unit, disable=not enabled or not total, file=stream(),
                leave=_leave_bars)


@contextmanager
def transient_bars() -> Iterator[None]:
    """Progress bars that vanish when done, for a command of many stages whose console should end with its
    results alone."""
    global _leave_bars
    before, _leave_bars = _leave_bars, False
    try:
        yield
    finally:
        _leave_bars = before


class _ForUser(logging.Filter):
    """ragreason's warnings and anyone's errors: what a quiet console shows."""

    def filter(self, record: logging.LogRecord) -> bool:
        own = record.name == OWN_LOGGER or record.name.startswith(OWN_LOGGER + ".")
        return record.levelno >= (logging.WARNING if own else logging.ERROR)


def configure_verbose(verbose: int) -> None:
    """``-v``: every library's INFO on the console (``-vv``: DEBUG), nothing redirected."""
    level = logging.DEBUG if verbose > 1 else logging.INFO
    logging.basicConfig(level=level, format=CONSOLE_FORMAT, force=True)


@contextmanager
def quiet(log_file: Path | None) -> Iterator[Path | None]:
    """Send what the engines say to ``log_file`` (None: console warnings only) for the block's duration."""
    global _terminal
    root = logging.getLogger()
    saved_level, saved_handlers = root.level, root.handlers[:]
    console = logging.StreamHandler(_TerminalProxy())
    console.addFilter(_ForUser())
    console.setFormatter(logging.Formatter(CONSOLE_FORMAT))
    root.handlers = [console]
    if log_file is None:
        root.setLevel(logging.WARNING)
        try:
            yield None
        finally:
            root.handlers, root.level = saved_handlers, saved_level
        return
    log_file.parent.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("VLLM_CONFIGURE_LOGGING", "0")  # vLLM's records reach the root handlers below
    logging.captureWarnings(True)
    file_handler = logging.FileHandler(log_file, encoding="utf-8")
    file_handler.setFormatter(logging.Formatter(FILE_FORMAT))
    root.addHandler(file_handler)
    root.setLevel(logging.INFO)
    try:
        with _stderr_to(log_file) as terminal:
            _terminal = terminal
            yield log_file
    finally:
        _terminal = None
        file_handler.close()
        logging.captureWarnings(False)
        root.handlers, root.level = saved_handlers, saved_level


class _TerminalProxy(io.TextIOBase):
    """Writes to ``stream()`` as it is at the time of writing (the terminal once stderr is redirected)."""

    def write(self, text: str) -> int:
        return stream().write(text)

    def flush(self) -> None:
        stream().flush()


@contextmanager
def _stderr_to(log_file: Path) -> Iterator[TextIO]:
    """Point file descriptor 2 at ``log_file`` and give a stream on what it was (the terminal); restore it
    after. Without a usable descriptor 2 nothing is redirected and the terminal is ``sys.stderr``."""
    fd = 2
    try:
        os.fstat(fd)
    except OSError:
        yield sys.stderr
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    terminal = os.fdopen(os.dup(saved), "w", buffering=1, encoding="utf-8", errors="replace")
    with open(log_file, "ab") as log:
        os.dup2(log.fileno(), fd)
    try:
        yield terminal
    finally:
        sys.stderr.flush()
        os.dup2(saved, fd)
        os.close(saved)
        terminal.close()
