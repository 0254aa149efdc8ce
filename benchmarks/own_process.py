"""Benchmark arms that each need a process of their own (vLLM allows one in-process engine per process,
and some settings only take effect in a fresh one): the script reruns itself with ``--one ARM`` and the
arm prints its result as one ``RESULT {json}`` line, which the parent reads back."""

from __future__ import annotations

import json
import subprocess
import sys

MARK = "RESULT "


def report(result: dict) -> None:
    """Print an arm's result for the parent process."""
    print(MARK + json.dumps(result), flush=True)


def run_arm(script: str, arm: str, *args: str) -> dict:
    """Run ``script --one arm *args`` in a new Python process and return the result it reported."""
    done = subprocess.run([sys.executable, script, "--one", arm, *args], capture_output=True, text=True, check=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith(MARK)), None)
    if line is None:
        raise RuntimeError(f"{script} --one {arm} reported no result; its output ended with:\n{done.stdout[-2000:]}")
    return json.loads(line[len(MARK):])
