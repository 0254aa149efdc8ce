"""Every script in examples/ runs, start to end, on the packaged models (small arguments), and
prints what it promises. Each starts its own vLLM engine (~25 s in a fresh process on a 2-core CPU)
and some train, serve or benchmark for minutes, so only ``graph_rag`` runs in the default suite and the
others are marked slow (``pytest -m slow``). What they do is covered in the default suite by the tests
of the parts they call (tests/integration/test_cli_run.py, test_server.py, test_bench_tiny.py,
test_readme_example.py), and every ragreason name every example imports is checked by
tests/unit/test_imports.py."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

SLOW = {"quickstart", "competition", "finetune_and_serve", "benchmark", "ask_documents"}
CASES = {
    "ask_documents": ([], ["Q: ", "A: ", "rests on ["]),
    "quickstart": ([], ["indexed", "context [", "sample:", "votes", "answer"]),
    "graph_rag": (["--n", "1", "--votes", "2"], ["retrieved path:", "answer"]),
    "competition": (["--limit", "6", "--votes", "3"], ["accuracy", "submission:"]),
    "finetune_and_serve": (["--problems", "8", "--steps", "4"], ["adapter:", "server: http://127.0.0.1:",
                                                                 "samples ["]),
    "benchmark": (["--problems", "6", "--fast"], ["base@1", "rag@3", "report:"]),
}


def run_example(name: str, args: list[str], cwd: Path) -> str:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "VLLM_NO_USAGE_STATS": "1",
           "TOKENIZERS_PARALLELISM": "false"}
    done = subprocess.run([sys.executable, str(EXAMPLES / f"{name}.py"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=1200)
    if done.returncode != 0:
        pytest.fail(f"examples/{name}.py exited {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}")
    return done.stdout


def test_every_example_is_tested():
    assert sorted(p.stem for p in EXAMPLES.glob("*.py")) == sorted(CASES)


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in sorted(CASES)])
def test_example_runs(name, tmp_path, default_llm, shared_data):
    args, expected = CASES[name]
    out = run_example(name, args, tmp_path)
    missing = [text for text in expected if text not in out]
    assert not missing, f"examples/{name}.py did not print {missing}:\n{out[-3000:]}"
    assert len((EXAMPLES / f"{name}.py").read_text().splitlines()) <= 60
