"""A solved world, ready for questions: the true facts by depth and plausible false ones."""

from __future__ import annotations

import random
from functools import cached_property

from .logic import HOLE, Atom, in_order
from .solver import Model
from .verbalize import Verbalizer
from .world import World


class Scene:
    def __init__(self, world: World, model: Model, say: Verbalizer) -> None:
        self.world = world
        self.model = model
        self.say = say
        self._misleading: dict[Atom, bool] = {}
        self._related_pairs = {(a.head, a.tail) for a in model.depths if a.rel in world.askable}
        people = set(world.entities)
        self.true = [a for a in in_order(model.depths) if a.rel in world.askable and a.head in people
                     and a.head != a.tail]

    def depth(self, atom: Atom) -> int:
        return self.model.depth(atom)

    def levels(self, low: int, high: int) -> list[int]:
        """The depths, between ``low`` and ``high``, at which some askable fact holds."""
        return sorted({d for a in self.true if low <= (d := self.depth(a)) <= high})

    def at_depth(self, depth: int) -> list[Atom]:
        return [a for a in self.true if self.depth(a) == depth]

    def up_to(self, depth: int) -> list[Atom]:
        return [a for a in self.true if self.depth(a) <= depth]

    def plausible_false(self, atom: Atom) -> bool:
        """False in the closed world, and false to an ordinary reader too."""
        return atom.head != atom.tail and not self.model.holds(atom) and not self.misleading(atom)

    def misleading(self, atom: Atom) -> bool:
        if atom not in self._misleading:
            self._misleading[atom] = self._reads_true(atom)
        return self._misleading[atom]

    def _reads_true(self, atom: Atom) -> bool:
        """Whether a false atom would read as true in ordinary speech: the head or the tail is linked
        by a ``via`` relation (marriage) to someone who stands in some askable relation to the other."""
        pairs = self._related_pairs
        for via in self.world.via:
            if any((w.tail, atom.tail) in pairs for w in self.model.matching(Atom(atom.head, via, HOLE))):
                return True
            if any((atom.head, w.tail) in pairs for w in self.model.matching(Atom(atom.tail, via, HOLE))):
                return True
        return False

    def near_misses(self, atom: Atom) -> list[Atom]:
        """Plausible false atoms one change away: another relation, head or tail."""
        w = self.world
        out = {Atom(atom.head, r, atom.tail) for r in w.related.get(atom.rel, ())}
        out |= {Atom(e, atom.rel, atom.tail) for e in w.entities}
        out |= {Atom(atom.head, atom.rel, t) for t in w.tails.get(atom.rel, ())}
        return in_order(a for a in out if self.plausible_false(a))

    def distractors(self, rng: random.Random, basis: Atom, n: int, avoid: set[str]) -> list[Atom]:
        """Up to ``n`` plausible false atoms with distinct wordings: near misses of ``basis`` first,
        then near misses of other true facts."""
        own = self.near_misses(basis)
        rng.shuffle(own)
        others = [a for a in self.true if a != basis]
        extra = self.near_misses(rng.choice(others)) if others else []
        rng.shuffle(extra)
        out: list[Atom] = []
        seen = set(avoid)
        for atom in own[: max(1, n - 1)] + extra + own[max(1, n - 1):]:
            text = self.say.statement(atom)
            if text not in seen and len(out) < n:
                seen.add(text)
                out.append(atom)
        return out

    @cached_property
    def count_patterns(self) -> list[Atom]:
        """Patterns ("?", rel, tail) that something satisfies and that no reader would count otherwise."""
        w = self.world
        out = []
        for rel in w.countable:
            for tail in w.countable_tails(rel):
                pattern = Atom(HOLE, rel, tail)
                if self.model.matching(pattern) and not any(
                    self.misleading(Atom(e, rel, tail)) and not self.model.holds(Atom(e, rel, tail))
                    for e in w.entities
                ):
                    out.append(pattern)
        return out
