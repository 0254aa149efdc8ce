"""vLLM starts in a process that has already loaded bm25s (which loads numba and llvmlite)."""

import subprocess
import sys

SCRIPT = """
import os, sys
os.environ["VLLM_ENABLE_V1_MULTIPROCESSING"] = "0"
import bm25s
assert "llvmlite" in sys.modules
from ragreason.generate import VLLMGenerator
from ragreason.types import Prompt
gen = VLLMGenerator(sys.argv[1], dtype="float32", max_model_len=512, kv_cache_bytes=64 << 20)
out = gen.generate([Prompt("p", ({"role": "user", "content": "hi"},), "t")], n=2, temperature=0.8, max_tokens=3)
assert len(out[0]) == 2
gen.close()
print("started")
"""


def test_vllm_starts_after_bm25s(tiny_model_dir):
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(tiny_model_dir)], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "started" in run.stdout
