"""The conditions a benchmark compares, each at a vote size: an ``Arm``.

| condition | served with context | adapter |
|---|---|---|
| base | no | none |
| rag | yes | none |
| graph | yes: the graph retriever's facts (retrieval ``kind: graph`` over the same knowledge) | none |
| ft | no | trained without context |
| rag+ft | yes | trained with retrieved context (RAFT: some distractor-only) |
| ft+rag | yes | trained without context |
| competition-baseline | no | none; the SAIS 2024 baseline's prompt and regex (fallback "A"), 3 separate samples |

The competition baseline breaks vote ties by the option voted first, as the original did.

Votes = 1 is greedy decoding; votes = k samples k answers in one request and takes the majority.
With ``score`` set (a scoring method, or "auto"), votes = 1 is the generator's option scoring instead (one
deterministic pass, no text generated) and votes = k adds that score as one more vote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..data.prior import LetterPrior
from ..orders import Permutations
from ..policy import DEFAULT_SCORE, calibration_for
from ..recipe import Recipe
from ..recipe.conditions import COMPETITION_BASELINE, CONTEXT_CONDITIONS, adapter_of
from ..types import Item
from ..vote import Fallback, Voter
from .config import BenchConfig

BASELINE_REGEX = re.compile("答案是：(.)")
BASELINE_SAMPLES = 3


def baseline_reader(item: Item, text: str) -> str | None:
    """The competition baseline's reader: the first ``答案是：X``, else "A" (it never abstains)."""
    match = BASELINE_REGEX.search(text)
    return match.group(1) if match else "A"


@dataclass(frozen=True)
class Arm:
    """A condition at a vote size: the recipe it answers by (its calibration and fallback set per run, from the
    solved items at hand), and whether it reads retrieved context."""

    condition: str
    votes: int
    context: bool
    recipe: Recipe

    @property
    def name(self) -> str:
        return f"{self.condition}@{self.votes}"

    @property
    def adapter(self) -> str | None:
        return self.recipe.adapter

    def served_merged(self) -> Arm:
        """This arm as a merged model serves it: its adapter folded into the model it is asked of."""
        return replace(self, recipe=replace(self.recipe, adapter=None))


def arms_for(config: BenchConfig) -> list[Arm]:
    s = config.sampling
    out = []
    for condition in config.conditions:
        if condition == COMPETITION_BASELINE:
            sampling = replace(s, n=BASELINE_SAMPLES, separate=True, constrained=False)
            recipe = Recipe(prompt=replace(config.prompt, template=COMPETITION_BASELINE), sampling=sampling,
                            reader=baseline_reader, voter=Voter(tie_break="first"))
            out.append(Arm(condition, BASELINE_SAMPLES, False, recipe))
            continue
        context = condition in CONTEXT_CONDITIONS
        for votes in config.votes:
            sampling = replace(s, n=0 if votes == 1 and config.score else votes,
                               temperature=0.0 if votes == 1 else s.temperature)
            recipe = Recipe(prompt=config.prompt, sampling=sampling, score=config.score, adapter=adapter_of(condition),
                            permutations=Permutations.parse(config.permutations))
            out.append(Arm(condition, votes, context, recipe))
    return out


def config_fallback(config: BenchConfig, prior: LetterPrior | None) -> Fallback:
    """What answers the items no vote of a config's arms named an option for (``prior``: the training split's
    letter shares, for the "prior" fallback)."""
    return Fallback(config.fallback, prior if config.fallback == "prior" else None,
                    method=config.score or DEFAULT_SCORE)


def answering_recipe(config: BenchConfig, arm: Arm, fallback: Fallback | None, fitted: bool) -> Recipe:
    """The recipe an arm answers by in a run: its own, with the run's fallback and the config's calibration
    (``fitted``: solved examples are at hand to fit it on; without them the fitted calibration is batch)."""
    return replace(arm.recipe, fallback=fallback or Fallback(), calibrate=calibration_for(config.calibrate, fitted))
