"""Check a benchmark config without building anything; every problem is listed at once."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from ..data.formats import FLAT, FORMATS, GROUPED
from ..prompt.spec import PromptSpec
from ..prompt.templates import TEMPLATES, get_template
from ..recipe.binding import bind, bind_settings, default_of, read_mapping
from ..recipe.conditions import CONDITIONS
from ..recipe.sampling import Sampling
from ..retrieve.spec import RetrievalSpec
from .config import (
    SERVING,
    BenchConfig,
    DataConfig,
    FinetuneConfig,
    ModelConfig,
    load_checked,
)
from .options import keyword_names, option_problems, value_problems

SECTIONS = {"data": DataConfig, "model": ModelConfig, "prompt": PromptSpec, "retrieval": RetrievalSpec,
            "finetune": FinetuneConfig, "sampling": Sampling}
REQUIRED = ("name", "out", "data")


def load_config(path: str | Path) -> BenchConfig:
    """Read and check a YAML config; ``ConfigError`` lists every problem."""
    return load_checked(_read, path)


def validate_config(path: str | Path) -> list[str]:
    """Every problem in the config (an empty list when it is sound). Loads no model."""
    return _read(Path(path))[1]


def _read(path: Path) -> tuple[BenchConfig | None, list[str]]:
    raw, problems = read_mapping(path, "config")
    return (None, problems) if raw is None else check_mapping(raw, path.parent.resolve())


def check_mapping(raw: dict[str, Any], base_dir: Path) -> tuple[BenchConfig | None, list[str]]:
    """A config from its parsed YAML (paths relative to ``base_dir``), or None and every problem."""
    problems: list[str] = []
    values = bind_settings(BenchConfig, raw, "", problems, skip={"base_dir", *SECTIONS})
    for key, cls in SECTIONS.items():
        if key not in raw and key == "data":
            problems.append("data: missing (the data to benchmark on)")
            continue
        section = raw.get(key, {})
        if not isinstance(section, dict):
            problems.append(f"{key}: expected a mapping, got {type(section).__name__}")
            continue
        built = bind(cls, section, f"{key}.", problems, default_of(BenchConfig, key))
        if built is not None:
            values[key] = built
    for key in ("conditions", "votes"):
        if isinstance(values.get(key), list):
            values[key] = tuple(values[key])
    present = {k for k in REQUIRED if k in values}
    stand_in = {"name": "?", "out": "?", "data": DataConfig(format=FORMATS[0], path="?")}
    config = BenchConfig(**{**stand_in, **values}, base_dir=str(base_dir))
    problems += _semantics(config, present)  # also after binding problems: list everything at once
    return (None if problems or present != set(REQUIRED) else config), problems


def _semantics(config: BenchConfig, present: set[str]) -> list[str]:
    """The checks of values against each other and against the disk; those that need a missing
    required key (reported as missing when bound) are left out."""
    problems = _data_problems(config) if "data" in present else []
    problems += [*_model_problems(config), *_prompt_problems(config), *_retrieval_problems(config),
                 *_finetune_problems(config), *_update_problems(config), *_run_problems(config, present)]
    return problems


def _data_problems(config: BenchConfig) -> list[str]:
    d, problems = config.data, []
    if d.format not in FORMATS:
        problems.append(f"data.format: unknown format {d.format!r} (known: {', '.join(FORMATS)})")
    else:
        loader = {**GROUPED, **FLAT}[d.format]
        known = keyword_names(loader, leave_out=("path", "strict", "rejects"))
        problems += option_problems(d.options, known, "data.options", f"format {d.format}",
                                    reserved={"strict": "set data.strict", "rejects": "skipped records are listed"})
    if d.path is None and (d.train is None or d.test is None):
        problems.append("data: give 'train' and 'test' files, or one 'path' to split")
    if d.path is not None and (d.train is not None or d.test is not None):
        problems.append("data: give either 'path' or 'train'/'test', not both")
    for key in ("train", "test", "path"):
        value = getattr(d, key)
        if value is not None and not config.resolve(value).is_file():
            problems.append(f"data.{key}: no such file: {config.resolve(value)}")
    if not 0.0 < d.test_fraction < 1.0:
        problems.append(f"data.test_fraction: must be between 0 and 1, got {d.test_fraction}")
    problems += _at_least(d, ("train_limit", "test_limit"), 1, "data")
    return problems


def _model_problems(config: BenchConfig) -> list[str]:
    from ..generate import BACKENDS

    m, problems = config.model, []
    if m.backend not in BACKENDS:
        problems.append(f"model.backend: unknown backend {m.backend!r} (known: {', '.join(BACKENDS)})")
    else:
        problems += _engine_option_problems(m)
    if m.adapters not in SERVING:
        problems.append(f"model.adapters: must be one of {', '.join(SERVING)}, got {m.adapters!r}")
    if m.path != "default" and not (config.resolve(m.path) / "config.json").is_file():
        problems.append(f"model.path: no Hugging Face model folder at {config.resolve(m.path)} "
                        "(or 'default' for the packaged SmolLM2)")
    return problems


def _engine_option_problems(m: ModelConfig) -> list[str]:
    """``model.options`` bound to the backend's constructor (for vLLM: its ``EngineOptions`` fields)."""
    from ..generate import BACKENDS, EngineOptions

    reserved = {"model": "set model.path", "adapters": "set model.adapters and the conditions",
                "name": "the benchmark names its models", "options": "give the engine settings one by one"}
    known = keyword_names(BACKENDS[m.backend].__init__)
    if m.backend != "vllm":
        return option_problems(m.options, known, "model.options", f"the {m.backend} backend", reserved)
    known += [f.name for f in dataclasses.fields(EngineOptions)]
    problems = option_problems(m.options, known, "model.options", "the vllm backend", reserved)
    return problems + value_problems(EngineOptions, m.options, "model.options")


def _prompt_problems(config: BenchConfig) -> list[str]:
    p, problems = config.prompt, []
    for name in (p.template, "competition-baseline"):
        if name not in TEMPLATES and not (f"{name}-zh" in TEMPLATES and f"{name}-en" in TEMPLATES):
            try:
                get_template(name)
            except ValueError as exc:
                problems.append(f"prompt.template: {exc}")
    return problems


def _retrieval_problems(config: BenchConfig) -> list[str]:
    r = config.retrieval
    graph = "graph" in config.conditions
    if not config.needs_retrieval():
        problems = [f"retrieval.{p}" for p in r.problems() if not p.startswith("nothing to retrieve")]
        if graph and r.knowledge is None:
            problems.append("retrieval.knowledge: the graph condition reads a knowledge folder; give one")
        return problems + (_knowledge_problems(config, True) if graph else [])
    problems = [f"retrieval.{p}" if not p.startswith("nothing") else f"retrieval: {p}" for p in r.problems()]
    return problems + _knowledge_problems(config, r.kind != "graph" and r.index is None or graph)


def _knowledge_problems(config: BenchConfig, reads_knowledge: bool) -> list[str]:
    r, problems = config.retrieval, []
    if reads_knowledge and r.knowledge is not None and not config.resolve(r.knowledge).exists():
        problems.append(f"retrieval.knowledge: no such folder or file: {config.resolve(r.knowledge)}")
    if r.index is not None and not (config.resolve(r.index) / "config.json").is_file():
        problems.append(f"retrieval.index: no saved vector index at {config.resolve(r.index)}")
    return problems


def _finetune_problems(config: BenchConfig) -> list[str]:
    problems = _at_least(config.finetune, ("train_limit",), 1, "finetune")
    if config.finetune.train.method == "full" and config.model.adapters != "merged":
        problems.append("finetune.train.method: a fully fine-tuned model is served on its own (model.adapters: "
                        "merged), not as a LoRA")
    documents = config.finetune.documents
    if documents is not None and not config.resolve(documents).exists():
        problems.append(f"finetune.documents: no such folder or file: {config.resolve(documents)}")
    return problems


def _update_problems(config: BenchConfig) -> list[str]:
    """``update_test`` and ``update_knowledge`` come together, and exist."""
    test, knowledge = config.update_test, config.update_knowledge
    if (test is None) != (knowledge is None):
        return ["update_test, update_knowledge: give both (the questions on the changed facts and the updated "
                "knowledge) or neither"]
    problems = []
    if test is not None and not config.resolve(test).is_file():
        problems.append(f"update_test: no such file: {config.resolve(test)}")
    if knowledge is not None and not config.resolve(knowledge).exists():
        problems.append(f"update_knowledge: no such folder or file: {config.resolve(knowledge)}")
    return problems


def _run_problems(config: BenchConfig, present: set[str]) -> list[str]:
    problems = []
    unknown = [c for c in config.conditions if c not in CONDITIONS]
    if unknown:
        problems.append(f"conditions: unknown {unknown} (known: {', '.join(CONDITIONS)})")
    if not config.conditions or len(set(config.conditions)) != len(config.conditions):
        problems.append(f"conditions: must be a non-empty list without repeats, got {list(config.conditions)}")
    if not config.votes or any(v < 1 for v in config.votes):
        problems.append(f"votes: must be a non-empty list of integers >= 1, got {list(config.votes)}")
    from ..vote import FALLBACKS

    if config.fallback not in FALLBACKS:
        problems.append(f"fallback: must be one of {', '.join(FALLBACKS)}, got {config.fallback!r}")
    problems += _recipe_problems(config)
    s, default = config.sampling, default_of(BenchConfig, "sampling")
    if s.temperature is not None and s.temperature <= 0 and any(v > 1 for v in config.votes):
        problems.append("sampling.temperature: must be > 0 when votes > 1 (greedy samples are all equal)")
    for name, why in (("n", "the votes say how many answers are sampled"),
                      ("separate", "only the competition baseline asks for its samples one by one"),
                      ("stop", "a benchmark's templates end their answers themselves")):
        if getattr(s, name) != getattr(default, name):
            problems.append(f"sampling.{name}: not a benchmark setting ({why})")
    problems += _at_least(config, ("batch_size",), 1, "")
    if "name" in present and not config.name.strip():
        problems.append("name: must not be empty")
    return problems


def _recipe_problems(config: BenchConfig) -> list[str]:
    """What the recipe the arms answer by makes of the config's scoring, calibration and option orders."""
    from ..orders import Permutations
    from ..recipe import Recipe, RecipeError, Sampling

    problems, permutations = [], Permutations()
    try:
        permutations = Permutations.parse(config.permutations)
    except ValueError as error:
        problems.append(f"permutations: {error}")
    try:
        Recipe(sampling=Sampling(n=0 if config.score else 1), score=config.score, calibrate=config.calibrate,
               permutations=permutations)
    except RecipeError as error:
        problems += error.problems
    return problems


def _at_least(section: Any, names: tuple[str, ...], low: int, prefix: str) -> list[str]:
    out = []
    for name in names:
        value = getattr(section, name)
        if value is not None and value < low:
            out.append(f"{prefix + '.' if prefix else ''}{name}: must be >= {low}, got {value}")
    return out
