"""Understanding what a reporter typed after the slash command.

Reporters type `article4`, `art. 4`, `Article IV`, `artcle 4`, `timline 1990s`, `who said level of alliance`
or nothing at all. Parsing turns that into a `Query`; it never raises, whatever the input.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz

from bot.core.text import NUMBER_WORDS, fold, split_alnum, tokens

MAX_QUERY_CHARS = 500

_ROMAN = re.compile(r"^(?=[mdclxvi])m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_DECADE = re.compile(r"\b(\d{3})0\s?'?s\b")
_YEAR = re.compile(r"^(1[5-9]\d\d|20\d\d|21\d\d)$")

STOPWORDS = frozenset(
    """a an the of in on at to for from by with and or but is are was were be been being do does did
    what when which who whom whose why how year years date day month said say says tell me about
    any this that these those it its there their they has have had can could would should will shall
    please show give find i we you my our your as into than then so if not no yes
    yet already actually really just ever many much era pls happen happened happens last cover covers covered
    whats thats theres still anything dates days months need never outlet outlets exact figure figures
    paste mention mentions mentioned""".split()  # noqa: SIM905
)


# Words a reporter uses for what the sources say in other words, and spelling variants: a word asked is met by
# any word of its group. Kept to acts and things that news about agreements names both ways; a word no group
# holds must be in the entry itself.
_SAME = (
    "react reacts reacted reaction reactions respond responds responded response responses",
    "approve approves approved approval ratify ratifies ratified ratification endorse endorses endorsed",
    "boost boosts boosted strengthen strengthens strengthened bolster bolsters bolstered",
    "commitment commitments clause clauses pledge pledges obligation obligations",
    "translation translations text texts version versions",
    "call calls called calling define defines defined defining describe describes described",
    "aid assistance",
    "admit admits admitted deny denies denied",  # whether someone admits something is answered by a denial
    "soldiers soldier troops troop",
    "send sends sent deploy deploys deployed deployment",
    "valid invalid validity",  # whether a document is still valid is answered by its becoming invalid
    "consult consults consulted consultation consultations",
    "come comes came enter enters entered",  # "come into force" is "enter into force"
    "defense defence",
    "offense offence",
    "ink inks inked inking sign signs signed signing",  # "ink a deal" is newsroom English for signing it
    "expiry expiration expirations",  # "expiration date" is the "expiry date" the sources print
    "formal official",  # "the formal name": the official one
    "title titles name names",  # not "named", "titled": who was named to a post is no title of a document
    "govt govts government governments",
    "chamber chambers house houses",  # "lower chamber" is the "lower house" of a parliament
    "parliament parliaments legislature legislatures",
)
SAME_AS: dict[str, tuple[str, ...]] = {w: tuple(g.split()) for g in _SAME for w in g.split()}


class QueryKind(StrEnum):
    HELP = "help"
    ARTICLE = "article"
    ARTICLES = "articles"  # "article" with no number: which articles are quoted
    TIMELINE = "timeline"
    QUOTES = "quotes"
    WHO_SAID = "who_said"
    SOURCES = "sources"
    WHEN = "when"
    SEARCH = "search"
    STATUS = "status"
    RELOAD = "reload"
    TOO_LONG = "too_long"
    LATEST = "latest"  # "what's new", "since November": the newest developments first
    COMPARE = "compare"  # "compare article4": the outlets' wordings side by side, differences marked


@dataclass(frozen=True, slots=True)
class Query:
    raw: str
    kind: QueryKind
    terms: tuple[str, ...] = ()
    article: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    month: int | None = None  # with LATEST: "since November" (year_from, when given: "since November 2024")
    said: bool = False  # "what did KCNA say ...": someone's own words are asked for, so quotes come first


# Words that say someone spoke: "what did KCNA say" asks for their words.
SAYS = frozenset("say said says tell told report reported reports announce announced state stated".split())  # noqa: SIM905
_SAID_VERBS = SAYS
# Words that ask for an article itself ("article iv text", "article 4 wording"), not for something about it.
_ITSELF = "text full wording wordings words clause translation translations version english exact read reads quote"
ARTICLE_ITSELF = _ARTICLE_ITSELF = frozenset(f"{_ITSELF} quoted original art arts article articles".split())


def beyond_article(terms: Iterable[str], number: int | None) -> list[str]:
    """The words of an article question that ask more than the article's text ("same", "1961" of "is article
    4 the same as the 1961 treaty"; none in "article iv text")."""
    return [
        t for t in terms
        if t not in STOPWORDS and t not in _ARTICLE_ITSELF and _number(t, roman=True) != number
        and t not in NUMBER_WORDS and t not in _TENS  # "twenty three": the article's number, said in words
    ]  # fmt: skip


def _command_word(token: str, *words: str) -> bool:
    """A command word, typo-tolerant only for words long enough to tell apart."""
    if token in words:
        return True
    return len(token) >= 5 and any(fuzz.ratio(token, w) >= 80 for w in words if len(w) >= 5)


def names_article(token: str) -> bool:
    """Whether a word names an article ("article", "art", "artcle"): a number after it is the article's."""
    return token in ("art", "arts", "articles") or _command_word(token, "article")


def roman_to_int(token: str) -> int | None:
    if not token or not _ROMAN.match(token):
        return None
    total = 0
    for a, b in zip(token, token[1:] + " ", strict=True):
        v = _ROMAN_VALUES[a]
        total += -v if b != " " and _ROMAN_VALUES[b] > v else v
    return total


_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}


def _number(token: str, *, roman: bool, then: str = "", words: bool = True) -> int | None:
    """A number as typed: digits, a roman numeral ("iv"), or words ("three", "twenty three" with `then`)."""
    if token.isdigit() and len(token) <= 3:
        return int(token)
    if not words:
        return roman_to_int(token) if roman else None
    if token in NUMBER_WORDS:
        return NUMBER_WORDS[token]
    if token in _TENS:
        unit = NUMBER_WORDS.get(then, 0)
        return _TENS[token] + (unit if unit < 10 else 0)
    return roman_to_int(token) if roman else None


def _clean(raw: str) -> str:
    """Drop control characters (a pasted query may carry them); keep everything printable."""
    return "".join(" " if unicodedata.category(c).startswith("C") else c for c in raw)


def _article(toks: list[str]) -> tuple[bool, int | None, int]:
    """Find "article N" anywhere: returns (found, number, index of the article word)."""
    for i, tok in enumerate(toks):
        is_word = names_article(tok)
        if not is_word and not (tok == "a" and len(toks) == 2 and i == 0):
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        then = toks[i + 2] if i + 2 < len(toks) else ""
        number = _number(nxt, roman=tok != "a", then=then, words=tok != "a") if nxt else None
        if number is not None and number > 0:
            return True, number, i
        if is_word and tok != "art" and len(toks) == 1:
            return True, None, i
    return False, None, -1


def _years(text: str, toks: list[str]) -> tuple[int | None, int | None]:
    decade = _DECADE.search(text)
    if decade:
        start = int(decade.group(1)) * 10
        return start, start + 9
    years = [int(t) for t in toks if _YEAR.match(t)]
    if not years:
        return None, None
    return min(years), max(years)


_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name
}
_LATEST_WORDS = ("latest", "newest", "recent", "new", "news", "updates", "update", "developments", "since")


def _latest(toks: list[str]) -> tuple[int | None, int | None] | None:
    """ "latest", "what's new", "latest developments", "since November", "news since june 2024"."""
    words = [t for t in toks if t not in ("what", "s", "whats", "is", "are", "the", "any", "anything")]
    if not words or not (words[0] in _LATEST_WORDS or _command_word(words[0], "latest", "developments")):
        return None
    rest = words[1:]
    if any(t not in (*_LATEST_WORDS, *_MONTHS) and not _YEAR.match(t) for t in rest):
        return None  # "new treaty", "recent missile tests": a question about something, not "what's new"
    month = next((_MONTHS[t] for t in rest if t in _MONTHS), None)
    year = next((int(t) for t in rest if _YEAR.match(t)), None)
    return year, month


def parse(raw: str) -> Query:
    """Turn what the reporter typed into a `Query`. Never raises."""
    if len(raw) > MAX_QUERY_CHARS:
        return Query(raw, QueryKind.TOO_LONG)
    text = fold(_clean(raw))
    toks = [part for tok in tokens(text) for part in split_alnum(tok)]
    if not toks or (toks[0] in ("help", "h", "usage", "examples") and len(toks) == 1):
        return Query(raw, QueryKind.HELP)
    first = toks[0]
    rest = toks[1:]
    content = tuple(t for t in rest if t not in STOPWORDS)

    if len(toks) == 1 and first in ("status", "reload"):
        return Query(raw, QueryKind(first))
    if _command_word(first, "timeline", "history", "chronology", "events"):
        y0, y1 = _years(text, rest)
        month = next((_MONTHS[t] for t in rest if t in _MONTHS), None) if y0 is not None and y0 == y1 else None
        return Query(raw, QueryKind.TIMELINE, content, year_from=y0, year_to=y1, month=month)
    if _command_word(first, "sources", "source"):
        return Query(raw, QueryKind.SOURCES)
    if _command_word(first, "compare", "comparison", "wordings", "diff"):
        _, number, _ = _article(rest or ["article"])
        return Query(raw, QueryKind.COMPARE, article=number)
    latest = _latest(toks)
    if latest is not None:
        return Query(raw, QueryKind.LATEST, year_from=latest[0], month=latest[1])
    if _command_word(first, "quote", "quotes", "quoted", "quotations"):
        return Query(raw, QueryKind.QUOTES, content)
    if first == "who" and rest and _command_word(rest[0], "said", "says", "say", "quoted"):
        return Query(raw, QueryKind.WHO_SAID, tuple(t for t in rest[1:] if t not in STOPWORDS))

    all_content = tuple(t for t in toks if t not in STOPWORDS)
    said = first in ("what", "how") and any(t in _SAID_VERBS for t in rest)
    found, number, at = _article(toks)
    if found:
        if number is None:
            return Query(raw, QueryKind.ARTICLES)
        # "is article 4 the same as the 1961 treaty" asks about the article: the words are kept to search with
        asks_more = bool(beyond_article([t for i, t in enumerate(toks) if i not in (at, at + 1)], number))
        return Query(raw, QueryKind.ARTICLE, all_content if asks_more else (), article=number, said=said)

    if first == "when" or (first in ("what", "which", "in") and rest[:1] in (["year"], ["date"], ["day"])):
        return Query(raw, QueryKind.WHEN, all_content)
    if not all_content:
        return Query(raw, QueryKind.HELP)
    return Query(raw, QueryKind.SEARCH, all_content, said=said)


_FILLERS = frozenset("based used list full complete whole entire thanks thx plz".split())  # noqa: SIM905
_ROUTED = (QueryKind.TIMELINE, QueryKind.LATEST, QueryKind.SOURCES)
_COMMANDS = frozenset(("timeline", "history", "chronology", "events", "sources", "source", *_LATEST_WORDS))


def routed(q: Query, own: Iterable[str]) -> Query | None:
    """A question that is a command once the words naming the topic itself and polite filler are set aside:
    "pact timeline pls", "any latest developments on the pact?", "what sources is this based on"."""
    mine = set(own)
    rest = [t for t in q.terms if t not in mine and t not in _FILLERS]
    if not rest or not _COMMANDS.intersection(rest):  # parsing again costs more than this look
        return None
    again = parse(" ".join(rest))
    return Query(q.raw, again.kind, again.terms, year_from=again.year_from, year_to=again.year_to,
                 month=again.month) if again.kind in _ROUTED else None  # fmt: skip
