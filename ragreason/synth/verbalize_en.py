"""English sentences for atoms, rules and question stems."""

from __future__ import annotations

from .logic import Atom, Rule, is_var
from .vocab import article, plural
from .world import Statement

# relation: (determiner, noun, plural noun) -> "is the father of X", "are fathers of X"
_KIN = {
    "father": ("the", "father", "fathers"), "mother": ("the", "mother", "mothers"),
    "parent": ("a", "parent", "parents"), "spouse": ("the", "spouse", "spouses"),
    "child": ("a", "child", "children"), "son": ("a", "son", "sons"), "daughter": ("a", "daughter", "daughters"),
    "sibling": ("a", "sibling", "siblings"), "brother": ("a", "brother", "brothers"),
    "sister": ("a", "sister", "sisters"), "grandparent": ("a", "grandparent", "grandparents"),
    "grandfather": ("a", "grandfather", "grandfathers"), "grandmother": ("a", "grandmother", "grandmothers"),
    "grandchild": ("a", "grandchild", "grandchildren"), "uncle": ("an", "uncle", "uncles"),
    "aunt": ("an", "aunt", "aunts"), "cousin": ("a", "cousin", "cousins"),
}
_COMPARE = {"taller", "shorter", "older", "younger", "heavier", "lighter"}
_RUN = {"faster", "slower"}
_INTRO = {
    "kinship": "Here is some information about a family.", "ordering": "Here is how some people compare.",
    "taxonomy": "Here is some information about some animals.", "properties": "Here are some facts about some people.",
}
_SUBJECT = {"person": ("someone", "they"), "animal": ("something", "it")}
_GROUP = {"person": "people", "animal": "animals"}


def _term(term: str) -> str:
    return term[1:] if is_var(term) else term


def _be(negated: bool, plural_: bool) -> str:
    return ("are" if plural_ else "is") + (" not" if negated else "")


class EnVerbalizer:
    lang = "en"
    true_false = ("True", "False")

    def __init__(self, kind: str) -> None:
        if kind not in _SUBJECT:
            raise ValueError(f"unknown entity kind {kind!r}; known: {', '.join(_SUBJECT)}")
        self.kind = kind

    def predicate(self, atom: Atom, *, negated: bool = False, plural: bool = False) -> str:
        """What the sentence says of its subject: "is the father of Ann", "are taller than Bob"."""
        t, rel, be = _term(atom.tail), atom.rel, _be(negated, plural)
        if rel in _KIN:
            det, noun, many = _KIN[rel]
            return f"{be} {many} of {t}" if plural else f"{be} {det} {noun} of {t}"
        if rel in _COMPARE:
            return f"{be} {rel} than {t}"
        if rel in _RUN:
            verb = ("do not run" if plural else "does not run") if negated else ("run" if plural else "runs")
            return f"{verb} {rel} than {t}"
        if rel == "is_a":
            return f"{be} {_plural(t)}" if plural else f"{be} {article(t)} {t}"
        if rel in ("trait", "gender"):
            return f"{be} {t}"
        if rel == "subclass_of":
            return f"{be} a kind of {t}"
        raise ValueError(f"no English wording for relation {rel!r}")

    def statement(self, atom: Atom, *, negated: bool = False) -> str:
        if atom.rel == "subclass_of" and not negated:
            return f"All {_plural(_term(atom.head))} are {_plural(_term(atom.tail))}"
        return f"{_term(atom.head)} {self.predicate(atom, negated=negated)}"

    def sentence(self, statement: Statement) -> str:
        atoms = statement.atoms
        if statement.form == "roster":
            people = ", ".join(f"{a.head} ({a.tail})" for a in atoms)
            return f"The family members are {people}."
        if statement.form == "couple":
            return f"{atoms[0].head} and {atoms[0].tail} are married."
        return self.statement(atoms[0]) + "."

    def rule(self, rule: Rule) -> str:
        single = _single_subject(rule)
        def say(atom: Atom, negated: bool) -> str:
            return self.predicate(atom, negated=negated) if single else self.statement(atom, negated=negated)
        parts = [say(a, False) for a in rule.when] + [say(a, True) for a in rule.unless]
        parts += [f"{_term(a)} and {_term(b)} are different people" for a, b in rule.distinct]
        if not single:
            return f"If {' and '.join(parts)}, then {self.statement(rule.then)}."
        if len(rule.when) == 1 and not rule.unless and rule.when[0].rel == "is_a":
            return f"All {_plural(_term(rule.when[0].tail))} {self.predicate(rule.then, plural=True)}."
        subject, pronoun = _SUBJECT[self.kind]
        parts = parts[:1] + [p.removeprefix("is ") for p in parts[1:]]  # "is smart and not brave"
        plural_ = pronoun == "they"
        return f"If {subject} {' and '.join(parts)}, then {pronoun} {self.predicate(rule.then, plural=plural_)}."

    def intro(self, domain: str) -> str:
        return _INTRO[domain]

    def rules_header(self) -> str:
        return "The following rules hold:"

    def join(self, sentences: list[str]) -> str:
        return " ".join(sentences)

    def truth_stem(self, statement: str) -> str:
        return f"Is the following statement true or false? {statement}."

    def which_stem(self, *, false: bool = False) -> str:
        return f"Based on the information above, which of the following is {'false' if false else 'true'}?"

    def who_stem(self, atom: Atom) -> str:
        return f"Which of the following {self.predicate(atom)}?"

    def count_stem(self, atom: Atom) -> str:
        return f"How many of the {_GROUP[self.kind]} in the problem {self.predicate(atom, plural=True)}?"

    def number(self, n: int) -> str:
        return str(n)


def _plural(word: str) -> str:
    return plural(word)


def _single_subject(rule: Rule) -> bool:
    atoms = (rule.then, *rule.when, *rule.unless)
    return not rule.distinct and len({a.head for a in atoms}) == 1 and not any(is_var(a.tail) for a in atoms)
