"""The typed, immutable knowledge model.

Each kind of entry has its model in its own module of `bot.core.kinds`; here are what they share (corrections,
sources, which every entry cites) and what holds them (`Topic`, `Knowledge`). Everything is frozen: a loaded
`Knowledge` is shared by every request in flight while a reload builds the next one beside it, so nothing may
change it after the loader hands it over.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from bot.core.dates import PartialDate

if TYPE_CHECKING:
    from bot.core.kinds.article import Article
    from bot.core.kinds.base import Entry, EntryKind
    from bot.core.kinds.event import Event
    from bot.core.kinds.fact import Fact
    from bot.core.kinds.person import Person
    from bot.core.kinds.quote import Quote

E = TypeVar("E", bound="Entry")


@dataclass(frozen=True, slots=True)
class Correction:
    date: PartialDate
    wrong: str
    right: str


@dataclass(frozen=True, slots=True)
class Attestation:
    """One source that attests an entry or a part of one, with the words of it that show so.

    `evidence` is None where the entry's own text (a quote, a translation) stands whole in the source.
    """

    source: str
    evidence: str | None = None
    as_written: str | None = None  # the source's own words for a relative date ("on Wednesday")


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a disagreement the maintainers recorded: what these sources say, each with its evidence."""

    attestations: tuple[Attestation, ...]
    claim: str | None = None
    date: PartialDate | None = None

    @property
    def says(self) -> str:
        """ "1996: scrapped in 1996" or the claim alone: what this side holds, in a few words."""
        parts = [self.date.display() if self.date else None, self.claim]
        return ": ".join(p for p in parts if p)


def corrections_in(part: object) -> Iterator[Correction]:
    """Every correction an entry carries, on itself or on any of its parts (translation, note, ...).

    Walks the entry's fields rather than naming them, so a part that gains `corrections` is never missed by
    the answers and App Home that list them.
    """
    if not is_dataclass(part) or isinstance(part, type):
        return
    for f in fields(part):
        value = getattr(part, f.name)
        if isinstance(value, Correction):
            yield value
        elif isinstance(value, tuple):
            for v in value:
                yield from (v,) if isinstance(v, Correction) else corrections_in(v)


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
    corrections: tuple[Correction, ...] = ()

    @property
    def credit(self) -> str:
        """How a newsroom names it: "Reuters via Honolulu Star-Advertiser"."""
        return f"{self.outlet} via {self.republished_by}" if self.republished_by else self.outlet


@dataclass(frozen=True, slots=True)
class Document:
    """What a topic's articles belong to ("the treaty"), and how many it has when a source states it."""

    name: str
    articles: int | None = None
    source: str | None = None
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class Topic:
    """One knowledge file: one slash command.

    Entries are kept by kind (`bot.core.kinds`), in registry order; `section(kind)` reads one kind's.
    """

    topic: str
    command: str
    title: str
    summary: str
    path: str
    entries: dict[str, tuple[Any, ...]] = field(default_factory=dict, hash=False)  # by section name
    examples: tuple[str, ...] = ()
    document: Document | None = None  # None: answers say "Article 5", not "Article 5 of the treaty"
    terms: tuple[tuple[str, str], ...] = ()  # the glossary: (what reporters type, the sources' words for it)
    digest: str = ""  # sha256 of the file and its sources: what caches are keyed by
    source_by_id: dict[str, Source] = field(default_factory=dict, compare=False, repr=False)
    person_by_id: dict[str, Person] = field(default_factory=dict, compare=False, repr=False)
    corrected: tuple[tuple[str, Correction], ...] = field(default=(), compare=False, repr=False)  # newest first

    def section(self, kind: EntryKind[E]) -> tuple[E, ...]:
        return self.entries.get(kind.section, ())

    # Shortcuts for the code that asks for one kind by name; a new kind needs none (use `section`).
    @property
    def sources(self) -> tuple[Source, ...]:
        return self.entries.get("sources", ())

    @property
    def people(self) -> tuple[Person, ...]:
        return self.entries.get("people", ())

    @property
    def articles(self) -> tuple[Article, ...]:
        return self.entries.get("articles", ())

    @property
    def quotes(self) -> tuple[Quote, ...]:
        return self.entries.get("quotes", ())

    @property
    def timeline(self) -> tuple[Event, ...]:
        return self.entries.get("timeline", ())

    @property
    def facts(self) -> tuple[Fact, ...]:
        return self.entries.get("facts", ())

    def counts(self) -> dict[str, int]:
        """Entries by kind, named as counts name them: {"sources": 2, "articles": 1, ..., "people": 7}."""
        from bot.core.kinds import KINDS  # the kinds' modules import this one

        return {k.plural: len(self.section(k)) for k in KINDS}

    def corrections(self) -> tuple[tuple[str, Correction], ...]:
        """Every correction in the topic with the title of the entry it sits on, newest first."""
        return self.corrected

    def count_text(self, sep: str = ", ") -> str:
        """ "2 sources, 1 article, 9 quotes, …": what the checker, `status` and App Home print."""
        from bot.core.kinds import KINDS

        return sep.join(k.count(len(self.section(k))) for k in KINDS)


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
