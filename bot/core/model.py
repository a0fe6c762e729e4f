"""The typed, immutable knowledge model.

Everything here is frozen: a loaded `Knowledge` is shared by every request in flight while a reload builds
the next one beside it, so nothing may change it after the loader hands it over.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.dates import PartialDate


@dataclass(frozen=True, slots=True)
class Correction:
    date: PartialDate
    wrong: str
    right: str


@dataclass(frozen=True, slots=True)
class Mirror:
    """Another address where the same text is published (the source's own page may have none)."""

    outlet: str
    link: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    outlet: str
    headline: str
    published: PartialDate
    archive: str
    republished_by: str | None = None
    byline: str | None = None
    dateline: str | None = None
    link: str | None = None
    also_at: tuple[Mirror, ...] = ()
    archived_from: str | None = None

    @property
    def credit(self) -> str:
        """How a newsroom names it: "Reuters via Honolulu Star-Advertiser"."""
        return f"{self.outlet} via {self.republished_by}" if self.republished_by else self.outlet


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    source: str
    kind: str = "person"
    role: str | None = None
    aliases: tuple[str, ...] = ()
    evidence: str | None = None
    corrections: tuple[Correction, ...] = ()


@dataclass(frozen=True, slots=True)
class Translation:
    source: str
    text: str
    corrections: tuple[Correction, ...] = ()


@dataclass(frozen=True, slots=True)
class Note:
    text: str
    source: str
    evidence: str


@dataclass(frozen=True, slots=True)
class Article:
    number: int
    title: str
    translations: tuple[Translation, ...]
    aliases: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()
    corrections: tuple[Correction, ...] = ()

    @property
    def id(self) -> str:
        return f"article-{self.number}"


@dataclass(frozen=True, slots=True)
class Quote:
    id: str
    speaker: str
    text: str
    source: str
    kind: str = "direct"
    context: str | None = None
    said: PartialDate | None = None
    said_evidence: str | None = None
    corrections: tuple[Correction, ...] = ()


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    date: PartialDate
    what: str
    source: str
    evidence: str
    as_written: str | None = None
    aliases: tuple[str, ...] = ()
    corrections: tuple[Correction, ...] = ()


@dataclass(frozen=True, slots=True)
class Fact:
    id: str
    text: str
    source: str
    evidence: str
    aliases: tuple[str, ...] = ()
    corrections: tuple[Correction, ...] = ()


@dataclass(frozen=True, slots=True)
class Topic:
    """One knowledge file: one slash command."""

    topic: str
    command: str
    title: str
    summary: str
    path: str
    sources: tuple[Source, ...]
    people: tuple[Person, ...] = ()
    articles: tuple[Article, ...] = ()
    quotes: tuple[Quote, ...] = ()
    timeline: tuple[Event, ...] = ()
    facts: tuple[Fact, ...] = ()
    examples: tuple[str, ...] = ()
    digest: str = ""  # sha256 of the file and its sources: what caches are keyed by
    source_by_id: dict[str, Source] = field(default_factory=dict, compare=False, repr=False)
    person_by_id: dict[str, Person] = field(default_factory=dict, compare=False, repr=False)

    def counts(self) -> dict[str, int]:
        return {
            "sources": len(self.sources),
            "articles": len(self.articles),
            "quotes": len(self.quotes),
            "events": len(self.timeline),
            "facts": len(self.facts),
            "people": len(self.people),
        }

    def count_text(self, sep: str = ", ") -> str:
        """ "2 sources, 1 article, 9 quotes, …": what the checker, `status` and App Home print."""
        singular = {"sources": "source", "articles": "article", "quotes": "quote", "events": "event",
                    "facts": "fact", "people": "person"}  # fmt: skip
        return sep.join(f"{n} {what if n != 1 else singular[what]}" for what, n in self.counts().items())


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Every topic loaded from one knowledge folder, with a version that changes when any file does."""

    topics: tuple[Topic, ...]
    version: str
    loaded_at: float

    def topic_for(self, command: str | None) -> Topic | None:
        if command is None:
            return self.topics[0] if len(self.topics) == 1 else None
        wanted = command if command.startswith("/") else "/" + command
        for t in self.topics:
            if t.command == wanted or t.topic == command:
                return t
        return None
