"""Tokens for BM25: ``jieba`` words for Chinese, lower-cased word tokens for English.

The stopword lists are short on purpose and keep the words that carry logic: negation (not, no, 不,
没有), quantifiers (all, some, every, 所有, 有些), connectives (if, then, only, unless, or, 如果, 只有,
除非, 或者) are never dropped.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterable

from ..lang import detect_lang

EN_STOPWORDS = frozenset(
    "a an the of to in on at by for with from as is are was were be been being this that these those it its "
    "they them their he him his she her we us our you your i me my which who whom what when where how "
    "do does did has have had can could would should will shall may might must than so such into about "
    "over under there here also very just".split()
)
ZH_STOPWORDS = frozenset(
    "的 了 着 过 吗 呢 吧 啊 呀 之 其 在 把 被 将 对 于 为 以 也 就 这 那 这个 那个 一个".split()
)
_WORD = re.compile(r"\w+", re.UNICODE)
_jieba = None


def _jieba_module():
    global _jieba
    if _jieba is None:
        with warnings.catch_warnings():  # jieba imports the deprecated pkg_resources
            warnings.simplefilter("ignore", DeprecationWarning)
            import jieba

        jieba.setLogLevel(logging.WARNING)
        _jieba = jieba
    return _jieba


def stopword_set(stopwords: str | Iterable[str] | None) -> frozenset[str]:
    """``"default"``: the zh and en lists above; ``None``: no stopwords; or your own words."""
    if stopwords is None:
        return frozenset()
    if stopwords == "default":
        return EN_STOPWORDS | ZH_STOPWORDS
    if isinstance(stopwords, str):
        raise ValueError(f"stopwords must be 'default', None or a collection of words, got {stopwords!r}")
    return frozenset(w.lower() for w in stopwords)


def tokenize(text: str, lang: str | None = None, stopwords: frozenset[str] = frozenset()) -> list[str]:
    """Word tokens of ``text``; ``lang`` ("zh"/"en") is detected when not given."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    lang = lang or detect_lang(text)
    if lang == "zh":
        words = (w.strip().lower() for w in _jieba_module().lcut(text))
        tokens = [w for w in words if w and _WORD.search(w)]
    elif lang == "en":
        tokens = _WORD.findall(text.lower())
    else:
        raise ValueError(f"lang must be 'zh', 'en' or None, got {lang!r}")
    return [t for t in tokens if t not in stopwords]
