"""Dated events: the timeline, each date at the precision its source gives, in date order."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from bot.core import datecheck
from bot.core.answer import Item, ItemKind
from bot.core.dates import PartialDate
from bot.core.index import Doc
from bot.core.kinds import source
from bot.core.kinds.base import EntryKind, Raw
from bot.core.kinds.source import cite
from bot.core.model import Correction, Source, Topic
from bot.core.text import fold

if TYPE_CHECKING:
    from bot.core.loader.build import Builder
    from bot.core.loader.positions import Path_


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
    relative_to: str | None = None  # the event a relative date counts from
    counted_from: str = ""  # what the relative date was resolved against, as the answer says it


def build(ctx: Builder, raw: Raw) -> tuple[Event, ...]:
    """Events in date order; one whose date is wrong is reported and left out."""
    sources = {s.id: s for s in ctx.section(source.KIND)}
    built = [_event(ctx, e, ("timeline", i)) for i, e in enumerate(raw)]
    known = {e.id: e for e in built if e}
    events = (_dated(ctx, e, raw[i], ("timeline", i), sources, known) for i, e in enumerate(built) if e)
    return tuple(sorted(events, key=lambda e: e.date.sort_key))


def _dated(ctx: Builder, e: Event, raw: dict[str, Any], path: Path_, sources: dict[str, Source],
           known: dict[str, Event]) -> Event:  # fmt: skip
    """The date against its evidence, once every event's date is known (a date may count from another's)."""
    ref = raw.get("relative_to")
    anchor = datecheck.anchor(ctx, ref, (*path, "relative_to"), e.id, known)
    against = datecheck.attest(ctx, path, e.date, [e.evidence], e.as_written, sources.get(e.source), anchor)
    return replace(e, relative_to=ref, counted_from=against)


def _event(ctx: Builder, e: dict[str, Any], path: Path_) -> Event | None:
    ctx.claim_id(e["id"], (*path, "id"))
    ctx.verbatim(e["source"], e["evidence"], (*path, "evidence"), "evidence")
    if "as_written" in e and fold(e["as_written"]) not in fold(e["evidence"]):
        ctx.error(
            (*path, "as_written"),
            f"as_written {e['as_written']!r} does not appear in this event's evidence; "
            "quote the article's own words for the date",
        )
    date = ctx.date(e["date"], (*path, "date"))
    if date is None:
        return None
    return Event(
        id=e["id"],
        date=date,
        what=e["what"],
        source=e["source"],
        evidence=e["evidence"],
        as_written=e.get("as_written"),
        aliases=ctx.claim_aliases(e["id"], e.get("aliases", []), (*path, "aliases")),
        corrections=ctx.corrections(e.get("corrections"), (*path, "corrections")),
    )


def doc(topic: Topic, e: Event) -> Doc:
    return Doc(KIND.name, e.id, e.aliases, f"{e.what} {e.date.year}", e)


def item(topic: Topic, e: Event) -> Item:
    detail = None
    if e.as_written or e.counted_from:
        said = f'The source says "{e.as_written}"' if e.as_written else "The source dates it by another event"
        detail = f"{said}, counted from {e.counted_from}." if e.counted_from else f"{said}."
    return Item(
        kind=ItemKind.EVENT,
        text=e.what,
        heading=e.date.display(),
        detail=detail,
        date=e.date,
        citations=(cite(topic, e.source),),
        corrections=e.corrections,
        entry_id=e.id,
    )


KIND = EntryKind(
    name="event",
    section="timeline",
    singular="event",
    plural="events",
    model=Event,
    order=40,
    build=build,
    item=item,
    title=lambda e: e.what,
    doc=doc,
)
