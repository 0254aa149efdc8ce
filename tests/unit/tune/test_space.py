"""The search space: recipes from the axes, settings that change nothing merged, every problem listed;
the winner's file runs as a benchmark config and as ``ragreason run --recipe``."""

import json

import yaml

from ragreason.cli import build_parser, main
from ragreason.cli.recipe_flags import apply_recipe
from ragreason.experiment import load_config
from ragreason.tune import load_space, validate_space
from ragreason.tune.best import write_best


def write(tmp_path, tiny_model_dir, **extra):
    (tmp_path / "items.jsonl").write_text("".join(
        json.dumps({"id": f"q{i}", "question": "?", "options": ["x", "y"], "answer": "A"}) + "\n" for i in range(8)))
    (tmp_path / "kb").mkdir(exist_ok=True)
    (tmp_path / "kb" / "facts.md").write_text("# Facts\nSome fact.\n")
    raw = {"name": "s", "out": "out", "data": {"format": "mcq", "path": "items.jsonl"},
           "model": {"path": str(tiny_model_dir)}, "retrieval": {"kind": "bm25", "knowledge": "kb"},
           "space": {"condition": ["base", "rag"], "votes": [1, 5], "top_k": [2, 4]}, **extra}
    (tmp_path / "space.yaml").write_text(yaml.safe_dump(raw))
    return tmp_path / "space.yaml"


def test_retrieval_settings_without_context_make_one_recipe(tmp_path, tiny_model_dir):
    space = load_space(write(tmp_path, tiny_model_dir))
    names = sorted(r.name for r in space.recipes)
    assert names == ["base@1", "base@5", "rag@1 top_k=2", "rag@1 top_k=4", "rag@5 top_k=2", "rag@5 top_k=4"]
    assert len({r.key for r in space.recipes}) == 6


def test_every_problem_is_listed(tmp_path, tiny_model_dir):
    path = write(tmp_path, tiny_model_dir)
    raw = yaml.safe_load(path.read_text())
    raw["space"] = {"votes": [1, 1], "colour": ["red"], "score": ["letters"], "temperature": [],
                    "condition": ["base", "graph"]}
    raw["race"] = {"alpha": 2, "first": 0, "speed": 1}
    path.write_text(yaml.safe_dump(raw))
    problems = "\n".join(validate_space(path))
    for expected in ("space.votes: a value is listed twice", "space.colour: unknown axis",
                     "space.temperature: expected a non-empty list", "race.alpha: must be between 0 and 1",
                     "race.first: must be >= 1", "race.speed: unknown setting",
                     "space.condition: ['graph'] cannot be raced (searchable: base, rag, ft, rag+ft, ft+rag)"):
        assert expected in problems
    raw["space"] = {"score": ["letters"]}
    path.write_text(yaml.safe_dump(raw))
    assert "space {score: letters}: score: must be one of" in "\n".join(validate_space(path))


def test_validate_checks_a_space(tmp_path, tiny_model_dir, capsys):
    path = write(tmp_path, tiny_model_dir)
    assert main(["validate", str(path)]) == 0
    raw = yaml.safe_load(path.read_text())
    raw["space"]["votes"] = [0]
    path.write_text(yaml.safe_dump(raw))
    assert main(["validate", str(path)]) == 1
    assert "votes: must be a non-empty list of integers >= 1" in capsys.readouterr().out


def test_the_winner_file_is_a_bench_config_and_a_run_recipe(tmp_path, tiny_model_dir):
    space = load_space(write(tmp_path, tiny_model_dir))
    chosen = next(r for r in space.recipes if r.name == "rag@5 top_k=4")
    best = write_best(chosen, tmp_path / "out" / "best.yaml")
    config = load_config(best)
    assert (config.conditions, config.votes, config.retrieval.top_k) == (("rag",), (5,), 4)
    assert config.resolve(config.data.path).resolve() == (tmp_path / "items.jsonl").resolve()
    args = build_parser().parse_args(["run", "--data", "d.jsonl", "--out", "a.jsonl", "--recipe", str(best),
                                      "--votes", "3"])
    apply_recipe(args, args.flag_defaults)
    assert (args.retriever, args.top_k, args.votes, args.score, args.format) == ("bm25", 4, 3, "auto", "mcq")
    assert args.knowledge == str((tmp_path / "kb").resolve()) and args.temperature == 0.7
    assert args.examples is None and args.train == str((tmp_path / "items.jsonl").resolve())


def test_run_answers_a_winner_file_by_the_recipe_its_benchmark_arm_answers_by(tmp_path, tiny_model_dir):
    """Every setting of the winner, those without a flag of ``run`` too (the prompt's shots, the sampling's
    top_p), reaches the recipe ``run --recipe`` answers by; it is the one the benchmark arm answers by."""
    from dataclasses import replace

    from ragreason.cli.run import prepare
    from ragreason.data.errors import Rejects
    from ragreason.data.prior import LetterPrior
    from ragreason.experiment.arms import answering_recipe, config_fallback
    from ragreason.experiment.split import load_split

    space = load_space(write(tmp_path, tiny_model_dir, prompt={"shots": 2}, sampling={"top_p": 0.8},
                             fallback="prior"))
    chosen = next(r for r in space.recipes if r.name == "rag@5 top_k=4")
    best = write_best(chosen, tmp_path / "out" / "best.yaml")
    args = build_parser().parse_args(["run", "--data", str(tmp_path / "items.jsonl"), "--out", "a.jsonl",
                                      "--recipe", str(best)])
    *_, recipe = prepare(args, Rejects())
    assert (recipe.prompt.shots, recipe.sampling.top_p, recipe.sampling.n) == (2, 0.8, 5)
    config = load_config(best)
    split = load_split(config)
    arm = chosen.arm
    benched = answering_recipe(config, arm, config_fallback(config, LetterPrior.fit(split.train)), True)
    assert recipe.fallback.policy == benched.fallback.policy == "prior"
    same_prior = replace(recipe.fallback, prior=benched.fallback.prior)  # run's counts --train's items, all of them
    assert replace(recipe, top_k=None, fallback=same_prior) == benched
    assert recipe.top_k == 4 == config.retrieval.top_k
