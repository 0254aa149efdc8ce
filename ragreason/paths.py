"""Where ragreason finds the shared data sets."""

from __future__ import annotations

import os
from pathlib import Path


def shared_data_dir() -> Path | None:
    """``$RAGREASON_DATA``, else the first ``shared/data`` beside the working directory or the package."""
    env = os.environ.get("RAGREASON_DATA")
    if env:
        return Path(env).expanduser()
    starts = [Path.cwd(), Path(__file__).resolve().parent]
    for start in starts:
        for folder in (start, *start.parents):
            candidate = folder.parent / "shared" / "data"
            if candidate.is_dir():
                return candidate
    return None
