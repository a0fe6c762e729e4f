"""The `Answer` value: what to say, and where each part of it comes from.

Adapters (Block Kit, plain text, JSON) render an `Answer`; none of them decide what is true. Every item that
states something carries the citation of the source it was checked against.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.dates import PartialDate
from bot.core.model import Correction, Mirror, Source


class Kind(StrEnum):
    ARTICLE = "article"
    TIMELINE = "timeline"
    WHEN = "when"
    QUOTES = "quotes"
    FACTS = "facts"
    PERSON = "person"
    SOURCES = "sources"
    HELP = "help"
    MISS = "miss"
    LATEST = "latest"
    COMPARE = "compare"
    NOTICE = "notice"  # maintainers' status, refusals, "too long": no citation needed


class ItemKind(StrEnum):
    TRANSLATION = "translation"
    QUOTE = "quote"
    EVENT = "event"
    FACT = "fact"
    PERSON = "person"
    NOTE = "note"
    SOURCE = "source"
    EXAMPLE = "example"
    STATUS = "status"  # a labelled line of the maintainers' status: `heading` is the label


#: Kinds that state no sourced fact, so need no citation.
UNCITED_KINDS = frozenset({Kind.HELP, Kind.MISS, Kind.NOTICE})


@dataclass(frozen=True, slots=True)
class Citation:
    source_id: str
    credit: str
    headline: str
    published: PartialDate
    link: str | None = None
    mirrors: tuple[Mirror, ...] = ()
    byline: str | None = None
    corrections: tuple[Correction, ...] = ()  # corrections to the source entry itself: shown wherever it is cited

    @classmethod
    def of(cls, source: Source) -> Citation:
        return cls(
            source_id=source.id,
            credit=source.credit,
            headline=source.headline,
            published=source.published,
            link=source.link,
            mirrors=source.also_at,
            byline=source.byline,
            corrections=source.corrections,
        )


@dataclass(frozen=True, slots=True)
class Disputed:
    """One side of a disagreement between sources, as an answer shows it: what it says and who says so."""

    says: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Item:
    """One sourced statement of an answer.

    `verbatim` says whether `text` is the source's own words (shown as a quotation) or our summary.
    """

    kind: ItemKind
    text: str
    citations: tuple[Citation, ...] = ()  # every source that attests it, in the knowledge's order
    heading: str | None = None
    detail: str | None = None
    date: PartialDate | None = None
    verbatim: bool = False
    corrections: tuple[Correction, ...] = ()
    entry_id: str | None = None
    marks: tuple[tuple[int, int], ...] = ()  # character spans of `text` to set apart (where wordings differ)
    sides: tuple[Disputed, ...] = ()  # the sources disagree: each side, none preferred


@dataclass(frozen=True, slots=True)
class Answer:
    kind: Kind
    title: str
    items: tuple[Item, ...] = ()
    intro: str | None = None
    suggestions: tuple[str, ...] = ()
    query: str = ""
    command: str = ""
    shareable: bool = True
    side_by_side: bool = False
    version: str = ""  # the knowledge version it was answered from; "" for notices (status, refusals)
    more: tuple[str, ...] = ()  # questions that show what this answer left out ("timeline 1961-2000")

    @property
    def corrected(self) -> bool:
        return any(item.corrections or any(c.corrections for c in item.citations) for item in self.items)

    @property
    def disputed(self) -> bool:
        return any(item.sides for item in self.items)
