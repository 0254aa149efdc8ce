"""Language detection for the two languages ragreason's templates speak (zh, en), and the language
of a whole corpus ("zh", "en" or "mixed"), which picks the default embedder."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")


def count_cjk(text: str) -> int:
    """How many Chinese (CJK unified ideograph) characters ``text`` holds."""
    return len(_CJK.findall(text))


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def detect_lang(text: str) -> str:
    """``"zh"`` when Chinese characters make up a fair share of the letters, else ``"en"``.

    A Chinese sentence with a few English names stays ``"zh"``; an English text quoting one
    Chinese word stays ``"en"``.
    """
    cjk = count_cjk(text)
    return "zh" if cjk > 0 and cjk >= len(_LATIN_WORD.findall(text)) else "en"


def corpus_lang(records: Iterable[Any]) -> str:
    """The language of items or documents together: their ``meta["lang"]`` (``"en"`` when unset) if
    they all share one, else ``"mixed"``."""
    langs = {record.meta.get("lang") or "en" for record in records}
    return langs.pop() if len(langs) == 1 else "mixed"
