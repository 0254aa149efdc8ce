"""The generator: worlds -> solved models -> questions whose answers the solver picks -> problems.

Problem ``i`` depends only on ``(seed, i)`` (its own ``random.Random``), so the same seed gives the
same problems, and the first ``n`` problems of a longer run are the ``n`` of a shorter one.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .domains import DOMAINS
from .logic import Atom
from .problem import SynthProblem, SynthQuestion
from .questions import KINDS, MAKERS, Draft
from .scene import Scene
from .solve import answer_letter
from .solver import closure
from .verbalize import LANGS, problem_text, verbalizer

log = logging.getLogger(__name__)

LANG_CHOICES = (*LANGS, "mixed")
OPTION_COUNTS = (2, 3, 4, 5)
OPTION_WEIGHTS = (1, 2, 5, 2)
ATTEMPTS = 20


@dataclass(frozen=True)
class SynthConfig:
    lang: str = "zh"
    seed: int = 0
    max_depth: int = 3
    questions_per_problem: int = 3
    kinds: tuple[str, ...] = KINDS
    domains: tuple[str, ...] = tuple(DOMAINS)

    def __post_init__(self) -> None:
        if self.lang not in LANG_CHOICES:
            raise ValueError(f"lang must be one of {', '.join(LANG_CHOICES)}, got {self.lang!r}")
        if not 0 <= self.max_depth <= 10:
            raise ValueError(f"max_depth must be between 0 and 10, got {self.max_depth}")
        if not 1 <= self.questions_per_problem <= 10:
            raise ValueError(f"questions_per_problem must be between 1 and 10, got {self.questions_per_problem}")
        bad = [k for k in self.kinds if k not in KINDS] + [d for d in self.domains if d not in DOMAINS]
        if bad or not self.kinds or not self.domains:
            raise ValueError(f"unknown or missing question kinds / domains: {bad or 'none given'}; "
                             f"kinds: {', '.join(KINDS)}; domains: {', '.join(DOMAINS)}")


def generate_problems(n: int, config: SynthConfig | None = None) -> list[SynthProblem]:
    """``n`` problems made with ``config`` (default: Chinese, seed 0, depth up to 3, 3 questions each)."""
    return list(iter_problems(n, config))


def iter_problems(n: int, config: SynthConfig | None = None) -> Iterator[SynthProblem]:
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    config = config or SynthConfig()
    for index in range(n):
        yield make_problem(index, config)


def make_problem(index: int, config: SynthConfig) -> SynthProblem:
    rng = random.Random(f"ragreason.synth:{config.seed}:{index}")
    lang = rng.choice(LANGS) if config.lang == "mixed" else config.lang
    low = min(1, config.max_depth)
    for _ in range(ATTEMPTS):
        target = rng.randint(low, config.max_depth)
        domain = _domain(rng, config.domains, target)
        world = DOMAINS[domain].build(rng, lang, target)
        scene = Scene(world, closure(world.theory), verbalizer(lang, world.kind))
        questions = _questions(scene, rng, target, low, config)
        if questions:
            return SynthProblem(
                id=f"synth-{config.seed}-{index:06d}", lang=lang, domain=domain,
                text=problem_text(world, scene.say), facts=world.facts, rules=world.rules,
                questions=tuple(questions),
            )
        log.debug("problem %d: a %s world gave no questions, trying another", index, domain)
    raise ValueError(f"problem {index}: no world gave questions in {ATTEMPTS} attempts with {config}")


def _domain(rng: random.Random, domains: Sequence[str], depth: int) -> str:
    able = [d for d in domains if DOMAINS[d].CAPACITY >= depth]
    return rng.choice(able) if able else max(domains, key=lambda d: DOMAINS[d].CAPACITY)


def _questions(scene: Scene, rng: random.Random, target: int, low: int, config: SynthConfig) -> list[SynthQuestion]:
    levels = scene.levels(low, config.max_depth)
    if not levels:
        return []
    used: set[Atom] = set()
    texts: set[str] = set()
    out = []
    for slot in range(2 * config.questions_per_problem):
        if len(out) == config.questions_per_problem:
            break
        want = target if slot == 0 else rng.choice(levels)
        depth = min(levels, key=lambda d: (abs(d - want), -d))
        question = _question(scene, rng, depth, used, texts, config.kinds)
        if question is not None:
            out.append(question)
    return out


def _question(scene: Scene, rng: random.Random, depth: int, used: set[Atom], texts: set[str],
              kinds: Sequence[str]) -> SynthQuestion | None:
    """A question of a random kind; when that one has nothing to ask, the others are tried, the
    true/false kind (which nearly always succeeds) last so that it does not crowd out the rest."""
    first = rng.choice(list(kinds))
    rest = [k for k in kinds if k not in (first, "truth")]
    rng.shuffle(rest)
    for kind in [first, *rest, *(["truth"] if "truth" in kinds and first != "truth" else [])]:
        k = 2 if kind == "truth" else rng.choices(OPTION_COUNTS, OPTION_WEIGHTS)[0]
        draft = MAKERS[kind](scene, rng, depth, k, used)
        if draft is None or draft.text in texts:
            continue
        question = _finish(draft, scene)
        if question is not None:
            used.add(draft.basis)
            texts.add(draft.text)
            return question
    return None


def _finish(draft: Draft, scene: Scene) -> SynthQuestion | None:
    """The question with its answer chosen by the solver (None, logged, if not exactly one option holds)."""
    checks = tuple(check for _, check in draft.options)
    try:
        letter = answer_letter(checks, scene.model, draft.text)
    except ValueError as error:
        log.debug("dropped a %s question: %s", draft.kind, error)
        return None
    return SynthQuestion(
        text=draft.text, options=tuple(text for text, _ in draft.options), checks=checks, answer=letter,
        depth=scene.depth(draft.basis), kind=draft.kind, basis=draft.basis,
    )
