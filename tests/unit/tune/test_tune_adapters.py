"""Adapters in a race: trained once, on the training items that are not dev items, served by an engine of
their own, and their training charged to the budget (also when the adapter comes from the cache)."""

import json
import random

import pytest
import yaml

import ragreason.tune.serving as tune_serving
from ragreason.generate import FakeGenerator
from ragreason.tune import tune


def _space(tmp_path, tiny_model_dir, n: int, **sections) -> dict[str, str]:
    """``space.yaml`` over ``n`` three-option questions with random golds; the golds by item id."""
    rng = random.Random(0)
    items = [{"id": f"q{i}", "question": f"Question {i}?", "options": ["x", "y", "z"], "answer": rng.choice("ABC")}
             for i in range(n)]
    (tmp_path / "items.jsonl").write_text("".join(json.dumps(i) + "\n" for i in items))
    raw = {"name": "ft-race", "out": "out", "data": {"format": "mcq", "path": "items.jsonl", "test_fraction": 0.25},
           "model": {"path": str(tiny_model_dir)}, "prompt": {"template": "direct-en"}, "calibrate": None, **sections}
    (tmp_path / "space.yaml").write_text(yaml.safe_dump(raw))
    return {i["id"]: i["answer"] for i in items}


def test_the_fine_tuned_recipe_wins_and_trains_once_on_non_dev_items(tmp_path, tiny_model_dir, monkeypatch):
    golds = _space(tmp_path, tiny_model_dir, 160, finetune={"train_limit": 50},
                   space={"condition": ["base", "ft"], "votes": [1, 3]}, race={"dev_size": 60, "first": 20})
    trained, engines = [], []

    def train_adapter(config, train, retriever, *, with_context, progress):
        trained.append([i.id for i in train])
        folder = tmp_path / "adapter"
        folder.mkdir(exist_ok=True)
        return folder, 120.0, len(trained) > 1 or (tmp_path / "reuse").exists()

    def build_generator(config, adapters, path=None, name=None):
        def scores(prompt, item, method):  # the merged adapter names the gold; the base model says A
            letter = golds[item.id] if path is not None else "A"
            return {letter: 0.0, **{g: -5.0 for g in "ABC" if g != letter}}
        engines.append(FakeGenerator(default="Answer: A", scores=scores))
        return engines[-1]

    monkeypatch.setattr(tune_serving, "train_adapter", train_adapter)
    monkeypatch.setattr(tune_serving, "merged_model", lambda folder, dtype: folder)
    monkeypatch.setattr(tune_serving, "build_generator", build_generator)
    result = tune(tmp_path / "space.yaml", test=False, progress=False)
    assert result.winner.name == "ft@1"
    assert len(trained) == 1 and not {i.id for i in result.split.dev} & set(trained[0])
    assert len(engines) == 2  # the base model's engine, then the merged adapter's
    assert result.seconds < 120  # trained here: its time is in the wall clock, not charged again
    (tmp_path / "reuse").touch()
    import shutil

    shutil.rmtree(tmp_path / "out")
    reused = tune(tmp_path / "space.yaml", test=False, progress=False)
    assert reused.seconds >= 120  # the cached adapter's recorded training time counts against the budget


def test_through_endpoints_the_adapter_is_loaded_into_the_servers_not_merged(tmp_path, tiny_model_dir, monkeypatch):
    from ragreason.generate.openai_client import Endpoint, Endpoints

    golds = _space(tmp_path, tiny_model_dir, 80, space={"condition": ["base", "ft"]},
                   race={"dev_size": 30, "first": 10})
    folder = tmp_path / "adapter"
    folder.mkdir()
    built = []

    def build_generator(config, adapters, path=None, name=None, endpoints=None):
        def scores(prompt, item, method):  # asked for the adapter by name, it names the gold
            letter = golds[item.id] if prompt_adapter[0] else "A"
            return {letter: 0.0, **{g: -5.0 for g in "ABC" if g != letter}}
        prompt_adapter = [bool(adapters)]
        built.append((dict(adapters), path, endpoints))
        return FakeGenerator(default="Answer: A", scores=scores, adapters=list(adapters))

    monkeypatch.setattr(tune_serving, "train_adapter", lambda *a, **k: (folder, 1.0, False))
    monkeypatch.setattr(tune_serving, "merged_model", lambda *a: pytest.fail("merged for an endpoint"))
    monkeypatch.setattr(tune_serving, "build_generator", build_generator)
    endpoints = Endpoints((Endpoint("http://127.0.0.1:9/v1"),))
    result = tune(tmp_path / "space.yaml", test=False, progress=False, endpoints=endpoints)
    assert built == [({}, None, endpoints), ({"ft": folder}, None, endpoints)]
    assert result.winner.name == "ft@1"
    answers = [json.loads(line) for f in (result.out / f"dev-{result.split.key}" / "answers").glob("ft*.jsonl")
               for line in f.read_text().splitlines()]
    assert answers and all(a["by_source"] for a in answers)
