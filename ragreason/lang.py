"""Language detection for the two languages ragreason's templates speak (zh, en)."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_lang(text: str) -> str:
    """``"zh"`` when Chinese characters make up a fair share of the letters, else ``"en"``.

    A Chinese sentence with a few English names stays ``"zh"``; an English text quoting one
    Chinese word stays ``"en"``.
    """
    cjk = len(_CJK.findall(text))
    latin_words = len(re.findall(r"[A-Za-z]+", text))
    return "zh" if cjk > 0 and cjk >= latin_words else "en"


def has_latin(text: str) -> bool:
    return bool(_LATIN.search(text))
