"""An independent reference for the synth solver, written differently on purpose.

It knows nothing of strata, indexes or semi-naive levels. Given a candidate model M it computes the
least model of the Gelfond-Lifschitz reduct of the program w.r.t. M by plain naive rounds over tuples:
a rule instance fires when its positive conditions are derived, its negated conditions are absent from M
and its distinct pairs differ. A stratified program has exactly one stable model, so M is right iff
the reduct's least model equals M; the round in which an atom first appears is its minimal proof
height (negated conditions add none).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

Triple = tuple[str, str, str]


def _t(atom) -> Triple:
    return (atom.head, atom.rel, atom.tail)


def _sub(triple: Triple, b: dict[str, str]) -> Triple:
    h, r, t = triple
    return (b.get(h, h), r, b.get(t, t))


def _match(premises: list[Triple], b: dict[str, str], pool: list[Triple]) -> Iterator[dict[str, str]]:
    if not premises:
        yield b
        return
    h, r, t = premises[0]
    for fh, fr, ft in pool:
        if fr != r:
            continue
        nb = dict(b)
        ok = True
        for term, value in ((h, fh), (t, ft)):
            if term.startswith("?"):
                if nb.setdefault(term, value) != value:
                    ok = False
            elif term != value:
                ok = False
        if ok:
            yield from _match(premises[1:], nb, pool)


def reduct_closure(facts: Iterable, rules: Iterable, candidate: Iterable) -> dict[Triple, int]:
    """Atom -> first naive round in which the reduct w.r.t. ``candidate`` derives it (facts: 0)."""
    in_candidate = {_t(a) for a in candidate}
    rules = list(rules)
    known: dict[Triple, int] = {_t(a): 0 for a in facts}
    rnd = 0
    while True:
        rnd += 1
        pool = list(known)
        new: dict[Triple, int] = {}
        for rule in rules:
            for b in _match([_t(a) for a in rule.when], {}, pool):
                if any(b[x] == b[y] for x, y in rule.distinct):
                    continue
                if any(_sub(_t(a), b) in in_candidate for a in rule.unless):
                    continue
                head = _sub(_t(rule.then), b)
                if head not in known:
                    new.setdefault(head, rnd)
        if not new:
            return known
        known.update(new)


def option_true(check: dict, model: dict[Triple, int]) -> bool:
    """The meaning of an option check, evaluated on a reference model."""
    if "holds" in check:
        return tuple(check["holds"]) in model
    if "fails" in check:
        return tuple(check["fails"]) not in model
    h, r, t = check["count"]
    found = {a for a in model if a[1] == r and (h == "?" or a[0] == h) and (t == "?" or a[2] == t)}
    return len(found) == check["equals"]
