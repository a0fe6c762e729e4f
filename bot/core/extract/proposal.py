"""One pass over the whole article: every quote, date and fact sentence, as a `Proposal`.

This is where the page, the dates and the speakers meet; it holds the proposal's shape and nothing that
writes YAML, so the bench and the tests can score proposals without a draft.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field

from bot.core.dates import PartialDate
from bot.core.extract.dates import _DATES, DateMention, _sentence_dates
from bot.core.extract.page import paragraphs, sentence_spans
from bot.core.extract.speakers import _attribution, _capital, _reported
from bot.core.extract.vocabulary import _CONNECTORS, _DOCUMENTS, _PRONOUNS

_QUOTED = re.compile(r"[\"“]([^\"“”]+)[\"”]|[\"“]([^\"“”]+)$")
_SINGLE = re.compile(r"(?<![\w])[‘']([^‘’'\"“”]{3,}?)[’'](?![\w])")
# -- numbers worth a fact ----------------------------------------------------------------------------
_NUMBER = re.compile(
    r"(?<![\w/])(?:[$€£¥]\s?)?\d[\d,]*(?:\.\d+)?(?:\s?(?:%|percent|per cent|million|billion|trillion))?"
    r"(?:-(?:point|strong|member|year|day|article|nation|country)s?)?(?![\w/])"
)
_ARTICLE_REF = re.compile(r"\bArticles?\s+\d+(?:\s*(?:and|,|to|-)\s*\d+)*", re.IGNORECASE)
_SUBJECT = re.compile(r"^((?:[A-Z][\w'’.-]+\s){1,3}[A-Z][\w'’-]+),\s+(?:the\s+|a\s+)?[A-Z]?[a-z]")


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
