"""Who a question is about, and what kind of thing it asks for, from how it is put.

Sharing the question's words is not enough when the question names who acts. "did putin visit pyongyang" and
"what did the president of russia say" are about Putin; a South Korean minister's quote that mentions "Russian
President Vladimir Putin's visit to Pyongyang" is someone else's words about him, and "did japan boost
cooperation" is not answered by Seoul saying it would boost cooperation with Japan. So:
- the subject of a question put with a helping verb ("did X ...", "what did X say", "how did X react", "who is
  X") is the run of words that name someone the topic knows ("the president of russia"), or else its first
  word ("japan"). A quote answers only when its speaker's names, titles or the note on its context say who
  that is: someone else's words that merely mention X are not what X did or said;
- "who <did something>" asks for someone: a quote (someone's words, not the act) does not answer it, and
  another entry does only when its own text names one of the topic's people (not merely a country: "North
  Korea and Russia sign" does not say who signed for either) or the question names the entry;
- "how many X" asks for a count: an entry answers only when its own text puts a number (not a year) before X
  ("23 articles", "3,000 North Korean troops"), not when it merely holds numbers and X ("Article 1 of the
  1961 treaty");
- "X or Y" offers a choice: an entry that holds one of them answers ("moscow or pyongyang");
- "where" asks for a place: an entry answers only when its own text places something ("in Pyongyang");
- "what does the treaty say": the document is who speaks, so the entry must speak of it ("the treaty", "the
  agreement"), not leave it implied ("both countries are under sanctions" is not what the treaty says).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from functools import lru_cache

from bot.core.index import SearchIndex, stem
from bot.core.query import SAME_AS, STOPWORDS, Query, QueryKind, names_article
from bot.core.text import fold, tokens

_AUX = frozenset("did does do has have had will would is was are were can could should may might".split())  # noqa: SIM905
_WH = frozenset("what how why when where which who whom".split())  # noqa: SIM905
_DETERMINERS = frozenset({"the", "a", "an"})
_JOINERS = frozenset({"of", "the", "s"})  # "president of russia", "north korea's leader"
_NO_SUBJECT = frozenset("it there this that they we you he she i its".split())  # noqa: SIM905
_SAID = frozenset("say said says tell told report reported reports announce announced state stated".split())  # noqa: SIM905
_CALLED = frozenset(SAME_AS["call"])  # "who called the pact a security device": whose words, not an act
_CALENDAR = {m.lower() for m in (*calendar.month_name, *calendar.day_name) if m}
_SAME = {stem(w): group for w, group in SAME_AS.items()}
_WHEN = frozenset(map(stem, ("when", "date", "day", "year")))  # words that ask for a date
_MOMENTS = frozenset(map(stem, ("after", "before", "since", "following", "until", "ahead")))  # another moment follows
_PLACED = re.compile(r"\b(?:in|at)\s+(?:the\s+)?([A-Z][\w-]+)")


@lru_cache(maxsize=4096)
def _typed(raw: str) -> tuple[str, ...]:
    """The words of a question as typed: asked of each hit by several rules, so remembered."""
    return tuple(tokens(fold(raw)))


def subject(raw: str, names_someone: Callable[[str], bool]) -> tuple[str, ...]:
    """The stemmed words of whom a question put with a helping verb is about ("" when it has none, or the
    subject is a pronoun): "president", "russia" of "what did the president of russia say"."""
    toks = _typed(raw)
    i = 1 if toks and toks[0] in _WH else 0
    if i >= len(toks) or toks[i] not in _AUX:
        return ()
    i += 1
    while i < len(toks) and toks[i] in _DETERMINERS:
        i += 1
    run: list[str] = []
    j = i
    while j < len(toks) and (names_someone(stem(toks[j])) or (run and toks[j] in _JOINERS)):
        run.append(toks[j])
        j += 1
    while run and run[-1] in _JOINERS:
        run.pop()
    if not run and i < len(toks) and toks[i] not in _NO_SUBJECT and not toks[i].isdigit():
        run = [toks[i]]
    return tuple(stem(t) for t in run if t not in _JOINERS)


@lru_cache(maxsize=4096)
def asks_who_did(raw: str) -> bool:
    """ "who signed the treaty": someone who did something (not "who said", "who is", answered elsewhere)."""
    toks = _typed(raw)
    return len(toks) > 1 and toks[0] == "who" and toks[1] not in _AUX and toks[1] not in _SAID | _CALLED


@lru_cache(maxsize=4096)
def asks_words(raw: str) -> bool:
    """ "what did kim call the deal", "how did putin describe it": what someone called a thing is their words
    about it, asked as "what did kim say about the deal" asks them (not "did kim call it an alliance", which
    asks whether the words say "alliance")."""
    toks = _typed(raw)
    return toks[:1] in (("what",), ("how",)) and any(t in _CALLED for t in toks[1:])


_YEARS = re.compile(r"^(1[5-9]|2[01])\d\d$")
_COUNTED = 4  # words a count may stand before what it counts ("3,000 North Korean troops")


@lru_cache(maxsize=4096)
def counted(raw: str) -> tuple[str, ...]:
    """What a "how many" question counts, stemmed ("articl" of "how many articles did it have"), or (): the
    words up to the first that asks nothing, so "in the pact" of "how many clauses in the pact" counts neither
    "the" nor "pact" (a number before "the" is no count of clauses)."""
    toks = _typed(raw)
    for i in range(len(toks) - 2):
        if toks[i] == "how" and toks[i + 1] == "many":
            rest = toks[i + 2 :]
            end = next((k for k, t in enumerate(rest) if t in _AUX or (k and t in STOPWORDS)), len(rest))
            return tuple(stem(t) for t in rest[:end])
    return ()


def _names_one_article(word: str) -> bool:
    """ "Article" of "Article 22": the number after it is a name. Not "articles" of "12 articles 14 articles"."""
    return names_article(word) and word not in ("articles", "arts")


def counts(text: str, what: Sequence[str]) -> bool:
    """Whether a text puts a number (not a year, nor an article's: "Article 22 ... clause" counts no clauses)
    shortly before one of these words."""
    said = tokens(fold(text))
    words = [stem(t) for t in said]
    return any(
        w.isdigit() and not _YEARS.match(w) and not (i and _names_one_article(said[i - 1]))
        and any(x in what for x in words[i + 1 : i + 1 + _COUNTED])
        for i, w in enumerate(words)
    )  # fmt: skip


@lru_cache(maxsize=4096)
def alternatives(raw: str) -> Mapping[str, frozenset[str]]:
    """The words a question offers as either/or, stemmed, each with its alternatives: "moscow or pyongyang".
    Remembered per question: read it, never change it."""
    toks = _typed(raw)
    out: dict[str, set[str]] = {}
    for i in range(1, len(toks) - 1):
        if toks[i] == "or":
            a, b = stem(toks[i - 1]), stem(toks[i + 1])
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)
    return {w: frozenset(others) for w, others in out.items()}


@lru_cache(maxsize=4096)
def asks_where(raw: str) -> bool:
    return "where" in _typed(raw)


def places(text: str) -> bool:
    """Whether a text says where something is or happens: "in Pyongyang" (not "in June", "on Wednesday")."""
    return any(m.group(1).casefold() not in _CALENDAR for m in _PLACED.finditer(text))


def own_text(ref: object, *, with_names: bool = False) -> str:
    """What an entry itself says: an event's what, a fact's or quote's text (not who said it); `with_names`:
    with its aliases and what each side of a disagreement holds ("12 articles", "14 articles")."""
    text = str(getattr(ref, "what", None) or getattr(ref, "text", None) or "")
    if not with_names:
        return text
    claims = (getattr(side, "claim", None) or "" for side in getattr(ref, "sides", ()))
    return " ".join((text, *getattr(ref, "aliases", ()), *claims))


# What names a document of the kind topics are about, whatever the topic calls its own ("The agreement also
# covers ..." is what the treaty says). Used only to tell that an entry speaks of the document itself.
_DOCUMENT_WORDS = frozenset(map(stem, "treaty agreement pact accord deal document text".split()))  # noqa: SIM905


def about_document(raw: str, own: set[str]) -> bool:
    """The question asks what was said about the document itself ("said about the treaty", "on the pact")."""
    words = [stem(t) for t in tokens(fold(raw))]
    return any(
        w in ("about", "on") and any(n in own or n in _DOCUMENT_WORDS for n in words[i + 1 : i + 3])
        for i, w in enumerate(words)
    )


def says_document(text: str, own: set[str]) -> bool:
    """Whether a text speaks of the document itself: by the topic's own words for it, or another such word."""
    return any(w in own or w in _DOCUMENT_WORDS for w in (stem(t) for t in tokens(fold(text))))


@lru_cache(maxsize=4096)
def _stemmed(text: str) -> tuple[str, ...]:
    return tuple(stem(t) for t in tokens(fold(text)))


def dated_otherwise(q: Query, what: str) -> bool:
    """The question asks when something happened that the event names only as another moment: "putin
    inauguration date" against "Putin visits China, soon after his inauguration" (the visit's date, not the
    inauguration's)."""
    if q.kind is not QueryKind.WHEN and not _WHEN & set(_stemmed(q.raw)):
        return False
    said = _stemmed(what)
    cut = next((i for i, w in enumerate(said) if w in _MOMENTS), len(said))
    main, other = set(said[:cut]), set(said[cut:])
    return any(t in other and t not in main for t in (stem(t) for t in q.terms))


def in_words(index: SearchIndex, q: Query, text: str, *besides: Collection[str]) -> bool:
    """Whether every word the question asks (but those in `besides`) is in this one text, typos corrected as the index
    corrects them: what "did X ..." asks X did must be in a quote's own words, not only in the note on their
    context ("what did north korea's leader sign" is not met by Kim's words on a treaty "signed", says the
    note); what an article question asks must be in one of its texts."""
    said = set(_stemmed(text))
    for t in q.terms:
        term = stem(t)
        if term in STOPWORDS or len(term) < 2 or any(term in b for b in besides):
            continue
        if term not in index.vocab:
            tid = index.correct(term)
            term = index.terms[tid] if tid is not None else term
        if term not in said and not said & {stem(w) for w in _SAME.get(term, ())}:
            return False
    return True
