"""What makes an option true, in a form the solver can test.

- ``holds``: the option is true when the atom holds;
- ``fails``: the option is true when the atom does not hold (closed world);
- ``count``: the option is true when exactly ``equals`` constants fill the ``?`` of the pattern.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .logic import HOLE, Atom
from .solver import Model

KINDS = ("holds", "fails", "count")


@dataclass(frozen=True)
class Check:
    kind: str
    atom: Atom
    equals: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown check kind {self.kind!r}; known: {', '.join(KINDS)}")
        holes = [t for t in (self.atom.head, self.atom.tail) if t == HOLE]
        if self.kind == "count" and len(holes) != 1:
            raise ValueError(f"a count pattern needs exactly one '?', got {self.atom}")
        if self.kind != "count" and not self.atom.ground:
            raise ValueError(f"a {self.kind!r} check needs a ground atom, got {self.atom}")
        if self.equals < 0:
            raise ValueError(f"a count cannot be negative, got {self.equals}")

    def as_dict(self) -> dict[str, object]:
        if self.kind == "count":
            return {"count": self.atom.as_list(), "equals": self.equals}
        return {self.kind: self.atom.as_list()}

    @classmethod
    def parse(cls, value: object) -> Check:
        if not isinstance(value, Mapping):
            raise ValueError(f"a check is an object like {{'holds': [h, r, t]}}, got {value!r}")
        kinds = [k for k in KINDS if k in value]
        if len(kinds) != 1:
            raise ValueError(f"a check names exactly one of {', '.join(KINDS)}, got {value!r}")
        equals = value.get("equals", 0)
        if not isinstance(equals, int) or isinstance(equals, bool):
            raise ValueError(f"'equals' must be an integer, got {equals!r}")
        return cls(kinds[0], Atom.parse(value[kinds[0]]), equals)


def count(model: Model, pattern: Atom) -> int:
    return len(model.matching(pattern))


def passes(check: Check, model: Model) -> bool:
    """Whether the option guarded by ``check`` is true in ``model``."""
    if check.kind == "holds":
        return model.holds(check.atom)
    if check.kind == "fails":
        return not model.holds(check.atom)
    return count(model, check.atom) == check.equals
