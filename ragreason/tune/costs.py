"""What a candidate costs, estimated from what the run has measured: seconds per item for the candidate alone
(``Costs.per_item``: what the leaderboard and the winner's choice weigh) and a turn's seconds in this run
(``Costs.turn``: what the budget is checked against before a turn)."""

from __future__ import annotations

from collections.abc import Callable

from ..retrieve.context_cache import ContextCache
from ..types import Item
from .engines import Engines, Served
from .serving import Serving
from .space import Candidate

RETRIEVAL_PROBE = 8  # dev items each retriever answers before the first turn, to time it
UNMEASURED = 1.0  # seconds per scoring pass and per sample before anything is measured


class Costs:
    def __init__(self, serving: Serving) -> None:
        self.serving = serving

    def probe_retrieval(self, items: list[Item]) -> None:
        """Retrieve for the first ``RETRIEVAL_PROBE`` of ``items`` with each retriever (the contexts are kept),
        so that the first turn's estimate already knows what retrieving an item takes."""
        for retriever in self.serving.timed_retrievers():
            retriever.retrieve_many(items[:RETRIEVAL_PROBE])

    def per_item(self, candidate: Candidate) -> float:
        """Estimated seconds per item: the model's (measured per sample and per scored prompt) and, for a
        candidate with context, its retriever's (measured per item retrieved)."""
        retriever = self._timed_retriever(candidate)
        per_item = retriever.per_item() if retriever else None
        return self._model(candidate) + (per_item or 0.0)

    def turn(self, candidate: Candidate, new_items: list[Item], examples: list[Item]) -> float:
        """A turn's estimated seconds: answering its new items; scoring ``examples`` (the fitted calibration's
        solved examples, when its model and prompts have not scored them yet); retrieving for the items and
        examples no turn has retrieved for yet. Before any model has answered anything its part cannot be
        estimated: 0."""
        seconds = 0.0
        if any(s.engine.draws or s.engine.scores for s in self.serving.engines.served.values()):
            seconds += self._model(candidate) * len(new_items)
            if examples:
                seconds += len(examples) * self._model(candidate.scoring())
        retriever = self._timed_retriever(candidate)
        per_item = retriever.per_item() if retriever else None
        if per_item:
            seconds += per_item * retriever.missing([*new_items, *examples])
        return seconds

    def _timed_retriever(self, candidate: Candidate) -> ContextCache | None:
        """The candidate's retriever, which times itself, if the candidate answers with context."""
        retriever = self.serving.retriever(candidate) if candidate.context else None
        return retriever if isinstance(retriever, ContextCache) else None

    def _model(self, candidate: Candidate) -> float:
        name = self.serving.served_name(candidate) if self.serving.trained(candidate) else None
        engines = self.serving.engines
        return cost_per_item(candidate, engines.served.get(name) if name else None, engines)


def cost_per_item(candidate: Candidate, served: Served | None, engines: Engines) -> float:
    """Estimated seconds per item for ``candidate`` alone: (one scoring pass if it reads option scores, plus a
    draw of one sample per vote) per option order, at the measured seconds per scored prompt and per draw of
    that size of its model (of all models where its own has no measurement yet; ``UNMEASURED`` seconds per pass
    and per sample where nothing is measured)."""
    recipe = candidate.recipe
    samples = recipe.sampling.n

    def measured(read: Callable[[Served], float | None], unmeasured: float) -> float:
        own = read(served) if served is not None else None
        if own is not None:
            return own
        seen = [v for v in (read(s) for s in engines.served.values()) if v is not None]
        return sum(seen) / len(seen) if seen else unmeasured

    score = measured(Served.per_score, UNMEASURED) if recipe.score else 0.0
    draw = measured(lambda s: s.per_prompt(samples), UNMEASURED * samples) if samples else 0.0
    orders = recipe.permutations.k or 4  # "all": every cyclic shift, 4 for four options
    return orders * (score + draw)
