"""The benchmark's vote-size arms share one draw: base@3 votes over the first 3 of base@5's samples."""

import json
from collections import Counter

import yaml

import ragreason.bench.run as bench_run
from ragreason.bench import run_bench
from ragreason.experiment import load_config
from ragreason.generate import FakeGenerator

SAMPLES = "ABBAA"  # maj@5 is A, maj@3 is B: an arm that drew its own or reused all five would differ


def test_smaller_vote_sizes_reuse_the_largest_draw(tmp_path, tiny_model_dir, monkeypatch):
    items = [{"id": f"q{i}", "question": f"Question {i}?", "options": ["x", "y", "z"], "answer": "B"}
             for i in range(4)]
    (tmp_path / "items.jsonl").write_text("".join(json.dumps(i) + "\n" for i in items))
    raw = {"name": "reuse", "out": "out", "data": {"format": "mcq", "path": "items.jsonl", "test_fraction": 0.5},
           "model": {"path": str(tiny_model_dir)}, "prompt": {"template": "direct-en"},
           "conditions": ["base"], "votes": [3, 5], "score": None, "calibrate": None, "fallback": "none"}
    (tmp_path / "bench.yaml").write_text(yaml.safe_dump(raw))
    fakes = []

    def fake_generator(config, adapters, **kwargs):
        fakes.append(FakeGenerator(lambda prompt, sample, adapter: f"Answer: {SAMPLES[sample % 5]}"))
        return fakes[-1]

    monkeypatch.setattr(bench_run, "build_generator", fake_generator)
    report = run_bench(load_config(tmp_path / "bench.yaml"), progress=False)
    draws = [c["n"] for c in fakes[0].calls if c["method"] == "generate" and c["max_tokens"] > 1]
    assert draws == [5]  # one draw of five; the engine's warm-up call aside
    accuracy = {row.arm: row.accuracy for row in report.rows}
    assert accuracy["base@3"] == 1.0 and accuracy["base@5"] == 0.0  # B is maj@3 of ABBAA, A is maj@5
    assert Counter(SAMPLES[:3]).most_common(1)[0][0] == "B"
