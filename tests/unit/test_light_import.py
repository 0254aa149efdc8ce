import subprocess
import sys

HEAVY = ("torch", "vllm", "faiss", "transformers", "sentence_transformers", "peft", "jieba", "bm25s")


def test_import_ragreason_stays_light():
    code = (
        "import sys, ragreason, ragreason.types, ragreason.data, ragreason.models, ragreason.cli;"
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
