"""Forward chaining to a fixed point, stratum by stratum, with the minimal proof depth of every atom.

Depth: a fact has depth 0; an atom derived by a rule has depth 1 + the largest depth of the rule's
positive conditions, minimised over all ways of deriving it (the height of its shortest proof tree).
Negated conditions add no depth: they are checked against strata that are already complete.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .logic import Atom, Rule, Theory, in_order, is_var
from .strata import stratify


@dataclass(frozen=True)
class Model:
    """Every atom that holds in a theory's closed world, with its minimal proof depth."""

    depths: Mapping[Atom, int] = field(repr=False)
    _index: dict[tuple[str, str, str], list[Atom]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[tuple[str, str, str], list[Atom]] = {}
        for atom in in_order(self.depths):
            for k in ((atom.rel, atom.head, "?"), (atom.rel, "?", atom.tail), (atom.rel, "?", "?")):
                index.setdefault(k, []).append(atom)
        object.__setattr__(self, "_index", index)

    def holds(self, atom: Atom) -> bool:
        return atom in self.depths

    def depth(self, atom: Atom) -> int:
        """The minimal proof depth of an atom that holds; ``ValueError`` for one that does not."""
        if atom not in self.depths:
            raise ValueError(f"{atom} does not hold, so it has no proof depth")
        return self.depths[atom]

    def matching(self, pattern: Atom) -> list[Atom]:
        """Atoms that hold and agree with ``pattern`` (sorted); ``?`` or any variable matches anything."""
        head = "?" if is_var(pattern.head) else pattern.head
        tail = "?" if is_var(pattern.tail) else pattern.tail
        if head != "?" and tail != "?":
            return [pattern] if pattern in self.depths else []
        return list(self._index.get((pattern.rel, head, tail), []))

    def __len__(self) -> int:
        return len(self.depths)


class _Facts:
    """The atoms known so far, indexed by relation, by bound position and by (depth, relation)."""

    def __init__(self) -> None:
        self.depth: dict[Atom, int] = {}
        self.by_rel: dict[str, list[Atom]] = {}
        self.by_head: dict[tuple[str, str], list[Atom]] = {}
        self.by_tail: dict[tuple[str, str], list[Atom]] = {}
        self.by_level: dict[tuple[int, str], list[Atom]] = {}

    def add(self, atom: Atom, depth: int) -> None:
        self.depth[atom] = depth
        self.by_rel.setdefault(atom.rel, []).append(atom)
        self.by_head.setdefault((atom.rel, atom.head), []).append(atom)
        self.by_tail.setdefault((atom.rel, atom.tail), []).append(atom)
        self.by_level.setdefault((depth, atom.rel), []).append(atom)

    def candidates(self, pattern: Atom) -> list[Atom]:
        head_bound, tail_bound = not is_var(pattern.head), not is_var(pattern.tail)
        if head_bound and tail_bound:
            return [pattern] if pattern in self.depth else []
        if head_bound:
            return self.by_head.get((pattern.rel, pattern.head), [])
        if tail_bound:
            return self.by_tail.get((pattern.rel, pattern.tail), [])
        return self.by_rel.get(pattern.rel, [])


def closure(theory: Theory) -> Model:
    """The closed-world model of ``theory`` (raises ``ValueError`` if its rules are not stratifiable)."""
    known = _Facts()
    for fact in in_order(theory.facts):
        known.add(fact, 0)
    for stratum in stratify(theory.rules):
        _saturate(stratum, known)
    return Model(MappingProxyType(known.depth))


def _saturate(rules: list[Rule], known: _Facts) -> None:
    """Apply one stratum's rules level by level: the atoms first derivable at level L get depth L.

    Semi-naive: at level L a rule instance is only tried if one of its positive conditions has depth
    exactly L - 1 (any other instance was already tried at an earlier level)."""
    deepest = max(known.depth.values(), default=0)
    level = 1
    while True:
        new = {head for rule in rules for head in _fire(rule, level, known)}
        for atom in in_order(new):
            known.add(atom, level)
        deepest = max(deepest, level if new else 0)
        if not new and level - 1 >= deepest:
            return
        level += 1


def _fire(rule: Rule, level: int, known: _Facts) -> Iterator[Atom]:
    """New heads of the rule's instances whose conditions all have depth < ``level``, one exactly level - 1."""
    for i, first in enumerate(rule.when):
        rest = rule.when[:i] + rule.when[i + 1:]
        for fact in known.by_level.get((level - 1, first.rel), ()):
            start = _unify(first, fact, {})
            if start is None:
                continue
            for binding in _bindings(rest, start, known, level - 1):
                head = rule.then.substitute(binding)
                if head not in known.depth and _allowed(rule, binding, known):
                    yield head


def _allowed(rule: Rule, binding: dict[str, str], known: _Facts) -> bool:
    if any(binding[a] == binding[b] for a, b in rule.distinct):
        return False
    return not any(atom.substitute(binding) in known.depth for atom in rule.unless)


def _bindings(atoms: tuple[Atom, ...], binding: dict[str, str], known: _Facts, limit: int) -> Iterator[dict[str, str]]:
    """Every extension of ``binding`` that matches all ``atoms`` to known atoms of depth <= ``limit``."""
    if not atoms:
        yield binding
        return
    pattern = atoms[0].substitute(binding)
    for fact in known.candidates(pattern):
        if known.depth[fact] > limit:
            continue
        extended = _unify(pattern, fact, binding)
        if extended is not None:
            yield from _bindings(atoms[1:], extended, known, limit)


def _unify(pattern: Atom, fact: Atom, binding: dict[str, str]) -> dict[str, str] | None:
    """``binding`` extended so that ``pattern`` matches ``fact``, or None."""
    if pattern.rel != fact.rel:
        return None
    out = dict(binding)
    for term, value in ((pattern.head, fact.head), (pattern.tail, fact.tail)):
        if is_var(term):
            if out.setdefault(term, value) != value:
                return None
        elif term != value:
            return None
    return out
