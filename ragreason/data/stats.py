"""Summaries of a loaded data set: counts, option-count histogram, answer distribution."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..types import Item, Problem


@dataclass(frozen=True)
class DataStats:
    problems: int
    items: int
    options: dict[int, int]
    answers: dict[str, int]
    unanswered: int
    languages: dict[str, int]

    def lines(self) -> list[str]:
        def share(count: int) -> str:
            return f"{count} ({100 * count / self.items:.1f}%)" if self.items else str(count)

        out = [f"problems: {self.problems}", f"questions: {self.items}"]
        out.append("options per question: " + ", ".join(f"{k}: {share(v)}" for k, v in self.options.items()))
        out.append("answers: " + ", ".join(f"{k}: {share(v)}" for k, v in self.answers.items()))
        if self.unanswered:
            out.append(f"without answer: {share(self.unanswered)}")
        out.append("languages: " + ", ".join(f"{k}: {v}" for k, v in self.languages.items()))
        return out


def describe(problems: list[Problem]) -> DataStats:
    items: list[Item] = [item for problem in problems for item in problem.items]
    return DataStats(
        problems=len(problems),
        items=len(items),
        options=dict(sorted(Counter(len(i.options) for i in items).items())),
        answers=dict(sorted(Counter(i.answer for i in items if i.answer is not None).items())),
        unanswered=sum(1 for i in items if i.answer is None),
        languages=dict(Counter(i.meta.get("lang", "?") for i in items).most_common()),
    )
