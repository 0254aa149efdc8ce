"""Hand-made cases for the forward-chaining solver: answers and depths worked out by hand."""

import pytest

from ragreason.synth import Atom, Check, Rule, Theory, closure
from ragreason.synth.checks import passes
from ragreason.synth.strata import stratify

A = Atom


def test_class_inclusion_chain_gives_linear_depths():
    inherit = Rule(A("?X", "is_a", "?D"), (A("?X", "is_a", "?C"), A("?C", "subclass_of", "?D")))
    facts = [A("Tom", "is_a", "cat"), A("cat", "subclass_of", "mammal"), A("mammal", "subclass_of", "animal"),
             A("animal", "subclass_of", "organism")]
    model = closure(Theory.of(facts, [inherit]))
    assert model.depth(A("Tom", "is_a", "cat")) == 0
    assert model.depth(A("Tom", "is_a", "mammal")) == 1
    assert model.depth(A("Tom", "is_a", "animal")) == 2
    assert model.depth(A("Tom", "is_a", "organism")) == 3
    assert not model.holds(A("Tom", "is_a", "plant"))
    assert not model.holds(A("cat", "is_a", "mammal"))  # classes are not members of their superclasses
    assert len(model) == 4 + 3


def test_negation_as_failure_red_and_not_big_is_cold():
    cold = Rule(A("?X", "is", "cold"), (A("?X", "is", "red"),), unless=(A("?X", "is", "big"),))
    facts = [A("Ann", "is", "red"), A("Bob", "is", "red"), A("Bob", "is", "big"), A("Cid", "is", "big")]
    model = closure(Theory.of(facts, [cold]))
    assert model.holds(A("Ann", "is", "cold")) and model.depth(A("Ann", "is", "cold")) == 1
    assert not model.holds(A("Bob", "is", "cold"))
    assert not model.holds(A("Cid", "is", "cold"))  # not red


def test_negated_condition_waits_for_its_stratum_whatever_the_rule_order():
    # big is derived (from heavy); cold must see the finished "big" atoms even though its rule comes first
    cold = Rule(A("?X", "is", "cold"), (A("?X", "is", "red"),), unless=(A("?X", "is", "big"),))
    big = Rule(A("?X", "is", "big"), (A("?X", "is", "heavy"),))
    heavy = Rule(A("?X", "is", "heavy"), (A("?X", "is", "round"),))
    facts = [A("Ann", "is", "red"), A("Ann", "is", "round"), A("Bob", "is", "red")]
    model = closure(Theory.of(facts, [cold, big, heavy]))
    assert model.holds(A("Ann", "is", "big")) and model.depth(A("Ann", "is", "big")) == 2
    assert not model.holds(A("Ann", "is", "cold"))
    assert model.holds(A("Bob", "is", "cold"))
    assert [len(s) for s in stratify([cold, big, heavy])] == [2, 1]


def test_depth_counts_deep_conditions_from_lower_strata():
    # quiet (stratum 1, needs "not loud") also needs "kind", which is 3 steps deep in stratum 0
    rules = [
        Rule(A("?X", "is", "b"), (A("?X", "is", "a"),)),
        Rule(A("?X", "is", "c"), (A("?X", "is", "b"),)),
        Rule(A("?X", "is", "kind"), (A("?X", "is", "c"),)),
        Rule(A("?X", "is", "quiet"), (A("?X", "is", "kind"),), unless=(A("?X", "is", "loud"),)),
        Rule(A("?X", "is", "loud"), (A("?X", "is", "z"),)),
    ]
    model = closure(Theory.of([A("Ann", "is", "a")], rules))
    assert model.depth(A("Ann", "is", "kind")) == 3
    assert model.depth(A("Ann", "is", "quiet")) == 4


def test_minimal_depth_is_the_shortest_of_several_proofs():
    rules = [
        Rule(A("?X", "is", "b"), (A("?X", "is", "a"),)),
        Rule(A("?X", "is", "c"), (A("?X", "is", "b"),)),
        Rule(A("?X", "is", "goal"), (A("?X", "is", "c"),)),
        Rule(A("?X", "is", "goal"), (A("?X", "is", "shortcut"),)),
    ]
    model = closure(Theory.of([A("Ann", "is", "a"), A("Ann", "is", "shortcut"), A("Bob", "is", "a")], rules))
    assert model.depth(A("Ann", "is", "goal")) == 1
    assert model.depth(A("Bob", "is", "goal")) == 3


def test_transitivity_depth_is_the_height_of_the_shortest_proof_tree():
    trans = Rule(A("?X", "taller", "?Z"), (A("?X", "taller", "?Y"), A("?Y", "taller", "?Z")))
    people = ["a", "b", "c", "d", "e", "f"]
    facts = [A(x, "taller", y) for x, y in zip(people, people[1:], strict=False)]
    model = closure(Theory.of(facts, [trans]))
    # a gap of g needs ceil(log2(g)) levels: split the chain in halves
    expected = {1: 0, 2: 1, 3: 2, 4: 2, 5: 3}
    for i, x in enumerate(people):
        for j, y in enumerate(people):
            atom = A(x, "taller", y)
            assert model.holds(atom) == (i < j)
            if i < j:
                assert model.depth(atom) == expected[j - i]


def test_kinship_uncle_sibling_and_distinct():
    rules = [
        Rule(A("?X", "sibling", "?Y"), (A("?P", "parent", "?X"), A("?P", "parent", "?Y")), distinct=(("?X", "?Y"),)),
        Rule(A("?X", "brother", "?Y"), (A("?X", "sibling", "?Y"), A("?X", "gender", "male"))),
        Rule(A("?X", "uncle", "?Z"), (A("?X", "brother", "?Y"), A("?Y", "parent", "?Z"))),
    ]
    facts = [A("Tom", "parent", "Bob"), A("Tom", "parent", "Ann"), A("Ann", "parent", "Kim"),
             A("Bob", "gender", "male"), A("Ann", "gender", "female")]
    model = closure(Theory.of(facts, rules))
    assert model.depth(A("Bob", "uncle", "Kim")) == 3
    assert not model.holds(A("Bob", "sibling", "Bob"))
    assert not model.holds(A("Ann", "brother", "Bob"))
    assert {a.head for a in model.matching(A("?", "uncle", "Kim"))} == {"Bob"}


def test_checks_on_a_model():
    model = closure(Theory.of([A("a", "likes", "b"), A("c", "likes", "b")]))
    assert passes(Check("holds", A("a", "likes", "b")), model)
    assert passes(Check("fails", A("b", "likes", "a")), model)
    assert passes(Check("count", A("?", "likes", "b"), 2), model)
    assert not passes(Check("count", A("?", "likes", "b"), 1), model)


def test_a_cycle_through_negation_is_refused():
    bad = Rule(A("?X", "is", "odd"), (A("?X", "is", "number"),), unless=(A("?X", "is", "odd"),))
    with pytest.raises(ValueError, match="not stratifiable"):
        closure(Theory.of([A("one", "is", "number")], [bad]))
    loop = [Rule(A("?X", "is", "p"), (A("?X", "is", "n"),), unless=(A("?X", "is", "q"),)),
            Rule(A("?X", "is", "q"), (A("?X", "is", "n"),), unless=(A("?X", "is", "p"),))]
    with pytest.raises(ValueError, match="not stratifiable"):
        stratify(loop)


def test_bad_rules_facts_and_checks_are_refused():
    with pytest.raises(ValueError, match=r"\?Y"):
        Rule(A("?X", "likes", "?Y"), (A("?X", "is", "kind"),))
    with pytest.raises(ValueError, match="variables"):
        Theory.of([A("?X", "is", "kind")])
    with pytest.raises(ValueError, match="non-empty"):
        A("", "is", "kind")
    with pytest.raises(ValueError, match="exactly one"):
        Check("count", A("a", "likes", "b"), 1)
    with pytest.raises(ValueError, match="unknown check kind"):
        Check("maybe", A("a", "likes", "b"))
    with pytest.raises(ValueError, match="no proof depth"):
        closure(Theory.of([A("a", "likes", "b")])).depth(A("b", "likes", "a"))
