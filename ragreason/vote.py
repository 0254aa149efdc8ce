"""Voting over answers from samples, prompts, adapters, models and option scorers.

Strategies:
- ``majority``: each readable vote counts 1;
- ``weighted``: each vote counts its source's weight (e.g. that prompt's or adapter's validation accuracy);
- ``first``: the first readable vote wins (no voting).
Ties go to the option with the highest summed log-probability when every tied vote has one, else to
the option voted first (``tie_break="first"`` always takes the option voted first).
Unreadable votes are abstentions: counted and reported, never a fallback "A".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from .data.prior import LetterPrior
from .types import Answer, Context, Generation

ABSTAIN = "-"
STRATEGIES = ("majority", "weighted", "first")
FALLBACKS = ("none", "score", "prior")


@dataclass(frozen=True)
class Vote:
    choice: str | None
    source: str = "sample"
    logprob: float | None = None


def generation_source(generation: Generation) -> str:
    """The source of a sampled vote: model, adapter and prompt template."""
    return f"{generation.model}|{generation.adapter or 'base'}|{generation.prompt_template}"


def vote_from_scores(scores: Mapping[str, float], source: str = "scores") -> Vote:
    """An option-scoring result (letter -> log-likelihood) as one vote for the best option."""
    if not scores:
        return Vote(None, source)
    best = max(scores, key=lambda letter: scores[letter])
    return Vote(best, source, scores[best])


@dataclass(frozen=True)
class Voter:
    """How votes become an answer: ``strategy`` (majority, weighted by ``weights`` per source with
    ``default_weight`` for the others, or first), and ``tie_break`` ("logprob" or "first")."""

    strategy: str = "majority"
    weights: Mapping[str, float] = field(default_factory=dict)
    default_weight: float = 1.0
    tie_break: str = "logprob"

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", dict(self.weights or {}))
        if self.tie_break not in ("logprob", "first"):
            raise ValueError(f"tie_break must be 'logprob' or 'first', got {self.tie_break!r}")
        if self.strategy not in STRATEGIES:
            raise ValueError(f"unknown voting strategy {self.strategy!r}; known: {', '.join(STRATEGIES)}")
        if self.strategy == "weighted" and not self.weights:
            raise ValueError("the 'weighted' strategy needs weights per source")
        bad = {k: w for k, w in self.weights.items() if w < 0}
        if bad or self.default_weight < 0:
            raise ValueError(f"weights must be >= 0, got {bad or self.default_weight}")

    def weight(self, vote: Vote) -> float:
        return self.weights.get(vote.source, self.default_weight) if self.strategy == "weighted" else 1.0

    def vote(self, item_id: str, votes: Sequence[Vote], *, generations: Sequence[Generation] = (),
             context: Context | None = None) -> Answer:
        tally: dict[str, float] = {}
        for v in votes:
            if v.choice is not None:
                tally[v.choice] = tally.get(v.choice, 0.0) + self.weight(v)
        choice = self._winner(votes, tally)
        cast = sum(tally.values())
        confidence = tally[choice] / cast if choice is not None and cast > 0 else 0.0
        return Answer(
            item_id=item_id, choice=choice, votes=tally, confidence=confidence,
            abstentions=sum(v.choice is None for v in votes), generations=tuple(generations),
            context=context, by_source=_by_source(votes),
        )

    def _winner(self, votes: Sequence[Vote], tally: Mapping[str, float]) -> str | None:
        readable = [v for v in votes if v.choice is not None]
        if not readable:
            return None
        if self.strategy == "first":
            return readable[0].choice
        top = max(tally.values())
        tied = [c for c in tally if tally[c] == top]  # dicts keep first-vote order
        if len(tied) == 1 or self.tie_break == "first":
            return tied[0]
        return _break_tie(tied, readable)


def _break_tie(tied: list[str], readable: list[Vote]) -> str:
    """Highest summed log-probability when every tied vote has one; else the earliest voted."""
    contenders = [v for v in readable if v.choice in tied]
    if all(v.logprob is not None for v in contenders):
        sums = {c: sum(v.logprob for v in contenders if v.choice == c) for c in tied}  # type: ignore[misc]
        return max(tied, key=lambda c: sums[c])
    return tied[0]


def _by_source(votes: Sequence[Vote]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for v in votes:
        counts = out.setdefault(v.source, {})
        key = v.choice or ABSTAIN
        counts[key] = counts.get(key, 0) + 1
    return out


@dataclass(frozen=True)
class Fallback:
    """What answers an item when no vote names an option: ``"score"`` (the generator's option scores,
    one deterministic pass over those items only, by ``method`` "text" or "label"), ``"prior"`` (the
    letter ``prior`` gives the item's option count), or ``"none"`` (the item stays unanswered). The
    answer records which one chose (``Answer.fallback``)."""

    policy: str = "none"
    prior: LetterPrior | None = None
    method: str = "text"

    def __post_init__(self) -> None:
        if self.policy not in FALLBACKS:
            raise ValueError(f"fallback must be one of {', '.join(FALLBACKS)}, got {self.policy!r}")
        if self.policy == "prior" and self.prior is None:
            raise ValueError("fallback 'prior' needs a LetterPrior (LetterPrior.fit(training items))")

    @property
    def scoring(self) -> str | None:
        """The scoring method it answers by (None: it answers by the prior, or not at all)."""
        return self.method if self.policy == "score" else None

    def settings(self) -> dict[str, object] | None:
        """What of it decides an answer (for the run key); None for "none"."""
        if self.policy == "none":
            return None
        if self.policy == "prior":
            return {"policy": "prior", "by_count": self.prior.by_count, "overall": self.prior.overall}  # type: ignore[union-attr]
        return {"policy": "score", "method": self.method}

    def answered(self, answer: Answer, letter: str | None) -> Answer:
        """``answer`` with the fallback's ``letter`` as its choice, the fallback named as its source."""
        if letter is None:
            return answer
        by_source = {**answer.by_source, f"fallback:{self.policy}": {letter: 1}}
        return replace(answer, choice=letter, fallback=self.policy, by_source=by_source)
