"""Words of the synthetic worlds: a small class hierarchy consistent with common sense, and adjectives.

Each word has a canonical key; ``word(key, lang)`` gives its surface form. English nouns also carry
their plural and article, which ``noun(surface)`` looks up for the English verbaliser.
"""

from __future__ import annotations

from types import MappingProxyType

# key: (parent key or "", en singular, en plural, zh)
_CLASSES = {
    "organism": ("", "organism", "organisms", "生物"),
    "animal": ("organism", "animal", "animals", "动物"),
    "plant": ("organism", "plant", "plants", "植物"),
    "vertebrate": ("animal", "vertebrate", "vertebrates", "脊椎动物"),
    "insect": ("animal", "insect", "insects", "昆虫"),
    "mammal": ("vertebrate", "mammal", "mammals", "哺乳动物"),
    "bird": ("vertebrate", "bird", "birds", "鸟"),
    "fish": ("vertebrate", "fish", "fish", "鱼"),
    "reptile": ("vertebrate", "reptile", "reptiles", "爬行动物"),
    "cat": ("mammal", "cat", "cats", "猫"),
    "dog": ("mammal", "dog", "dogs", "狗"),
    "rabbit": ("mammal", "rabbit", "rabbits", "兔子"),
    "horse": ("mammal", "horse", "horses", "马"),
    "tiger": ("mammal", "tiger", "tigers", "老虎"),
    "sparrow": ("bird", "sparrow", "sparrows", "麻雀"),
    "parrot": ("bird", "parrot", "parrots", "鹦鹉"),
    "eagle": ("bird", "eagle", "eagles", "老鹰"),
    "salmon": ("fish", "salmon", "salmon", "三文鱼"),
    "shark": ("fish", "shark", "sharks", "鲨鱼"),
    "snake": ("reptile", "snake", "snakes", "蛇"),
    "turtle": ("reptile", "turtle", "turtles", "乌龟"),
    "bee": ("insect", "bee", "bees", "蜜蜂"),
    "ant": ("insect", "ant", "ants", "蚂蚁"),
    "butterfly": ("insect", "butterfly", "butterflies", "蝴蝶"),
    "flower": ("plant", "flower", "flowers", "花"),
    "tree": ("plant", "tree", "trees", "树"),
    "rose": ("flower", "rose", "roses", "玫瑰"),
    "oak": ("tree", "oak", "oaks", "橡树"),
}
CLASS_PARENT = MappingProxyType({k: v[0] for k, v in _CLASSES.items() if v[0]})
# (en, zh) adjectives, read in Chinese as "X很<adj>" / "X不<adj>"
PERSON_TRAITS = (
    ("smart", "聪明"), ("brave", "勇敢"), ("quiet", "安静"), ("kind", "善良"), ("young", "年轻"),
    ("strong", "强壮"), ("rich", "富有"), ("happy", "快乐"), ("calm", "冷静"), ("honest", "诚实"),
    ("careful", "细心"), ("friendly", "友好"), ("modest", "谦虚"), ("patient", "耐心"), ("cheerful", "开朗"),
    ("shy", "害羞"),
)
ANIMAL_TRAITS = (
    ("friendly", "友好"), ("quiet", "安静"), ("gentle", "温顺"), ("timid", "胆小"), ("lively", "活泼"),
    ("strong", "强壮"), ("agile", "敏捷"), ("noisy", "吵闹"), ("curious", "好奇"), ("lazy", "懒惰"),
    ("playful", "顽皮"), ("clever", "聪明"),
)
GENDER_WORDS = MappingProxyType({"male": {"en": "male", "zh": "男性"}, "female": {"en": "female", "zh": "女性"}})


def class_word(key: str, lang: str) -> str:
    if key not in _CLASSES:
        raise ValueError(f"unknown class {key!r}")
    return _CLASSES[key][3] if lang == "zh" else _CLASSES[key][1]


def ancestors(key: str) -> list[str]:
    """The classes above ``key``, nearest first."""
    out = []
    while key in CLASS_PARENT:
        key = CLASS_PARENT[key]
        out.append(key)
    return out


def animal_leaves() -> tuple[str, ...]:
    """The most specific animal classes (cat, sparrow, bee, ...)."""
    inner = set(CLASS_PARENT.values())
    return tuple(k for k in _CLASSES if k not in inner and "animal" in ancestors(k))


def plural(singular: str) -> str:
    """The English plural of a class noun (an unknown word gets an "s")."""
    for _, en, many, _ in _CLASSES.values():
        if en == singular:
            return many
    return singular + "s"


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"
