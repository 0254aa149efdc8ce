"""A command whose reader goes away (``| head``) ends quietly, with no traceback."""

import subprocess
import sys

SCRIPT = """
import sys
import ragreason.cli.synth as synth
from ragreason.cli import main

def run(args):  # far more than a pipe holds, so the writer meets the closed pipe
    for _ in range(20000):
        print("x" * 80)
    return 0

synth.run = run
sys.exit(main(["synth", "--out", "unused.jsonl"]))
"""


def test_a_closed_pipe_ends_the_command_without_a_traceback(tmp_path):
    script = tmp_path / "many_lines.py"
    script.write_text(SCRIPT)
    done = subprocess.run(["bash", "-c", f"{sys.executable} {script} | head -c 1"], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.stdout == "x"
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr, done.stderr
