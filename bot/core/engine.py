"""From what a reporter typed to a sourced `Answer`.

The engine states only what the knowledge holds. When it has nothing, it says so plainly: an unrelated
quote presented as an answer would be worse than no answer.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from bot.core import asked, named, phrases, ranking, relevance, speakers
from bot.core.answer import Answer, Citation, Item, ItemKind, Kind
from bot.core.diskcache import DiskCache
from bot.core.gcpause import bulk_build
from bot.core.index import Doc, Entry, Hit, SearchIndex, SearchResult, ids, phrase
from bot.core.kinds import KINDS, event, kind_of, quote, source
from bot.core.kinds.article import Article, notes_items, translation_item
from bot.core.kinds.event import Event
from bot.core.kinds.person import Person
from bot.core.kinds.provision import Provision
from bot.core.kinds.quote import Quote
from bot.core.model import Knowledge, Topic
from bot.core.query import Query, QueryKind
from bot.core.timeline import timeline_cut
from bot.core.wording import marked_all

MIN_COVERAGE = 0.5
MAX_ITEMS = 5
MAX_LATEST = 8
SAYS = "What the curated sources say"  # the header when the best entry's own words are the answer
MAX_SUGGESTION = 40  # a suggestion is a title or an alias to type again, never a passage


def documents(topic: Topic) -> list[Doc]:
    """What the index sees of each entry, kind by kind in registry order (ties rank by that order).

    Evidence is not indexed: it repeats what the entry says in the source's words, and would double the
    index for little gain (a fact's aliases carry the source's own phrasings where they matter).
    """
    return [kind.doc(topic, e) for kind in KINDS if kind.doc for e in topic.section(kind)]


@dataclass(frozen=True, slots=True)
class TopicEngine:
    """Answers one topic's questions from one knowledge version (which every answer carries)."""

    topic: Topic
    index: SearchIndex
    version: str = ""

    def __post_init__(self) -> None:  # built by the loading thread, not by the first answer after a swap
        named.prepare(self.topic, self.index)

    @classmethod
    def build(cls, topic: Topic, version: str = "") -> TopicEngine:
        return cls(topic, SearchIndex(documents(topic)), version)

    # -- items -----------------------------------------------------------------------------------
    def cite(self, source_id: str) -> Citation:
        return source.cite(self.topic, source_id)

    def speaker(self, q: Quote) -> str:
        return quote.speaker(self.topic, q)

    def quote_item(self, q: Quote) -> Item:
        return quote.item(self.topic, q)

    def event_item(self, e: Event) -> Item:
        return event.item(self.topic, e)

    def item(self, ref: object) -> Item:
        """Any entry as an answer item, by its kind (TypeError for what is no entry)."""
        return kind_of(ref).item(self.topic, ref)

    # -- answers ---------------------------------------------------------------------------------
    def answer(self, q: Query) -> Answer:
        """Answer a parsed question. Maintainers' words (status, reload) are the service's, never asked here."""
        handler = {
            QueryKind.HELP: self.help,
            QueryKind.ARTICLE: self.article,
            QueryKind.ARTICLES: self.articles,
            QueryKind.TIMELINE: self.timeline,
            QueryKind.QUOTES: self.quotes,
            QueryKind.WHO_SAID: self.who_said,
            QueryKind.SOURCES: self.sources,
            QueryKind.WHEN: self.when,
            QueryKind.SEARCH: self.search,
            QueryKind.TOO_LONG: self.too_long,
            QueryKind.LATEST: self.latest,
            QueryKind.COMPARE: self.compare,
        }.get(q.kind)
        if handler is None:
            raise ValueError(f"{q.kind.value!r} is answered by the service, not by a topic")
        understood = asked.understood(self.topic, self.index, q)  # asked as understood, answered as typed
        found = handler(q) if understood is q else self.answer(understood)
        return found if found.query == q.raw else replace(found, query=q.raw)

    def _about(self, q: Query, hit: Hit, *, said: bool = False) -> bool:
        """Whether a hit may be offered as the answer (bot/core/relevance.py)."""
        return relevance.about_in(self.topic, self.index, q, hit, said=said)

    def _answer(self, q: Query, kind: Kind, title: str, items: Iterable[Item], **kw: object) -> Answer:
        """An answer whose header and body never say the same words twice: a reporter pastes both."""
        listed = tuple(items)
        if listed and listed[0].text == title:
            title = SAYS
        if listed and listed[0].heading == title:
            listed = (replace(listed[0], heading=None), *listed[1:])
        return Answer(
            kind,
            title,
            listed,
            query=q.raw,
            command=self.topic.command,
            version=self.version,
            **kw,  # type: ignore[arg-type]
        )

    def help(self, q: Query) -> Answer:
        c = self.topic.command
        examples = self.topic.examples or ("timeline", "sources")
        items = [Item(kind=ItemKind.EXAMPLE, text=f"{c} {ex}") for ex in examples]
        intro = f"{self.topic.summary}\n\nI answer from {phrases.holdings(self.topic)}, each with its citation. Try:"
        return self._answer(q, Kind.HELP, f"{c}: {self.topic.title}", items, intro=intro, shareable=False)

    def miss(self, q: Query, said: str, suggestions: Iterable[str] = ()) -> Answer:
        sugg = tuple(dict.fromkeys(suggestions)) or tuple(self.topic.examples[:3])
        return self._answer(
            q, Kind.MISS, "No answer in the curated sources", (), intro=said,
            suggestions=sugg[:3], shareable=False,
        )  # fmt: skip

    def too_long(self, q: Query) -> Answer:
        examples = " or ".join(f"`{ex}`" for ex in self.topic.examples[:2])
        said = "Please ask in a few words" + (f", for example {examples}." if examples else ".")
        return self._answer(q, Kind.NOTICE, "That question is too long", (), intro=said, shareable=False)

    def article(self, q: Query) -> Answer:
        """Article N, or the entry that answers what more is asked ("is article 4 the same as the 1961 treaty");
        of another document ("article 4 of the un charter"), what the sources hold of that one's Article N."""
        dated = asked.asks_date(q) and asked.asks_beyond_article(self.topic, q)  # "when was article 51 adopted"
        if not dated and (other := asked.of_another(self.topic, self.index, q)) is not None and q.article is not None:
            return self._about_article(q, q.article, other) if other else self.miss(q, phrases.not_held(q.article))
        if asked.asks_beyond_article(self.topic, q):
            found = self.search(q)
            if found.kind is not Kind.MISS or dated:  # an article's words do not date anything
                return found
        n = q.article
        art = next((a for a in self.topic.articles if a.number == n), None)
        if art is not None:
            return self._article(q, art)
        assert n is not None
        named = self._named(f"article {n}")
        if named:
            return self._about_article(q, n, [e.ref for e in named])
        return self.miss(q, phrases.no_article(self.topic, n), [f"article {a.number}" for a in self.topic.articles])

    def _named(self, key: str) -> list[Entry]:
        """Entries of any kind that a name of theirs calls exactly `key` ("article 22"), in index order."""
        return [self.index.entries[d] for d in ids(self.index.phrases, phrase(key))]

    def _about_article(self, q: Query, n: int, refs: list[object]) -> Answer:
        """What the sources say about an Article N the topic's articles do not quote: a provision of another
        document (Article 51 of the UN Charter) or a summary of one of its own, each said to be what it is."""
        items = [self.item(r) for r in refs]
        note = phrases.count_note(self.topic) if any(isinstance(r, Provision) for r in refs) else None
        title = refs[0].label if isinstance(refs[0], Provision) else f"Article {n}{phrases.of(self.topic)}"
        intro = phrases.about_article(self.topic, n, refs)
        return self._answer(q, Kind.FACTS, title, [*items, *([note] if note else [])], intro=intro)

    def _article(self, q: Query, art: Article) -> Answer:
        items = [translation_item(self.topic, art, t) for t in art.translations]
        items += notes_items(self.topic, art)
        multiple = len(art.translations) > 1
        intro = (
            f"{len(art.translations)} translations of the same clause, each quoted word for word from its outlet."
            if multiple
            else None
        )
        return self._answer(
            q, Kind.ARTICLE, f"Article {art.number}: {art.title}", items, intro=intro, side_by_side=multiple
        )

    def articles(self, q: Query) -> Answer:
        if not self.topic.articles:
            return self.miss(q, f"The curated sources quote no article{phrases.of(self.topic)}.")
        return self._answer(q, Kind.ARTICLE, "Articles quoted in the sources", map(self.item, self.topic.articles))

    def timeline(self, q: Query) -> Answer:
        events = list(self.topic.timeline)
        title = "Timeline"
        if q.year_from is not None and q.year_to is not None:
            lo, hi = q.year_from, q.year_to
            events = [e for e in events if lo <= e.date.year <= hi]
            span = str(lo) if lo == hi else (f"{lo}s" if hi == lo + 9 and lo % 10 == 0 else f"{lo}–{hi}")
            if q.month is not None and lo == hi:  # "timeline June 2024": a month, as a crowded year is cut
                events = [e for e in events if e.date.month == q.month]
                span = f"{calendar.month_name[q.month]} {lo}"
            title = f"Timeline: {span}"
            if not events:
                first, last = self.topic.timeline[0].date.year, self.topic.timeline[-1].date.year
                return self.miss(
                    q, f"No event in the curated sources falls in {span}. The timeline runs {first}–{last}.",
                    ["timeline"],
                )  # fmt: skip
        elif q.terms:
            found = self.index.search(q.terms, kinds=("event",), limit=50)
            picked = {h.entry.entry_id for h in found.hits if h.coverage >= MIN_COVERAGE}
            if picked:
                events = [e for e in events if e.id in picked]
                title = f"Timeline: {' '.join(q.terms)}"
        shown, more, intro = timeline_cut(events, self.topic.command)
        return self._answer(q, Kind.TIMELINE, title, map(self.event_item, shown), intro=intro, more=more)

    def sources(self, q: Query) -> Answer:
        items = map(self.item, self.topic.sources)
        return self._answer(q, Kind.SOURCES, f"Sources of {self.topic.command}", items)

    def latest(self, q: Query) -> Answer:
        """The newest dated developments first; what is left out is said, with the command that shows it."""
        events = sorted(self.topic.timeline, key=lambda e: e.date.sort_key, reverse=True)
        if not events:
            return self.miss(q, "The curated sources date no event yet.")
        title = "Latest developments"
        if q.month is not None:
            newest = events[0].date
            year = q.year_from if q.year_from is not None else newest.year - (q.month > (newest.month or 12))
            since = (year, q.month)
            events = [e for e in events if (e.date.year, e.date.month or 12) >= since]
            title = f"Since {calendar.month_name[q.month]} {year}"
            if not events:
                return self.miss(
                    q, f"No event in the curated sources is dated {title.lower()}. The newest: {newest.display()}.",
                    ["latest"],
                )  # fmt: skip
        shown = events[:MAX_LATEST]
        intro = None
        if len(events) > len(shown):
            intro = (
                f"The {len(shown)} newest of {len(events)} dated developments, newest first; "
                f"{len(events) - len(shown)} earlier ones are in `{self.topic.command} timeline`."
            )
        return self._answer(q, Kind.LATEST, title, map(self.event_item, shown), intro=intro)

    def compare(self, q: Query) -> Answer:
        """An article's wordings side by side, the words where they differ marked."""
        if q.article is None:
            several = [a for a in self.topic.articles if len(a.translations) > 1]
            if len(several) != 1:
                names = ", ".join(f"compare article {a.number}" for a in several) or "none has two wordings"
                return self.miss(
                    q, f"Compare which article? {names}.", [f"compare article {a.number}" for a in several]
                )
            art = several[0]
        else:
            found = next((a for a in self.topic.articles if a.number == q.article), None)
            if found is None:
                return self.article(q)  # the honest miss that names what the sources do quote
            art = found
        if len(art.translations) < 2:
            outlet = self.topic.source_by_id[art.translations[0].source].outlet
            return self.miss(q, f"Only one wording of Article {art.number} is in the sources ({outlet}).",
                             [f"article {art.number}"])  # fmt: skip
        marks = marked_all([t.text for t in art.translations])
        items = [
            replace(translation_item(self.topic, art, t, "Wording"), marks=m)
            for t, m in zip(art.translations, marks, strict=True)
        ]
        intro = f"{len(items)} wordings of Article {art.number}; the words where they differ are marked."
        items += [i for i in notes_items(self.topic, art) if i.corrections]
        return self._answer(
            q, Kind.COMPARE, f"Article {art.number}: wordings compared", items, intro=intro, side_by_side=True
        )

    def quotes(self, q: Query) -> Answer:
        if not q.terms:
            return self._answer(q, Kind.QUOTES, "Quotes", map(self.quote_item, self.topic.quotes))
        people = self.index.search(q.terms, kinds=("person",), limit=1)
        if people.hits and people.hits[0].coverage >= MIN_COVERAGE and self._about(q, people.hits[0]):
            person = people.hits[0].entry.ref
            assert isinstance(person, Person)
            said = [x for x in self.topic.quotes if x.speaker == person.id]
            if said:
                return self._answer(q, Kind.QUOTES, f"Quotes: {person.name}", map(self.quote_item, said))
            return self.miss(q, f"The curated sources hold no quote from {person.name}.", ["quotes"])
        return self.who_said(q)

    def who_said(self, q: Query) -> Answer:
        found = self.index.search(q.terms, kinds=("quote",), limit=MAX_ITEMS, whole=q.raw)
        hits = [h for h in found.hits if h.coverage >= MIN_COVERAGE and self._about(q, h, said=True)]
        if not hits:
            return self.miss(
                q, "No quote in the curated sources matches those words.", ["quotes", *self._suggest(found)]
            )
        title = "Who said it" if isinstance(hits[0].entry.ref, Quote) else "Quotes"
        return self._answer(q, Kind.QUOTES, title, (self.item(h.entry.ref) for h in hits))

    def when(self, q: Query) -> Answer:
        found = self.index.search(q.terms, kinds=("event",), limit=3, whole=q.raw)
        hits = [h for h in found.hits if h.coverage >= MIN_COVERAGE and self._about(q, h)]
        if not hits:
            return self.search(q)
        best = hits[0].entry.ref
        assert isinstance(best, Event)
        # The date is the header; the body says what happened then, once (no date heading repeating the header).
        first = replace(self.event_item(best), heading=None)
        items = [first] + [self.item(h.entry.ref) for h in hits[1:] if h.score >= hits[0].score / 2]
        return self._answer(q, Kind.WHEN, best.when, items)

    def search(self, q: Query) -> Answer:
        stories = source.asked_about(self.topic, q.terms)  # "who wrote the reuters story"
        if stories:
            return self._answer(q, Kind.SOURCES, f"Sources: {stories[0].outlet}", map(self.item, stories))
        found = self.index.search(q.terms, limit=MAX_ITEMS, whole=q.raw)
        hits = [h for h in found.hits if h.coverage >= MIN_COVERAGE and self._about(q, h)]
        if not hits:
            return self.miss(
                q,
                f"The curated sources of {self.topic.command} have nothing on that. "
                "Nothing is guessed: every answer comes from a checked source.",
                self._suggest(found),
            )
        top = hits[0].entry.ref
        if isinstance(top, Article):
            return self._article(q, top)
        if isinstance(top, Provision) and top.number is not None:
            return self._about_article(q, top.number, [top])
        if isinstance(top, Person):
            said = [self.quote_item(x) for x in speakers.spoken_of(self.topic, q, top)]
            if q.said and said:  # "what did Kim Jong Un say about the treaty": his words, not his profile
                return self._answer(q, Kind.QUOTES, f"Quotes: {top.name}", said)
            if q.said:  # a profile is not what they said; nor are their words on something else
                on = " on that" if any(x.speaker == top.id for x in self.topic.quotes) else ""
                return self.miss(q, f"The curated sources hold no quote from {top.name}{on}.", [top.name])
            return self._answer(q, Kind.PERSON, top.name, [self.item(top), *said])
        kept = ranking.kept(self.index, q, hits)
        top = kept[0].entry.ref
        if unquoted := speakers.unquoted_speaker(self.topic, self.index, q, top):  # a fact naming them: not words
            return self.miss(q, f"The curated sources hold no quote from {unquoted.name}.", [unquoted.name])
        kind = Kind.QUOTES if isinstance(top, Quote) else Kind.FACTS
        title = kind_of(top).title(top)
        return self._answer(q, kind, title, (self.item(h.entry.ref) for h in kept))

    def _suggest(self, found: SearchResult) -> list[str]:
        return ranking.suggestions(self.topic, found.hits[:3], MAX_SUGGESTION)


def _cached_engine(topic: Topic, version: str, cache_dir: Path | None) -> TopicEngine:
    """Build a topic's index, or reuse the one built for the same content by the same code."""
    if cache_dir is None or not topic.digest:
        return TopicEngine.build(topic, version)
    cache = DiskCache(cache_dir)
    entry = cache.path(topic.digest.encode(), suffix=".index.pickle")
    index = cache.get(entry)
    if isinstance(index, SearchIndex):
        try:
            return TopicEngine(topic, index.rebind(documents(topic)), version)
        except ValueError:
            pass
    engine = TopicEngine.build(topic, version)
    cache.put(entry, engine.index)
    return engine


@dataclass(frozen=True, slots=True)
class Catalog:
    """A loaded knowledge base with its indexes: what the store swaps atomically on reload."""

    knowledge: Knowledge
    engines: dict[str, TopicEngine]

    @classmethod
    def build(cls, knowledge: Knowledge, cache_dir: Path | None = None, previous: Catalog | None = None) -> Catalog:
        """Index every topic; a topic that is the very one `previous` served (unchanged files) keeps its index.

        On a reload (`previous` given) the disk cache of indexes is left alone: writing one is a single C call
        that holds the GIL, and answers would wait for it; starts are what that cache (and snapshots) are for.
        """
        kept = {id(e.topic): e.index for e in previous.engines.values()} if previous else {}
        engines = {}
        with bulk_build():
            for t in knowledge.topics:
                index = kept.get(id(t))
                if index is not None:
                    engines[t.command] = TopicEngine(t, index, knowledge.version)
                elif previous is not None:  # a reload: pickling an index to disk holds the GIL for as long
                    engines[t.command] = TopicEngine.build(t, knowledge.version)
                else:
                    engines[t.command] = _cached_engine(t, knowledge.version, cache_dir)
        return cls(knowledge, engines)

    def engine(self, command: str | None) -> TopicEngine | None:
        topic = self.knowledge.topic_for(command)
        return self.engines.get(topic.command) if topic else None

    def answer(self, topic: Topic, q: Query) -> Answer:
        return self.engines[topic.command].answer(q)
