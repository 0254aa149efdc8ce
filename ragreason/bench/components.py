"""Build what a benchmark needs from its config: the retriever, the adapters (cached), the generator."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..prompt import PromptBuilder
from ..types import Item
from .config import BenchConfig

log = logging.getLogger(__name__)


def model_path(config: BenchConfig) -> Path:
    from ..models import default_llm_path

    return default_llm_path() if config.model.path == "default" else config.resolve(config.model.path)


def builder_for(config: BenchConfig, template: str | None = None) -> PromptBuilder:
    p = config.prompt
    return PromptBuilder(template or p.template, closed_world=p.closed_world,
                         max_context_tokens=p.max_context_tokens, shots=p.shots, model=model_path(config))


def corpus_lang(items: Sequence[Item]) -> str:
    langs = {item.meta.get("lang", "en") for item in items}
    return langs.pop() if len(langs) == 1 else "mixed"


def build_retriever(config: BenchConfig, train: Sequence[Item], test: Sequence[Item]):
    """The retriever the rag conditions serve with (and rag+ft trains with)."""
    from ..embed import default_embedder_name, make_embedder
    from ..retrieve import ExampleRetriever, GraphRetriever, HybridRetriever

    r = config.retrieval
    parts = []
    need_embedder = (r.kind in ("dense", "hybrid") and r.knowledge is not None) or r.examples
    embedder = None
    if need_embedder:
        embedder = make_embedder(default_embedder_name(corpus_lang([*train, *test])) if r.embedder == "auto"
                                 else r.embedder)
    if r.kind == "graph" or r.graph:
        parts.append(GraphRetriever(build=graph_for, top_k=r.top_k))
    if r.kind != "graph" and r.knowledge is not None:
        parts += _knowledge_retrievers(config, embedder)
    if r.examples:  # solved training items, never a test item
        parts.append(ExampleRetriever(train, embedder, top_k=r.top_k, exclude=test))
    return parts[0] if len(parts) == 1 else HybridRetriever(parts, top_k=r.top_k)


def _knowledge_retrievers(config: BenchConfig, embedder) -> list:
    from ..knowledge import load_knowledge
    from ..retrieve import DenseRetriever, LexicalRetriever

    r = config.retrieval
    docs = load_knowledge(config.resolve(r.knowledge))
    out = []
    if r.kind in ("dense", "hybrid"):
        out.append(DenseRetriever.from_documents(docs, embedder, top_k=r.top_k))
    if r.kind in ("bm25", "hybrid"):
        out.append(LexicalRetriever(docs, top_k=r.top_k))
    return out


def graph_for(item: Item):
    """An item's own knowledge graph: CLUTRR story edges, the problem's triples, or its fact sentences."""
    from ..retrieve import KnowledgeGraph

    if "story_edges" in item.meta:
        return KnowledgeGraph.from_clutrr(item)
    triples = item.meta.get("problem_extra", {}).get("triples")
    if triples:
        return KnowledgeGraph.from_triples(triples)
    return KnowledgeGraph.from_text(item.context, lang=item.meta.get("lang"))


def adapter_key(config: BenchConfig, train: Sequence[Item], with_context: bool) -> str:
    """What decides an adapter: base model, training data, spec, prompt (and retrieval if used)."""
    data = hashlib.sha1("\n".join(f"{i.id}\t{i.answer}" for i in train).encode()).hexdigest()
    parts: dict[str, Any] = {"model": str(model_path(config)), "data": data, "context": with_context,
                             "spec": config.digest("finetune", "prompt")}
    if with_context:
        parts["retrieval"] = config.digest("retrieval")
    return hashlib.sha1(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def train_adapter(config: BenchConfig, train: Sequence[Item], retriever, *, with_context: bool,
                  progress: bool = True) -> tuple[Path, float, bool]:
    """Train (or reuse from the cache) one adapter; returns its folder, training seconds, reused."""
    from ..finetune import finetune, read_info
    from ..models import ragreason_home

    f = config.finetune
    key = adapter_key(config, train, with_context)
    folder = ragreason_home() / "adapters" / key
    if (folder / "ragreason.json").is_file():
        seconds = float(read_info(folder).metrics.get("train_seconds", 0.0))
        log.info("reusing cached adapter %s", folder)
        return folder, seconds, True
    items = list(train)[: f.train_limit] if f.train_limit else list(train)
    info = finetune(
        items, out_dir=folder, builder=builder_for(config), base_model=model_path(config),
        retriever=retriever if with_context else None,
        lora=f.lora_spec(), spec=f.train_spec(top_k=config.retrieval.top_k),
        resume=True, progress=progress,
    )
    return folder, float(info.metrics.get("train_seconds", 0.0)), False


def merged_model(adapter: Path) -> Path:
    """The adapter folded into a float32 copy of its base, made once beside the cached adapter."""
    from ..finetune import merge

    out = adapter.with_name(adapter.name + "-merged")
    if (out / "ragreason.json").is_file():  # merge writes it last
        log.info("reusing merged model %s", out)
        return out
    return merge(adapter, out, dtype="float32")


def build_generator(config: BenchConfig, adapters: dict[str, Path], *, path: Path | None = None,
                    name: str | None = None):
    """The configured backend over ``path`` (default: the config's model) with ``adapters``."""
    from ..generate import TransformersGenerator, VLLMGenerator

    path = path or model_path(config)
    name = name or ("default" if config.model.path == "default" else config.model.path)
    if config.model.backend == "hf":
        return TransformersGenerator(path, adapters=adapters, name=name, **config.model.options)
    return VLLMGenerator(path, adapters=adapters, name=name, **config.model.options)
