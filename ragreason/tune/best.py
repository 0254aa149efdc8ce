"""The winning recipe as a file: a benchmark config with one condition and one vote size, paths rewritten
relative to where it is written, settings left at their defaults left out. ``ragreason bench best.yaml``
runs it against its data's test split; ``ragreason run --recipe best.yaml`` answers a data file with it."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from ..experiment.config import BenchConfig, DataConfig, FinetuneConfig, ModelConfig, bench_sampling
from ..finetune.spec import LoraSpec, TrainSpec
from ..paths import write_text_atomic
from ..prompt.spec import PromptSpec
from ..retrieve.spec import RetrievalSpec
from .space import Candidate

PATHS = {"data": ("train", "test", "path"), "retrieval": ("knowledge", "index"), "model": ("path",)}


def write_best(recipe: Candidate, path: Path, note: str = "") -> Path:
    import yaml

    mapping = config_mapping(recipe.config, path.parent)
    header = f"# The winning recipe of ragreason tune: {recipe.name}\n"
    header += "".join(f"# {line}\n" for line in note.splitlines())
    write_text_atomic(path, header + yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True))
    return path


def config_mapping(config: BenchConfig, folder: Path) -> dict[str, Any]:
    """``config`` as the YAML mapping ``load_config`` reads, for a file in ``folder``."""
    sections = {"data": (config.data, None), "model": (config.model, ModelConfig()),
                "prompt": (config.prompt, PromptSpec()), "retrieval": (config.retrieval, RetrievalSpec()),
                "sampling": (config.sampling, bench_sampling())}
    out: dict[str, Any] = {"name": f"{config.name}-best", "out": "bench-best"}
    for name, (value, default) in sections.items():
        out[name] = _changed(value, default)
        for key in PATHS.get(name, ()):
            if out[name].get(key) is not None and not (name == "model" and out[name][key] == "default"):
                out[name][key] = os.path.relpath(config.resolve(out[name][key]), folder)
        if not out[name]:
            del out[name]
    if config.data.train is None and config.data.path is None:
        raise ValueError("a recipe's data section names no file")
    finetune = _finetune(config.finetune)
    if finetune:
        out["finetune"] = finetune
    top = {f.name: f.default for f in dataclasses.fields(BenchConfig) if f.default is not dataclasses.MISSING}
    for key in ("conditions", "votes", "score", "fallback", "permutations", "calibrate", "batch_size", "seed"):
        value = getattr(config, key)
        value = list(value) if isinstance(value, tuple) else value
        if key in ("conditions", "votes") or value != top[key]:
            out[key] = value
    return out


def _changed(value: Any, default: Any) -> dict[str, Any]:
    data = dataclasses.asdict(value)
    if default is None:  # every data setting that differs from DataConfig's defaults, and the format
        base = {f.name: f.default for f in dataclasses.fields(DataConfig) if f.default is not dataclasses.MISSING}
        base["options"] = {}
        return {k: v for k, v in data.items() if k == "format" or v != base.get(k)}
    defaults = dataclasses.asdict(default)
    return {k: _plain(v) for k, v in data.items() if v != defaults[k]}


def _finetune(f: FinetuneConfig) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value, default in (("lora", f.lora, LoraSpec()), ("train", f.train, TrainSpec())):
        changed = _changed(value, default)
        if changed:
            out[name] = changed
    if f.train_limit is not None:
        out["train_limit"] = f.train_limit
    return out


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
