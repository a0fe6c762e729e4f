"""Where two wordings of the same clause differ, word by word.

Newsrooms compare wire translations by eye ("put in a state of war" / "placed under a state of war"). Words are
compared as a reader would: case, accents and typographic quotes do not count as differences; punctuation
attached to a word does not either.
"""

from __future__ import annotations

import difflib
import re

from bot.core.text import fold

_WORD = re.compile(r"\S+")
_EDGE = re.compile(r"^\W+|\W+$")

Span = tuple[int, int]


def _words(text: str) -> list[tuple[str, int, int]]:
    return [(_EDGE.sub("", fold(m.group())), m.start(), m.end()) for m in _WORD.finditer(text)]


def differences(text: str, other: str) -> tuple[Span, ...]:
    """Character spans of `text` whose words are not matched in `other`, adjacent words merged into one span."""
    mine, theirs = _words(text), _words(other)
    matcher = difflib.SequenceMatcher(a=[w for w, _, _ in mine], b=[w for w, _, _ in theirs], autojunk=False)
    spans: list[Span] = []
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag in ("replace", "delete") and i2 > i1:
            spans.append((mine[i1][1], mine[i2 - 1][2]))
    return tuple(spans)


def marked_all(texts: list[str]) -> list[tuple[Span, ...]]:
    """Each wording's differences: against the first wording, and the first against the second."""
    if len(texts) < 2:
        return [() for _ in texts]
    return [differences(texts[0], texts[1])] + [differences(t, texts[0]) for t in texts[1:]]
