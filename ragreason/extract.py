"""``extract_choice``: read the chosen option letter out of a model's free-text answer.

In order of trust:
1. an explicit answer statement, zh or en, full- or half-width colon: "答案是：B", "答案：B", "答案为 B",
   "故选C", "选择：C", "Answer: (b)", "the answer is "B".", "The correct option is C", "D. uncle is the
   answer" — the LAST one in the text wins over earlier mentions, and a letter beyond the options
   makes the answer unreadable (None);
2. a lone letter: the whole reply is "B" / "(B)" / "B.", or the lines that start with a letter label
   ("B. 7") all name the same letter (several letters are an echo of the options, not an answer);
3. an option's own text quoted verbatim on the last line: the line starts with it, or names it and
   no other option.
A letter followed by the text of a *different* option ("A. False" when A is "True") contradicts
itself and reads as None; the prompt's own placeholder echoed back ("Answer: X") is ignored.
Nothing found is ``None``, never a silent "A".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

from .types import Item, option_letters

Reader = Callable[[Item, str], "str | None"]  # a sampled text -> the letter it chose, or None

_L = r"([A-Za-z])(?![A-Za-z])"
_OPEN = r"[\*\s\"'“‘「]*[\(\[（【]?[\*\s]*"
_EXPLICIT = [
    re.compile(r"(?:答案|正解)\s*(?:应该|应当|应)?\s*(?:是|为)?\s*[:：]?\s*(?:选项)?\s*" + _OPEN + _L),
    re.compile(r"(?:故|所以|因此|应|应该|我)\s*选(?:择)?\s*(?:选项)?\s*" + _OPEN + _L),
    re.compile(r"选择\s*[:：]\s*" + _OPEN + _L),
    re.compile(r"选项\s*(?:是|为)\s*" + _OPEN + _L),
    re.compile(r"选项\s*" + _OPEN + _L + r"\s*[\)\]）】」]?\s*(?:是)?(?:正确|对)"),
    re.compile(
        r"(?<!incorrect )(?<!wrong )\banswer(?:\s+to\s+(?:this|the)\s+(?:question|problem))?\s*"
        r"(?:is|would be|should be|will be)?\s*[:：]?\s*(?:option\s*)?" + _OPEN + _L,
        re.IGNORECASE,
    ),
    re.compile(r"\b(?:correct|right|best)\s+(?:option|choice)\s*(?:is\s*)?[:：]?\s*" + _OPEN + _L, re.IGNORECASE),
    re.compile(r"\boption\s*" + _OPEN + _L + r"\s*[\)\]]?\s*is\s+(?:the\s+)?(?:correct|right)", re.IGNORECASE),
    re.compile(r"^\s*\(?([A-Z])(?![A-Za-z])\)?[.)]?[^\n]{0,60}?\bis\s+the\s+(?:correct\s+|right\s+)?answer\b",
               re.MULTILINE),
]
_PLACEHOLDER = re.compile(r"[\"“「]\s*(?:answer|答案是?)\s*[:：]\s*X\s*[\"”」]", re.IGNORECASE)
_LABEL_LINE = re.compile(r"^\s*[\(（\[]?\s*([A-Z])\s*(?:[\)）\].．:：、]|$)")
_LONE = re.compile(r"^[\s\*\"'`“”]*[\(（\[]?([A-Z])[\)）\]]?[.．。]?[\s\*\"'`“”]*$")
_AFTER_LABEL = re.compile(r"^\s*[\)）\]]?\s*[.．:：、)]?\s*(?:[A-Z][.．、]\s*)?")


def extract_choice(
    text: str, n_options: int, lang: str | None = None, *, options: Sequence[str] | None = None
) -> str | None:
    """The option letter the text commits to, or None. ``options`` (the option texts) enables
    matching an option quoted verbatim and catching contradictions. ``lang`` is accepted for
    symmetry; both languages are always read."""
    if n_options < 1:
        raise ValueError(f"n_options must be >= 1, got {n_options}")
    if options is not None and len(options) != n_options:
        raise ValueError(f"{len(options)} option texts for n_options={n_options}")
    letters = option_letters(n_options)
    text = _PLACEHOLDER.sub(" ", unicodedata.normalize("NFKC", text or ""))
    found = _last_explicit(text)
    if found is None:
        found = _lone_letter(text)
    if found is not None:
        letter, after = found
        return _consistent(letter, after, letters, options)
    if _labelled_letters(text):
        return None  # an echo of the options
    return _verbatim(text, letters, options) if options else None


def _last_explicit(text: str) -> tuple[str, str] | None:
    best: tuple[int, str, str] | None = None
    for pattern in _EXPLICIT:
        for match in pattern.finditer(text):
            letter = match.group(1)
            if letter.islower() and not _plain_lowercase_ok(text, match):
                continue
            if letter == "I" and re.match(r"\s+[a-z']", text[match.end(1):]):
                continue  # "Answer: I think ..." is a pronoun, not option I
            if best is None or match.start(1) > best[0]:
                best = (match.start(1), letter.upper(), text[match.end(1):])
    return (best[1], best[2]) if best else None


def _plain_lowercase_ok(text: str, match: re.Match) -> bool:
    """A lowercase letter counts only when it cannot be an English word: bracketed, or followed by
    ')' / end of line / a full stop ending the line ("Answer: (b)", "answer: b")."""
    before = text[max(0, match.start(1) - 1): match.start(1)]
    after = text[match.end(1): match.end(1) + 2]
    if before and before in "([（【":
        return True
    return after[:1] in ("", ")", "）", "\n") or (after[:1] == "." and after[1:2] in ("", "\n"))


def _labelled_letters(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), line[m.end(1):]) for line in text.splitlines() if (m := _LABEL_LINE.match(line))]


def _lone_letter(text: str) -> tuple[str, str] | None:
    whole = _LONE.match(text)
    if whole:
        return whole.group(1), ""
    labelled = _labelled_letters(text)
    if labelled and len({letter for letter, _ in labelled}) == 1:
        return labelled[0]
    return None


def _consistent(letter: str, after: str, letters: tuple[str, ...], options: Sequence[str] | None) -> str | None:
    """Check the text right after the letter against the options: "A. <text of B>" contradicts itself;
    "X: <text of C>" (the placeholder letter) means C."""
    named = _option_at_start(after, options) if options else None
    if named is not None and letters[named] != letter:
        return letters[named] if letter not in letters and letter == "X" else None
    return letter if letter in letters else None


def _option_at_start(after: str, options: Sequence[str]) -> int | None:
    rest = _norm(after[_AFTER_LABEL.match(after).end():])
    starts = [i for i, option in enumerate(options) if _norm(option) and rest.startswith(_norm(option))]
    return max(starts, key=lambda i: len(_norm(options[i]))) if starts else None


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().rstrip(".。")


def _verbatim(text: str, letters: tuple[str, ...], options: Sequence[str]) -> str | None:
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    last = lines[-1]
    first = _option_at_start(last, options)
    if first is not None:
        return letters[first]
    found = _options_in(last, options)
    return letters[found[0]] if len(found) == 1 else None


def _options_in(line: str, options: Sequence[str]) -> list[int]:
    """Indices of options named in the line; an option inside a longer named one does not count."""
    low = _norm(line)
    spans = []
    for i, option in enumerate(options):
        needle = _norm(option)
        if not needle:
            continue
        pattern = re.escape(needle)
        if needle[0].isalnum() and needle.isascii():
            pattern = rf"(?<![\w-]){pattern}(?![\w-])"
        spans += [(m.start(), m.end(), i) for m in re.finditer(pattern, low)]
    kept = {i for s, e, i in spans if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) for s2, e2, _ in spans)}
    return sorted(kept)


def read_choice(item: Item, text: str) -> str | None:
    """The default reader: ``extract_choice`` with the item's option texts."""
    return extract_choice(text, len(item.options), options=item.options)
