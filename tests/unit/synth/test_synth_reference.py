"""The solver against an independent reference (stable-model check + naive rounds) on random theories."""

import random

from synth_reference import reduct_closure

from ragreason.synth import Atom, Rule, Theory, closure

A = Atom
PEOPLE = ["p0", "p1", "p2", "p3", "p4"]
TRAITS = [f"t{i}" for i in range(7)]


def random_theory(rng: random.Random) -> Theory:
    """Facts over two relations and traits; rules: transitivity, a join, and trait rules layered by index
    (a negated trait always has a lower index than the head, so the program is stratified)."""
    facts = {A(rng.choice(PEOPLE), rng.choice(["r", "s"]), rng.choice(PEOPLE)) for _ in range(rng.randint(3, 10))}
    facts |= {A(rng.choice(PEOPLE), "is", rng.choice(TRAITS[:3])) for _ in range(rng.randint(3, 10))}
    rules = [Rule(A("?X", "r", "?Z"), (A("?X", "r", "?Y"), A("?Y", "r", "?Z")))]
    if rng.random() < 0.5:
        rules.append(Rule(A("?X", "s", "?Y"), (A("?Y", "s", "?X"),)))
    for i in range(3, len(TRAITS)):
        lower = TRAITS[:i]
        when = [A("?X", "is", lower[-1] if rng.random() < 0.6 else rng.choice(lower))]
        if rng.random() < 0.3:
            when.append(A("?X", "is", rng.choice(lower)))
        if rng.random() < 0.4:
            when.append(A("?X", "r", "?Y"))
            when.append(A("?Y", "is", rng.choice(lower)))
        unless = (A("?X", "is", rng.choice(lower)),) if rng.random() < 0.5 else ()
        rules.append(Rule(A("?X", "is", TRAITS[i]), tuple(when), unless=unless))
    pairs = (("?X", "?Y"),)
    rules.append(Rule(A("?X", "pal", "?Y"), (A("?X", "s", "?Y"), A("?Y", "is", "t3")), unless=(A("?X", "is", "t4"),),
                      distinct=pairs))
    rng.shuffle(rules)
    return Theory.of(facts, rules)


def test_solver_matches_the_reference_on_random_theories():
    rng = random.Random(7)
    sizes, depths = [], []
    for _ in range(150):
        theory = random_theory(rng)
        model = closure(theory)
        reference = reduct_closure(theory.facts, theory.rules, model.depths)
        assert set(reference) == {(a.head, a.rel, a.tail) for a in model.depths}
        for atom, depth in model.depths.items():
            assert reference[(atom.head, atom.rel, atom.tail)] == depth, atom
        sizes.append(len(model) - len(theory.facts))
        depths.append(max(model.depths.values()))
    assert sum(s > 3 for s in sizes) > 75 and sum(d >= 3 for d in depths) >= 10  # they really derive things


def test_the_reference_rejects_a_wrong_model():
    cold = Rule(A("?X", "is", "cold"), (A("?X", "is", "red"),), unless=(A("?X", "is", "big"),))
    facts = [A("Ann", "is", "red")]
    right = closure(Theory.of(facts, [cold])).depths
    assert set(reduct_closure(facts, [cold], right)) == {(a.head, a.rel, a.tail) for a in right}
    wrong = {A("Ann", "is", "red"): 0, A("Ann", "is", "big"): 0}  # claims "big", so "cold" is blocked
    assert set(reduct_closure(facts, [cold], wrong)) != {(a.head, a.rel, a.tail) for a in wrong}
