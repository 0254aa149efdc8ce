"""A whole recipe search on a tiny model served by vLLM: base and retrieval, option scores and sampled votes,
exhaustive and racing; the records it keeps are what the leaderboard says, and a rerun resumes."""

import json

import pytest
import yaml
from tiny_model import build_tiny_model

from ragreason.experiment.validate import load_config
from ragreason.synth import SynthConfig, generate_problems, write_jsonl
from ragreason.tune import tune


@pytest.fixture(scope="module")
def space(tmp_path_factory):
    root = tmp_path_factory.mktemp("tune")
    tiny_model_dir = build_tiny_model(root / "tiny", max_positions=4096)
    write_jsonl(generate_problems(12, SynthConfig(lang="en", seed=4, questions_per_problem=2)), root / "synth.jsonl")
    (root / "kb").mkdir()
    rules = "# Order\nIf A is taller than B and B is taller than C, A is taller than C.\n"
    (root / "kb" / "rules.md").write_text(rules)
    raw = {
        "name": "tiny-tune", "out": "out",
        "data": {"format": "competition", "path": "synth.jsonl", "test_fraction": 0.3},
        "model": {"path": str(tiny_model_dir), "options": {"dtype": "float32", "max_model_len": 4096,
                                                           "kv_cache_bytes": 128 << 20}},
        "prompt": {"template": "direct", "max_context_tokens": 300},
        "retrieval": {"kind": "bm25", "top_k": 2, "knowledge": str(root / "kb")},
        "sampling": {"max_tokens": 6}, "calibrate": "batch",
        "space": {"condition": ["base", "rag"], "votes": [1, 3], "score": ["label", None]},
        "race": {"dev_size": 8, "first": 4},
    }
    (root / "space.yaml").write_text(yaml.safe_dump(raw))
    return root


@pytest.fixture(scope="module")
def home(space):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RAGREASON_HOME", str(space / "home"))
        yield


def test_exhaustive_then_a_rerun_resumes_every_answer(space, home):
    first = tune(space / "space.yaml", exhaustive=True, out=space / "exhaustive", progress=False)
    assert len(first.race.standings) == 8 and all(len(s.correct) == len(first.split.dev) for s in first.race.standings)
    board = json.loads((space / "exhaustive" / "leaderboard.json").read_text())
    by_name = {r["recipe"]: r for r in board["leaderboard"]}
    for s in first.race.standings:  # the leaderboard's accuracy is the records' share right
        assert by_name[s.recipe.name]["accuracy"] == pytest.approx(sum(s.correct) / len(s.correct))
    assert first.tokens > 0 and board["test"][-1]["name"] == "prior"
    best = load_config(space / "exhaustive" / "best.yaml")
    assert best.conditions[0] == first.winner.condition and best.votes[0] == first.winner.votes
    again = tune(space / "space.yaml", exhaustive=True, test=False, out=space / "exhaustive", progress=False)
    assert again.tokens == 0  # every answer resumed from the records: nothing drawn
    assert [s.correct for s in again.race.standings] == [s.correct for s in first.race.standings]


def test_a_token_budget_stops_the_race_on_the_real_engine(space, home):
    result = tune(space / "space.yaml", budget="1 tokens", test=False, out=space / "race", progress=False)
    assert result.race.stopped == "budget spent"
    assert {len(s.correct) for s in result.race.standings if s.correct} == {4}
