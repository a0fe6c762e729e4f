"""Word-for-word verification of quotes against their archived source.

Only typography is forgiven (see `bot.core.text.typographic`). A maintainer whose quote does not match
is shown the closest passage of the source, because the usual cause is one retyped word.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from bot.core.text import typographic


class SourceText:
    """An archived article body, normalised once for every quote checked against it."""

    __slots__ = ("normalised",)

    def __init__(self, raw: str) -> None:
        self.normalised = typographic(raw)

    def contains(self, passage: str) -> bool:
        needle = typographic(passage)
        return bool(needle) and needle in self.normalised

    def closest(self, passage: str) -> str | None:
        """The source passage most like `passage`, widened to whole words; None if nothing is close."""
        needle = typographic(passage)
        hay = self.normalised
        if not needle or not hay:
            return None
        found = fuzz.partial_ratio_alignment(needle, hay)
        if found is None or found.score < 50:
            return None
        start, end = found.dest_start, found.dest_end
        while start > 0 and hay[start - 1] != " ":
            start -= 1
        while end < len(hay) and hay[end] not in " ":
            end += 1
        return hay[start:end].strip()
