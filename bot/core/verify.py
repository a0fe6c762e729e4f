"""Word-for-word verification of quotes against their archived source.

Only typography is forgiven (see `bot.core.text.typographic`). A maintainer whose quote does not match
is shown the closest passage of the source with the words that differ marked, because the usual cause is
one retyped word, and a change of case or of a comma is invisible unless something points at it.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.core.text import typographic

_OUTSIDE = "\"'()[].,;:!?"  # punctuation a quote may start after or stop before

#: Longer passages are shown as the words around each difference, so the message stays readable.
SHOWN_WORDS = 40
AROUND = 6


@dataclass(frozen=True, slots=True)
class Near:
    """The source's passage closest to a misquote: its words with each difference [marked], and the differences."""

    passage: str
    changes: tuple[tuple[str, str], ...]  # (the maintainer's words, the source's words); either may be ""

    def explain(self) -> str:
        """ "you wrote "doubt" where the source has "fail"", one clause per difference."""
        return "; ".join(_explain(mine, theirs) for mine, theirs in self.changes)


def _explain(mine: str, theirs: str) -> str:
    if not theirs:
        return f'the source does not have "{mine}"'
    if not mine:
        return f'the source has "{theirs}" here, which the text leaves out'
    what = f'you wrote "{mine}" where the source has "{theirs}"'
    if _letters(mine) == _letters(theirs) and _alnum(mine) != _alnum(theirs):
        return f"{what} (capital letters differ)"
    if _letters(mine) == _letters(theirs):
        return f"{what} (punctuation differs)"
    return what


def _alnum(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def _letters(text: str) -> str:
    return _alnum(text.casefold())


class SourceText:
    """An archived article body, normalised once for every quote checked against it."""

    __slots__ = ("normalised",)

    def __init__(self, raw: str) -> None:
        self.normalised = typographic(raw)

    def contains(self, passage: str) -> bool:
        needle = typographic(passage)
        return bool(needle) and needle in self.normalised

    def closest(self, passage: str) -> Near | None:
        """The source passage most like `passage`, in whole words, differences marked; None if nothing is close."""
        needle = typographic(passage)
        hay = self.normalised
        if not needle or not hay:
            return None
        found = fuzz.partial_ratio_alignment(needle, hay, score_cutoff=50)
        if found is None:
            return None
        # A region wider than the alignment, cut at spaces: the alignment may stop short of a changed last word.
        margin = max(20, len(needle) // 2)
        start = hay.rfind(" ", 0, max(0, found.dest_start - margin)) + 1
        end = hay.find(" ", min(len(hay), found.dest_end + margin))
        mine, theirs = needle.split(" "), hay[start : end if end >= 0 else len(hay)].split(" ")
        # Aligned on letters and digits only, so "fail" lines up with `"fail"` and the quote mark shows as a change.
        keys = [_letters(w) or w for w in mine], [_letters(w) or w for w in theirs]
        ops = difflib.SequenceMatcher(None, *keys, autojunk=False).get_opcodes()
        if not any(op[0] == "equal" for op in ops):
            return None
        while ops and ops[0][0] == "insert":  # the region's words before the passage
            ops.pop(0)
        while ops and ops[-1][0] == "insert":
            ops.pop()
        return _near(mine, theirs, ops)


def _near(mine: list[str], theirs: list[str], ops: Sequence[tuple[str, int, int, int, int]]) -> Near:
    words: list[tuple[str, bool]] = []  # each source word shown, and whether it differs
    changes: list[tuple[str, str]] = []
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "replace" and n == 0:  # keep only as many of the region's words as the text had
            j1 = max(j1, j2 - (i2 - i1))
        elif tag == "replace" and n == len(ops) - 1:
            j2 = min(j2, j1 + (i2 - i1))
        if tag == "equal":  # equal letters; the case or punctuation of each word may still differ
            for i, a, b in zip(range(i1, i2), mine[i1:i2], theirs[j1:j2], strict=True):
                # The passage may start or end inside a word of the source: `without fail` is in `"without fail"`.
                same = a == b or (i == 0 and b.endswith(a)) or (i == len(mine) - 1 and b.startswith(a))
                same = same or (len(mine) == 1 and a in b)
                words.append((b, not same))
                if not same:
                    changes.append((a, b))
            continue
        words += [(w, True) for w in theirs[j1:j2]]
        said = " ".join(theirs[j1:j2])
        if i2 == len(mine) and said and said[-1] in _OUTSIDE and mine[-1][-1] not in _OUTSIDE:
            said = said.rstrip(_OUTSIDE)  # `fail"` → `fail`: a quote may stop before the source's punctuation
        if i1 == 0 and i2 > i1 and said and said[0] in _OUTSIDE and mine[0][0] not in _OUTSIDE:
            said = said.lstrip(_OUTSIDE)
        changes.append((" ".join(mine[i1:i2]), said))
    return Near(_show(words), tuple(changes))


def _show(words: list[tuple[str, bool]]) -> str:
    """The passage, each differing word [marked]; a long one only around its differences."""
    keep = set(range(len(words)))
    if len(words) > SHOWN_WORDS:
        marked = [i for i, (_, changed) in enumerate(words) if changed] or [0]
        keep = {k for i in marked for k in range(i - AROUND, i + AROUND + 1)}
    out: list[str] = []
    for i, (word, changed) in enumerate(words):
        if i in keep:
            out.append(f"[{word}]" if changed else word)
        elif out and out[-1] != "…":
            out.append("…")
    if len(words) > SHOWN_WORDS and max(keep) < len(words) - 1 and out[-1] != "…":
        out.append("…")
    if len(words) > SHOWN_WORDS and min(keep) > 0:
        out.insert(0, "…")
    return " ".join(out)


ELISIONS = ("…", "...", "[…]", "[...]")


def misquoted(src: SourceText, text: str, refused: str) -> str:
    """Why `text` was refused, in words a maintainer acts on: what differs, and where in the source."""
    parts = [refused]
    if any(e in text for e in ELISIONS):
        parts.append(
            'it skips words with "…", and the checker refuses elisions: quote one unbroken passage '
            "word for word, or make two entries"
        )
    near = src.closest(text)
    if near is not None:
        if near.changes:
            parts.append(near.explain())
        parts.append(f'closest passage in the source, differences in [brackets]: "{near.passage}"')
    return "; ".join(parts)
