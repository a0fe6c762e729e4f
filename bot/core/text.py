"""Text normalisation shared by the verifier and the search index.

Two different jobs, kept apart on purpose:
- `typographic` forgives only typography (curly vs straight quotes, dash kinds, spacing), because a quote
  must stay word for word what the source printed;
- `fold` and `tokens` forgive case, accents and punctuation too, because a reporter's query is not a quote.
"""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
        "\u2212": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    }
)  # fmt: skip
#: Numbers said in words, as reporters and sources write them ("three days later", "article three"). Each caller's
#: pattern decides which of them it reads.
_NUMBERS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
)
NUMBER_WORDS = {w: i for i, w in enumerate(_NUMBERS.split())}
_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def typographic(text: str) -> str:
    """Normalise typography only: what two copies of the same printed words may differ by."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).translate(_QUOTES)).strip()


def fold(text: str) -> str:
    """Normalise for matching: NFKC (full-width digits), case-fold, no accents, typographic quotes."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _SPACE.sub(" ", text).strip()


def abbreviated(text: str) -> str:
    """ "U.S." and "U.N." (lower-cased) as the one word a reporter types ("us", "un"), not "u" and "s"."""
    return text.replace("u.s.", "us").replace("u.n.", "un") if "." in text else text


def tokens(text: str) -> list[str]:
    """Split folded text into word tokens ("Ho-jin" → "ho", "jin"; "art.4" → "art", "4"; "U.S." → "us")."""
    return _TOKEN.findall(abbreviated(fold(text)))


def split_alnum(token: str) -> list[str]:
    """Split a token where letters meet digits ("article4" → "article", "4")."""
    return [p for p in re.split(r"(?<=\D)(?=\d)|(?<=\d)(?=\D)", token) if p]


def escape_mrkdwn(text: str) -> str:
    """Escape the three characters Slack treats as control: no forged links, no @channel pings."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int, ellipsis: str = "…") -> str:
    """Cut at a word boundary so a truncated quote never ends mid-word."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - len(ellipsis))]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + ellipsis


def counted(n: int, singular: str, plural: str) -> str:
    """ "1 person", "2 people", "0 quotes": the one place a count becomes English."""
    return f"{n} {singular if n == 1 else plural}"
