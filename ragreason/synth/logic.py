"""Atoms, rules and theories: the formal side of a synthetic problem.

Every fact is a triple ``(head, rel, tail)``, the same shape as a knowledge-graph edge. A term that
starts with ``?`` is a variable (``?X``); anything else is a constant (a name or a word). A rule reads
"``then`` holds if every atom in ``when`` holds, no atom in ``unless`` holds (negation as failure),
and the variables in each ``distinct`` pair are bound to different constants".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

HOLE = "?"  # the open position of a query pattern, as in ("?", "sibling", "Li Na")


def is_var(term: str) -> bool:
    return term[:1] == "?"


def in_order(atoms: Iterable[Atom]) -> list[Atom]:
    """Atoms sorted by (head, rel, tail), the same order as comparing them, only faster."""
    return sorted(atoms, key=lambda a: (a.head, a.rel, a.tail))


@dataclass(frozen=True, order=True, slots=True)
class Atom:
    head: str
    rel: str
    tail: str
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # kept cheap: the solver builds many atoms
        head, rel, tail = self.head, self.rel, self.tail
        if not (type(head) is str and type(rel) is str and type(tail) is str and head and rel and tail):
            raise ValueError(f"an atom's head, relation and tail must be non-empty text, got {(head, rel, tail)!r}")
        if rel[0] == "?":
            raise ValueError(f"Atom.rel must be a constant, got {rel!r}")
        object.__setattr__(self, "_hash", hash((head, rel, tail)))

    def __hash__(self) -> int:  # cached: atoms are hashed very often
        return self._hash

    @property
    def ground(self) -> bool:
        return not (is_var(self.head) or is_var(self.tail))

    def variables(self) -> set[str]:
        return {t for t in (self.head, self.tail) if is_var(t)}

    def substitute(self, binding: Mapping[str, str]) -> Atom:
        return Atom(binding.get(self.head, self.head), self.rel, binding.get(self.tail, self.tail))

    def as_list(self) -> list[str]:
        return [self.head, self.rel, self.tail]

    @classmethod
    def parse(cls, value: object) -> Atom:
        """An atom from its JSON form ``[head, rel, tail]``."""
        if not (isinstance(value, list | tuple) and len(value) == 3):
            raise ValueError(f"an atom is a list [head, relation, tail], got {value!r}")
        return cls(*value)


@dataclass(frozen=True)
class Rule:
    then: Atom
    when: tuple[Atom, ...]
    unless: tuple[Atom, ...] = ()
    distinct: tuple[tuple[str, str], ...] = ()
    stated: bool = True  # False: implied by the wording of the facts, not written as a sentence

    def __post_init__(self) -> None:
        if not self.when:
            raise ValueError(f"rule for {self.then} needs at least one positive condition")
        bound = set().union(*(a.variables() for a in self.when))
        used = self.then.variables().union(*(a.variables() for a in self.unless))
        used |= {v for pair in self.distinct for v in pair}
        unbound = sorted(used - bound)
        if unbound:
            raise ValueError(f"rule for {self.then}: variables {unbound} appear in no positive condition")

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"if": [a.as_list() for a in self.when]}
        if self.unless:
            out["unless"] = [a.as_list() for a in self.unless]
        if self.distinct:
            out["distinct"] = [list(pair) for pair in self.distinct]
        out["then"] = self.then.as_list()
        if not self.stated:
            out["stated"] = False
        return out

    @classmethod
    def parse(cls, value: object) -> Rule:
        """A rule from its JSON form ``{"if": [...], "unless": [...], "distinct": [...], "then": [...]}``."""
        if not isinstance(value, Mapping) or "if" not in value or "then" not in value:
            raise ValueError(f"a rule is an object with 'if' and 'then', got {value!r}")
        pairs = tuple((str(a), str(b)) for a, b in value.get("distinct", ()))
        return cls(
            then=Atom.parse(value["then"]),
            when=tuple(Atom.parse(a) for a in value["if"]),
            unless=tuple(Atom.parse(a) for a in value.get("unless", ())),
            distinct=pairs,
            stated=bool(value.get("stated", True)),
        )


@dataclass(frozen=True)
class Theory:
    """Ground facts and rules. Whatever is neither a fact nor derivable is false (closed world)."""

    facts: frozenset[Atom]
    rules: tuple[Rule, ...] = ()

    def __post_init__(self) -> None:
        for fact in self.facts:
            if not fact.ground:
                raise ValueError(f"a fact must not contain variables, got {fact}")

    @classmethod
    def of(cls, facts: Iterable[Atom], rules: Iterable[Rule] = ()) -> Theory:
        return cls(frozenset(facts), tuple(rules))
