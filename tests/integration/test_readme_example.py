"""The README's first Python example: every name it imports exists and it compiles (default suite);
it runs as printed on 4 items instead of 20, writing to a temp folder (slow: a minute of sampling)."""

import ast
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def first_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## A first example", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_example_compiles_and_imports_what_exists():
    code = first_example()
    tree = ast.parse(code)
    compile(tree, "README.md", "exec")
    imports = [node for node in tree.body if isinstance(node, ast.ImportFrom)]
    assert imports and all(node.module.startswith("ragreason") for node in imports)
    for node in imports:
        module = importlib.import_module(node.module)
        assert all(hasattr(module, a.name) for a in node.names), node.module


@pytest.mark.slow
def test_the_readme_example_runs(tmp_path, default_llm, shared_data):
    code = first_example()
    assert len(code.strip().splitlines()) <= 15 and "[:20]" in code and '"answers.jsonl"' in code
    code = code.replace("[:20]", "[:4]").replace('"answers.jsonl"', repr(str(tmp_path / "answers.jsonl")))
    code = code.replace('"../shared/data/', f'"{shared_data}/')  # the data may be found by $RAGREASON_DATA
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "VLLM_NO_USAGE_STATS": "1"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-4000:]
    accuracy = float(done.stdout.strip().splitlines()[-1])
    assert 0.0 <= accuracy <= 1.0
    assert len((tmp_path / "answers.jsonl").read_text().splitlines()) == 4
