"""Dated events: the timeline, each date at the precision its source gives, in date order."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from bot.core import datecheck
from bot.core.answer import Item, ItemKind
from bot.core.dates import PartialDate
from bot.core.index import Doc
from bot.core.kinds import source
from bot.core.kinds.base import EntryKind, Raw
from bot.core.kinds.source import cites, disputed
from bot.core.model import Attestation, Correction, Side, Source, Topic
from bot.core.text import fold

if TYPE_CHECKING:
    from bot.core.loader.build import Builder
    from bot.core.loader.positions import Path_


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    date: PartialDate
    what: str
    source: str  # the first attesting source (of the first side, when the sources disagree)
    evidence: str
    as_written: str | None = None
    aliases: tuple[str, ...] = ()
    corrections: tuple[Correction, ...] = ()
    attestations: tuple[Attestation, ...] = ()  # every source that attests it, each with its evidence
    sides: tuple[Side, ...] = ()  # the sources disagree on its date: each side; `date` is the earliest
    relative_to: str | None = None  # the event a relative date counts from
    counted_from: tuple[str, ...] = ()  # per attestation: what its relative date was resolved against ("": none)

    @property
    def when(self) -> str:
        """Its date as a heading shows it; when the sources disagree, every side's date and no preference."""
        if not self.sides:
            return self.date.display()
        ordered = sorted((s.date for s in self.sides if s.date), key=lambda d: d.sort_key)  # in time: no rank
        dates = list(dict.fromkeys(d.display() for d in ordered))
        return f"{', '.join(dates[:-1])} or {dates[-1]} (the sources disagree)"


def build(ctx: Builder, raw: Raw) -> tuple[Event, ...]:
    """Events in date order; one whose date is wrong is reported and left out."""
    sources = {s.id: s for s in ctx.section(source.KIND)}
    first = [_event(ctx, e, ("timeline", i)) for i, e in enumerate(raw)]
    known = {e.id: e for e in first if e}
    events = (_dated(ctx, e, raw[i], ("timeline", i), sources, known) for i, e in enumerate(first) if e)
    built = tuple(sorted(events, key=lambda e: e.date.sort_key))
    look_alikes(ctx, raw, built)
    return built


def _dated(ctx: Builder, e: Event, raw: dict[str, Any], path: Path_, sources: dict[str, Source],
           known: dict[str, Event]) -> Event:  # fmt: skip
    """Each attestation's date against its own words, once every event's date is known (a date may count from
    another event's). Returns the event with what each relative date was counted from."""
    ref = raw.get("relative_to")
    anchor = datecheck.anchor(ctx, ref, (*path, "relative_to"), e.id, known)
    dated = (
        [((*path, "disagreement", i), side.date, side.attestations) for i, side in enumerate(e.sides) if side.date]
        if e.sides
        else [(path, e.date, e.attestations)]
    )
    counted = tuple(
        c
        for at, date, attestations in dated
        for c in datecheck.attest_all(
            ctx, at, date, [([a.evidence or ""], a.as_written, sources.get(a.source)) for a in attestations], anchor
        )
    )
    return replace(e, relative_to=ref, counted_from=counted)


def _event(ctx: Builder, e: dict[str, Any], path: Path_) -> Event | None:
    ctx.claim_id(e["id"], (*path, "id"))
    sides: tuple[Side, ...] = ()
    if "disagreement" in e:
        for key in ("date", "source", "sources"):
            if key in e:
                ctx.error((*path, key), f"an event whose sources disagree takes no `{key}`: each side has its own")
        sides = ctx.disagreement(e["disagreement"], (*path, "disagreement"), dated=True)
        attested = tuple(a for side in sides for a in side.attestations)
        dated = [(s.date, (*path, "disagreement", i, "date"), s.attestations) for i, s in enumerate(sides) if s.date]
    else:
        attested = ctx.attestations(e, path, "evidence")
        date = ctx.date(e["date"], (*path, "date")) if "date" in e else None
        if "date" not in e:
            ctx.error(path, "an event needs its `date` (or a `disagreement` whose sides give theirs)")
        dated = [(date, (*path, "date"), attested)] if date else []
    if not dated or not attested:
        return None
    first = attested[0]
    return Event(
        id=e["id"],
        date=min((d for d, _, _ in dated), key=lambda d: d.sort_key),
        what=e["what"],
        source=first.source,
        evidence=first.evidence or "",
        as_written=first.as_written,
        aliases=ctx.claim_aliases(e["id"], e.get("aliases", []), (*path, "aliases")),
        corrections=ctx.corrections(e.get("corrections"), (*path, "corrections")),
        attestations=attested,
        sides=sides,
    )


_LOOKALIKE_WORDS = 3  # an event described in fewer content words is too short to call a look-alike


def look_alikes(ctx: Builder, raw: Raw, events: tuple[Event, ...]) -> None:
    """Warn where two events read alike (the same content words in `what`) but are dated differently and no
    disagreement is recorded: often one event entered twice from two sources that disagree. One pass, by key."""
    by_id = {e.id: e for e in events}
    seen: dict[frozenset[str], tuple[Event, Path_]] = {}
    for i, r in enumerate(raw):
        e = by_id.get(r.get("id", ""))
        words = frozenset(w for w in fold(r.get("what", "")).split() if len(w) > 3 and not w.isdigit())
        if e is None or e.sides or len(words) < _LOOKALIKE_WORDS:
            continue
        prev = seen.setdefault(words, (e, ("timeline", i)))
        if prev[0] is not e and prev[0].date != e.date:
            line, _ = ctx.at(prev[1])
            ctx.warning(
                ("timeline", i, "what"),
                f"event {e.id!r} reads like {prev[0].id!r} (line {line}) but is dated {e.date.iso()}, not "
                f"{prev[0].date.iso()}: if the sources disagree, make them one event with `disagreement:`",
            )


def _date_words(d: PartialDate) -> list[str]:
    """A date as a reporter asks for it: "1961", "december 2024", "december 5" (the day only with its month)."""
    words = [str(d.year)]
    if d.month is not None and d.qualifier == "":
        words.append(calendar.month_name[d.month])
        if d.day is not None:
            words.append(str(d.day))
    return words


def doc(topic: Topic, e: Event) -> Doc:
    """Indexed with its dates, so that "what happened on december 5" finds the event of 5 December."""
    dated = dict.fromkeys(w for d in (e.date, *(s.date for s in e.sides)) if d for w in _date_words(d))
    claims = (s.claim or "" for s in e.sides)
    return Doc(KIND.name, e.id, e.aliases, " ".join([e.what, *dated, *claims]), e)


def _counted(e: Event) -> list[tuple[Attestation, str]]:
    """Each attestation with what its relative date was counted from ("" where its words are absolute)."""
    attested = [a for side in e.sides for a in side.attestations] if e.sides else list(e.attestations)
    return list(zip(attested, e.counted_from, strict=False))


def item(topic: Topic, e: Event) -> Item:
    relative = [(a, against) for a, against in _counted(e) if a.as_written or against]
    detail = None
    if len(relative) == 1 and len(e.attestations) == 1:
        a, against = relative[0]
        said = f'The source says "{a.as_written}"' if a.as_written else "The source dates it by another event"
        detail = f"{said}, counted from {against}." if against else f"{said}."
    elif relative:
        said = "; ".join(
            f'{topic.source_by_id[a.source].credit} "{a.as_written or "by another event"}"'
            + (f", counted from {against}" if against else "")
            for a, against in relative
        )
        detail = f"Where a source dates it in relative words: {said}."
    return Item(
        kind=ItemKind.EVENT,
        text=e.what,
        heading=e.when,
        detail=detail,
        date=e.date,
        citations=cites(topic, e.attestations),
        corrections=e.corrections,
        entry_id=e.id,
        sides=disputed(topic, e.sides),
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
