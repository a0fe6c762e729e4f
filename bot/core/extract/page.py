"""Reading the article as a reader does: which lines are the story, and where its sentences end.

Kept apart from what is proposed from the story because it is the one part that knows about web pages
(datelines, captions, "Next In World", crawl stamps) and about abbreviations that end in a full stop; every
other step works on the paragraphs and sentences it returns.
"""

from __future__ import annotations

import re

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
