"""``tune(space, dev=None, budget=...)``: race a search space's recipes on a dev split, write the
leaderboard, the accuracy-against-cost plot and the winner as ``best.yaml``, then evaluate the winner
once on the test split against the base recipe and the answer prior.

Answers go to ``<out>/dev-<dev key>/answers/<recipe>-<recipe hash>.jsonl`` item by item (the bench's
resumable records), so a rerun resumes and a changed recipe recomputes only itself. Retrievers are built
before the first turn (each distinct retrieval once; their time counts) and timed on a few dev
items, so that each turn's estimate includes the retrieval it still needs. Adapters are trained
when a recipe that needs one first takes its turn (the training counts against the budget), cached by
what decides them, and served merged into a copy of the base model.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from .. import console
from ..calibrate import fitted_examples
from ..data.prior import LetterPrior
from ..experiment.answer_arm import answer_arm, fit_examples
from ..experiment.arms import arms_for
from ..experiment.components import build_generator, build_retriever, builder_for, merged_model, train_adapter
from ..experiment.records import RunRecord
from ..experiment.split import load_split
from ..generate.vllm_options import served_dtype
from ..policy import DEFAULT_SCORE
from ..recipe.conditions import trained_with_context
from ..retrieve.context_cache import ContextCache
from ..types import Item, Retriever
from ..vote import Fallback
from .budget import Budget, Meter
from .dev import DevSplit, carve_dev, given_dev
from .engines import Engines, cost_per_item
from .race import Standing, race
from .result import BASE_NAME, TestRow, TuneResult
from .space import Candidate, TuneSpace, load_space

log = logging.getLogger(__name__)

RETRIEVAL_PROBE = 8  # dev items each retriever answers before the first turn, to time it


class _Runner:
    """What a race needs to answer with a recipe: its retriever, adapter, served model and records."""

    def __init__(self, space: TuneSpace, split: DevSplit, test: list[Item], work: Path, progress: bool) -> None:
        self.space, self.split, self.test, self.work, self.progress = space, split, test, work, progress
        self.engines = Engines()
        self.prior = LetterPrior.fit(split.rest) if any(i.answer for i in split.rest) else None
        self._retrievers: dict[str, Retriever | None] = {}
        self._models: dict[str, Path] = {}
        self._adapter_keys: dict[str, str] = {}  # recipe key -> adapter key
        self.records: dict[str, list[RunRecord]] = {}
        self.meter: Meter | None = None
        self._largest: dict[str, int] = {}  # per served model, the largest vote size still racing
        self._calibrated: set[tuple[str, str]] = set()  # (served model, prompt and retrieval) fitted already

    def retriever(self, recipe: Candidate) -> Retriever | None:
        if not recipe.context:
            return None
        key = recipe.config.digest("retrieval")
        if key not in self._retrievers:
            built = build_retriever(recipe.config, self.split.rest, [*self.split.dev, *self.test])
            self._retrievers[key] = ContextCache(built) if built is not None else None  # recipes share contexts
        return self._retrievers[key]

    def served_name(self, recipe: Candidate) -> str:
        return "base" if recipe.adapter is None else f"{recipe.adapter}-{self._model(recipe).name}"

    def _adapter_key(self, recipe: Candidate) -> str:
        """What decides the recipe's adapter (hashing the training items once per recipe)."""
        if recipe.key not in self._adapter_keys:
            from ..experiment.components import adapter_key

            self._adapter_keys[recipe.key] = adapter_key(recipe.config, self.split.rest,
                                                        trained_with_context(recipe.condition))
        return self._adapter_keys[recipe.key]

    def _model(self, recipe: Candidate) -> Path:
        """The merged model of the recipe's adapter, trained (on the rest of the training split) and merged once."""
        key = self._adapter_key(recipe)
        if key not in self._models:
            folder, seconds, reused = train_adapter(recipe.config, self.split.rest, self.retriever(recipe),
                                                    with_context=trained_with_context(recipe.condition),
                                                    progress=self.progress)
            if reused and self.meter is not None:
                self.meter.charge(seconds)
            self._models[key] = merged_model(folder, served_dtype(recipe.config.model.options))
        return self._models[key]

    def served(self, recipe: Candidate):
        name = self.served_name(recipe)
        if name not in self.engines.served:
            path = None if recipe.adapter is None else self._model(recipe)
            config = recipe.config
            warm_on = (self.split.dev or self.test)[0]

            def make(config=config, path=path, name=name):
                engine = build_generator(config, {}, path=path, name=name if path else None)
                engine.generate([builder_for(config).build(warm_on)], n=1, max_tokens=1)  # start it now, untimed
                return engine
            served = self.engines.get(name, make)
            served.cache.draw_at_least = self._largest.get(name, self._largest.get(f"~{recipe.adapter}", 1))
            return served
        return self.engines.served[name]

    def cost(self, recipe: Candidate) -> float:
        """Estimated seconds per item: the model's (measured per sample and per scored prompt) and, for a
        recipe with context, its retriever's (measured per item retrieved)."""
        retriever = self._timed_retriever(recipe)
        per_item = retriever.per_item() if retriever else None
        return self._model_cost(recipe) + (per_item or 0.0)

    def _timed_retriever(self, recipe: Candidate) -> ContextCache | None:
        """The recipe's retriever, which times itself, if the recipe answers with context."""
        retriever = self.retriever(recipe) if recipe.context else None
        return retriever if isinstance(retriever, ContextCache) else None

    def _model_cost(self, recipe: Candidate) -> float:
        name = self.served_name(recipe) if recipe.adapter is None or self._trained(recipe) else None
        return cost_per_item(recipe, self.engines.served.get(name) if name else None, self.engines)

    def probe_retrieval(self) -> None:
        """Retrieve for the first ``RETRIEVAL_PROBE`` dev items with each retriever (they are kept), so that
        the first turn's estimate already knows what retrieving an item takes."""
        probe = self.split.dev[:RETRIEVAL_PROBE]
        for retriever in self._retrievers.values():
            if isinstance(retriever, ContextCache):
                retriever.retrieve_many(probe)

    def _trained(self, recipe: Candidate) -> bool:
        return self._adapter_key(recipe) in self._models

    def answer(self, recipe: Candidate, items: list[Item]) -> list[RunRecord]:
        """The recipe's records for ``items``; calibration (batch, or the fitted map's balancing) is estimated
        over ``items``: a round's slice, whose earlier part keeps the answers it had."""
        config = recipe.config
        arm = arms_for(config)[0]
        fallback = Fallback(config.fallback, self.prior if config.fallback == "prior" else None,
                            method=config.score or DEFAULT_SCORE)
        examples = self._fit_examples(recipe)
        arm = arm.served_merged()  # adapters are served merged
        records, _ = answer_arm(config, arm, items, self.served(recipe).cache, self.retriever(recipe), self.work,
                                False, fallback, examples)
        return [replace(r, arm=recipe.name) for r in records]

    def _calibration_key(self, recipe: Candidate) -> tuple[str, str] | None:
        """What the fitted calibration's solved examples are scored under (None: the recipe fits none)."""
        c = recipe.config
        if c.calibrate != "fitted" or not (c.score or c.fallback == "score"):
            return None
        return self._group(recipe), c.digest("prompt", "retrieval") if recipe.context else c.digest("prompt")

    def turn_cost(self, recipe: Candidate, new_items: list[Item]) -> float:
        """A turn's estimated seconds: answering its new items; scoring the fitted calibration's solved examples
        the first time its model and prompts need them; retrieving for the items and examples no turn has
        retrieved for yet. Before the model has answered anything its part cannot be estimated: 0."""
        key = self._calibration_key(recipe)
        fresh = key is not None and key not in self._calibrated  # fitted before: its examples scored and retrieved
        examples = fitted_examples(self._fit_examples(recipe)) if fresh else []
        seconds = 0.0
        if any(s.engine.draws or s.engine.scores for s in self.engines.served.values()):
            seconds += self._model_cost(recipe) * len(new_items)
            if examples:
                scoring = replace(recipe, config=replace(recipe.config, votes=(1,), permutations=1,
                                                         score=recipe.config.score or DEFAULT_SCORE))
                seconds += len(examples) * self._model_cost(scoring)
        retriever = self._timed_retriever(recipe)
        per_item = retriever.per_item() if retriever else None
        if per_item:
            seconds += per_item * retriever.missing([*new_items, *examples])
        return seconds

    def _fit_examples(self, recipe: Candidate) -> list[Item]:
        return fit_examples(recipe.config, arms_for(recipe.config)[0], self.split.rest)

    def evaluate(self, recipe: Candidate, items) -> list[bool]:
        records = self.answer(recipe, list(items))
        key = self._calibration_key(recipe)
        if key is not None:
            self._calibrated.add(key)
        self.records[recipe.name] = records
        return [r.correct for r in records]

    def order(self, standings: list[Standing]) -> list[Standing]:
        """A round's turns: by served model (the running one first, so it is not restarted), the cheapest
        recipes first (a budget that runs out mid-round leaves out the costly ones, not the cheap ones); each
        model's sampled draws take the largest vote size still racing, so the smaller ones reuse it."""
        running = {n for n, s in self.engines.served.items() if s.engine.running}
        largest: dict[str, int] = {}
        for s in standings:
            name = self._group(s.recipe)
            largest[name] = max(largest.get(name, 1), s.recipe.votes)
        for name, served in self.engines.served.items():
            served.cache.draw_at_least = largest.get(name, 1)
        self._largest = largest
        return sorted(standings, key=lambda s: (self._group(s.recipe) not in running, self._group(s.recipe),
                                                self.cost(s.recipe)))

    def _group(self, recipe: Candidate) -> str:
        """The served model's name, or a stand-in for an adapter not trained yet."""
        return self.served_name(recipe) if recipe.adapter is None or self._trained(recipe) else f"~{recipe.adapter}"


def tune(space: TuneSpace | str | Path, dev: list[Item] | None = None, *, budget: Budget | str | None = None,
         exhaustive: bool = False, test: bool = True, out: str | Path | None = None,
         progress: bool = True) -> TuneResult:
    """Race ``space``'s recipes on ``dev`` (default: ``race.dev_size`` items carved from its training split)
    within ``budget`` ("30m", "20k tokens"; default: none), write ``leaderboard.md``/``.json``,
    ``pareto.png`` and ``best.yaml`` under the space's ``out``, and (``test``) evaluate the winner on the
    test split against the base recipe and the prior. ``exhaustive``: every recipe on every dev item.
    ``out``: write there instead (answers resume from the folder written to)."""
    from .best import write_best
    from .leaderboard import write_leaderboard

    if not isinstance(space, TuneSpace):
        space = load_space(space)
    budget = budget if isinstance(budget, Budget) else Budget.parse(budget)
    base = space.base
    split_all = load_split(base)
    split = (given_dev(split_all.train, dev, space.race.seed) if dev is not None
             else carve_dev(split_all.train, space.race.dev_size, space.race.seed))
    if not split.dev or not split.rest:
        raise ValueError(f"{space.source}: the training split of {len(split_all.train)} items leaves no dev items "
                         "or nothing to train on")
    out = Path(out) if out is not None else base.resolve(base.out)
    work = out / f"dev-{split.key}"
    work.mkdir(parents=True, exist_ok=True)
    runner = _Runner(space, split, split_all.test, work, progress)
    meter = runner.meter = Meter(budget, runner.engines.drawn_tokens)
    for recipe in space.recipes:  # before the first turn, so that each turn's estimate sees what is left
        runner.retriever(recipe)
    runner.probe_retrieval()
    log.info("tuning %d recipes on %d dev items (%d train, %d test), budget %s", len(space.recipes),
             len(split.dev), len(split.rest), len(split_all.test), budget)
    try:
        # the bar counts answers (recipe x dev item) out of the exhaustive number: racing ends short of it
        with console.bar(len(space.recipes) * len(split.dev), "racing", "answer", enabled=progress) as shown:
            def evaluate(recipe, items):
                before = len(runner.records.get(recipe.name, ()))
                result = runner.evaluate(recipe, items)
                shown.set_postfix_str(f"{len(items)} items: {recipe.name}")
                shown.update(len(result) - before)
                return result
            result = race(space.recipes, split.dev, evaluate, space.race, meter, runner.cost, exhaustive=exhaustive,
                          order=runner.order, turn_cost=runner.turn_cost)
        seconds, tokens = meter.seconds, meter.tokens
        costs = {r.name: runner.cost(r) for r in space.recipes}
        rows = _test_rows(runner, result.winner.recipe, space) if test and split_all.test else []
    finally:
        runner.engines.close()
    prior_dev = (sum(runner.prior.choice(i) == i.answer for i in split.dev) / len(split.dev)
                 if runner.prior is not None else None)
    tuned = TuneResult(result, split, seconds, tokens, costs, runner.records, rows, split_all.test, out, prior_dev,
                       exhaustive)
    write_leaderboard(tuned, out)
    write_best(result.winner.recipe, out / "best.yaml")
    return tuned


def base_recipe(space: TuneSpace) -> Candidate:
    """The reference recipe on the test split: the base model with the space's default answer settings."""
    config = replace(space.base, conditions=("base",), votes=(1,))
    return Candidate(BASE_NAME, config)


def _test_rows(runner: _Runner, winner: Candidate, space: TuneSpace) -> list[TestRow]:
    test = runner.test
    reference = base_recipe(space)
    recipes = [winner] if reference.key == winner.key else [winner, reference]
    rows = [TestRow(r.name, runner.answer(r, test)) for r in recipes]
    if runner.prior is not None:
        from ..experiment.records import prior_records

        rows.append(TestRow("prior", prior_records(runner.prior, test, space.base.digest())))
    return rows

