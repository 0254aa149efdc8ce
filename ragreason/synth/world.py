"""A world: entities, the base facts as sentences-to-be, rules, and what questions may ask about."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .logic import Atom, Rule, Theory

FORMS = ("atom", "couple", "roster")
KINDS = ("person", "animal")


@dataclass(frozen=True)
class Statement:
    """One sentence of the problem text and the base facts it states.

    ``form``: "atom" says ``atoms[0]`` (the other atoms are implied by its wording, as "Tom is the father
    of Ann" also says that Tom is a parent of Ann); "couple" says that two people are married (both
    directions of ``spouse``); "roster" lists the people with their gender (``gender`` atoms)."""

    atoms: tuple[Atom, ...]
    form: str = "atom"

    def __post_init__(self) -> None:
        if self.form not in FORMS:
            raise ValueError(f"unknown statement form {self.form!r}; known: {', '.join(FORMS)}")
        if not self.atoms:
            raise ValueError("a statement needs at least one atom")


@dataclass(frozen=True)
class World:
    """Everything a domain builds; the generator asks questions about it.

    ``askable``: relations that questions may be about; ``countable``: those that "how many" may count;
    ``related``: for each relation, others that make plausible wrong answers ("uncle" for "grandfather");
    ``tails``: the values a relation's tail may take (``count_tails``: those worth counting);
    ``via``: relations through which a false atom would still read as true to a person (``spouse``:
    an aunt's husband is an uncle in ordinary speech), so such atoms are never used as wrong answers."""

    domain: str
    lang: str
    kind: str
    entities: tuple[str, ...]
    statements: tuple[Statement, ...]
    rules: tuple[Rule, ...]
    askable: tuple[str, ...]
    countable: tuple[str, ...] = ()
    related: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    tails: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    via: tuple[str, ...] = ()
    count_tails: Mapping[str, tuple[str, ...]] | None = None

    def countable_tails(self, rel: str) -> tuple[str, ...]:
        """The tails "how many" questions may ask about (default: all of ``tails``)."""
        return (self.count_tails if self.count_tails is not None else self.tails).get(rel, ())

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown entity kind {self.kind!r}; known: {', '.join(KINDS)}")
        if len(set(self.entities)) != len(self.entities):
            raise ValueError(f"world {self.domain!r} names an entity twice: {self.entities}")

    @property
    def facts(self) -> tuple[Atom, ...]:
        """The base facts in text order, each once."""
        return tuple(dict.fromkeys(a for s in self.statements for a in s.atoms))

    @property
    def theory(self) -> Theory:
        return Theory.of(self.facts, self.rules)
