"""Whether a search hit is *about* the question, so that it may be offered as the answer.

Ranking alone cannot say this: it orders whatever shares a word with the question, and the best of a bad
lot still comes first. "north korean troops in russia" shared "troops" with the 1961 treaty's clause and
"north korean" with a quote about missile debris; a reporter who repeats either publishes an error. So a hit
is offered only when:
- every word the question asks is in the entry (typos corrected as the index corrects them). A word the
  sources never use ("Gyu" of Kim Jong Gyu, "weapons" beside "nuclear" when no entry has both) means the
  question is about something they do not cover, whatever else it shares;
- a one-word question names the entry: the word is one of its names (an alias, a person's name, a title),
  or the question as typed is one ("is it an alliance"), not a word that happens to be in its text
  ("troops", "new");
- "who said X": X's words are in the quote itself, not only in the note on its context;
- the question does not name someone else: when it starts a person's name the entry answers to ("south
  korean" of "south korean foreign minister", the speaker of a quote) and then goes another way ("south
  korean president"), it asks about another person, whatever words the quote happens to hold ("President").
Some words are met without being in the entry's text, because they are about the entry all the same:
- the topic itself ("the treaty", the document of /pact, or "the pact"): every entry is about it, whether or
  not it repeats the word. An entry named after another document of that kind ("1961 treaty", "soviet
  treaty") is not, and answers "the treaty" only when the question says which ("the 1961 treaty", "which
  treaty"), says what that name says ("what did the treaty replace": "2000 treaty replaced") or names the
  entry as typed;
- a word the sources say otherwise (`query.SAME_AS`: "approve" for "ratified", "defense" for "defence");
- the names and titles in a quote's speaker's role: the South Korean foreign minister speaks for South Korea,
  unless the question puts another person's title on those words ("president of south korea"). The role's
  other words ("who responded ...") do not count.
- the titles of the people an entry names ("Putin" is Russia's President: "what did the president of russia
  say about the relationship" is met by "Putin stopped short of defining the relationship ...");
- of words offered as a choice ("moscow or pyongyang"), one.
A year alone is met by an event dated that year, not one that names it. How the question is put (who acts,
who/where/how many, what the treaty says) is `bot.core.subject`'s.
An event answers "when" only for what it dates, not for a moment it names to place it ("soon after his
inauguration").
Otherwise the engine answers with an honest miss that suggests the nearest entries.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from functools import lru_cache

from rapidfuzz.distance import OSA

from bot.core import subject
from bot.core.index import Hit, SearchIndex, ids, phrase, stem
from bot.core.kinds.article import Article
from bot.core.kinds.event import Event
from bot.core.kinds.person import Person
from bot.core.kinds.quote import Quote
from bot.core.model import Topic
from bot.core.named import capitalised as _capitalised
from bot.core.named import mentioned as _mentioned
from bot.core.named import outlets as _outlets
from bot.core.named import people as _people
from bot.core.named import people_named as _people_named
from bot.core.named import titles as _titles
from bot.core.query import ARTICLE_ITSELF, SAME_AS, SAYS, STOPWORDS, Query
from bot.core.ranking import named_in
from bot.core.text import tokens

_SPELT = 5  # letters a word needs before one letter otherwise is a spelling of it, not another word
_SHARED = 2  # words a question must share with the start of a name before going another way counts
# "the treaty", "the new treaty": the topic's own (the new one, told from those it replaces)
_UNQUALIFIED = frozenset({"", "the", "a", "an", "this", "that", "its", "their", "new"})
_SAME_STEMS = {stem(w): group for w, group in SAME_AS.items()}
# Words that ask for someone's words, not an act the words must hold ("did kim call it an alliance").
_SAYING = frozenset(stem(w) for w in ("quote", "quoted", "saying", *SAME_AS["call"], *SAYS))
_ITSELF = frozenset(map(stem, ARTICLE_ITSELF))
_WORDS_ASKED = frozenset(stem(w) for w in ("quote", "quoted", "words", *SAME_AS["call"]))  # any quote meets them
_JOINERS = frozenset({"of", "the", "s"})  # "president of south korea", "south korea's president": one phrase


def _holds(docs: Sequence[int] | None, d: int) -> bool:
    """Whether a posting list (ascending entry numbers) holds entry `d`."""
    if not docs:
        return False
    i = bisect_left(docs, d)
    return i < len(docs) and docs[i] == d


def names_of(topic: Topic, ref: object) -> tuple[str, ...]:
    """The names of whom an entry is about: a person's own, or a quote's speaker's."""
    person = topic.person_by_id.get(ref.speaker) if isinstance(ref, Quote) else ref
    return (person.name, *person.aliases) if isinstance(person, Person) else ()


@lru_cache(maxsize=4096)
def _stems(text: str) -> tuple[str, ...]:
    """Every word of a name, role, alias or question, stemmed: asked again for each hit, so remembered."""
    return tuple(stem(t) for t in tokens(text))


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    return tuple(stem(t) for t in tokens(text) if t not in STOPWORDS)


def head_of(name: str) -> str:
    """The word a document's name is said with: "treaty" of "the treaty" ("" for no name)."""
    words = _words(name)
    return words[-1] if words else ""


def qualifiers(aliases: Sequence[str], head: str) -> tuple[frozenset[str], frozenset[str]]:
    """The words that make an entry's names another document than the topic's own ("1961" and "soviet" of
    "1961 treaty" and "soviet treaty"), and the other words of those names ("replac" of "2000 treaty
    replaced"). Empty when no name of the entry qualifies the head word."""
    quals: set[str] = set()
    said: set[str] = set()
    for alias in aliases:
        words = _stems(alias)  # "approves the treaty" is the topic's own: "the" qualifies none
        found = {words[i - 1] for i, w in enumerate(words) if w == head and i > 0} - STOPWORDS
        if found:
            quals |= found
            said.update(words)
    return frozenset(quals), frozenset(said - quals - {head})


def _another_document(
    index: SearchIndex, q: Query, d: int, asked: Sequence[str], head: str, aliases: Sequence[str]
) -> bool:
    """The question asks about the topic's own document ("is the treaty an alliance") and the entry is named
    after another one ("cold war alliance", "1961 treaty") that the question does not name."""
    if not head or head not in asked:
        return False
    quals, said = qualifiers(aliases, head)
    if quals and f"the {head}" in phrase(subject.own_text(index.entries[d].ref)):  # "The treaty has 23 articles"
        return False
    typed_words = _stems(q.raw)
    if not quals or quals & set(typed_words) or (said & set(asked) and typed_words[:1] in (("what",), ("which",))):
        return False  # "what did the treaty replace": what it acted on; not "when does the treaty end"
    before = {typed_words[i - 1] if i else "" for i, w in enumerate(typed_words) if w == head}
    if before - _UNQUALIFIED:  # "which treaty", "the previous treaty": not (only) the topic's own
        return False
    typed = (phrase(" ".join(q.terms)), phrase(q.raw))
    return not any(d in ids(index.phrases, p) for p in typed)


def _person_word(index: SearchIndex, term: str) -> bool:
    """Whether a word is in the name of someone the topic knows ("president" of "russian president")."""
    tid = index.vocab.get(term)
    keyed = index.key_postings.get(tid) if tid is not None else None
    if not keyed:
        return False
    lo, hi, scattered = _people(index)
    if scattered:
        return any(d in scattered for d in keyed)
    i = bisect_left(keyed, lo)
    return i < len(keyed) and keyed[i] < hi


def titled_otherwise(index: SearchIndex, q: Query, role: Sequence[str], own: Sequence[str]) -> bool:
    """The question puts a title the speaker does not have on the words of the speaker's role: "president of
    south korea" against "South Korea's Foreign Minister" (a question about the president, not the minister)."""
    said = _stems(q.raw)
    mine = set(role) | set(own)
    for i, w in enumerate(said):
        if w not in role:
            continue
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(said) and said[j] in _JOINERS:
                j += step
            near = said[j] if 0 <= j < len(said) else ""
            if near and near not in mine and near not in STOPWORDS and _person_word(index, near):
                return True
    return False


def names_someone_else(q: Query, names: Sequence[str]) -> bool:
    """The question starts one of these names and then goes another way: "south korean president" against
    "south korean foreign minister", "kim jong gyu" against "kim jong un". Not when what it said is a whole name
    of theirs: "south korea respond" names "South Korea's government" by its alias "south korea"."""
    asked = [stem(t) for t in q.terms if t != "s"]  # a possessive "'s" is no word of a name
    spelled = [[w for w in _words(name) if w != "s"] for name in names]
    whole = {tuple(said) for said in spelled}
    for said in spelled:
        for i in range(len(asked)):
            k = 0
            while i + k < len(asked) and k < len(said) and _spelt_as(asked[i + k], said[k]):
                k += 1
            if k >= _SHARED and i + k < len(asked) and k < len(said) and tuple(asked[i : i + k]) not in whole:
                return True
    return False


def _spelt_as(typed: str, name: str) -> bool:
    """A word of a name, or the same word spelt one letter otherwise ("adviser" of "national security advisor"):
    not another way the question goes ("gyu" of "kim jong gyu" against "kim jong un")."""
    return typed == name or (min(len(typed), len(name)) >= _SPELT and OSA.distance(typed, name, score_cutoff=1) <= 1)


def about(
    index: SearchIndex,
    q: Query,
    hit: Hit,
    *,
    said: bool = False,
    names: Sequence[str] = (),
    document: str = "",
    role: str = "",
    spoken: str = "",
    topic_words: Sequence[str] = (),
    mentions: Callable[[str], bool] = lambda word: False,
) -> bool:
    """True when `hit` answers the question; see the module's rules.

    `said`: the question asks who said these words, so they must be in the quote's own text. `names`: whom
    the entry is about (`names_of`). `document`: the name of the topic's own document ("the treaty").
    `role`: the role of the quote's speaker ("South Korea's Foreign Minister"), `spoken` the quote's own words
    and context. `topic_words`: what else names the topic itself ("pact" of /pact). `mentions`: whether a
    word is a title of a person the entry's own words name ("president" of "Putin stopped short ..."); asked
    only of words that are not the entry's own, as finding those people is most of this check's cost.
    """
    asked = [t for t in dict.fromkeys(stem(t) for t in q.terms) if len(t) > 1 or t.isdigit()]  # "s" of "what's": no
    if not asked:
        return False
    d = hit.doc
    head = head_of(document)
    roles = frozenset(w for w in _words(role) if len(w) > 1) if not said else frozenset()
    named = [w for n in names for w in _words(n)] if roles else []
    kept: list[set[str]] = []

    def borrowed() -> set[str]:
        """The role counts for the names and titles it gives ("South Korea", "Foreign Minister"), not for its
        other words ("responded through its national security council" would answer "japan responded" with
        Seoul's words on Japan). Worked out only for a word the entry holds or words it in other words."""
        if not kept:
            kept.append(set(roles) - set(_words(spoken)) - set(named) - _capitalised(role) if roles else set())
        return kept[0]

    # The words asked come first: most hits that are not about the question lack one, and this is the cheap
    # test (the checks after it are pure too, so their order changes no answer).
    tids = []
    asked_as: dict[int, str] = {}
    either = subject.alternatives(q.raw)  # "moscow or pyongyang": one of them
    quoted = hit.entry.kind == "quote"  # someone's words: what "who called it ...", "kim's words" ask for
    for term in (t for t in asked if not (quoted and t in _WORDS_ASKED)):  # a quote is someone's words
        tid = index.vocab.get(term)
        if tid is None:
            tid = index.correct(term)
            if tid is not None and index.terms[tid] in STOPWORDS:  # "where" is no typo of "were": it asks
                return False
        if tid is None and term in either:
            continue
        if tid is None:
            return False
        tids.append(tid)
        asked_as[tid] = term
    implied = {head, *(stem(w) for w in topic_words)} - {""}
    held = []
    unmet = []
    for tid in tids:
        term = index.terms[tid]
        posted = index.key_postings.get(tid) if said else index.postings[tid]
        own_word = _holds(posted, d) and term not in borrowed()
        if own_word or (not said and (mentions(term) or _held_as(index, d, borrowed, term, asked_as[tid]))):
            held.append(tid)
        elif asked_as[tid] in either:
            unmet.append(asked_as[tid])
        elif said or term not in implied:
            return False
    if names and names_someone_else(q, names):
        return False
    if _another_document(index, q, d, asked, head, getattr(hit.entry.ref, "aliases", ())):
        return False
    if roles and titled_otherwise(index, q, tuple(roles), named):
        return False
    met = {asked_as[t] for t in held}
    if any(not either[t] & met for t in unmet):
        return False
    asks = [t for t in tids if t in held or index.terms[t] not in implied]  # the topic itself is implied
    if not held:
        return False
    if len(asks) == 1 and not said:
        names = (index.terms[asks[0]], phrase(q.raw))
        return any(d in ids(index.phrases, name) for name in names) or _dated_in(hit.entry.ref, names[0])
    return True


def _dated_in(ref: object, year: str) -> bool:
    """A year alone ("what happened in 1961") asks what an event dated that year is: not one that names it."""
    dates = (ref.date, *(s.date for s in ref.sides if s.date)) if isinstance(ref, Event) else ()
    return year.isdigit() and any(str(d.year) == year for d in dates)


def _held_as(index: SearchIndex, d: int, borrowed: Callable[[], set[str]], *terms: str) -> bool:
    """Whether entry `d` says one of these words in other words of the same group ("ratify" for "approve"),
    not only in its speaker's role (`borrowed`)."""
    same = {stem(w) for t in terms for w in _SAME_STEMS.get(t, ())}
    for word in same - borrowed() if same else ():
        tid = index.vocab.get(word)
        if tid is not None and _holds(index.postings[tid], d):
            return True
    return False


def implied(topic: Topic) -> set[str]:
    """The stemmed words naming the topic itself and its own document ("treaty", "pact"), which every entry of
    the topic is about."""
    document = topic.document.name if topic.document else ""
    return {head_of(document), *(stem(w) for w in (topic.command.lstrip("/"), topic.topic))} - {""}


def about_in(topic: Topic, index: SearchIndex, q: Query, hit: Hit, *, said: bool = False) -> bool:
    """`about`, with what the topic says of the entry: whom it is about, its speaker's role, the topic's document."""
    ref = hit.entry.ref
    who = topic.person_by_id.get(ref.speaker) if isinstance(ref, Quote) else None
    role = (who.role or "") if who else ""
    spoken = f"{ref.text} {ref.context or ''}" if isinstance(ref, Quote) else ""
    if isinstance(ref, Event) and subject.dated_otherwise(q, ref.what):
        return False
    document = topic.document.name if topic.document else ""
    mine = (topic.command.lstrip("/"), topic.topic)
    party = _speaks_for(index, who)  # a minister is asked by the names of the country they speak for
    names = (*names_of(topic, ref), *party)

    def mentions(word: str) -> bool:
        if said:
            return False
        if word in _titles(index) and word in _mentioned(index, hit.doc):
            return True
        return any(word in _stems(n) for n in party)

    return about(
        index, q, hit, said=said, names=names, document=document, role=role, spoken=spoken, topic_words=mine,
        mentions=mentions,
    ) and _as_asked(topic, index, q, hit, who, implied(topic))  # fmt: skip


def _speaks_for(index: SearchIndex, who: Person | None) -> tuple[str, ...]:
    """Every name of whom a speaker's role says they speak for: "South Korea's national security advisor" speaks
    for South Korea's government, which reporters also call "Seoul" ("what did seoul's national security adviser
    say"). Their role is not: the minister is not the body that "responded through its national security
    council"."""
    if who is None or not who.role:
        return ()
    return tuple(n for p in _people_named(index, who.role) if p is not who for n in (p.name, *p.aliases))


def _as_asked(topic: Topic, index: SearchIndex, q: Query, hit: Hit, who: Person | None, implied: set[str]) -> bool:
    """The rules of `bot.core.subject`: whom the question names as acting, whether it asks who or where."""
    ref, d = hit.entry.ref, hit.doc
    if subject.asks_where(q.raw) and not subject.places(subject.own_text(ref)):
        return False
    count = subject.counted(q.raw)
    if count and not subject.counts(subject.own_text(ref, with_names=True), count):
        return False
    if isinstance(ref, Article) and not _in_one_passage(topic, index, q, ref, implied):
        return False
    if subject.asks_who_did(q.raw):
        if isinstance(ref, Quote):
            return False
        if not isinstance(ref, Person) and not _people_named(index, subject.own_text(ref)):
            return d in named_in(index, q)
    outlets = _outlets(topic, index)  # "what did the week quote kim saying": the outlet reports, Kim speaks
    acting = [w for w in subject.subject(q.raw, lambda w: _person_word(index, w)) if w not in STOPWORDS | outlets]
    if not acting:
        return True
    if set(acting) <= implied:  # "what does the treaty say": the entry says it, or is the document's own words
        return not q.said or isinstance(ref, Article) or subject.says_document(subject.own_text(ref), implied)
    if isinstance(ref, Quote):  # someone else's words that mention X are not what X did or said
        named = _people_named(index, ref.context or "")
        titles = {w for p in (who, *named) if p for w in _capitalised(p.role or "")}
        party = {w for n in _speaks_for(index, who) for w in _stems(n)}
        speaker = {w for n in names_of(topic, ref) for w in _stems(n)} | titles | party
        if not all(w in speaker or w in implied or w in _stems(ref.context or "") for w in acting):
            return False
        if subject.about_document(q.raw, implied) and not subject.says_document(f"{ref.text} {ref.context}", implied):
            return False  # "what have ukrainian officials said about the treaty": words that speak of it
        asks_words = q.said or subject.asks_words(q.raw)
        return asks_words or subject.in_words(index, q, ref.text, speaker, acting, implied, outlets, _SAYING)
    return True


def _in_one_passage(topic: Topic, index: SearchIndex, q: Query, a: Article, implied: set[str]) -> bool:
    """An article's wordings and the notes on it are separate texts: what the question asks must be in one of
    them (or its names), not gathered from several ("1961 treaty status": a note's "1961 treaty" and a
    wording's "state of war")."""
    names = " ".join((f"article {a.number}", a.title, *a.aliases))
    besides = (implied, _outlets(topic, index), _SAYING, _ITSELF, {str(a.number)})
    passages = (*(t.text for t in a.translations), *(n.text for n in a.notes))
    return any(subject.in_words(index, q, f"{names} {p}", *besides) for p in passages)
