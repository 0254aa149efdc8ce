"""``Recipe``: how to answer a question, as one typed value.

What the prompt holds (``PromptSpec``), how many answers are sampled (``Sampling``), how options are scored
and calibrated, under how many option orders, what answers when no vote does, how votes are counted and read,
how many retrieved documents a question reads, and with which adapter. ``answer(items, recipe, generator=...)``
runs it; a benchmark arm is one; ``ragreason run`` builds one from its flags. Every problem is listed at once
(``RecipeError``); ``key`` is what the answers it makes are recorded under.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..extract import Reader, read_choice
from ..orders import Permutations
from ..prompt.spec import PromptSpec
from ..types import SettingsError
from ..vote import Fallback, Voter
from .sampling import Sampling


class RecipeError(SettingsError):
    """A recipe that cannot answer: every problem listed at once."""


@dataclass(frozen=True, kw_only=True)
class Recipe:
    """``score``: option scoring as one more vote (a method of ``ragreason.generate.METHODS``: "label", "text",
    "cloze", "cloze-token", "cloze-char", "cloze-pmi"; or "auto", chosen on the solved examples), the only vote
    with ``Sampling(n=0)``. ``calibrate`` ("batch", "pride" or "fitted"): correct every option score
    (``ragreason.calibrate``). ``prior``: add the log of each letter's share of the solved examples' golds to
    the calibrated scores (the model's evidence weighed against the answer prior). ``permutations``: each item
    shown under k option orders, voted together. ``fallback``: what answers the items no vote named an option
    for. ``voter`` counts the votes; ``reader`` reads a letter out of a sampled text. ``top_k``: documents per
    question (None: as many as the retriever was built to return). ``adapter``: the generator's adapter to
    answer with (None: the base model)."""

    prompt: PromptSpec = field(default_factory=PromptSpec)
    sampling: Sampling = field(default_factory=Sampling)
    score: str | None = None
    calibrate: str | None = None
    prior: bool = False
    permutations: Permutations = field(default_factory=Permutations)
    fallback: Fallback = field(default_factory=Fallback)
    voter: Voter = field(default_factory=Voter)
    reader: Reader = read_choice
    top_k: int | None = None
    adapter: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.permutations, int | str):  # a count or "all", as a config or a flag gives it
            object.__setattr__(self, "permutations", Permutations.parse(self.permutations))
        problems = self.problems()
        if problems:
            raise RecipeError(problems)

    def problems(self) -> list[str]:
        """Every reason this recipe cannot answer (none: it can)."""
        from ..calibrate import CALIBRATIONS, orders_problem
        from ..calibrate.formulation import AUTO
        from ..generate import METHODS

        out = []
        if self.sampling.n == 0 and self.score is None:
            out.append("Sampling(n=0) needs a score (nothing would vote)")
        if self.score is not None and self.score not in (*METHODS, AUTO):
            out.append(f"score: must be one of {', '.join(METHODS)}, {AUTO} or unset, got {self.score!r}")
        if self.calibrate is not None and self.calibrate not in CALIBRATIONS:
            out.append(f"calibrate: must be one of {', '.join(CALIBRATIONS)} or unset, got {self.calibrate!r}")
        k = self.permutations.k
        if problem := orders_problem(self.calibrate, "all" if k is None else k):
            out.append(f"calibrate: {problem}")
        if self.prior and self.calibrate in (None, "fitted"):
            out.append("prior weighs batch- or PriDe-calibrated scores (uncalibrated scores carry the model's own "
                       "letter habit; the fitted calibration learns the answer prior itself)")
        if self.top_k is not None and self.top_k < 1:
            out.append(f"top_k: must be >= 1 or unset, got {self.top_k}")
        return out
