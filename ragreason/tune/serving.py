"""What serves a candidate in a tuning run: its retriever (each distinct retrieval built once, its contexts
shared by every candidate that reads it), its adapter (trained on the training items that are not dev items
when a candidate first needs it, cached by what decides it, merged into a copy of the base model once) and
the engine of the model that answers (one running at a time: ``Engines``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..experiment.components import (
    adapter_key,
    build_generator,
    build_retriever,
    builder_for,
    merged_model,
    train_adapter,
)
from ..generate.vllm_options import served_dtype
from ..recipe.conditions import trained_with_context
from ..retrieve.context_cache import ContextCache
from ..types import Item, Retriever
from .budget import Meter
from .dev import DevSplit
from .engines import Engines, Served
from .space import Candidate

if TYPE_CHECKING:
    from ..generate.openai_client import Endpoints


class Serving:
    """The retrievers, adapters and engines of one tuning run over ``split`` (and its ``test`` items)."""

    def __init__(self, split: DevSplit, test: list[Item], progress: bool, endpoints: Endpoints | None = None) -> None:
        self.split, self.test, self.progress, self.endpoints = split, test, progress, endpoints
        self.engines = Engines()
        self.meter: Meter | None = None  # charged an adapter's recorded training time when it comes from the cache
        self.largest: dict[str, int] = {}  # per served model, the largest vote size still racing
        self._retrievers: dict[str, Retriever | None] = {}
        self._models: dict[str, Path] = {}  # adapter key -> merged model
        self._adapter_keys: dict[str, str] = {}  # candidate key -> adapter key

    def retriever(self, candidate: Candidate) -> Retriever | None:
        """The candidate's retriever (None: it reads no retrieved context)."""
        if not candidate.context:
            return None
        key = candidate.config.digest("retrieval")
        if key not in self._retrievers:
            built = build_retriever(candidate.config, self.split.rest, [*self.split.dev, *self.test])
            self._retrievers[key] = ContextCache(built) if built is not None else None  # candidates share contexts
        return self._retrievers[key]

    def timed_retrievers(self) -> list[ContextCache]:
        return [r for r in self._retrievers.values() if isinstance(r, ContextCache)]

    def served_name(self, candidate: Candidate) -> str:
        return "base" if candidate.adapter is None else f"{candidate.adapter}-{self._model(candidate).name}"

    @property
    def merges(self) -> bool:
        """Whether adapters are served merged into the model (by local engines; endpoints load them as
        adapters)."""
        return self.endpoints is None

    def trained(self, candidate: Candidate) -> bool:
        """Whether the candidate's model is ready: the base model, or an adapter trained (and merged) already."""
        return candidate.adapter is None or self._adapter_key(candidate) in self._models

    def group(self, candidate: Candidate) -> str:
        """The served model's name, or a stand-in for an adapter not trained yet."""
        return self.served_name(candidate) if self.trained(candidate) else f"~{candidate.adapter}"

    def served(self, candidate: Candidate) -> Served:
        """The served model that answers the candidate (its engine started on first use)."""
        name = self.served_name(candidate)
        if name in self.engines.served:
            return self.engines.served[name]
        path = None if candidate.adapter is None else self._model(candidate)
        config = candidate.config
        warm_on = (self.split.dev or self.test)[0]

        def make():
            if self.endpoints is not None:  # the adapter loaded into the servers, answers under the model's name
                adapters = {candidate.adapter: path} if path is not None else {}
                engine = build_generator(config, adapters, endpoints=self.endpoints)
            else:
                engine = build_generator(config, {}, path=path, name=name if path else None)
            engine.generate([builder_for(config).build(warm_on)], n=1, max_tokens=1)  # start it now, untimed
            return engine
        served = self.engines.get(name, make)
        served.cache.draw_at_least = self.largest.get(name, self.largest.get(f"~{candidate.adapter}", 1))
        return served

    def close(self) -> None:
        self.engines.close()

    def _adapter_key(self, candidate: Candidate) -> str:
        """What decides the candidate's adapter (hashing the training items once per candidate)."""
        if candidate.key not in self._adapter_keys:
            self._adapter_keys[candidate.key] = adapter_key(candidate.config, self.split.rest,
                                                            trained_with_context(candidate.condition))
        return self._adapter_keys[candidate.key]

    def _model(self, candidate: Candidate) -> Path:
        """The merged model of the candidate's adapter (its folder, for endpoints), trained (on the rest of the
        training split) and merged once."""
        key = self._adapter_key(candidate)
        if key not in self._models:
            folder, seconds, reused = train_adapter(candidate.config, self.split.rest, self.retriever(candidate),
                                                    with_context=trained_with_context(candidate.condition),
                                                    progress=self.progress)
            if reused and self.meter is not None:
                self.meter.charge(seconds)
            self._models[key] = (merged_model(folder, served_dtype(candidate.config.model.options))
                                 if self.merges else folder)
        return self._models[key]
