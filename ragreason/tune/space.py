"""The search space of ``ragreason tune``: a benchmark config (data, model, retrieval, fine-tuning,
sampling) plus a ``space`` section of axes, each a list of values, and a ``race`` section.

Every combination of the axes' values is a ``Candidate``: the benchmark config with one condition, one
vote size and the axes' settings, so a recipe is itself a config ``ragreason bench`` runs. Settings
that cannot change a recipe's answers are reset before recipes are compared (retrieval settings
without retrieved context, calibration when no option score is read), so two combinations that
answer alike are one recipe. ``load_space`` checks the base config and every recipe as
``ragreason validate`` checks a benchmark config, and lists every problem at once.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from ..experiment.arms import Arm, arms_for
from ..experiment.config import BenchConfig, load_checked
from ..policy import DEFAULT_SCORE
from ..recipe import Recipe
from ..recipe.conditions import DOCUMENT_CONDITIONS, SEARCHABLE_CONDITIONS

# axis -> (section, setting) in the benchmark config ("" is its top level)
AXES: dict[str, tuple[str, str]] = {
    "condition": ("", "conditions"), "votes": ("", "votes"), "score": ("", "score"),
    "calibrate": ("", "calibrate"), "fallback": ("", "fallback"), "permutations": ("", "permutations"),
    "template": ("prompt", "template"), "shots": ("prompt", "shots"), "closed_world": ("prompt", "closed_world"),
    "max_context_tokens": ("prompt", "max_context_tokens"), "retrieval": ("retrieval", "kind"),
    "top_k": ("retrieval", "top_k"), "examples": ("retrieval", "examples"),
    "constrained": ("sampling", "constrained"), "temperature": ("sampling", "temperature"),
}
CORRECTIONS = ("holm", "bonferroni", "none")


@dataclass(frozen=True)
class RaceSpec:
    """``dev_size``: dev items carved from the training split by problem (seeded by ``seed``); every
    candidate answers the first ``first`` of them, then the slice grows by ``growth`` for the survivors.
    A candidate is dropped when a paired test (McNemar, exact) against the leader on the same items gives
    p < ``alpha`` after ``correction`` for the number of comparisons in that round."""

    dev_size: int = 150
    first: int = 30
    growth: float = 2.0
    alpha: float = 0.05
    correction: str = "holm"
    seed: int = 0

    def problems(self) -> list[str]:
        out = [f"race.{name}: must be >= 1, got {getattr(self, name)}" for name in ("dev_size", "first")
               if getattr(self, name) < 1]
        if self.growth <= 1.0:
            out.append(f"race.growth: must be > 1, got {self.growth}")
        if not 0.0 < self.alpha < 1.0:
            out.append(f"race.alpha: must be between 0 and 1, got {self.alpha}")
        if self.correction not in CORRECTIONS:
            out.append(f"race.correction: must be one of {', '.join(CORRECTIONS)}, got {self.correction!r}")
        return out

    def sizes(self, n: int) -> list[int]:
        """The slice sizes of the rounds over ``n`` dev items: first, first x growth, ..., n."""
        out = [min(self.first, n)]
        while out[-1] < n:
            out.append(min(n, max(out[-1] + 1, round(out[-1] * self.growth))))
        return out


@dataclass(frozen=True)
class Candidate:
    """One recipe the search races: ``config`` is a benchmark config with one condition and one vote size (what
    it reads, which model and adapter answer, how the adapter is trained); ``recipe`` the ``Recipe`` it answers
    by, the one its benchmark arm answers by; ``settings`` the axis values that made it (after the reset of
    those that change nothing)."""

    name: str
    config: BenchConfig
    settings: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def arm(self) -> Arm:
        return arms_for(self.config)[0]

    @property
    def recipe(self) -> Recipe:
        return self.arm.recipe

    def scoring(self) -> Candidate:
        """This candidate as one option-scoring pass under one order (what scoring solved examples costs)."""
        return replace(self, config=replace(self.config, votes=(1,), permutations=1,
                                            score=self.config.score or DEFAULT_SCORE))

    @property
    def condition(self) -> str:
        return self.config.conditions[0]

    @property
    def votes(self) -> int:
        return self.config.votes[0]

    @property
    def adapter(self) -> str | None:
        return self.recipe.adapter

    @property
    def context(self) -> bool:
        return self.condition in DOCUMENT_CONDITIONS

    @property
    def key(self) -> str:
        return self.config.digest()


@dataclass(frozen=True)
class TuneSpace:
    base: BenchConfig
    recipes: tuple[Candidate, ...]
    race: RaceSpec = field(default_factory=RaceSpec)
    source: str = ""


def load_space(path: str | Path) -> TuneSpace:
    """Read and check a search-space YAML; ``ConfigError`` lists every problem."""
    return load_checked(_read, path)


def validate_space(path: str | Path) -> list[str]:
    """Every problem of a search-space YAML (empty when it is sound). Loads no model."""
    return _read(Path(path))[1]


def is_space(path: str | Path) -> bool:
    """Whether a YAML file is a search space (it has a ``space`` section) rather than a benchmark config."""
    import yaml

    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return False
    return isinstance(raw, dict) and "space" in raw


def _read(path: Path) -> tuple[TuneSpace | None, list[str]]:
    from ..experiment.validate import check_mapping
    from ..recipe.binding import read_mapping

    raw, problems = read_mapping(path, "search space")
    if raw is None:
        return None, problems
    axes, race_raw = raw.pop("space", None), raw.pop("race", {}) or {}
    base_dir = path.parent.resolve()
    raw = {"conditions": ["base"], "votes": [1], **raw}  # the recipes set their own; the base needs only these
    base, problems = check_mapping(raw, base_dir)
    race, race_problems = _race(race_raw)
    problems += race_problems
    if not isinstance(axes, dict) or not axes:
        problems.append("space: expected a mapping of axes to lists of values, e.g. {votes: [1, 5]} "
                        f"(axes: {', '.join(AXES)})")
        axes = {}
    for name, values in axes.items():
        if name not in AXES:
            problems.append(f"space.{name}: unknown axis (known: {', '.join(AXES)})")
        elif not isinstance(values, list) or not values:
            problems.append(f"space.{name}: expected a non-empty list of values, got {values!r}")
        elif len({repr(v) for v in values}) != len(values):
            problems.append(f"space.{name}: a value is listed twice in {values!r}")
        elif name == "condition" and (others := [v for v in values if v not in SEARCHABLE_CONDITIONS]):
            problems.append(f"space.condition: {others} cannot be raced "
                            f"(searchable: {', '.join(SEARCHABLE_CONDITIONS)})")
    if base is None or any(p.startswith("space") for p in problems):  # the recipes cannot be built
        return None, problems
    recipes: dict[str, Candidate] = {}
    names = list(axes)
    for values in itertools.product(*(axes[n] for n in names)):
        chosen = dict(zip(names, values, strict=True))
        recipe_raw = _recipe_mapping(raw, chosen)
        config, found = check_mapping(recipe_raw, base_dir)
        if found:
            listed = [f"space {_label(chosen)}: {p}" for p in found]
            problems += [p for p in listed if p not in problems]
            continue
        config = _reset(config, base)  # type: ignore[arg-type]
        recipe = Candidate(_name(config, names), config, _settings(config, names))
        recipes.setdefault(recipe.key, recipe)
    if problems:
        return None, problems
    named = _unique_names(list(recipes.values()))
    return TuneSpace(base, tuple(named), race, str(path)), []


def _race(raw: Any) -> tuple[RaceSpec, list[str]]:
    from ..recipe.binding import bind_settings

    if not isinstance(raw, dict):
        return RaceSpec(), [f"race: expected a mapping, got {type(raw).__name__}"]
    problems: list[str] = []
    race = RaceSpec(**bind_settings(RaceSpec, raw, "race.", problems))
    return race, problems + race.problems()


def _recipe_mapping(raw: dict[str, Any], chosen: dict[str, Any]) -> dict[str, Any]:
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in raw.items()}
    out["conditions"] = [chosen.get("condition", "base")]
    out["votes"] = [chosen.get("votes", 1)]
    for axis, value in chosen.items():
        section, setting = AXES[axis]
        if axis in ("condition", "votes"):
            continue
        if section:
            out.setdefault(section, {})
            out[section] = {**out[section], setting: value}
        else:
            out[setting] = value
    return out


def _reset(config: BenchConfig, base: BenchConfig) -> BenchConfig:
    """Settings that cannot change this recipe's answers, set back to the base's."""
    if config.conditions[0] not in DOCUMENT_CONDITIONS:
        config = replace(config, retrieval=base.retrieval)
    if not _reads_scores(config):
        config = replace(config, calibrate=base.calibrate)
    if config.votes[0] == 1:
        config = replace(config, sampling=replace(config.sampling, temperature=base.sampling.temperature))
    return config


def _reads_scores(config: BenchConfig) -> bool:
    return config.score is not None or config.fallback == "score"


def _matters(config: BenchConfig, axis: str) -> bool:
    """Whether an axis can change this recipe's answers (those that cannot are left out of its name)."""
    section = AXES[axis][0]
    if section == "retrieval":
        return config.conditions[0] in DOCUMENT_CONDITIONS
    if axis == "calibrate":
        return _reads_scores(config)
    if axis == "temperature":
        return config.votes[0] > 1
    return True


def _settings(config: BenchConfig, names: list[str]) -> dict[str, Any]:
    out = {}
    for axis in (n for n in names if _matters(config, n)):
        section, setting = AXES[axis]
        value = getattr(getattr(config, section) if section else config, setting)
        out[axis] = value[0] if axis in ("condition", "votes") else value
    return out


def _name(config: BenchConfig, names: list[str]) -> str:
    settings = _settings(config, names)
    head = f"{settings.pop('condition', config.conditions[0])}@{settings.pop('votes', config.votes[0])}"
    return " ".join([head, *(f"{k}={_text(v)}" for k, v in settings.items())])


def _text(value: Any) -> str:
    return "none" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def _label(chosen: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {_text(v)}" for k, v in chosen.items()) + "}"


def _unique_names(recipes: list[Candidate]) -> list[Candidate]:
    """Recipes whose names collide after the reset (settings that changed nothing) keep one name each."""
    seen: dict[str, int] = {}
    out = []
    for r in recipes:
        seen[r.name] = seen.get(r.name, 0) + 1
        out.append(r if seen[r.name] == 1 else replace(r, name=f"{r.name} #{seen[r.name]}"))
    return out
