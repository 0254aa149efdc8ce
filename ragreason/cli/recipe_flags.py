"""``ragreason run --recipe best.yaml``: a recipe file's settings as the defaults of ``run``'s flags.

A recipe is a benchmark config with one condition and one vote size (``ragreason tune`` writes the winner
as one). Its template, retrieval, votes, scoring, calibration, fallback, option orders and sampling
become the flags' values, except for flags given on the command line; the settings no flag sets (the
prompt's shots, the sampling's top_p) are the file's arm's own; its training data become the
solved items (``--train``, and ``--examples`` when it retrieves them). A recipe that answers with a
fine-tuned adapter needs ``--adapter``: the recipe names how it was trained, not where the adapter is.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..experiment.config import BenchConfig
from ..recipe import Recipe
from ..recipe.conditions import COMPETITION_BASELINE, DOCUMENT_CONDITIONS, adapter_of

FLAGS = ("format", "model", "backend", "template", "closed_world", "max_context_tokens", "retriever", "knowledge",
         "index", "examples", "train", "top_k", "rerank", "votes", "score", "fallback", "permutations", "constrained",
         "calibrate", "temperature", "max_tokens", "lenient")


def recipe_settings(config: BenchConfig) -> dict[str, Any]:
    """The ``run`` flags a one-condition, one-vote-size config stands for."""
    if len(config.conditions) != 1 or len(config.votes) != 1:
        raise ValueError(f"a recipe has one condition and one vote size; this config has conditions "
                         f"{list(config.conditions)} and votes {list(config.votes)} (run it with ragreason bench)")
    condition, votes = config.conditions[0], config.votes[0]
    if condition == COMPETITION_BASELINE:
        raise ValueError("the competition baseline is a benchmark reference, not a recipe to answer with")
    r, s, p, d = config.retrieval, config.sampling, config.prompt, config.data
    solved = _full(config, d.train if d.train is not None else d.path)
    out: dict[str, Any] = {
        "format": d.format, "lenient": not d.strict,
        "model": _full(config, config.model.path) if config.model.path != "default" else "default",
        "backend": config.model.backend, "template": p.template, "closed_world": p.closed_world,
        "max_context_tokens": p.max_context_tokens, "train": solved,
        "votes": 0 if votes == 1 and config.score else votes, "score": config.score or "none",
        "fallback": config.fallback, "permutations": str(config.permutations), "constrained": s.constrained,
        "calibrate": config.calibrate or "none", "temperature": 0.0 if votes == 1 else s.temperature,
        "max_tokens": s.max_tokens, "retriever": "none",
    }
    if condition in DOCUMENT_CONDITIONS:
        out["retriever"] = r.kind
        out["top_k"] = r.top_k
        out["rerank"] = r.rerank
        if r.index is not None:
            out["index"] = _full(config, r.index)
        elif r.knowledge is not None:
            out["knowledge"] = _full(config, r.knowledge)
        if r.examples:
            out["examples"] = solved
    return out


def apply_recipe(args: argparse.Namespace, defaults: dict[str, Any]) -> Recipe:
    """Set every flag left at its default (``defaults``) to the recipe's value; check the adapter. Returns the
    recipe the file's benchmark arm answers by: what ``run`` takes the settings no flag sets from (shots, top_p)."""
    from ..experiment.arms import arms_for
    from ..experiment.validate import load_config

    config = load_config(args.recipe)
    for name, value in recipe_settings(config).items():
        if getattr(args, name) == defaults.get(name):
            setattr(args, name, value)
    adapter = adapter_of(config.conditions[0])
    if adapter is not None and not args.adapter:
        raise ValueError(f"{args.recipe}: the recipe answers with a fine-tuned adapter (condition "
                         f"{config.conditions[0]}): pass it with --adapter DIR")
    if adapter is None and args.adapter:
        raise ValueError(f"{args.recipe}: the recipe answers with the base model (condition {config.conditions[0]}); "
                         "--adapter would answer with another recipe")
    return arms_for(config)[0].recipe


def _full(config: BenchConfig, path: str | None) -> str:
    return str(config.resolve(path).resolve())  # type: ignore[union-attr]
