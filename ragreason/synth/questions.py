"""Question makers: is it true that... (``truth``), which holds (``which``), which does not hold
(``which_false``), who/which one (``who``), how many (``count``). Each builds a draft whose options
carry checks; the generator asks the solver which option is right."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from .checks import Check
from .logic import Atom
from .scene import Scene

KINDS = ("truth", "which", "which_false", "who", "count")


@dataclass(frozen=True)
class Draft:
    kind: str
    text: str
    options: tuple[tuple[str, Check], ...]  # (text, what makes it true)
    basis: Atom


def _pick(atoms: list[Atom], used: set[Atom], rng: random.Random) -> Atom | None:
    fresh = [a for a in atoms if a not in used]
    return rng.choice(fresh) if fresh else None


Option = tuple[str, Check]


def _place(rng: random.Random, right: Option, wrong: list[Option]) -> tuple[Option, ...]:
    """The right option at a uniformly random position among the shuffled wrong ones."""
    rest = list(wrong)
    rng.shuffle(rest)
    rest.insert(rng.randrange(len(rest) + 1), right)
    return tuple(rest)


def truth(scene: Scene, rng: random.Random, depth: int, k: int, used: set[Atom]) -> Draft | None:
    """A statement, true or false, plain or negated, about a fact of the given depth or a near miss."""
    basis = _pick(scene.at_depth(depth), used, rng)
    if basis is None:
        return None
    variant = rng.randrange(4)
    misses = scene.near_misses(basis) if variant >= 2 else []
    atom = rng.choice(misses) if misses else basis
    negated = variant % 2 == 1
    says_true = Check("fails" if negated else "holds", atom)
    says_false = Check("holds" if negated else "fails", atom)
    yes, no = scene.say.true_false
    text = scene.say.truth_stem(scene.say.statement(atom, negated=negated))
    return Draft("truth", text, ((yes, says_true), (no, says_false)), basis)


def which(scene: Scene, rng: random.Random, depth: int, k: int, used: set[Atom]) -> Draft | None:
    basis = _pick(scene.at_depth(depth), used, rng)
    if basis is None:
        return None
    right = scene.say.statement(basis)
    wrong = scene.distractors(rng, basis, k - 1, {right})
    if not wrong:
        return None
    options = _place(rng, (right, Check("holds", basis)), [(scene.say.statement(a), Check("holds", a)) for a in wrong])
    return Draft("which", scene.say.which_stem(), options, basis)


def which_false(scene: Scene, rng: random.Random, depth: int, k: int, used: set[Atom]) -> Draft | None:
    """Several true statements (the deepest of the given depth) and one plausible false one."""
    basis = _pick(scene.at_depth(depth), used, rng)
    if basis is None:
        return None
    say = scene.say
    shallower = [a for a in scene.up_to(depth) if a != basis]
    rng.shuffle(shallower)
    trues = [basis] + list({say.statement(a): a for a in shallower}.values())[: k - 2]
    texts = {say.statement(a) for a in trues}
    wrong = scene.distractors(rng, basis, 1, texts)
    if not wrong:
        return None
    right = (say.statement(wrong[0]), Check("fails", wrong[0]))
    options = _place(rng, right, [(say.statement(a), Check("fails", a)) for a in trues])
    return Draft("which_false", say.which_stem(false=True), options, basis)


def who(scene: Scene, rng: random.Random, depth: int, k: int, used: set[Atom]) -> Draft | None:
    """Which of these entities stands in a relation to someone: one does, the others plausibly not."""
    basis = _pick(scene.at_depth(depth), used, rng)
    if basis is None:
        return None
    others = [e for e in scene.world.entities if scene.plausible_false(Atom(e, basis.rel, basis.tail))]
    if not others:
        return None
    chosen = rng.sample(others, min(k - 1, len(others)))
    wrong = [(e, Check("holds", Atom(e, basis.rel, basis.tail))) for e in chosen]
    options = _place(rng, (basis.head, Check("holds", basis)), wrong)
    return Draft("who", scene.say.who_stem(basis), options, basis)


def count(scene: Scene, rng: random.Random, depth: int, k: int, used: set[Atom]) -> Draft | None:
    """How many entities stand in a relation to someone; the deepest fact counted has the given depth.

    The wrong numbers are near the right one, between 0 and the number of entities; the options are in
    random order, like the other kinds (sorted numbers would tie the answer's place to its size)."""
    found = {p: scene.model.matching(p) for p in scene.count_patterns}
    patterns = [p for p, atoms in found.items()
                if max(scene.depth(a) for a in atoms) == depth and not set(atoms) & used]
    if not patterns:
        return None
    pattern = rng.choice(patterns)
    counted = found[pattern]
    basis = max(counted, key=lambda a: (scene.depth(a), a))
    n, top = len(counted), len(scene.world.entities)
    near = [m for m in range(max(0, n - 3), min(top, n + 3) + 1) if m != n]
    far = [m for m in range(top + 1) if m != n and m not in near]
    wrong = rng.sample(near, min(k - 1, len(near)))
    wrong += rng.sample(far, min(k - 1 - len(wrong), len(far)))
    option = lambda m: (scene.say.number(m), Check("count", pattern, m))  # noqa: E731
    return Draft("count", scene.say.count_stem(basis), _place(rng, option(n), [option(m) for m in wrong]), basis)


MAKERS: dict[str, Callable[[Scene, random.Random, int, int, set[Atom]], Draft | None]] = {
    "truth": truth, "which": which, "which_false": which_false, "who": who, "count": count,
}
