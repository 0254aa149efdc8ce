"""Build what a benchmark needs from its config: the retriever, the adapters (cached), the generator."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..prompt import HFTokenCounter, PromptBuilder
from ..types import Document, Generator, Item, Retriever
from .config import BenchConfig

if TYPE_CHECKING:
    from ..generate.openai_client import Endpoints

log = logging.getLogger(__name__)


def model_path(config: BenchConfig) -> Path:
    from ..models import model_folder

    return model_folder(config.model.path, base=config.base_dir)


def builder_for(config: BenchConfig) -> PromptBuilder:
    """The builder of the config's prompts, counting with its model's tokenizer (what the adapters train on)."""
    return config.prompt.builder(HFTokenCounter(model_path(config)))


def build_retriever(config: BenchConfig, train: Sequence[Item], test: Sequence[Item], *, graph: bool = False,
                    knowledge: str | None = None) -> Retriever | None:
    """The retriever the rag conditions serve with (and rag+ft trains with): the config's retrieval
    section with its paths resolved, the training items as solved examples. ``graph``: the graph condition's
    instead (the graph retriever alone over the same knowledge); ``knowledge``: another knowledge folder
    (the updated one)."""
    from ..retrieve import build_retriever as build

    r = config.retrieval
    resolved = replace(r, knowledge=_path(config, knowledge or r.knowledge), index=_path(config, r.index))
    if graph:
        resolved = replace(resolved, kind="graph", graph=False, examples=False, index=None)
    return build(resolved, test, solved=train)


def _path(config: BenchConfig, path: str | None) -> str | None:
    return None if path is None else str(config.resolve(path))


def adapter_key(config: BenchConfig, train: Sequence[Item], with_context: bool,
                documents: Sequence[Document] | None = None) -> str:
    """What decides an adapter: base model, training data, spec, prompt (and retrieval if used), and the closed-book
    documents' texts (``documents``, read from ``finetune.documents`` when not given)."""
    data = hashlib.sha1("\n".join(f"{i.id}\t{i.answer}" for i in train).encode()).hexdigest()
    parts: dict[str, Any] = {"model": str(model_path(config)), "data": data, "context": with_context,
                             "spec": config.digest("finetune", "prompt")}
    if not with_context and config.finetune.documents:
        docs = training_documents(config) if documents is None else documents
        parts["documents"] = hashlib.sha1("\n".join(d.text for d in docs).encode()).hexdigest()
    if with_context:
        parts["retrieval"] = config.digest("retrieval")
    return hashlib.sha1(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def training_documents(config: BenchConfig) -> list[Document]:
    """The documents the closed-book adapter learns (``finetune.documents``; none when unset)."""
    from ..data.knowledge import load_knowledge

    folder = config.finetune.documents
    return load_knowledge(config.resolve(folder)) if folder else []


def train_adapter(config: BenchConfig, train: Sequence[Item], retriever, *, with_context: bool,
                  progress: bool = True) -> tuple[Path, float, bool]:
    """Train (or reuse from the cache) one adapter; returns its folder, training seconds, reused."""
    from ..finetune import finetune, read_info
    from ..models import ragreason_home

    f = config.finetune
    documents = [] if with_context else training_documents(config)  # read once: the key and the training
    key = adapter_key(config, train, with_context, documents)
    folder = ragreason_home() / "adapters" / key
    if (folder / "ragreason.json").is_file():
        seconds = float(read_info(folder).metrics.get("train_seconds", 0.0))
        log.info("reusing cached adapter %s", folder)
        return folder, seconds, True
    items = list(train)[: f.train_limit] if f.train_limit else list(train)
    info = finetune(
        items, out_dir=folder, builder=builder_for(config), base_model=model_path(config),
        retriever=retriever if with_context else None,
        lora=f.lora, spec=replace(f.train, top_k=f.train.top_k or config.retrieval.top_k),
        resume=True, progress=progress, documents=documents,
    )
    return folder, float(info.metrics.get("train_seconds", 0.0)), False


def merged_model(adapter: Path, dtype: str = "auto") -> Path:
    """The adapter folded into a copy of its base in the dtype its engine serves it in (``served_dtype``;
    "auto": the base's), made once beside the cached adapter; a fully fine-tuned model is served as saved."""
    from ..finetune import holds_model, merge

    if holds_model(adapter):  # fully fine-tuned: a model already
        return adapter
    out = adapter.with_name(f"{adapter.name}-merged-{dtype}")
    if (out / "ragreason.json").is_file():  # merge writes it last
        log.info("reusing merged model %s", out)
        return out
    return merge(adapter, out, dtype=None if dtype == "auto" else dtype)


def build_generator(config: BenchConfig, adapters: dict[str, Path], *, path: Path | None = None,
                    name: str | None = None, endpoints: Endpoints | None = None) -> Generator:
    """The configured backend over ``path`` (default: the config's model) with ``adapters``, sampling
    with the config's seed unless ``model.options`` sets one; or (``endpoints``) the servers serving the
    config's model, the adapters loaded into them at run time, answers recorded under the same name."""
    from ..generate import make_generator

    if endpoints is not None:
        if path is not None:
            raise ValueError("a merged model is served by a local engine, not by an endpoint")
        return endpoints.generator(model_path(config), name or config.model.path, adapters)
    options = {"seed": config.seed, **config.model.options}
    return make_generator(config.model.backend, path or model_path(config), adapters=adapters,
                          name=name or config.model.path, **options)
