"""Chinese sentences for atoms, rules and question stems."""

from __future__ import annotations

from .logic import Atom, Rule, is_var
from .world import Statement

_KIN = {
    "father": "父亲", "mother": "母亲", "parent": "父亲或母亲", "spouse": "配偶", "child": "子女", "son": "儿子",
    "daughter": "女儿", "sibling": "兄弟姐妹", "brother": "兄弟", "sister": "姐妹", "grandparent": "祖父母",
    "grandfather": "祖父", "grandmother": "祖母", "grandchild": "孙辈", "uncle": "叔叔", "aunt": "姑姑",
    "cousin": "堂表兄弟姐妹",
}
_COMPARE = {
    "taller": "比{t}高", "shorter": "比{t}矮", "older": "比{t}年长", "younger": "比{t}年轻",
    "heavier": "比{t}重", "lighter": "比{t}轻", "faster": "跑得比{t}快", "slower": "跑得比{t}慢",
}
_INTRO = {
    "kinship": "下面是关于一个家族的信息。", "ordering": "下面是关于几个人的比较信息。",
    "taxonomy": "下面是关于几只动物的信息。", "properties": "下面是关于几个人的描述。",
}
_SUBJECT = {"person": ("某人", "这个人"), "animal": ("某个动物", "它")}
_GROUP = {"person": ("人物", "谁", "位"), "animal": ("动物", "哪一只", "只")}


def _term(term: str) -> str:
    return term[1:] if is_var(term) else term


class ZhVerbalizer:
    lang = "zh"
    true_false = ("正确", "错误")

    def __init__(self, kind: str) -> None:
        if kind not in _SUBJECT:
            raise ValueError(f"unknown entity kind {kind!r}; known: {', '.join(_SUBJECT)}")
        self.kind = kind

    def predicate(self, atom: Atom, *, negated: bool = False, plural: bool = False) -> str:
        """What the sentence says of its subject: "是李娜的父亲", "比王芳高", "很聪明"."""
        t, rel = _term(atom.tail), atom.rel
        if rel in _KIN:
            return f"{'不是' if negated else '是'}{t}的{_KIN[rel]}"
        if rel in _COMPARE:
            text = _COMPARE[rel].format(t=t)
            return text.replace("比", "不比", 1) if negated else text
        if rel in ("is_a", "gender"):
            return f"{'不是' if negated else '是'}{t}"
        if rel == "trait":
            return f"{'不' if negated else '很'}{t}"
        if rel == "subclass_of":
            return f"{'不是' if negated else '是'}{t}的一种"
        raise ValueError(f"no Chinese wording for relation {rel!r}")

    def statement(self, atom: Atom, *, negated: bool = False) -> str:
        if atom.rel == "subclass_of" and not negated:
            return f"所有的{_term(atom.head)}都是{_term(atom.tail)}"
        return _term(atom.head) + self.predicate(atom, negated=negated)

    def sentence(self, statement: Statement) -> str:
        atoms = statement.atoms
        if statement.form == "roster":
            people = "、".join(f"{a.head}（{a.tail[0]}）" for a in atoms)
            return f"这个家族的成员有：{people}。"
        if statement.form == "couple":
            return f"{atoms[0].head}和{atoms[0].tail}是夫妻。"
        return self.statement(atoms[0]) + "。"

    def rule(self, rule: Rule) -> str:
        single = _single_subject(rule)
        def say(atom: Atom, negated: bool) -> str:
            return self.predicate(atom, negated=negated) if single else self.statement(atom, negated=negated)
        parts = [say(a, False) for a in rule.when] + [say(a, True) for a in rule.unless]
        parts += [f"{_term(a)}和{_term(b)}不是同一个人" for a, b in rule.distinct]
        if not single:
            return f"如果{'，并且'.join(parts)}，那么{self.statement(rule.then)}。"
        if len(rule.when) == 1 and not rule.unless and rule.when[0].rel == "is_a":
            return f"所有的{_term(rule.when[0].tail)}都{self.predicate(rule.then)}。"
        subject, pronoun = _SUBJECT[self.kind]
        listed = "、".join(parts[:-1]) + "并且" + parts[-1] if len(parts) > 1 else parts[0]
        return f"如果{subject}{listed}，那么{pronoun}{self.predicate(rule.then)}。"

    def intro(self, domain: str) -> str:
        return _INTRO[domain]

    def rules_header(self) -> str:
        return "已知以下规则："

    def join(self, sentences: list[str]) -> str:
        return "".join(sentences)

    def truth_stem(self, statement: str) -> str:
        return f"判断下列说法是否正确：{statement}。"

    def which_stem(self, *, false: bool = False) -> str:
        return "根据以上信息，下列哪一项不成立？" if false else "根据以上信息，下列哪一项一定为真？"

    def who_stem(self, atom: Atom) -> str:
        group, who, _ = _GROUP[self.kind]
        return f"下列{group}中，{who}{self.predicate(atom)}？"

    def count_stem(self, atom: Atom) -> str:
        group, _, measure = _GROUP[self.kind]
        return f"在题目提到的{group}中，有几{measure}{self.predicate(atom)}？"

    def number(self, n: int) -> str:
        return str(n)


def _one_var(atom: Atom) -> bool:
    return not is_var(atom.tail)


def _single_subject(rule: Rule) -> bool:
    atoms = (rule.then, *rule.when, *rule.unless)
    return not rule.distinct and len({a.head for a in atoms}) == 1 and all(_one_var(a) for a in atoms)
