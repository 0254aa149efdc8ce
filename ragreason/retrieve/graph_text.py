"""Names and sentences for the knowledge graph: node keys, and facts verbalised in zh or en.

A node's key is its name normalised (Unicode NFKC, so full-width letters become half-width; case
folded; spaces collapsed; a leading English article dropped): "The Cat", "the cat" and "ｃａｔ" are
one node. A fact read from a sentence is verbalised as that sentence when the language matches;
otherwise by the template of its relation, with kinship words translated for Chinese.
"""

from __future__ import annotations

import re
import unicodedata

from ..lang import has_cjk
from .graph_facts import Fact

_ARTICLE = re.compile(r"^(?:the|a|an)\s+")
_SPACES = re.compile(r"\s+")

TEMPLATES = {
    "en": {
        "is": "{head} is {tail}.",
        "is not": "{head} is not {tail}.",
        "implies": "If something is {head}, then it is {tail}.",
    },
    "zh": {
        "is": "{head}是{tail}的。",
        "is not": "{head}不是{tail}的。",
        "implies": "如果某物是{head}的，那么它是{tail}的。",
    },
}
DEFAULT_TEMPLATE = {"en": "{head} is {tail}'s {relation}.", "zh": "{head}是{tail}的{relation}。"}
VERB_TEMPLATE = "{head} {relation} {tail}."
KINSHIP_ZH = {
    "father": "父亲", "mother": "母亲", "son": "儿子", "daughter": "女儿", "brother": "兄弟",
    "sister": "姐妹", "husband": "丈夫", "wife": "妻子", "grandfather": "祖父或外祖父",
    "grandmother": "祖母或外祖母", "grandson": "孙子或外孙", "granddaughter": "孙女或外孙女",
    "uncle": "叔叔或舅舅", "aunt": "姑姑或姨妈", "nephew": "侄子或外甥", "niece": "侄女或外甥女",
    "father-in-law": "公公或岳父", "mother-in-law": "婆婆或岳母", "son-in-law": "女婿",
    "daughter-in-law": "儿媳", "parent": "父母", "child": "孩子", "sibling": "兄弟姐妹",
}
_VERB = re.compile(r"^(?:does not [a-z]+|[a-z]+s)$")
_KINSHIP_NOUNS = frozenset(KINSHIP_ZH) | {"parents", "siblings"}


def node_key(name: str) -> str:
    """The normalised form under which a name is stored and linked."""
    text = unicodedata.normalize("NFKC", name).casefold().strip()
    return _ARTICLE.sub("", _SPACES.sub(" ", text))


def verbalise(fact: Fact, lang: str = "en", templates: dict[str, dict[str, str]] | None = None) -> str:
    """One sentence stating ``fact`` in ``lang`` ("zh" or "en")."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    if fact.text and has_cjk(fact.text) == (lang == "zh"):
        return fact.text if fact.text[-1] in "。.!?！？" else fact.text + ("。" if lang == "zh" else ".")
    table = {**TEMPLATES[lang], **((templates or {}).get(lang, {}))}
    relation = fact.relation
    if relation in table:
        template = table[relation]
    elif lang == "en" and _VERB.match(relation) and relation not in _KINSHIP_NOUNS:
        template = VERB_TEMPLATE
    else:
        template = DEFAULT_TEMPLATE[lang]
        if lang == "zh":
            relation = KINSHIP_ZH.get(relation, relation)
    return template.format(head=fact.head, tail=fact.tail, relation=relation)
