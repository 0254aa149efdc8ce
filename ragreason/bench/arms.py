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
from dataclasses import dataclass

from ..pipeline import Reader, Sampling, read_choice
from ..recipe.conditions import COMPETITION_BASELINE, CONTEXT_CONDITIONS, adapter_of
from ..types import Item
from ..vote import Voter
from .config import BenchConfig

BASELINE_REGEX = re.compile("答案是：(.)")
BASELINE_SAMPLES = 3


def baseline_reader(item: Item, text: str) -> str | None:
    """The competition baseline's reader: the first ``答案是：X``, else "A" (it never abstains)."""
    match = BASELINE_REGEX.search(text)
    return match.group(1) if match else "A"


@dataclass(frozen=True)
class Arm:
    condition: str
    votes: int
    template: str
    context: bool
    adapter: str | None
    sampling: Sampling
    reader: Reader = read_choice
    voter: Voter = Voter()
    score: str | None = None

    @property
    def name(self) -> str:
        return f"{self.condition}@{self.votes}"


def arms_for(config: BenchConfig) -> list[Arm]:
    s = config.sampling
    out = []
    for condition in config.conditions:
        if condition == COMPETITION_BASELINE:
            sampling = Sampling(n=BASELINE_SAMPLES, temperature=s.temperature, top_p=s.top_p,
                                max_tokens=s.max_tokens, separate=True)
            out.append(Arm(condition, BASELINE_SAMPLES, COMPETITION_BASELINE, False, None, sampling,
                           baseline_reader, Voter(tie_break="first")))
            continue
        context = condition in CONTEXT_CONDITIONS
        adapter = adapter_of(condition)
        for votes in config.votes:
            temperature = 0.0 if votes == 1 else s.temperature
            n = 0 if votes == 1 and config.score else votes
            sampling = Sampling(n=n, temperature=temperature, top_p=s.top_p, max_tokens=s.max_tokens,
                                constrained=s.constrained)
            out.append(Arm(condition, votes, config.prompt.template, context, adapter, sampling,
                           score=config.score))
    return out
