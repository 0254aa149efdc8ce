"""The rules of each domain mean what the words say: kinship, ordering and class membership recomputed
from the stated facts with plain Python definitions (not the solver), compared with the solver's model."""

from itertools import product

import networkx as nx

from ragreason.synth import Atom, SynthConfig, closure, generate_problems
from ragreason.synth.logic import Theory
from ragreason.synth.vocab import GENDER_WORDS, ancestors, class_word

KIN = ("child", "son", "daughter", "sibling", "brother", "sister", "grandparent", "grandfather", "grandmother",
       "grandchild", "uncle", "aunt", "cousin")


def _problems(domain, n=30):
    config = SynthConfig(lang="mixed", seed=21, domains=(domain,), max_depth=5)
    return [(p, closure(Theory.of(p.facts, p.rules))) for p in generate_problems(n, config)]


def _pairs(model, rel):
    return {(a.head, a.tail) for a in model.depths if a.rel == rel}


def _kinship_by_definition(problem):
    parent = {(a.head, a.tail) for a in problem.facts if a.rel == "parent"}
    male = {a.head for a in problem.facts if a.rel == "gender" and a.tail == GENDER_WORDS["male"][problem.lang]}
    people = {a.head for a in problem.facts if a.rel == "gender"}
    sibling = {(x, y) for (p, x), (q, y) in product(parent, parent) if p == q and x != y}
    grand = {(x, z) for (x, y), (y2, z) in product(parent, parent) if y == y2}
    uncle_or_aunt = {(x, z) for (x, y), (y2, z) in product(sibling, parent) if y == y2}
    return {
        "child": {(y, x) for x, y in parent},
        "son": {(y, x) for x, y in parent if y in male}, "daughter": {(y, x) for x, y in parent if y not in male},
        "sibling": sibling, "brother": {p for p in sibling if p[0] in male},
        "sister": {p for p in sibling if p[0] not in male}, "grandparent": grand,
        "grandfather": {p for p in grand if p[0] in male}, "grandmother": {p for p in grand if p[0] not in male},
        "grandchild": {(z, x) for x, z in grand},
        "uncle": {p for p in uncle_or_aunt if p[0] in male}, "aunt": {p for p in uncle_or_aunt if p[0] not in male},
        "cousin": {(x, z) for (y, x), (w, z) in product(parent, parent) if (y, w) in sibling},
    }, people


def test_kinship_rules_compose_as_the_words_say():
    checked = set()
    for problem, model in _problems("kinship"):
        expected, people = _kinship_by_definition(problem)
        defined = {r.then.rel for r in problem.rules}
        for rel in KIN:
            got = _pairs(model, rel)
            if rel in defined:
                assert got == expected[rel], (problem.id, rel)
                checked.add(rel)
            else:
                assert not got
        assert all(x in people and y in people for rel in KIN for x, y in _pairs(model, rel))
    assert checked == set(KIN)


def test_ordering_is_the_transitive_closure_of_the_stated_comparisons():
    pairs = {"taller": "shorter", "older": "younger", "heavier": "lighter", "faster": "slower"}
    for problem, model in _problems("ordering"):
        for more, less in pairs.items():
            stated = [(a.head, a.tail) if a.rel == more else (a.tail, a.head)
                      for a in problem.facts if a.rel in (more, less)]
            if not stated:
                continue
            closure_ = set(nx.transitive_closure_dag(nx.DiGraph(stated)).edges)
            assert _pairs(model, more) == closure_, problem.id
            assert _pairs(model, less) == {(y, x) for x, y in closure_}
            people = {x for pair in stated for x in pair}
            assert len(closure_) == len(people) * (len(people) - 1) // 2  # a total order: every pair decided


def test_membership_follows_the_class_hierarchy():
    for problem, model in _problems("taxonomy"):
        words = {class_word(k, problem.lang): k for k in ("cat", "dog", "rabbit", "horse", "tiger", "sparrow",
                 "parrot", "eagle", "salmon", "shark", "snake", "turtle", "bee", "ant", "butterfly")}
        expected = set()
        for a in problem.facts:
            if a.rel == "is_a":
                leaf = words[a.tail]
                expected |= {(a.head, class_word(c, problem.lang)) for c in [leaf, *ancestors(leaf)]}
        assert _pairs(model, "is_a") == expected, problem.id


def test_in_laws_are_never_offered_as_wrong_answers():
    """An aunt's husband is an "uncle" in ordinary speech and a sister-in-law a "sister": the closed world
    says no, so such atoms must not be wrong options (they would be right to a human reader)."""
    roles = {"uncle": ("uncle", "aunt"), "aunt": ("uncle", "aunt"), "brother": ("sibling",),
             "sister": ("sibling",), "sibling": ("sibling",)}
    offered = 0
    for problem, model in _problems("kinship", 60):
        spouse = {(a.head, a.tail) for a in problem.facts if a.rel == "spouse"}
        for q in problem.questions:
            for check in q.checks:
                atom = check.atom
                if check.kind != "holds" or model.holds(atom) or atom.rel not in roles:
                    continue
                offered += 1
                for w in {w for h, w in spouse if h == atom.head}:
                    assert not any(model.holds(Atom(w, r, atom.tail)) for r in roles[atom.rel]), atom
                for w in {w for t, w in spouse if t == atom.tail}:
                    assert not any(model.holds(Atom(atom.head, r, w)) for r in roles[atom.rel]), atom
    assert offered > 20
