"""Draft knowledge from a new article, for a maintainer to curate: never loaded as it is.

It proposes what a careful reader would mark up: every quoted passage with its likely speaker, every
sentence of reported speech ("X said ..."), every date mention resolved (against the publication, or against
the event the sentence dates it from) with the article's own words kept, and the sentences whose numbers are
facts. It over-proposes on purpose: deleting a wrong proposal costs a maintainer a second, missing a quote
costs a story. What it cannot know (a decade, "last week") it asks about in a YAML comment, never guesses.

It reads the article as a reader does, not as a page: headline, byline, datelines ("SEOUL, Nov 10
(Reuters) -"), photo captions and page furniture ("Next In World", crawl dates) are not the story and
propose nothing. Every step is a single left-to-right pass with bounded look-back, so time grows linearly
with the article (runs of capitalised words made an earlier version quadratic).
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.core.dates import PartialDate, day_exists, month_number, nearest_year

# -- the page around the story -------------------------------------------------------------------------
_MON = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_WEEKDAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DATELINE = re.compile(
    rf"^(?:[A-Z][A-Z'.-]+(?:[ ,/]+[A-Z][A-Z'.-]+)*[,.]?\s+)?(?:{_MON}\.?\s+\d{{1,2}}(?:,\s*\d{{4}})?\s*)?"
    r"\([A-Z][\w .&/-]{1,40}\)\s*(?:--?|–|—|:)\s*"
    r"|^[A-Z][A-Z'.-]+(?:[ ,/]+[A-Z][A-Z'.-]+)*\s+(?:—|–|--?)\s+"
)
_FURNITURE = re.compile(
    r"^(?:[•·▪*※]\s*|[-–—]\s|\[[^\]]{1,30}\]|More\s*-|By\s+[A-Z]|Published\s*:|Updated\s*:|Last updated|"
    r"date\s+\d|Source:\s|Copyright\b|[ⓒ©]|"
    r"\(?Reporting by|Editing by|Follow us|Next In\b|More From\b|Read more|Related\b|Advertisement|ADVERTISING|"
    r"Sign up|Subscribe|Share\b|Link copied|Cover photo|Photo:|Foto:|FILE PHOTO)|All rights reserved\.?$",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"\bFILE PHOTO\b|\(Photo:|\bvia REUTERS\b|\bvia AP\b|/Pool\b|\bin this (?:image|photo|picture)\b|"
    r"\([A-Z][\w .&/-]{1,30}\)$"  # "(Reuters-Yonhap)", "(Gazette)": a credit, when before the story
)
_CRAWL_STAMP = re.compile(r"^date\s+\d{4}-\d\d-\d\d(?:[T ][\d:]+\S*)?\s+")  # prefixed by some page savers
_STORY_END = re.compile(r"^(?:\(?Reporting by|\(?Editing by|Copyright\b|[ⓒ©])", re.IGNORECASE)
_ONLY_DATE = re.compile(rf"(?:{_WEEKDAYS}|{_MON}|[AP]M|UTC|GMT|KST|\d+|[\s,.:/+()-])+", re.IGNORECASE)

# -- sentences ---------------------------------------------------------------------------------------
_BOUNDARY = re.compile(
    r"[.!?][\"”’')]*\s+(?=[\"“‘(]?[A-Z0-9])"
    r"|(?<=[a-z0-9]{2})\.(?=(?:The|A|An|It|He|She|They|We|But|This|That|These|However|Meanwhile|In|On|As)\s)"
)  # the second: "in June 2024.The Duma's", a space lost when the page was copied
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "sgt",
        "adm",
        "gov",
        "sen",
        "rep",
        "st",
        "jr",
        "sr",
        "no",
        "vs",
        "etc",
        "inc",
        "corp",
        "co",
        "ltd",
        "dept",
        "est",
        "approx",
        "fig",
        "vol",
        "pp",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
    ]
)

# -- quotes and speakers -----------------------------------------------------------------------------
_QUOTED = re.compile(r"[\"“]([^\"“”]+)[\"”]|[\"“]([^\"“”]+)$")
_SINGLE = re.compile(r"(?<![\w])[‘']([^‘’'\"“”]{3,}?)[’'](?![\w])")
_VERBS = frozenset(
    [
        "said",
        "says",
        "say",
        "told",
        "tells",
        "stated",
        "states",
        "announced",
        "announces",
        "added",
        "adds",
        "warned",
        "warns",
        "reported",
        "reports",
        "noted",
        "notes",
        "declared",
        "declares",
        "claimed",
        "claims",
        "confirmed",
        "confirms",
        "denied",
        "denies",
        "accused",
        "stressed",
        "insisted",
        "argued",
        "wrote",
        "writes",
        "quoted",
        "cited",
        "reads",
        "read",
        "echoed",
        "explained",
        "urged",
        "vowed",
        "pledged",
        "called",
        "described",
        "quipped",
        "answered",
        "replied",
        "asked",
        "concluded",
    ]
)
_NOT_SUBJECTS = frozenset(
    [
        "The",
        "A",
        "An",
        "Regarding",
        "According",
        "After",
        "Before",
        "When",
        "While",
        "As",
        "In",
        "On",
        "At",
        "Following",
        "Despite",
        "Concerning",
        "Asked",
        "Meanwhile",
        "However",
    ]
)
_PARTICIPLES = frozenset(
    [
        "saying",
        "adding",
        "noting",
        "stressing",
        "telling",
        "warning",
        "arguing",
        "insisting",
        "declaring",
        "asserting",
        "emphasizing",
        "emphasising",
        "explaining",
        "claiming",
    ]
)
_ROLE_WORDS = frozenset(
    [
        "leader",
        "president",
        "minister",
        "secretary",
        "chairman",
        "chairwoman",
        "chair",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "ambassador",
        "envoy",
        "general",
        "commander",
        "chief",
        "director",
        "premier",
        "king",
        "queen",
        "official",
        "officials",
        "lawmaker",
        "deputy",
        "vice",
        "foreign",
        "defence",
        "defense",
        "prime",
        "state",
        "senator",
        "governor",
        "mayor",
        "head",
        "analyst",
        "expert",
        "professor",
        "advisor",
        "adviser",
        "counterpart",
    ]
)
_GENERIC = frozenset(
    [
        "agency",
        "statement",
        "ministry",
        "newspaper",
        "report",
        "message",
        "paper",
        "broadcaster",
        "office",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "government",
        "kremlin",
        "council",
        "committee",
        "outlet",
        "media",
    ]
)
_PRONOUNS = frozenset(["he", "she", "it", "they", "we", "i"])
_AUXILIARIES = frozenset(["has", "have", "had", "also", "later", "then", "previously", "reportedly", "had", "also"])
_WHEN_WORDS = frozenset(
    [
        "on",
        "last",
        "this",
        "next",
        "week",
        "month",
        "year",
        "today",
        "yesterday",
        "earlier",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
)
_STOP = frozenset(
    [
        "that",
        "which",
        "who",
        "whom",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "can",
        "not",
        "and",
        "or",
        "but",
        "to",
        "of",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "than",
        "then",
        "there",
        "this",
        "these",
        "those",
        "it",
        "its",
        "their",
        "his",
        "her",
        "they",
        "he",
        "she",
        "we",
        "our",
        "your",
        "a",
        "an",
        "the",
        "after",
        "before",
        "since",
        "while",
        "when",
        "where",
        "if",
        "amid",
        "into",
        "over",
        "under",
        "about",
    ]
)
_DOCUMENTS = frozenset(
    [
        "treaty",
        "agreement",
        "accord",
        "pact",
        "charter",
        "law",
        "decree",
        "constitution",
        "text",
        "bill",
        "resolution",
        "document",
        "preamble",
    ]
)
_NOUN_PARTS = frozenset(["state", "news", "national", "security", "central", "foreign", "official"])
_CONNECTORS = frozenset(("of", "the", "and", "for", "de", "al", "bin", "van", "von"))
_WORD = re.compile(r"(?:[A-Za-z]\.){2,}|[\w'’.-]*\w[\w'’-]*|[,;:]")  # words, and the punctuation that ends a name

# -- dates -------------------------------------------------------------------------------------------
_NUM_MONTHS = {"day": 0, "week": 0, "month": 1, "year": 12}
_DATES = re.compile(
    rf"(?P<iso>\b(?P<iy>(?:19|20)\d\d)-(?P<im>\d\d)-(?P<id>\d\d)\b)"
    rf"|(?P<num>\b(?P<n1>\d{{1,2}})[/.](?P<n2>\d{{1,2}})[/.](?P<ny>(?:19|20)\d\d)\b)"
    rf"|(?P<mdy>\b(?P<m1>{_MON})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y1>(?:19|20)\d\d)\b)?)"
    rf"|(?P<dmy>\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MON})\b\.?(?:,?\s+(?P<y2>(?:19|20)\d\d)\b)?)"
    rf"|(?P<my>\b(?P<m3>{_MON})\.?,?\s+(?P<y3>(?:19|20)\d\d)\b)"
    r"|(?P<mo>\b(?P<mp>in|last|this|next|since|until|early|late|mid-|earlier in|later in)\s+"
    rf"(?P<m4>{_MON})\b(?!\.?,?\s+\d))"
    rf"|(?P<wd>\b(?P<wp>(?:on|last|this|next|since|until|by)\s+)?(?P<w>{_WEEKDAYS})\b)"
    r"|(?P<nth>\b(?:on )?the (?P<nd>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)\b(?! (?:century|anniversary|time|day|place))"
    r"(?: of (?P<nof>last|this|next) month\b)?)"
    r"|(?P<rel>\b(?:yesterday|today|tonight|tomorrow|last night|(?:on )?the same day|"
    r"(?:earlier |later )?this (?:week|month|year)|"
    r"last (?:week|month|year)|next (?:week|month|year)|the (?:previous|following|next) (?:day|week|month|year)|"
    r"the day before|a day later|a year later|a year earlier)\b)"
    r"|(?P<ago>\b(?P<an>\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
    r"(?P<au>day|week|month|year)s?\s+(?P<ad>ago|later|earlier)\b)"
    r"|(?P<dec>\bthe (?:(?:19|20)\d0)s\b)"
    r"|(?P<year>\b(?:18|19|20)\d\d\b(?![’'%]?s\b|,\d|\.\d|-(?:point|strong|member)))",
    re.IGNORECASE,
)
_SPELLED = {
    w: i
    for i, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
    )
}
_SPELLED["a"] = 1

# -- numbers worth a fact ----------------------------------------------------------------------------
_NUMBER = re.compile(
    r"(?<![\w/])(?:[$€£¥]\s?)?\d[\d,]*(?:\.\d+)?(?:\s?(?:%|percent|per cent|million|billion|trillion))?"
    r"(?:-(?:point|strong|member|year|day|article|nation|country)s?)?(?![\w/])"
)
_ARTICLE_REF = re.compile(r"\bArticles?\s+\d+(?:\s*(?:and|,|to|-)\s*\d+)*", re.IGNORECASE)


AddQuote = Callable[[str, str, str, str], None]  # (words, kind, who, sentence)


@dataclass
class DateMention:
    """One date as the article wrote it, resolved when it can be (`iso` None: a question for the maintainer)."""

    words: str
    iso: str | None
    sentence: str
    relative: bool  # the words alone do not give the date (no year, "on Wednesday", "the following year")
    note: str = ""


@dataclass
class Quote:
    text: str
    kind: str  # direct | reported
    speaker: str  # as the article names them, "" when no one is named
    sentence: str
    note: str = ""


@dataclass
class Proposal:
    quotes: list[Quote] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    facts: list[tuple[str, list[str]]] = field(default_factory=list)  # (sentence, its numbers)
    skipped: list[str] = field(default_factory=list)  # headline, byline, captions, furniture
    dateline: str = ""
    headline: str = ""


# -- reading the page --------------------------------------------------------------------------------
def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def _is_furniture(line: str) -> bool:
    if _FURNITURE.search(line):
        return True
    if not re.search(r"[a-z]", _ONLY_DATE.sub("", line), re.IGNORECASE):
        return True  # only a date or time: a crawl stamp or a page header
    return len(line.split()) <= 6 and not re.search(r"[.!?\"”]$", line)  # a label: "Next In World", "Contents"


def _is_caption(line: str, before_story: bool) -> bool:
    """A photo's caption: a credit in it, or, before the story starts, an agency's name in brackets at its end."""
    if len(line.split()) > 60 or re.search(r"[\"“”]", line):
        return False
    m = _CAPTION.search(line)
    return m is not None and (before_story or not m.group(0).startswith("("))


def _blocks(text: str) -> list[list[str]]:
    """Paragraphs as lists of lines: a blank line ends one, and so does a line ending a sentence.

    Text copied from a web page has one paragraph per line; hard-wrapped text has lines ending mid-sentence,
    which are joined back.
    """
    out: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            if current:
                out.append(current)
            current = []
            continue
        current.append(line)
        if re.search(r"[.!?\"”’)]\s*$", line):
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def paragraphs(text: str) -> tuple[list[str], list[str], str, str]:
    """The story's paragraphs (dateline removed), what was skipped as page, the dateline and the headline."""
    body: list[str] = []
    skipped: list[str] = []
    dateline = ""
    headline_seen = False
    headline = ""
    ended = False  # after the credit line or "Related" comes the rest of the page, not the story
    for block in _blocks(text):
        lines: list[str] = []
        for raw in block:
            line = _CRAWL_STAMP.sub("", _clean(raw))
            if not line:
                continue
            if ended:
                skipped.append(line)
                continue
            if _STORY_END.match(line):
                ended = True
                skipped.append(line)
                continue
            if _FURNITURE.search(line) or not re.search(r"[a-z]", _ONLY_DATE.sub("", line), re.IGNORECASE):
                skipped.append(line)  # a page header, a crawl stamp, a byline
                continue
            if not headline_seen and not body and not lines and not re.search(r"[.!?\"”']$", line):
                headline_seen = True
                headline = line
                skipped.append(line)
                continue
            if _is_furniture(line) or _is_caption(line, before_story=not body):
                skipped.append(line)
                continue
            lines.append(line)
        if not lines:
            continue
        if len(lines) > 1 and not any(re.search(r"[.!?\"”’)]$", ln) for ln in lines):
            skipped += lines  # a list of links or headlines ("Next In World"), not a paragraph
            continue
        para = " ".join(lines)
        m = _DATELINE.match(para)
        if m and not body:
            dateline = m.group(0).strip()
            para = para[m.end() :]
        body.append(para)
        headline_seen = True
    return body, skipped, dateline, headline


_SUBJECT = re.compile(r"^((?:[A-Z][\w'’.-]+\s){1,3}[A-Z][\w'’-]+),\s+(?:the\s+|a\s+)?[A-Z]?[a-z]")


def sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    """Where each sentence is, split at sentence ends but not at "N. Korea", "U.N.", "Dec. 4" or "J. Smith"."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(paragraph):
        if paragraph[m.start()] == ".":
            word = paragraph[max(start, m.start() - 12) : m.start()].rsplit(" ", 1)[-1].lstrip("(\"“‘'")
            if (
                word.lower() in _ABBREVIATIONS
                or re.fullmatch(r"[A-Z]", word)
                or re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word)
            ):
                continue
        end = m.start() + len(m.group(0).rstrip())
        out.append((start, end))
        start = m.end()
    if paragraph[start:].strip():
        out.append((start, len(paragraph.rstrip())))
    return out


def sentences(paragraph: str) -> list[str]:
    return [paragraph[a:b] for a, b in sentence_spans(paragraph)]


# -- speakers ----------------------------------------------------------------------------------------
def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _capital(word: str) -> bool:
    return word[:1].isupper()


def _np_before(words: list[str]) -> tuple[str, int]:
    """Who stands right before a reporting verb, and how many tokens that took.

    "North Korean leader Kim Jong Un", "KCNA", "it", "Seoul, Washington and Kyiv", "Ukrainian forensic
    experts" (up to two common words after a name). The look-back is bounded, so any input stays linear.
    """
    skip = 0
    if words and words[-1] == ",":  # "The minister, Jane Roe, said"
        words, skip = words[:-1], 1
    while skip < 6 and words and words[-1].lower() in _AUXILIARIES | _WHEN_WORDS:
        words, skip = words[:-1], skip + 1  # "Tass on Saturday reported", "the Ministry also on Tuesday said"
    if not words:
        return "", 0
    last = words[-1]
    if last.lower() in _PRONOUNS:
        return last, 1 + skip
    taken: list[str] = []
    loose = 0  # common words taken since the last name: kept only when a name comes before them
    for i in range(len(words) - 1, max(-1, len(words) - 14), -1):
        w = words[i]
        bare = w if re.fullmatch(r"(?:[A-Za-z]\.){2,}", w) else w.strip(".")
        low = bare.lower()
        if w == ",":
            listing = " and " in f" {' '.join(taken).lower()} " and taken and _capital(taken[-1])
            if listing and i > 0 and _capital(words[i - 1]):
                taken.append(",")  # a list of names: "Seoul, Washington and Kyiv"
                continue
            break
        if _capital(bare) or (bare.isdigit() and i > 0 and words[i - 1] == "Article"):
            taken.append(bare)
            loose = 0
        elif low in _ROLE_WORDS | _GENERIC | _DOCUMENTS | _CONNECTORS | _NOUN_PARTS:
            taken.append(bare)
        elif loose < 2 and bare.isalpha() and low not in _STOP:
            taken.append(bare)
            loose += 1
        else:
            break
    popped = 0
    while taken and not _capital(taken[-1]):
        taken.pop()  # a phrase starts with a name
        popped += 1
    while taken and (taken[0].lower() in _CONNECTORS or taken[0] == ","):
        taken.pop(0)  # "Russia and the North and (have accused)": the "and" joins two predicates
    if not taken:
        low_last = last.lower()
        known = _GENERIC | _DOCUMENTS | _ROLE_WORDS
        if len(words) >= 2 and low_last in known and words[-2].lower() in ("the", "its", "his", "her"):
            return f"{words[-2]} {last}", 2 + skip
        return "", 0
    phrase = " ".join(reversed(taken)).replace(" ,", ",")
    if phrase.lower() in ("the", "a"):
        return "", 0
    return phrase, len(taken) + skip + popped  # "the" before a name is in its span, not in its name


def _noun_phrase_before(words: list[str]) -> str:
    return _np_before(words)[0]


def _noun_phrase_after(words: list[str]) -> str:
    """Who follows an inverted verb: `said Kim`, `reads the statement`, `the Ministry added` is not this."""
    if not words:
        return ""
    if words[0].lower() in ("the", "a") and len(words) > 1:
        return f"{words[0]} {words[1]}" if words[1].lower() in _GENERIC else ""
    taken: list[str] = []
    for w in words[:8]:
        bare = w.strip(".")
        if _capital(bare) or (taken and bare.lower() in _CONNECTORS | _ROLE_WORDS):
            taken.append(bare)
        else:
            break
    return " ".join(taken)


def _attribution(before: str, after: str) -> str:
    """The speaker of a quote, from the words of its sentence before and after the quotation marks."""
    after_words = _words(after)[:40]
    while after_words and after_words[0] in ",;:":
        after_words = after_words[1:]
    for i, w in enumerate(after_words):
        if w.lower().strip(".,") in _VERBS:
            who = _noun_phrase_before(after_words[:i])
            return who or _noun_phrase_after(after_words[i + 1 :])
    m = re.search(r"\baccording to ((?:the )?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,5})", before)
    if m:
        return m.group(1)
    before_words = _words(before)[-30:]
    for i in range(len(before_words) - 1, -1, -1):
        verb = before_words[i].lower()
        if verb in _VERBS:
            who = _noun_phrase_before(before_words[:i])
            if who:
                return who
        if verb in _PARTICIPLES and i > 0 and before_words[i - 1] == ",":
            lead = re.match(r"\s*((?:[A-Z][\w'’.-]*\s?)+)", before)  # ", saying": the sentence's subject
            return lead.group(1).strip() if lead else ""
    return ""


def person_name(who: str) -> tuple[str, str]:
    """("Ukrainian President Volodymyr Zelenskiy") → ("Volodymyr Zelenskiy", "Ukrainian President")."""
    words = who.split()
    if words and words[0].lower() in ("the", "a", "its"):
        words = words[1:]
    cut = max((i for i, w in enumerate(words) if w.lower() in _ROLE_WORDS | _GENERIC), default=-1)
    if 0 <= cut < len(words) - 1 and all(_capital(w) for w in words[cut + 1 :]):
        return " ".join(words[cut + 1 :]), " ".join(words[: cut + 1])
    return " ".join(words), ""


# -- dates -------------------------------------------------------------------------------------------
_FUTURE = re.compile(r"\b(?:will|shall|is to|are to|scheduled|due to|plans? to|expected to)\b")


def _days(day: dt.date) -> int:
    return day.year * 372 + day.month * 31 + day.day  # an order of days, enough to compare distances


def _month_back(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) - n
    return k // 12, k % 12 + 1


def _resolve(m: re.Match[str], anchor: dt.date, published: PartialDate, pub_day: dt.date | None) -> DateMention:
    words = m.group(0)
    g = m.groupdict()
    iso: str | None = None
    relative = True
    note = ""
    if g["iso"]:
        y, mo, d = int(g["iy"]), int(g["im"]), int(g["id"])
        iso, relative = (f"{y:04d}-{mo:02d}-{d:02d}" if day_exists(y, mo, d) else None), False
    elif g["num"]:
        a, b, y = int(g["n1"]), int(g["n2"]), int(g["ny"])
        readings = [(mo, d) for mo, d in ((b, a), (a, b)) if day_exists(y, mo, d)]  # day first, then US order
        if len(set(readings)) > 1:
            readings.sort(key=lambda md: abs((dt.date(y, *md) - anchor).days))
            note = f"{words!r} could be day/month or month/day: took the reading nearest the publication"
        if readings:
            iso, relative = f"{y:04d}-{readings[0][0]:02d}-{readings[0][1]:02d}", False
    elif g["mdy"] or g["dmy"]:
        mo = month_number(g["m1"] or g["m2"]) or 1
        d = int(g["d1"] or g["d2"])
        y_text = g["y1"] or g["y2"]
        y = int(y_text) if y_text else nearest_year(mo, d, anchor)
        relative = not y_text
        iso = f"{y:04d}-{mo:02d}-{d:02d}" if day_exists(y, mo, d) else None
    elif g["my"]:
        iso, relative = f"{int(g['y3']):04d}-{month_number(g['m3']) or 1:02d}", False
    elif g["mo"]:
        mo = month_number(g["m4"]) or 1
        prefix = g["mp"].lower()
        if prefix == "last":
            y = anchor.year if mo < anchor.month else anchor.year - 1
        elif prefix == "next":
            y = anchor.year if mo > anchor.month else anchor.year + 1
        else:
            y = nearest_year(mo, None, anchor)
        iso = f"{y:04d}-{mo:02d}"
    elif g["wd"]:
        target = list(calendar.day_name).index(g["w"].capitalize())
        if pub_day is None:
            note = f"{words!r}: the publication's day is not known, so the weekday cannot be dated"
        elif (g["wp"] or "").strip().lower() == "next":
            iso = (pub_day + dt.timedelta(days=(target - pub_day.weekday() - 1) % 7 + 1)).isoformat()
        else:  # news reports the past: the latest such weekday on or before publication
            iso = (pub_day - dt.timedelta(days=(pub_day.weekday() - target) % 7)).isoformat()
    elif g["nth"]:  # "on the 14th": the nearest such day (past, unless the sentence speaks of the future)
        d = int(g["nd"])
        if g["nof"]:
            y, mo = _month_back(anchor.year, anchor.month, {"last": 1, "this": 0, "next": -1}[g["nof"].lower()])
        else:
            near = [_month_back(anchor.year, anchor.month, k) for k in (1, 0, -1)]
            near = [(y, mo) for y, mo in near if day_exists(y, mo, d)] or [(anchor.year, anchor.month)]
            if not _FUTURE.search(m.string):  # "was sent on the 14th": a day already past
                near = [(y, mo) for y, mo in near if (y, mo, d) <= (anchor.year, anchor.month, anchor.day)] or near
            y, mo = min(near, key=lambda ym: abs(ym[0] * 372 + ym[1] * 31 + d - _days(anchor)))
        iso = f"{y:04d}-{mo:02d}-{d:02d}" if day_exists(y, mo, d) else None
    elif g["rel"]:
        iso, note = _relative(words.lower(), anchor, published, pub_day)
    elif g["ago"]:
        n = int(g["an"]) if g["an"].isdigit() else _SPELLED.get(g["an"].lower(), 1)
        unit = g["au"].lower()
        sign = -1 if g["ad"].lower() in ("ago", "earlier") else 1
        if unit == "day":
            iso = (anchor + dt.timedelta(days=sign * n)).isoformat()
        elif unit == "month":
            y, mo = _month_back(anchor.year, anchor.month, -sign * n)
            iso = f"{y:04d}-{mo:02d}"
        elif unit == "year":
            iso = str(anchor.year + sign * n)
        else:
            note = f"{words!r}: a week is no precision the knowledge stores; give the day if the article does"
    elif g["dec"]:
        note = f"{words!r} is a decade: give the year if the article does"
        relative = False
    elif g["year"]:
        iso, relative = words, False
    return DateMention(words, iso, "", relative, note)


def _relative(words: str, anchor: dt.date, published: PartialDate, pub_day: dt.date | None) -> tuple[str | None, str]:
    week = f"{words!r}: a week is no precision the knowledge stores; give the day if the article does"
    day_words = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1, "last night": -1,
                 "the previous day": -1, "the day before": -1, "the following day": 1, "the next day": 1,
                 "a day later": 1, "the same day": 0, "on the same day": 0}  # fmt: skip
    if words in day_words:
        base = anchor if words.startswith(("the ", "a ")) else pub_day
        if base is None:
            return None, f"{words!r}: the publication's day is not known"
        return (base + dt.timedelta(days=day_words[words])).isoformat(), ""
    if words.endswith("week"):
        return None, week
    if words.endswith("month"):
        base_year, base_month = (anchor.year, anchor.month) if words.startswith("the ") else (
            published.year, published.month or anchor.month)  # fmt: skip
        step = -1 if ("last" in words or "previous" in words) else 1 if ("next" in words or "following" in words) else 0
        y, mo = _month_back(base_year, base_month, -step)
        return f"{y:04d}-{mo:02d}", ""
    year = anchor.year if words.startswith(("the ", "a ")) else published.year
    step = -1 if ("last" in words or "previous" in words or ("earlier" in words and words.startswith("a "))) else 0
    step = 1 if ("next" in words or "following" in words or ("later" in words and words.startswith("a "))) else step
    return str(year + step), ""


def _sentence_dates(sentence: str, published: PartialDate, pub_day: dt.date | None) -> list[DateMention]:
    """Every date mention in a sentence; "the following year" counts from the date before it."""
    default = pub_day or dt.date(published.year, published.month or 7, 1)
    out: list[DateMention] = []
    anchor = default
    for m in _DATES.finditer(sentence):
        relative_to_event = m.group(0).lower().startswith(("the ", "a ")) or (m.group("ago") is not None and (
            m.group("ad").lower() in ("later", "earlier")))  # fmt: skip
        mention = _resolve(m, anchor if relative_to_event else default, published, pub_day)
        if mention.iso and mention.iso[:4].isdigit() and int(mention.iso[:4]) > published.year + 1 and not (
                mention.relative):  # fmt: skip
            continue  # a four-digit number after the article's time is not a date it reports
        mention.sentence = sentence
        out.append(mention)
        if mention.iso:
            parts = [int(p) for p in mention.iso.split("-")]
            anchor = dt.date(parts[0], parts[1] if len(parts) > 1 else 7, parts[2] if len(parts) > 2 else 1)
    return out


# -- the whole article -------------------------------------------------------------------------------
def extract(text: str, source_id: str, published: PartialDate) -> Proposal:
    """Propose quotes, dates and facts from an article's text (`source_id` is kept for callers' ids)."""
    del source_id  # ids are made when the draft is written, against the ids a topic already has
    proposal = Proposal()
    body, proposal.skipped, proposal.dateline, proposal.headline = paragraphs(text)
    pub_day = dt.date(published.year, published.month, published.day) if published.day and published.month else None
    seen_quotes: set[str] = set()
    last_named = ""

    def add_quote(words: str, kind: str, who: str, sentence: str) -> None:
        nonlocal last_named
        words = words.strip().strip(",;:").strip()
        if words.endswith((",", ".")) and kind == "direct":
            words = words[:-1]
        key = words.lower()
        if len(words) < 3 or key in seen_quotes:
            return
        note = ""
        if who.lower().startswith(("the ", "its ")) and _capital(who.split()[1]):
            who = who.split(" ", 1)[1]  # "The KCNA" is KCNA
        document = who.lower().startswith("the ") and who.split()[-1].lower() in _DOCUMENTS
        if not document and (who.lower() in _PRONOUNS or who.lower().startswith(("the ", "its "))):
            if last_named:
                note = f"speaker: the article says {who!r}; taken to be {last_named} (the last one named)"
                who = last_named
            else:
                note = f"speaker: the article says {who!r}: who is it?"
        elif who and not document:
            last_named = who
        if kind == "direct" and all(_capital(w) for w in words.split() if w.lower() not in _CONNECTORS):
            note = (note + "; " if note else "") + "a title in quotation marks? delete it if it is not a quote"
        seen_quotes.add(key)
        proposal.quotes.append(Quote(words, kind, who, sentence, note))

    seen_facts: set[str] = set()
    for para in body:
        bounds = sentence_spans(para)
        starts = [a for a, _ in bounds]
        quotes = [m for m in _QUOTED.finditer(para)]  # a quote may run over several sentences
        spans = [m.span() for m in quotes]
        singles = [m for m in _SINGLE.finditer(para) if not any(a <= m.start() < b for a, b in spans)]
        q_next = s_next = 0
        for k, (a, b) in enumerate(bounds):
            sentence = para[a:b]
            subject = _SUBJECT.match(sentence)
            if subject and not _DATES.fullmatch(subject.group(1)):
                last_named = subject.group(1)  # "Andrey Rudenko, Deputy Foreign Minister, ..." then "He argued"
            while q_next < len(quotes) and quotes[q_next].start() < b:
                m = quotes[q_next]
                q_next += 1
                start, end = m.span()
                last = bounds[max(0, bisect.bisect_right(starts, max(start, end - 1)) - 1)]
                after = para[end : min(last[1], end + 400)]
                if not after.strip(" ,.") and k + 1 < len(bounds):
                    follow = para[slice(*bounds[min(len(bounds) - 1, bisect.bisect_right(starts, end))])]
                    if len(follow.split()) <= 8:
                        after = follow  # '... stability." Tass reported.'
                who = _attribution(para[max(a, start - 400) : start], after)
                add_quote(m.group(1) or m.group(2), "direct", who, para[a : max(b, last[1])])
            while s_next < len(singles) and singles[s_next].start() < b:
                m = singles[s_next]
                s_next += 1
                who = _attribution(para[a : m.start()], para[m.end() : b])
                add_quote(m.group(1), "direct", who, sentence)
            inside = [(max(x, a) - a, min(y, b) - a) for x, y in spans if x < b and y > a]
            _reported(sentence, add_quote, inside)
            proposal.dates += _sentence_dates(sentence, published, pub_day)
            masked = _ARTICLE_REF.sub(" ", _DATES.sub(" ", sentence))
            numbers = [n.group(0) for n in _NUMBER.finditer(masked)]
            if numbers and sentence not in seen_facts:
                seen_facts.add(sentence)
                proposal.facts.append((sentence, numbers))
    return proposal


_LEAD_IN = re.compile(
    r"^(?:\s+(?:to|in)\s+an?\s+[\w\s-]{1,40}?(?=\s+that\b))?(?:\s+that\b)?[\s,:]*",
    re.IGNORECASE,
)


def _lead_in(text: str) -> str:
    """What was said starts after "on Tuesday", "the previous day", "that", "to reporters that"."""
    text = text.lstrip()
    m = _DATES.match(text)
    if m:
        text = text[m.end() :].lstrip()
    return _LEAD_IN.sub("", " " + text, count=1)


def _reported(sentence: str, add_quote: AddQuote, quoted: Sequence[tuple[int, int]] = ()) -> None:
    """Reported speech: "X said (that) ...", "..., X said." and "..., X reported Tuesday, amid ..."."""
    words = list(_WORD.finditer(sentence))
    tokens = [w.group(0) for w in words]
    found: list[tuple[int, str, int]] = []  # (verb token index, who, index of who's first token)
    for i, w in enumerate(tokens):
        verb = w.lower()
        if any(a <= words[i].start() < b for a, b in quoted):
            continue  # inside a quotation: the quotation is proposed whole
        if verb not in _VERBS or verb in ("read", "reads", "quoted", "cited", "called", "described", "asked"):
            continue
        appositive = i > 1 and tokens[i - 1] == ","  # "..., the advisor, Chang Ho-jin, said."
        who, n = _np_before(tokens[: i - 1] if appositive else tokens[:i])
        n += appositive
        # "X, during talks with his counterpart Y, said": X said it (a lower-case aside sits between)
        seg_start = next((j for j in range(i - 2, max(-1, i - 30), -1) if tokens[j] == ","), -1) if appositive else -1
        if appositive and seg_start >= 0 and seg_start + 1 < i and tokens[seg_start + 1].islower():
            who, n = _np_before(tokens[:seg_start])
            n = i - seg_start + n
        if who.lower() in ("he", "she"):
            subject = re.match(r"((?:[A-Z][\w'’.-]*\s){1,5}[A-Z][\w'’-]*)\s+[a-z]", sentence)
            if subject and subject.group(1).split()[0] not in _NOT_SUBJECTS:
                who = subject.group(1)  # "Zelenskyy confirming ... and he said": the sentence's own subject
        if not who and i > 0 and tokens[i - 1] == "and":  # "South Korea responded ... and said it would ..."
            lead = tokens[:8]
            k = next((j for j, t in enumerate(lead) if not (_capital(t) or t.lower() in _CONNECTORS)), len(lead))
            who, n = _np_before(lead[:k])[0], 0
        if who and not (i - n > 0 and re.search(r"[\"”]\s*$", sentence[: words[i - n].start()].rstrip(" ,"))):
            found.append((i, who, i - n))  # (after '..., ” it says' the quotation is the speech: proposed as such)
    for k, (i, who, first) in enumerate(found):
        after = sentence[words[i].end() :].lstrip()
        when = _DATES.match(after)
        after = after[when.end() :].lstrip() if when else after
        after = re.sub(r"^,?\s*(?:citing|quoting)\s+[^,.;]+(?:\.[A-Z]\w*)?", "", after).lstrip()  # ", citing TASS"
        if re.match(r"[,:]?\s*[\"“]", after):
            continue  # 'he replied, "..."': the quotation is the speech, proposed as a direct quote
        inverted = first > 0 and tokens[first - 1] == "," and (not after or after[:1] in ",.;")
        if inverted:  # "CLAUSE, the KCNA reported(, amid ...)."
            before = sentence[: words[first - 1].start()]
            named = _capital(who) and tokens[i - 1] == ","
            if named and re.search(r", (?:the|a|an|its|his|her) [^,]{2,60}$", before):
                appositive_start = before.rfind(",")
                before = before[:appositive_start] if len(before[:appositive_start].split()) >= 3 else before
            clause = before.rstrip(" ,")
            if clause.endswith(('"', "”")):
                continue  # the quotation before it is the speech, proposed as a direct quote
        else:
            end = len(sentence)
            if k + 1 < len(found) and found[k + 1][2] > i:
                end = words[found[k + 1][2]].start()
            clause = re.sub(r"[\s,]*(?:and|but|while)?\s*$", "", _lead_in(sentence[words[i].end() : end]))
        quote_at = min((p for p in (clause.find("“"), clause.find('"')) if p >= 0), default=-1)
        if quote_at >= 0 and not inverted:
            clause = clause[:quote_at]  # "X said ..., and “...”": the quotation is proposed on its own
            if len(clause.split()) < 6:
                continue  # "X said the country's forces “...”": the quotation is the speech
        clause = re.sub(r"[\s,;:]*(?:and|but)?[\s,;:]*$", "", clause).rstrip(".").strip()
        if len(clause.split()) >= 3:
            add_quote(clause, "reported", who, sentence)


# -- the draft: YAML in the topic file's own layout ---------------------------------------------------
SECTIONS = ("sources", "people", "quotes", "timeline", "facts")


def _slug(text: str, n: int = 5) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’", "").replace("'", ""))[:n]
    return "-".join(words) or "entry"


def _scalar(key: str, value: object) -> str:
    import yaml

    if key in ("date", "published") and isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d(?:-\d\d)?", value):
        return f"{key}: {value}"  # as topic files write dates: unquoted

    return str(yaml.safe_dump({key: value}, allow_unicode=True, width=10**6, sort_keys=False)).rstrip("\n")


def _entry(fields: Sequence[tuple[str, object]], comments: Sequence[str] = ()) -> str:
    lines = [f"  # {c}" for c in comments]
    for i, (key, value) in enumerate(fields):
        lines.append(("  - " if i == 0 else "    ") + _scalar(key, value))
    return "\n".join(lines)


def _quoted(sentence: str) -> str:
    return f"«{sentence if len(sentence) <= 160 else sentence[:157] + '...'}»"


@dataclass
class Topic:
    """What a draft must fit: the ids already taken and who is already in `people` (by folded alias)."""

    ids: set[str] = field(default_factory=set)
    people: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, data: object) -> Topic:
        from bot.core.text import fold

        topic = cls()
        if not isinstance(data, dict):
            return topic
        for section in SECTIONS:
            for entry in data.get(section) or []:
                if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                    topic.ids.add(entry["id"])
                    if section == "people":
                        for alias in [entry.get("name"), *(entry.get("aliases") or [])]:
                            if isinstance(alias, str):
                                topic.people[fold(alias)] = entry["id"]
        return topic

    def new_id(self, wanted: str) -> str:
        ident, n = wanted, 2
        while ident in self.ids:
            ident, n = f"{wanted}-{n}", n + 1
        self.ids.add(ident)
        return ident


def draft(
    proposal: Proposal,
    *,
    source_id: str,
    published: PartialDate,
    archive: str,
    outlet: str | None = None,
    headline: str | None = None,
    link: str | None = None,
    topic: Topic | None = None,
) -> dict[str, list[str]]:
    """Entries per section, each a block of YAML text indented as topic files are, questions as comments."""
    from bot.core.text import fold, typographic

    topic = topic or Topic()
    out: dict[str, list[str]] = {s: [] for s in SECTIONS}
    agency = re.search(r"\(([^)]+)\)", proposal.dateline)
    src: list[tuple[str, object]] = [
        ("id", source_id),
        ("outlet", outlet or (agency.group(1) if agency else source_id)),
        ("headline", headline or proposal.headline or source_id),
        ("published", published.iso() if published.precision > 1 else published.year),
    ]
    if link:
        src.append(("link", link))
    src.append(("archive", archive))
    asks = []
    if not outlet:
        asks.append(f"outlet: {'from the dateline' if agency else 'the source id'}; give the outlet's name")
    if not headline:
        asks.append("headline: the article's first line; check it" if proposal.headline else "headline: give it")
    out["sources"].append(_entry(src, asks))
    topic.ids.add(source_id)

    speakers: dict[str, str] = {}  # as written → person id

    def person(who: str, sentence: str) -> str:
        if who in speakers:
            return speakers[who]
        name, role = person_name(who)
        for key in (fold(who), fold(name), fold(name.split()[-1]) if name else ""):
            if key and key in topic.people:
                speakers[who] = topic.people[key]
                return speakers[who]
        ident = topic.new_id(_slug(name, 4))
        fields: list[tuple[str, object]] = [("id", ident), ("name", name)]
        if role:
            fields.append(("role", role))
        fields.append(("source", source_id))
        if typographic(who) in typographic(sentence):
            fields.append(("evidence", who))
        out["people"].append(_entry(fields, [f"new speaker, as the article names them: {who!r}"]))
        topic.people[fold(name)] = ident
        speakers[who] = ident
        return ident

    for q in proposal.quotes:
        comments = [q.note] if q.note else []
        if q.speaker:
            speaker = person(q.speaker, q.sentence)
        else:
            speaker = "who-said-this"
            comments.append("speaker: nobody is named near this quote; add them to `people` or delete the quote")
        fields = [("id", topic.new_id(f"{speaker}-{_slug(q.text, 4)}")), ("speaker", speaker), ("kind", q.kind),
                  ("text", q.text)]  # fmt: skip
        if q.sentence and typographic(q.sentence) != typographic(q.text):
            fields.append(("context", q.sentence))
        fields.append(("source", source_id))
        out["quotes"].append(_entry(fields, comments))

    by_date: dict[str, list[DateMention]] = {}
    for d in proposal.dates:
        if d.iso:
            by_date.setdefault(d.iso, []).append(d)
        else:
            out["timeline"].append(f"  # {d.note}.\n  #   in: {_quoted(d.sentence)}")
    for iso, mentions in by_date.items():
        first = mentions[0]
        comments = ["what: say what happened, in your words"]
        if first.note:
            comments.append(first.note)
        if first.relative:
            comments.append(f"date: resolved from {first.words!r}; check it")
        comments += [f"also dated {iso} ({m.words!r}): {_quoted(m.sentence)}" for m in mentions[1:]
                     if m.sentence != first.sentence]  # fmt: skip
        rest = first.sentence.replace(first.words, " ")
        event: list[tuple[str, object]] = [("id", topic.new_id(f"{iso[:4]}-{_slug(rest, 4)}"))]
        event.append(("date", iso if len(iso) > 4 else int(iso)))
        if first.relative:
            event.append(("as_written", first.words))
        event += [("what", first.sentence), ("source", source_id), ("evidence", first.sentence)]
        out["timeline"].append(_entry(event, comments))

    for sentence, numbers in proposal.facts:
        fields = [("id", topic.new_id(f"fact-{_slug(numbers[0] + ' ' + sentence, 5)}")), ("text", sentence),
                  ("source", source_id), ("evidence", sentence)]  # fmt: skip
        out["facts"].append(_entry(fields, [f"numbers: {', '.join(numbers)}; text: state the fact in your words"]))
    return out


def to_yaml(sections: dict[str, list[str]], header: str) -> str:
    """A draft to paste: each section's entries go under the topic file's key of the same name."""
    parts = [header.rstrip("\n")]
    for name in SECTIONS:
        if sections.get(name):
            parts.append(f"{name}:\n" + "\n\n".join(sections[name]))
    return "\n\n".join(parts) + "\n"


def add_to_topic(text: str, sections: dict[str, list[str]]) -> str:
    """The topic file's text with each section's new entries appended under its key (comments kept)."""
    lines = text.rstrip("\n").split("\n")
    for name in SECTIONS:
        blocks = sections.get(name)
        if not blocks:
            continue
        new = "\n\n".join(blocks).split("\n")
        start = next((i for i, ln in enumerate(lines) if re.match(rf"{name}:\s*(?:\[\s*\])?\s*(?:#.*)?$", ln)), None)
        if start is None:
            lines += ["", f"{name}:", *new]
            continue
        lines[start] = f"{name}:"
        end = next((i for i in range(start + 1, len(lines)) if re.match(r"[A-Za-z_]", lines[i])), len(lines))
        following = end < len(lines)
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        gap = [""] if following and lines[end].strip() else []
        lines[end:end] = ([""] if end > start + 1 else []) + new + gap
    return "\n".join(lines) + "\n"
