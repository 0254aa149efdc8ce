"""Stratification: order the rules so that negation as failure is only ever applied to atoms that
are already complete.

Atoms are grouped by *key* ``(rel, tail)`` when the tail is a constant, else ``(rel, None)``: so
``cold(X) :- red(X), not big(X)`` (written ``(?X, is, cold) :- (?X, is, red), not (?X, is, big)``)
is stratified even though all three atoms share the relation ``is``.
"""

from __future__ import annotations

from collections.abc import Sequence

from .logic import Atom, Rule, is_var

Key = tuple[str, str | None]


def key(atom: Atom) -> Key:
    return (atom.rel, None if is_var(atom.tail) else atom.tail)


def overlaps(a: Key, b: Key) -> bool:
    return a[0] == b[0] and (a[1] is None or b[1] is None or a[1] == b[1])


def stratify(rules: Sequence[Rule]) -> list[list[Rule]]:
    """The rules grouped into strata, lowest first. A rule's stratum is at least that of every rule
    that can produce one of its positive conditions, and above that of every rule that can produce
    one of its negated conditions. Raises ``ValueError`` on a cycle through negation."""
    heads = sorted({key(r.then) for r in rules}, key=lambda k: (k[0], k[1] or ""))
    level = dict.fromkeys(heads, 0)
    limit = len(heads)
    changed = True
    while changed:
        changed = False
        for rule in rules:
            needed = _needed_level(rule, heads, level)
            here = key(rule.then)
            if needed > level[here]:
                if needed > limit:
                    raise ValueError(f"rules are not stratifiable: a cycle through negation reaches {rule.then}")
                level[here] = needed
                changed = True
    strata: list[list[Rule]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    for rule in rules:
        strata[level[key(rule.then)]].append(rule)
    return [s for s in strata if s]


def _needed_level(rule: Rule, heads: list[Key], level: dict[Key, int]) -> int:
    needed = 0
    for atom, step in [(a, 0) for a in rule.when] + [(a, 1) for a in rule.unless]:
        for head in heads:
            if overlaps(head, key(atom)):
                needed = max(needed, level[head] + step)
    return needed
