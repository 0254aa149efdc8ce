"""``validate_config`` lists every problem of a benchmark config at once, without loading a model; the
sections it builds are the library's own settings (``RetrievalSpec``, ``LoraSpec``, ``TrainSpec``)."""

import pytest
import yaml

from ragreason.experiment.validate import load_config, validate_config
from ragreason.finetune import LoraSpec, TrainSpec
from ragreason.retrieve import RetrievalSpec
from ragreason.synth import SynthConfig, generate_problems, write_jsonl

BASE = {"name": "t", "out": "out", "data": {"format": "competition", "path": "items.jsonl"},
        "retrieval": {"kind": "bm25", "knowledge": None, "examples": True}}
NOT_RERANKED = {**BASE["retrieval"], "rerank": False}  # as retrieval was before the model reranked documents


def write(tmp_path, config=None, **sections):
    write_jsonl(generate_problems(4, SynthConfig(lang="en", seed=1)), tmp_path / "items.jsonl")
    path = tmp_path / "bench.yaml"
    path.write_text(yaml.safe_dump({**(BASE if config is None else config), **sections}))
    return path


def test_a_sound_config_holds_the_library_specs(tmp_path):
    config = load_config(write(tmp_path))
    assert config.model.adapters == "lora" and isinstance(config.retrieval, RetrievalSpec)
    assert config.finetune.lora == LoraSpec() and config.finetune.train == TrainSpec()
    merged = load_config(write(tmp_path, model={"adapters": "merged", "options": {"kv_cache_bytes": 1 << 30}},
                               finetune={"lora": {"r": 4, "target_modules": ["q_proj"]},
                                         "train": {"group_by_length": False, "warmup": 0.1}, "train_limit": 8}))
    assert merged.model.adapters == "merged" and merged.finetune.lora == LoraSpec(r=4, target_modules=("q_proj",))
    assert merged.finetune.train == TrainSpec(group_by_length=False, warmup=0.1) and merged.finetune.train_limit == 8


def test_every_problem_is_listed(tmp_path):
    problems = validate_config(write(tmp_path, model={"adapters": "fused", "backend": "tgi"}, fallback="guess",
                                     finetune={"lora": {"r": 0, "top_layers": 0},
                                               "train": {"group_by_length": "yes", "lr": -1.0}}))
    text = "\n".join(problems)
    assert "model.adapters: must be one of lora, merged, got 'fused'" in text
    assert "model.backend: unknown backend 'tgi'" in text
    assert "finetune.train.group_by_length: expected bool, got 'yes'" in text
    assert "finetune.train: lr must be in (0, 1), got -1.0" in text
    assert "finetune.lora: r must be an integer >= 1, got 0" in text
    assert "finetune.lora: top_layers must be an integer >= 1 or None, got 0" in text
    assert "fallback: must be one of none, score, prior, got 'guess'" in text
    assert len(problems) == 7, problems
    orders = validate_config(write(tmp_path, calibrate="batch", permutations="all"))
    assert orders == ["calibrate: batch calibration corrects the scores of the options as given; with several option "
                      "orders use calibrate='pride'"]


def test_missing_keys_are_listed_with_every_other_problem(tmp_path):
    config = {"out": "out", "data": {"format": "csv", "path": "nowhere.jsonl"}, "conditions": ["base", "magic"]}
    problems = validate_config(write(tmp_path, config))
    text = "\n".join(problems)
    assert "name: missing" in text
    assert "data.format: unknown format 'csv'" in text
    assert "data.path: no such file" in text and "nowhere.jsonl" in text
    assert "conditions: unknown ['magic']" in text
    assert len(problems) == 4, problems
    no_format = validate_config(write(tmp_path, {**BASE, "data": {"path": "items.jsonl"}}))
    assert no_format == ["data.format: missing"], no_format
    only_name = validate_config(write(tmp_path, {"name": "t", "conditions": ["base"]}))
    assert only_name == ["out: missing", "data: missing (the data to benchmark on)"], only_name


def test_engine_and_loader_options_are_bound_to_what_takes_them(tmp_path):
    problems = validate_config(write(tmp_path, model={"options": {"kv_cache_byts": 1, "adapters": {}}},
                                     data={**BASE["data"], "options": {"n_options": 3}}))
    text = "\n".join(problems)
    assert "model.options.kv_cache_byts: unknown option for the vllm backend" in text
    assert "model.options.adapters: set by the benchmark" in text
    assert "data.options.n_options: unknown option for format competition (known: none)" in text
    clutrr = {"format": "clutrr", "path": "items.jsonl", "options": {"n_options": 3, "shuffle": True}}
    problems = validate_config(write(tmp_path, data=clutrr, model={"backend": "hf", "options": {"batch_size": 2,
                                                                                                  "tp": 2}}))
    assert [p.split(":")[0] for p in problems] == ["data.options.shuffle", "model.options.tp"], problems
    bad_value = validate_config(write(tmp_path, model={"options": {"kv_cache_bytes": 5}}))
    assert any("model.options: kv_cache_bytes must be at least 1 MiB" in p for p in bad_value), bad_value


def test_a_setting_of_a_nested_section_says_where_it_belongs(tmp_path):
    problems = validate_config(write(tmp_path, finetune={"lr": 0.001, "r": 4}))
    assert any(p.startswith("finetune.lr: unknown setting; it belongs under train") for p in problems), problems
    assert any(p.startswith("finetune.r: unknown setting; it belongs under lora") for p in problems), problems


@pytest.mark.parametrize(("finetune", "expected"), [
    ({}, "f7148d55c7a7"),
    ({"lora": {"r": 16}, "train": {"lr": 0.001, "batch_size": 6, "max_steps": 4}, "train_limit": 80}, "a2c5d75e8ba3"),
    ({"lora": {"top_layers": 8}}, "48eb9c852ca3"),
])
def test_the_hash_of_a_section_is_what_it_was_before_settings_were_added(tmp_path, finetune, expected):
    """Records and cached adapters are keyed by these hashes: the values were made by the flat
    finetune section that held only the first settings; settings added since, left at their
    defaults, keep them. A changed default changes what is trained, so it changes the hash unless the
    config sets the old value (LoRA dropout was 0.05)."""
    config = load_config(write(tmp_path, finetune=old_dropout(finetune)))
    assert config.digest("finetune") == expected
    assert load_config(write(tmp_path, finetune=finetune)).digest("finetune") != expected
    assert config.digest("retrieval") != "46010292300a"  # reranked by the model now: other contexts
    before = load_config(write(tmp_path, finetune=old_dropout(finetune), retrieval=NOT_RERANKED))
    assert before.digest("retrieval") == "46010292300a"
    changed = load_config(write(tmp_path, finetune={**old_dropout(finetune),
                                                    "train": {**finetune.get("train", {}), "warmup": 0.1}}))
    assert changed.digest("finetune") != expected


def old_dropout(finetune: dict) -> dict:
    """The section with LoRA dropout at its earlier default."""
    return {**finetune, "lora": {**finetune.get("lora", {}), "dropout": 0.05}}


@pytest.mark.parametrize(("finetune", "expected"), [
    ({}, "0e77992b11d5"),
    ({"lora": {"r": 16}, "train": {"lr": 0.001, "batch_size": 6, "max_steps": 4}, "train_limit": 80}, "1c62817f6f3b"),
])
def test_a_config_that_asks_for_the_old_answer_recipe_keeps_its_hash(tmp_path, finetune, expected):
    """The default recipe changed (calibrated letter scores, score fallback); a config that sets what the
    defaults were (no score, no calibration, no fallback) hashes as it did before, and so resumes."""
    old = {"score": None, "calibrate": None, "fallback": "none", "retrieval": NOT_RERANKED}
    finetune = old_dropout(finetune)
    assert load_config(write(tmp_path, finetune=finetune, **old)).digest() == expected
    assert load_config(write(tmp_path, finetune=finetune)).digest() != expected
    assert load_config(write(tmp_path, finetune=finetune, **{**old, "fallback": "score"})).digest() != expected
    assert load_config(write(tmp_path, finetune=finetune, **old, permutations=1,
                            sampling={"temperature": 0.7, "top_p": 0.95, "max_tokens": 32, "constrained": False}
                            )).digest() == expected


def test_the_config_seed_seeds_the_generator_unless_the_engine_options_do(tmp_path, tiny_model_dir):
    from ragreason.experiment.components import build_generator

    config = load_config(write(tmp_path, seed=7, model={"path": str(tiny_model_dir)}))
    assert build_generator(config, {}).options.seed == 7
    pinned = load_config(write(tmp_path, seed=7, model={"path": str(tiny_model_dir), "options": {"seed": 3}}))
    assert build_generator(pinned, {}).options.seed == 3
