"""The demo's own path (generate data, write a config, run the benchmark) on a tiny model."""

from pathlib import Path

import pytest
import yaml
from tiny_model import build_tiny_model

from ragreason.bench.demo import DemoOptions, demo_config, run_demo, write_data
from ragreason.experiment.validate import validate_config


def test_demo_config_is_valid_for_both_modes(tmp_path):
    for fast in (True, False):
        options = DemoOptions(out=tmp_path / str(fast), fast=fast, train_problems=3, test_problems=2)
        options.out.mkdir()
        path = options.out / "demo.yaml"
        path.write_text(yaml.safe_dump(demo_config(options, write_data(options))))
        assert validate_config(path) == []
        conditions = yaml.safe_load(path.read_text())["conditions"]
        assert conditions == (["base", "rag"] if fast else ["base", "rag", "ft", "rag+ft"])


def test_fast_demo_runs_end_to_end(tmp_path, monkeypatch):
    monkeypatch.setenv("RAGREASON_HOME", str(tmp_path / "home"))
    model = build_tiny_model(tmp_path / "tiny", max_positions=4096)
    cfg = (model / "config.json")
    assert cfg.is_file()
    options = DemoOptions(out=tmp_path / "demo", fast=True, model=str(model), train_problems=4, test_problems=2,
                          votes=2)
    original = demo_config

    def tiny_config(opts, data):
        config = original(opts, data)
        config["model"]["options"] = {"dtype": "float32", "max_model_len": 4096, "kv_cache_bytes": 128 << 20}
        return config

    monkeypatch.setattr("ragreason.bench.demo.demo_config", tiny_config)
    report = run_demo(options, progress=False)
    assert [r.arm for r in report.rows] == ["prior", "base@2", "rag@2"]
    assert report.n_test == sum(1 for line in (options.out / "data" / "test.jsonl").open()
                                for _ in yaml.safe_load(line)["questions"])
    assert (options.out / "report" / "report.md").is_file() and Path(options.out / "demo.yaml").is_file()


@pytest.mark.slow
def test_real_demo_fast_mode_prints_the_table(tmp_path):
    """`ragreason demo --task logic --fast` with the packaged model (several minutes)."""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "ragreason", "demo", "--task", "logic", "--fast",
                          "--out", str(tmp_path / "d"), "--train-problems", "20", "--test-problems", "10"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "| base@1 |" in run.stdout and "| prior |" in run.stdout and "| chance |" in run.stdout
    assert "report:" in run.stdout


@pytest.mark.slow
def test_real_world_demo_fast_retrieval_knows_what_the_model_does_not(tmp_path):
    """`ragreason demo --fast` with the packaged model on a small world (a few minutes): retrieval beats the
    base significantly, and after the update it answers the changed facts from the re-written folder."""
    import re
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "ragreason", "demo", "--fast", "--people", "16",
                          "--out", str(tmp_path / "d")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    rag = re.search(r"^\| rag@1 \| ([\d.]+) \[[^]]*\] \| [+-][\d.]+ \(p=([\d.e-]+)\)", run.stdout, re.M)
    assert rag and float(rag.group(2)) < 0.01, run.stdout
    after = run.stdout.split("after the update")[1]
    changed = re.search(r"^\| rag@1 \| ([\d.]+) ", after, re.M)
    assert changed and float(changed.group(1)) >= 60.0, run.stdout
    assert len(run.stdout.splitlines()) <= 40


def test_world_demo_fast_runs_end_to_end_with_the_update(tmp_path, monkeypatch):
    """The world demo's own path on a tiny model: base, rag and graph over a small world, then every arm on the
    changed facts with its retriever rebuilt over the updated folder; the records name their documents."""
    from ragreason.bench.demo_findings import world_findings
    from ragreason.bench.demo_world import WorldDemoOptions, run_world_demo, world_config

    monkeypatch.setenv("RAGREASON_HOME", str(tmp_path / "home"))
    model = build_tiny_model(tmp_path / "tiny", max_positions=4096)

    def tiny_config(opts):
        config = world_config(opts)
        config["model"]["options"] = {"dtype": "float32", "max_model_len": 4096, "kv_cache_bytes": 128 << 20}
        return config

    monkeypatch.setattr("ragreason.bench.demo_world.world_config", tiny_config)
    options = WorldDemoOptions(out=tmp_path / "demo", people=10, fast=True, model=str(model))
    demo = run_world_demo(options, progress=False)
    assert [r.arm for r in demo.report.rows] == ["prior", "base@1", "rag@1", "graph@1"]
    assert demo.report.n_test == sum(1 for _ in (options.out / "world" / "test.jsonl").open())
    update = demo.report.update
    assert update is not None and update.n_test == demo.changed == 8  # three quarters of the 10 people changed
    assert [s.arm for s in demo.stale] == ["prior", "base@1", "rag@1", "graph@1"]
    rag = [r for r in demo.records if r.arm == "rag@1"]
    assert all(r.documents for r in rag)  # a recall where the question names the documents it needs
    assert all((r.recall is None) == (r.slices["kind"] in ("absent", "convention")) for r in rag)
    assert not any(r.documents for r in demo.records if r.arm == "base@1")
    assert set(demo.report.grounding) == {"rag@1", "graph@1"}
    assert any(line.startswith("1. Changing knowledge (8 questions") for line in world_findings(demo))
    assert (options.out / "report" / "records-updated.jsonl").is_file()
