"""Draft knowledge from a new article, for a maintainer to curate: never loaded as it is.

It proposes what a careful reader would mark up: every quoted passage with its likely speaker, every
sentence of reported speech ("X said ..."), every date mention resolved against the publication date (with
the article's own words kept as evidence), and the numbers worth a fact. It over-proposes on purpose: deleting
a wrong proposal costs a maintainer a second, missing a quote costs a story.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from bot.core.dates import PartialDate
from bot.core.text import typographic

_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"']))\s+(?=[\"'A-Z0-9])")  # on typographic() text
_DOUBLE = re.compile(r"[\"“]([^\"“”]{2,}?)[\"”]")
_SINGLE = re.compile(r"(?<![A-Za-z])[‘']([^‘’']{3,}?)[’'](?![A-Za-z])")
_REPORTING = r"(?:said|says|say|declared|told|stated|announced|added|warned|reported|noted)"
_SAID_THAT = re.compile(rf"\b(?:has |have |had )?{_REPORTING}(?: on \w+day)?(?: that)?\s+(?P<clause>[^\"“”]+?)[.]?$")
_CLAUSE_SAID = re.compile(rf"^(?P<clause>[^,\"“”]{{12,}}?),\s+(?P<who>[^.]+?),?\s+{_REPORTING}\.?$")
_DENY = re.compile(r"\b(?:deny|denies|denied|accused|accuse|accuses)\b")
_SPEAKER = re.compile(
    rf"(?P<who>(?:[A-Z][\w.-]*(?:\s+(?:[A-Z][\w.-]*|of|the))*))\s+(?:has |have |had )?(?:{_REPORTING}|echoed|says)\b"
)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b(?!['’]?s)")
_DECADE = re.compile(r"\bthe (1[89]\d0|20\d0)s\b")
_WEEKDAY = re.compile(r"\b(?:on |last |this )?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_MONTH_DAY = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December) (\d{1,2}), (\d{4})\b"
)
_RELATIVE = re.compile(r"\b(last month|last year|this week|the following year|the previous year|next year)\b")
_NUMBER = re.compile(
    r"\b(\d+(?:[.,]\d+)?(?:-(?:point|year|day|member|article)s?)?|first|second|third|fourth|fifth|sixth|"
    r"seventh|eighth|ninth|tenth)\b(?:\s+(?:years?|articles?|points?|terms?|times?|people|countries|nations))?",
    re.IGNORECASE,
)


@dataclass
class Proposal:
    quotes: list[dict[str, str]] = field(default_factory=list)
    timeline: list[dict[str, str]] = field(default_factory=list)
    facts: list[dict[str, str]] = field(default_factory=list)


def sentences(text: str) -> list[str]:
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        para = typographic(para)
        if para:
            out += [s.strip() for s in _SENTENCE.split(para) if s.strip()]
    return out


def _speaker(sentence: str, quoted: str) -> str:
    """The likely speaker of a quote in this sentence: who "said", "declared" or "echoed" it."""
    rest = sentence.replace(quoted, " ")
    m = re.search(r"\b(Article \d+ of [\w ]+?)\s+says\b", rest)
    if m:
        return m.group(1)
    found = [w.group("who") for w in _SPEAKER.finditer(rest)]
    if found:
        return found[-1].strip()
    m = re.search(r",\s*(?:the\s+)?([^,]+?),\s*(?:[A-Z][\w-]+\s*)+,?\s+said", rest)
    return m.group(1) if m else "?"


def _subject(before_verb: str) -> str:
    """Who is reported: the capitalised words after the last comma, or those opening the sentence."""
    lead = re.compile(r"^\s*((?:The |the )?(?:[A-Z][\w.-]*\s*)+)")
    for part in (before_verb.rsplit(",", 1)[-1], before_verb):
        m = lead.match(part)
        if m:
            return m.group(1).strip()
    return "?"


def _weekday_before(published: dt.date, name: str) -> dt.date:
    target = list(calendar.day_name).index(name)
    back = (published.weekday() - target) % 7
    return published - dt.timedelta(days=back)


def _dates(sentence: str, published: PartialDate) -> list[tuple[str, str]]:
    """(resolved ISO date, the article's words) for every date mention in a sentence."""
    out: list[tuple[str, str]] = []
    years = [int(y) for y in _YEAR.findall(sentence)]
    for m in _MONTH_DAY.finditer(sentence):
        month = list(calendar.month_name).index(m.group(1))
        out.append((f"{int(m.group(3)):04d}-{month:02d}-{int(m.group(2)):02d}", m.group(0)))
    for y in years:
        if not any(iso.startswith(str(y)) for iso, _ in out):
            out.append((str(y), str(y)))
    for m in _DECADE.finditer(sentence):  # no decade precision: the maintainer decides
        out.append((f"TODO: {m.group(0)} is a decade; give the year if the article does", m.group(0)))
    if published.day is not None and published.month is not None:
        pub = dt.date(published.year, published.month, published.day)
        for m in _WEEKDAY.finditer(sentence):
            out.append((_weekday_before(pub, m.group(1)).isoformat(), m.group(0)))
    for m in _RELATIVE.finditer(sentence):
        words = m.group(1)
        if words == "last month" and published.month:
            y, mo = (published.year, published.month - 1) if published.month > 1 else (published.year - 1, 12)
            out.append((f"{y:04d}-{mo:02d}", words))
        elif words == "last year":
            out.append((str(published.year - 1), words))
        elif words == "next year":
            out.append((str(published.year + 1), words))
        elif words in ("the following year", "the previous year") and years:
            before = [y for y in years if sentence.find(str(y)) < m.start()]
            if before:
                out.append((str(before[-1] + (1 if words == "the following year" else -1)), words))
        elif words == "this week":  # a week is no precision we store: the maintainer decides
            out.append(("TODO: 'this week' of the publication; give the day if the article does", words))
    return out


def _slug(text: str, n: int = 5) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())[:n]
    return "-".join(words) or "entry"


def extract(text: str, source_id: str, published: PartialDate) -> Proposal:
    proposal = Proposal()
    seen_quotes: set[str] = set()

    def add_quote(words: str, kind: str, speaker: str, sentence: str) -> None:
        words = words.strip().strip(",;:").strip()
        if len(words) < 3 or words in seen_quotes:
            return
        seen_quotes.add(words)
        proposal.quotes.append(
            {"id": f"{source_id}-{_slug(words)}", "speaker_guess": speaker, "kind": kind, "text": words,
             "context": sentence, "source": source_id}
        )  # fmt: skip

    for sentence in sentences(text):
        for m in _DOUBLE.finditer(sentence):
            inner = m.group(1).strip().rstrip(",")
            add_quote(inner.rstrip("."), "direct", _speaker(sentence, m.group(0)), sentence)
        for m in _SINGLE.finditer(sentence):
            add_quote(m.group(1), "direct", _speaker(sentence, m.group(0)), sentence)
        bare = _DOUBLE.sub("", sentence)
        if bare == sentence:  # reported speech: only where nothing is in quotation marks
            said = _CLAUSE_SAID.match(sentence)
            if said:
                add_quote(said.group("clause"), "reported", said.group("who"), sentence)
            else:
                m2 = _SAID_THAT.search(sentence)
                if m2 and len(m2.group("clause").split()) >= 3:
                    add_quote(m2.group("clause"), "reported", _subject(sentence[: m2.start()]), sentence)
            if _DENY.search(sentence):
                add_quote(sentence, "reported", sentence.split(" deny")[0][:60], sentence)
        for iso, words in _dates(sentence, published):
            if iso[:4].isdigit() and int(iso[:4]) > published.year + 1:
                continue  # a four-digit number after the article's time is not a date it reports
            proposal.timeline.append(
                {"id": f"{iso[:4]}-{_slug(sentence, 4)}", "date": iso, "as_written": words, "what": "TODO",
                 "source": source_id, "evidence": sentence}
            )  # fmt: skip
        numbers = [m.group(0) for m in _NUMBER.finditer(_YEAR.sub("", sentence))]
        if numbers:
            proposal.facts.append(
                {"id": f"fact-{_slug(numbers[0] + ' ' + sentence, 4)}", "text": "TODO", "numbers": ", ".join(numbers),
                 "source": source_id, "evidence": sentence}
            )  # fmt: skip
    return proposal


def to_yaml(proposal: Proposal, header: str) -> str:
    """A fragment to paste into a topic file, with every guess marked for the maintainer."""
    import yaml

    body = yaml.safe_dump(
        {"quotes": proposal.quotes, "timeline": proposal.timeline, "facts": proposal.facts},
        sort_keys=False,
        allow_unicode=True,
        width=110,
    )
    return header + body
