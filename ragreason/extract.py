"""``extract_choice``: read the chosen option letter out of a model's free-text answer.

In order of trust:
1. an explicit answer statement, zh or en, full- or half-width colon: "答案是：B", "答案：B", "答案为 B",
   "故选C", "Answer: (b)", "the answer is B.", "The correct option is C" — the LAST one in the text wins
   over earlier mentions, and a letter beyond the options makes the answer unreadable (None);
2. a lone letter: the whole reply is "B" / "(B)" / "B.", or exactly one line starts with a letter
   label ("B. 7"; several such lines are an echo of the options, not an answer);
3. an option's own text quoted verbatim, on the last line that names exactly one option.
Nothing found is ``None``, never a silent "A".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from .types import option_letters

_L = r"([A-Za-z])(?![A-Za-z])"
_OPEN = r"[\*\s]*[\(\[（【「]?[\*\s]*"
_EXPLICIT = [
    re.compile(r"答案\s*(?:应该|应当|应)?\s*(?:是|为)?\s*[:：]?\s*(?:选项)?\s*" + _OPEN + _L),
    re.compile(r"(?:故|所以|因此|应|应该|我)\s*选(?:择)?\s*(?:选项)?\s*" + _OPEN + _L),
    re.compile(r"选项\s*" + _OPEN + _L + r"\s*[\)\]）】」]?\s*(?:是)?(?:正确|对)"),
    re.compile(
        r"\banswer\s*(?:is|would be|should be|will be)?\s*[:：]?\s*(?:option\s*)?" + _OPEN + _L,
        re.IGNORECASE,
    ),
    re.compile(r"\b(?:correct|right|best)\s+(?:option|choice)\s*(?:is\s*)?[:：]?\s*" + _OPEN + _L, re.IGNORECASE),
    re.compile(r"\boption\s*" + _OPEN + _L + r"\s*[\)\]]?\s*is\s+(?:the\s+)?(?:correct|right)", re.IGNORECASE),
]
_LABEL_LINE = re.compile(r"^\s*[\(（\[]?\s*([A-Z])\s*(?:[\)）\].．:：、]|$)")
_LONE = re.compile(r"^[\s\*\"'`“”]*[\(（\[]?([A-Z])[\)）\]]?[.．。]?[\s\*\"'`“”]*$")


def extract_choice(
    text: str, n_options: int, lang: str | None = None, *, options: Sequence[str] | None = None
) -> str | None:
    """The option letter the text commits to, or None. ``options`` (the option texts) enables
    matching an option quoted verbatim. ``lang`` is accepted for symmetry; both languages are read."""
    if n_options < 1:
        raise ValueError(f"n_options must be >= 1, got {n_options}")
    if options is not None and len(options) != n_options:
        raise ValueError(f"{len(options)} option texts for n_options={n_options}")
    letters = option_letters(n_options)
    text = unicodedata.normalize("NFKC", text or "")
    explicit = _last_explicit(text)
    if explicit is not None:
        return explicit if explicit in letters else None
    lone = _lone_letter(text)
    if lone is not None:
        return lone if lone in letters else None
    return _verbatim(text, letters, options) if options else None


def _last_explicit(text: str) -> str | None:
    best: tuple[int, str] | None = None
    for pattern in _EXPLICIT:
        for match in pattern.finditer(text):
            letter = match.group(1)
            if letter.islower() and not _plain_lowercase_ok(text, match):
                continue
            if letter == "I" and re.match(r"\s+[a-z']", text[match.end(1):]):
                continue  # "Answer: I think ..." is a pronoun, not option I
            if best is None or match.start(1) > best[0]:
                best = (match.start(1), letter.upper())
    return best[1] if best else None


def _plain_lowercase_ok(text: str, match: re.Match) -> bool:
    """A lowercase letter counts only when it cannot be an English word: bracketed, or followed by
    ')' / end of line / a full stop ending the line ("Answer: (b)", "answer: b")."""
    before = text[max(0, match.start(1) - 1): match.start(1)]
    after = text[match.end(1): match.end(1) + 2]
    if before in "([（【" and before:
        return True
    return after[:1] in ("", ")", "）", "\n") or (after[:1] == "." and after[1:2] in ("", "\n"))


def _lone_letter(text: str) -> str | None:
    whole = _LONE.match(text)
    if whole:
        return whole.group(1)
    labelled = [m.group(1) for line in text.splitlines() if (m := _LABEL_LINE.match(line))]
    return labelled[0] if len(labelled) == 1 else None


def _verbatim(text: str, letters: tuple[str, ...], options: Sequence[str]) -> str | None:
    for line in reversed([line for line in text.splitlines() if line.strip()]):
        found = _options_in(line, options)
        if found:
            return letters[found[0]] if len(found) == 1 else None
    return None


def _options_in(line: str, options: Sequence[str]) -> list[int]:
    """Indices of options named in the line; an option inside a longer named one does not count."""
    low = line.lower()
    spans = []
    for i, option in enumerate(options):
        needle = unicodedata.normalize("NFKC", option).strip().lower().rstrip(".。")
        if not needle:
            continue
        pattern = re.escape(needle)
        if needle[0].isalnum() and needle.isascii():
            pattern = rf"(?<![\w-]){pattern}(?![\w-])"
        spans += [(m.start(), m.end(), i) for m in re.finditer(pattern, low)]
    kept = {i for s, e, i in spans if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) for s2, e2, _ in spans)}
    return sorted(kept)
