"""Benchmark arms that are each one `ragreason run` over a folder's questions: the command, and the wall
seconds of every arm kept in ``<folder>/seconds.json`` so that a rerun runs only the arms it lacks (each
run resumes its own answers file)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def ragreason_run(data: Path, out: Path, flags: Sequence[str]) -> float:
    """``ragreason run`` on the ``mcq`` file ``data`` into ``out``; its wall seconds."""
    command = [sys.executable, "-m", "ragreason", "run", "--data", str(data), "--format", "mcq", "--out", str(out),
               "--no-progress", *flags]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def timed_arms(folder: Path, names: Sequence[str], run: Callable[[Path, str], float]) -> dict[str, float]:
    """Each arm's seconds: read from ``seconds.json``, or ``run(folder, name)`` and recorded at once."""
    timing = folder / "seconds.json"
    seconds = json.loads(timing.read_text()) if timing.is_file() else {}
    for name in names:
        if name not in seconds:
            seconds[name] = run(folder, name)
            timing.write_text(json.dumps(seconds, indent=1))
    return seconds
