"""Wording, checked against sentences written by hand."""

from ragreason.synth import Atom, Rule
from ragreason.synth.domains.kinship import rule_for
from ragreason.synth.verbalize import verbalizer
from ragreason.synth.world import Statement

A = Atom


def test_chinese_facts():
    say = verbalizer("zh", "person")
    assert say.sentence(Statement((A("张伟", "father", "李娜"), A("张伟", "parent", "李娜")))) == "张伟是李娜的父亲。"
    assert say.sentence(Statement((A("张伟", "spouse", "王芳"), A("王芳", "spouse", "张伟")), "couple")) == \
        "张伟和王芳是夫妻。"
    assert say.statement(A("张伟", "taller", "李娜")) == "张伟比李娜高"
    assert say.statement(A("张伟", "taller", "李娜"), negated=True) == "张伟不比李娜高"
    assert say.statement(A("张伟", "faster", "李娜"), negated=True) == "张伟跑得不比李娜快"
    assert say.statement(A("张伟", "trait", "聪明"), negated=True) == "张伟不聪明"
    assert say.statement(A("猫", "subclass_of", "哺乳动物")) == "所有的猫都是哺乳动物"
    assert say.sentence(Statement((A("张伟", "gender", "男性"), A("李娜", "gender", "女性")), "roster")) == \
        "这个家族的成员有：张伟（男）、李娜（女）。"


def test_chinese_rules_and_questions():
    say = verbalizer("zh", "person")
    cold = Rule(A("?X", "trait", "安静"), (A("?X", "trait", "聪明"),), unless=(A("?X", "trait", "勇敢"),))
    assert say.rule(cold) == "如果某人很聪明并且不勇敢，那么这个人很安静。"
    assert say.rule(rule_for("grandparent", "zh")) == \
        "如果X是Y的父亲或母亲，并且Y是Z的父亲或母亲，那么X是Z的祖父母。"
    assert say.rule(rule_for("sibling", "zh")) == \
        "如果P是X的父亲或母亲，并且P是Y的父亲或母亲，并且X和Y不是同一个人，那么X是Y的兄弟姐妹。"
    assert say.who_stem(A("张伟", "grandfather", "李娜")) == "下列人物中，谁是李娜的祖父？"
    assert say.count_stem(A("张伟", "taller", "李娜")) == "在题目提到的人物中，有几位比李娜高？"
    animals = verbalizer("zh", "animal")
    assert animals.rule(Rule(A("?X", "trait", "温顺"), (A("?X", "is_a", "哺乳动物"),))) == "所有的哺乳动物都很温顺。"
    exception = Rule(A("?X", "trait", "吵闹"), (A("?X", "is_a", "哺乳动物"),), unless=(A("?X", "is_a", "猫"),))
    assert animals.rule(exception) == "如果某个动物是哺乳动物并且不是猫，那么它很吵闹。"


def test_english_facts_rules_and_questions():
    say = verbalizer("en", "person")
    assert say.statement(A("Tom", "father", "Ann")) == "Tom is the father of Ann"
    assert say.statement(A("Tom", "uncle", "Ann"), negated=True) == "Tom is not an uncle of Ann"
    assert say.statement(A("Tom", "faster", "Ann"), negated=True) == "Tom does not run faster than Ann"
    cold = Rule(A("?X", "trait", "quiet"), (A("?X", "trait", "smart"),), unless=(A("?X", "trait", "brave"),))
    assert say.rule(cold) == "If someone is smart and not brave, then they are quiet."
    uncle = "If X is a brother of Y and Y is a parent of Z, then X is an uncle of Z."
    assert say.rule(rule_for("uncle", "en")) == uncle
    grandchildren = "How many of the people in the problem are grandchildren of Ann?"
    assert say.count_stem(A("Tom", "grandchild", "Ann")) == grandchildren
    assert say.who_stem(A("Tom", "taller", "Ann")) == "Which of the following is taller than Ann?"
    animals = verbalizer("en", "animal")
    assert animals.statement(A("Tom", "is_a", "animal")) == "Tom is an animal"
    assert animals.statement(A("butterfly", "subclass_of", "insect")) == "All butterflies are insects"
    assert animals.rule(Rule(A("?X", "trait", "gentle"), (A("?X", "is_a", "mammal"),))) == "All mammals are gentle."
    assert animals.count_stem(A("Tom", "is_a", "fish")) == "How many of the animals in the problem are fish?"
