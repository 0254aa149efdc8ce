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
from typing import TYPE_CHECKING

from .. import console
from ..calibrate import fitted_examples
from ..data.prior import LetterPrior
from ..experiment.answer_arm import answer_arm, fit_examples
from ..experiment.arms import config_fallback
from ..experiment.records import RunRecord
from ..experiment.split import load_split
from ..types import Item
from .budget import Budget, Meter
from .costs import Costs
from .dev import DevSplit, carve_dev, given_dev
from .race import Standing, race
from .result import BASE_NAME, TestRow, TuneResult
from .serving import Serving
from .space import Candidate, TuneSpace, load_space

if TYPE_CHECKING:
    from ..generate.openai_client import Endpoints

log = logging.getLogger(__name__)


class _Runner:
    """A race's turns: each candidate answered by what ``Serving`` serves it with (its records kept), each
    turn's cost estimated by ``Costs``, a round's turns ordered so that engines restart as rarely as possible."""

    def __init__(self, split: DevSplit, test: list[Item], work: Path, progress: bool,
                 endpoints: Endpoints | None = None) -> None:
        self.split, self.test, self.work = split, test, work
        self.serving = Serving(split, test, progress, endpoints)
        self.costs = Costs(self.serving)
        self.prior = LetterPrior.fit(split.rest) if any(i.answer for i in split.rest) else None
        self.records: dict[str, list[RunRecord]] = {}
        self._calibrated: set[tuple[str, str]] = set()  # (served model, prompt and retrieval) fitted already

    def answer(self, candidate: Candidate, items: list[Item]) -> list[RunRecord]:
        """The candidate's records for ``items``; calibration (batch, or the fitted map's balancing) is
        estimated over ``items``: a round's slice, whose earlier part keeps the answers it had."""
        config = candidate.config
        arm = candidate.arm.served_merged() if self.serving.merges else candidate.arm
        records, _ = answer_arm(config, arm, items, self.serving.served(candidate).cache,
                                self.serving.retriever(candidate), self.work, False,
                                config_fallback(config, self.prior), self._fit_examples(candidate))
        return [replace(r, arm=candidate.name) for r in records]

    def evaluate(self, candidate: Candidate, items) -> list[bool]:
        records = self.answer(candidate, list(items))
        key = self._calibration_key(candidate)
        if key is not None:
            self._calibrated.add(key)
        self.records[candidate.name] = records
        return [r.correct for r in records]

    def turn_cost(self, candidate: Candidate, new_items: list[Item]) -> float:
        """A turn's estimated seconds, with the fitted calibration's solved examples the first time its model
        and prompts need them (fitted before: scored and retrieved already)."""
        key = self._calibration_key(candidate)
        fresh = key is not None and key not in self._calibrated
        return self.costs.turn(candidate, new_items, fitted_examples(self._fit_examples(candidate)) if fresh else [])

    def order(self, standings: list[Standing]) -> list[Standing]:
        """A round's turns: by served model (the running one first, so it is not restarted), the cheapest
        candidates first (a budget that runs out mid-round leaves out the costly ones, not the cheap ones); each
        model's sampled draws take the largest vote size still racing, so the smaller ones reuse it."""
        engines = self.serving.engines
        running = {n for n, s in engines.served.items() if s.engine.running}
        largest: dict[str, int] = {}
        for s in standings:
            name = self.serving.group(s.recipe)
            largest[name] = max(largest.get(name, 1), s.recipe.votes)
        for name, served in engines.served.items():
            served.cache.draw_at_least = largest.get(name, 1)
        self.serving.largest = largest
        return sorted(standings, key=lambda s: (self.serving.group(s.recipe) not in running,
                                                self.serving.group(s.recipe), self.costs.per_item(s.recipe)))

    def _calibration_key(self, candidate: Candidate) -> tuple[str, str] | None:
        """What the fitted calibration's solved examples are scored under (None: the candidate fits none)."""
        c = candidate.config
        if c.calibrate != "fitted" or not (c.score or c.fallback == "score"):
            return None
        prompts = c.digest("prompt", "retrieval") if candidate.context else c.digest("prompt")
        return self.serving.group(candidate), prompts

    def _fit_examples(self, candidate: Candidate) -> list[Item]:
        return fit_examples(candidate.config, candidate.arm, self.split.rest)


def tune(space: TuneSpace | str | Path, dev: list[Item] | None = None, *, budget: Budget | str | None = None,
         exhaustive: bool = False, test: bool = True, out: str | Path | None = None,
         progress: bool = True, endpoints: Endpoints | None = None) -> TuneResult:
    """Race ``space``'s recipes on ``dev`` (default: ``race.dev_size`` items carved from its training split)
    within ``budget`` ("30m", "20k tokens"; default: none), write ``leaderboard.md``/``.json``,
    ``pareto.png`` and ``best.yaml`` under the space's ``out``, and (``test``) evaluate the winner on the
    test split against the base recipe and the prior. ``exhaustive``: every recipe on every dev item.
    ``out``: write there instead (answers resume from the folder written to). ``endpoints``: answer through
    these servers, each adapter loaded into them at run time instead of served merged."""
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
    runner = _Runner(split, split_all.test, work, progress, endpoints)
    meter = runner.serving.meter = Meter(budget, runner.serving.engines.drawn_tokens)
    for candidate in space.recipes:  # before the first turn, so that each turn's estimate sees what is left
        runner.serving.retriever(candidate)
    runner.costs.probe_retrieval(split.dev)
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
            result = race(space.recipes, split.dev, evaluate, space.race, meter, runner.costs.per_item,
                          exhaustive=exhaustive, order=runner.order, turn_cost=runner.turn_cost)
        seconds, tokens = meter.seconds, meter.tokens
        costs = {r.name: runner.costs.per_item(r) for r in space.recipes}
        rows = _test_rows(runner, result.winner.recipe, space) if test and split_all.test else []
    finally:
        runner.serving.close()
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

