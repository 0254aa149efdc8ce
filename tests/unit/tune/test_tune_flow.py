"""``tune`` end to end over a fake generator that is right far more often under one recipe."""

import json
import random

import yaml

import ragreason.tune.serving as tune_serving
from ragreason.experiment import load_config
from ragreason.generate import FakeGenerator
from ragreason.tune import load_space, tune

GOLDS = "ABC"


def _space(tmp_path, tiny_model_dir, n=160, race=None, space=None):
    rng = random.Random(0)
    items = [{"id": f"q{i}", "question": f"Question {i}?", "options": ["x", "y", "z"], "answer": rng.choice(GOLDS)}
             for i in range(n)]
    (tmp_path / "items.jsonl").write_text("".join(json.dumps(i) + "\n" for i in items))
    raw = {"name": "tune-test", "out": "out", "data": {"format": "mcq", "path": "items.jsonl", "test_fraction": 0.25},
           "model": {"path": str(tiny_model_dir)}, "prompt": {"template": "direct-en"},
           "calibrate": None, "fallback": "none",
           "space": space or {"votes": [1, 3, 5], "score": ["label", None]},
           "race": race or {"dev_size": 80, "first": 20, "growth": 2.0}}
    if space and "rag" in space.get("condition", ()):
        (tmp_path / "kb").mkdir(exist_ok=True)
        (tmp_path / "kb" / "facts.md").write_text("# Facts\nQuestion one has a fact.\n")
        raw["retrieval"] = {"kind": "bm25", "knowledge": "kb", "top_k": 1}
    (tmp_path / "space.yaml").write_text(yaml.safe_dump(raw))
    return tmp_path / "space.yaml", {i["id"]: i["answer"] for i in items}


def _fake(golds, starts):
    """Option scores name the gold 9 times in 10; sampled text always says A (right a third of the time)."""
    def scores(prompt, item, method):
        right = int(item.id[1:]) % 10 != 0
        letter = golds[item.id] if right else next(g for g in GOLDS if g != golds[item.id])
        return {letter: 0.0, **{g: -5.0 for g in GOLDS if g != letter}}

    def make(config, adapters, **kwargs):
        starts.append(FakeGenerator(default="Answer: A", scores=scores))
        return starts[-1]
    return make


def test_the_better_recipe_wins_and_the_others_are_dropped_early(tmp_path, tiny_model_dir, monkeypatch):
    path, golds = _space(tmp_path, tiny_model_dir)
    starts = []
    monkeypatch.setattr(tune_serving, "build_generator", _fake(golds, starts))
    result = tune(path, progress=False)
    assert result.winner.name == "base@1 score=label"
    dropped = {s.recipe.name: s.dropped_at for s in result.race.standings if s.recipe.name != result.winner.name}
    assert dropped and all(at == 20 for at in dropped.values()), dropped  # all out after the first slice
    assert result.race.stopped == "one left"
    assert len(result.race.winner.correct) == 20  # nothing answered beyond what deciding needed
    out = tmp_path / "out"
    board = (out / "leaderboard.md").read_text()
    assert "**base@1 score=label**" in board and "Test split" in board
    assert (out / "pareto.png").stat().st_size > 0
    best = load_config(out / "best.yaml")
    assert (best.conditions, best.votes, best.score) == (("base",), (1,), "label")


def test_exhaustive_answers_every_dev_item_with_every_recipe(tmp_path, tiny_model_dir, monkeypatch):
    path, golds = _space(tmp_path, tiny_model_dir)
    monkeypatch.setattr(tune_serving, "build_generator", _fake(golds, []))
    result = tune(path, exhaustive=True, test=False, progress=False)
    n = len(result.split.dev)
    assert all(len(s.correct) == n and s.alive for s in result.race.standings)
    assert result.winner.name == "base@1 score=label"


def test_recipes_share_samples_and_a_rerun_resumes(tmp_path, tiny_model_dir, monkeypatch):
    path, golds = _space(tmp_path, tiny_model_dir)
    starts = []
    monkeypatch.setattr(tune_serving, "build_generator", _fake(golds, starts))
    tune(path, exhaustive=True, test=False, progress=False)
    draws = [c["n"] for c in starts[0].calls if c["method"] == "generate" and c["max_tokens"] > 1]
    assert set(draws) == {5, 1}  # votes 3 reuse votes 5's draw; with or without the score vote, one draw
    assert sum(c["prompts"] for c in starts[0].calls if c["method"] == "score_options") == 80  # scored once each
    again = []
    monkeypatch.setattr(tune_serving, "build_generator", _fake(golds, again))
    tune(path, exhaustive=True, test=False, progress=False)
    assert again == []  # every answer resumed: no engine started


def test_a_budget_stops_the_race(tmp_path, tiny_model_dir, monkeypatch):
    path, golds = _space(tmp_path, tiny_model_dir)
    monkeypatch.setattr(tune_serving, "build_generator", _fake(golds, []))
    result = tune(load_space(path), budget="1 tokens", test=False, progress=False)
    assert result.race.stopped == "budget spent"
    assert max(len(s.correct) for s in result.race.standings) == 20


def test_a_turn_counts_the_retrieval_it_needs(tmp_path, tiny_model_dir, monkeypatch):
    """Retrieval takes 0.25 s an item: the 8 probe items spend half of a 4 s budget before the first turn,
    so the retrieval recipe's turn (12 more items) does not fit, while the base recipe's does."""
    import time

    path, golds = _space(tmp_path, tiny_model_dir, space={"condition": ["base", "rag"], "score": ["label"]})
    build = tune_serving.build_retriever

    class Slow:
        def __init__(self, inner):
            self.inner = inner

        def retrieve_many(self, items, top_k=None):
            time.sleep(0.25 * len(items))
            return self.inner.retrieve_many(items, top_k=top_k)

    monkeypatch.setattr(tune_serving, "build_retriever", lambda *a: Slow(build(*a)))
    monkeypatch.setattr(tune_serving, "build_generator", _fake(golds, []))
    result = tune(load_space(path), budget="4s", test=False, progress=False)
    reached = {s.recipe.condition: len(s.correct) for s in result.race.standings}
    assert reached == {"base": 20, "rag": 0}
    assert result.race.stopped == "budget spent" and result.seconds < 4


def test_the_command_prints_the_leaderboard_and_refuses_a_bad_budget(tmp_path, tiny_model_dir, monkeypatch, capsys):
    from ragreason.cli import main

    path, golds = _space(tmp_path, tiny_model_dir)
    monkeypatch.setattr(tune_serving, "build_generator", _fake(golds, []))
    assert main(["tune", str(path), "--budget", "soon", "--no-progress"]) == 1
    assert "give a time (30m, 90s, 1.5h)" in capsys.readouterr().out
    assert main(["tune", str(path), "--no-progress", "--out", str(tmp_path / "elsewhere")]) == 0
    shown = capsys.readouterr().out
    assert "| base@1 score=label | 20 |" in shown and "elsewhere/best.yaml" in shown
    assert (tmp_path / "elsewhere" / "ragreason.log").is_file()  # the engine log goes with the run's folder
