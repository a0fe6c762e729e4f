"""What a question asks, once the topic has understood it: its own name, filler, dates and other words.

Reporters name the topic's document by the topic's name ("the pact"), wrap a command in filler ("pact timeline
pls"), write dates every way ("nov 9", "6 november", "2024-12-04") and use words the sources say otherwise.
The question is rewritten into the words the entries are indexed with before it is searched; what it asks
is not changed.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import replace

from bot.core import glossary
from bot.core.index import SearchIndex, ids, phrase, stem
from bot.core.model import Topic
from bot.core.query import (
    ARTICLE_ITSELF,
    SAME_AS,
    SAYS,
    STOPWORDS,
    Query,
    QueryKind,
    beyond_article,
    names_article,
    parse,
    routed,
)
from bot.core.text import fold, tokens


def understood(topic: Topic, index: SearchIndex, q: Query) -> Query:
    """The question as the topic understands it: a command said with the topic's name or filler ("pact
    timeline pls") is that command; the topic's name is its document's ("when was the pact signed" asks when
    the treaty was), or, with no document the entries name, asks nothing ("the accord" of /accord); a word no
    entry uses is asked as its group's word that one does; "is it true that" asks what follows, and "where"
    asks for a place (`bot.core.subject`), not words an entry must hold; what reporters type for what the
    sources say ("nk", "the nk-ru treaty") is asked in the sources' words (`bot.core.glossary`). `q` itself
    when nothing applies."""
    if q.kind not in _UNDERSTOOD:
        return q
    meant = glossary.rewrite(topic, q.raw)
    if meant is not q.raw:
        return parse(meant)
    if q.kind not in (QueryKind.SEARCH, QueryKind.WHEN):
        return q
    mine = topic_words(topic)
    command = routed(q, mine) if q.kind is QueryKind.SEARCH else None
    if command is not None:
        return command
    head = tokens(topic.document.name)[-1] if topic.document and tokens(topic.document.name) else ""
    document = head if head and stem(head) in index.vocab else ""
    kept = []
    checking = _checking(q.raw) | _asking_nothing(q.raw, mine)
    for t in _dated(q):
        if t == "where" or t in checking:  # "where" asks for a place: `subject.places`
            continue
        if t in mine and t != head:
            if document or stem(t) in index.vocab:
                kept.append(document or t)
        else:
            kept.append(_known(index, t))
    terms = tuple(dict.fromkeys(kept))
    return replace(q, terms=terms) if terms != q.terms and terms else q


_REFLEXIVE = frozenset("himself herself itself themselves themself oneself yourself myself ourselves".split())  # noqa: SIM905
_SAYING = frozenset((*SAYS, *SAME_AS["call"]))
_NAMED = frozenset(("called", "named"))
_CURRENT = "new"  # "the new pact": the topic's own document, told from the older ones


def _asking_nothing(raw: str, mine: tuple[str, ...]) -> set[str]:
    """Words that say how a question is put, not what an entry must hold: a reflexive that stresses who ("did
    putin himself describe it"), how words were said ("what has kim said publicly", "officially called"), and
    "new" naming the topic's own document ("does the new pact replace the 2000 treaty": the pact is the new one,
    whatever an entry on it says)."""
    said = tokens(raw)
    out = {t for t in said if t in _REFLEXIVE}
    for i, t in enumerate(said):
        near = said[max(i - 1, 0) : i] + said[i + 1 : i + 2]
        if t.endswith("ly") and len(t) > 4 and any(w in _SAYING for w in near):
            out.add(t)
        if t == _CURRENT and said[i + 1 : i + 2] and said[i + 1] in mine:
            out.add(t)
    if said[:2] in (["what", "is"], ["what", "was"], ["what", "s"]) or said[:1] == ["whats"]:
        # "what was the 1961 treaty called" asks the name of what it says, which an entry about it gives in its
        # own words; "what is the treaty called" names nothing but the topic, so only "called" can say what
        # it asks (the entry on its name).
        named = {t for t in said if t in _NAMED}
        asks_nothing = STOPWORDS | named | out | set(mine)
        if any(len(t) > 1 and t not in asks_nothing for t in said[1:]):
            out |= named
    return out


_CHECKED_LAST = re.compile(r"(?:,\s*|\s)(true|correct|right|accurate)\W*$")


def _checking(raw: str) -> set[str]:
    """The words that ask whether what follows is so, not what an entry must say: "is it true that", "fact
    check:", "..., right?", "is the 23 articles figure right"."""
    said = tokens(raw)
    out = set()
    if said[:3] == ["is", "it", "true"]:  # not "is it correct that the treaty has no end": "no" is not read
        out.add("true")
    if said[:2] == ["fact", "check"]:
        out |= {"fact", "check"}
    last = _CHECKED_LAST.search(fold(raw))
    if last and ("," in last.group(0) or said[:1] in (["is"], ["was"], ["are"])):  # "is the figure right"
        out.add(last.group(1))
    return out


_UNDERSTOOD = frozenset(QueryKind) - {QueryKind.HELP, QueryKind.STATUS, QueryKind.RELOAD, QueryKind.TOO_LONG}
_MONTH_NAMES = {m.lower()[:3]: m.lower() for m in calendar.month_name if m} | {"sept": "september"}
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")


def _dated(q: Query) -> tuple[str, ...]:
    """The question's words with dates as events are indexed: "nov 9" as "november 9", "2024-12-04" as
    "december 4 2024" (a day's leading zero and the month's number are how no event is named)."""
    iso = _ISO_DAY.search(q.raw)
    if iso and 1 <= int(iso.group(2)) <= 12:
        year, month, day = iso.groups()
        numbers = {year, month, day}
        written = (calendar.month_name[int(month)].lower(), str(int(day)), year)
        return (*written, *(t for t in q.terms if t not in numbers))
    return tuple(_MONTH_NAMES.get(t, t) for t in q.terms)


def _known(index: SearchIndex, term: str) -> str:
    """A word no entry uses, as a word of its group that one does ("react" as "respond"); else the word."""
    if stem(term) in index.vocab:
        return term
    return next((w for w in SAME_AS.get(term, ()) if stem(w) in index.vocab), term)


def topic_words(topic: Topic) -> tuple[str, ...]:
    """The words that name the topic itself, as typed: "pact" of /pact, "treaty" of its document."""
    document = tokens(topic.document.name)[-1:] if topic.document else []
    return (topic.command.lstrip("/"), topic.topic, *document)


def asks_beyond_article(topic: Topic, q: Query) -> bool:
    """An article question with words beyond the article, its text and its outlets: "is article 4 the same as
    the 1961 treaty" asks for the comparison; "meduza article 4" asks for Meduza's wording, the article's answer."""
    if not q.terms:
        return False
    outlets = {w for s in topic.sources for w in phrase(f"{s.outlet} {s.id}").split()}
    return any(stem(t) not in outlets for t in beyond_article(q.terms, q.article))


def asks_date(q: Query) -> bool:
    """The question asks for a date: "when was ...", "what day did ...", "what year ..."."""
    words = fold(q.raw).split()[:2]
    return words[:1] == ["when"] or (words[:1] == ["what"] and words[1:] in (["date"], ["day"], ["year"]))


def of_another(topic: Topic, index: SearchIndex, q: Query) -> list[object] | None:
    """ "article 4 of the 2000 treaty", "article 4 of the un charter": an article of another document than the
    topic's own, so never the topic's Article 4. The entries that are that article (a provision of that
    document with that number, or an entry named so: "article 1 of the 1961 treaty"), possibly none; None when
    the question names no other document ("article 4 of the treaty", "article 4 text")."""
    said = tokens(q.raw)
    at = next((i for i, t in enumerate(said[:-2]) if names_article(t) and said[i + 2 : i + 3] == ["of"]), None)
    if at is None or q.article is None:
        return None
    kept = [i for i in range(at + 3, len(said)) if said[i] not in STOPWORDS and said[i] not in ARTICLE_ITSELF]
    own = {stem(w) for w in topic_words(topic)}
    if not kept or all(stem(said[i]) in own for i in kept):
        return None
    named = [index.entries[d].ref for d in ids(index.phrases, phrase(" ".join(said[at : kept[-1] + 1])))]
    words = {stem(said[i]) for i in kept}
    numbered = (index.entries[d].ref for d in ids(index.phrases, phrase(f"article {q.article}")))
    return named or [  # a provision of another document: its number, and its document's name among the words
        p for p in numbered
        if getattr(p, "number", None) == q.article
        and {stem(t) for t in tokens(str(getattr(p, "document", None) or "")) if t not in STOPWORDS} <= words
        and getattr(p, "document", None)
    ]  # fmt: skip
