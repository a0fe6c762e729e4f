"""Quotes: what a person said, word for word as the source printed it (or reported it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from bot.core import datecheck
from bot.core.answer import Item, ItemKind
from bot.core.dates import PartialDate
from bot.core.index import Doc
from bot.core.kinds import person, source
from bot.core.kinds.base import EntryKind, Raw
from bot.core.kinds.source import cites
from bot.core.model import Attestation, Correction, Topic

if TYPE_CHECKING:
    from bot.core.loader.build import Builder
    from bot.core.loader.positions import Path_

#: direct: the speaker's own words in quotation marks; reported: the outlet's account of them (as schema.json).
QuoteKind = Literal["direct", "reported"]


@dataclass(frozen=True, slots=True)
class Quote:
    id: str
    speaker: str
    text: str
    source: str
    kind: QuoteKind = "direct"
    context: str | None = None
    said: PartialDate | None = None
    said_evidence: str | None = None
    corrections: tuple[Correction, ...] = ()
    attestations: tuple[Attestation, ...] = ()  # every source that prints it (`source` is the first)


def build(ctx: Builder, raw: Raw) -> tuple[Quote, ...]:
    person_ids = {p.id for p in ctx.section(person.KIND)}
    return tuple(_quote(ctx, q, ("quotes", i), person_ids) for i, q in enumerate(raw))


def _quote(ctx: Builder, q: dict[str, Any], path: Path_, person_ids: set[str]) -> Quote:
    ctx.claim_id(q["id"], (*path, "id"))
    if q["speaker"] not in person_ids:
        ctx.error((*path, "speaker"), f"speaker {q['speaker']!r} is not in `people`; add them there first")
    attested = ctx.attestations(q, path, "quote", text=q["text"])
    first = attested[0].source if attested else q.get("source", "")
    if "said_evidence" in q and attested:
        ctx.verbatim(first, q["said_evidence"], (*path, "said_evidence"), "said_evidence")
    said = ctx.date(q["said"], (*path, "said")) if "said" in q else None
    if said and "said_evidence" in q:
        src = next((s for s in ctx.section(source.KIND) if s.id == q["source"]), None)
        datecheck.said(ctx, path, said, q["said_evidence"], src)
    return Quote(
        id=q["id"],
        speaker=q["speaker"],
        text=q["text"],
        source=first,
        kind=q.get("kind", "direct"),
        context=q.get("context"),
        said=said,
        said_evidence=q.get("said_evidence"),
        corrections=ctx.corrections(q.get("corrections"), (*path, "corrections")),
        attestations=attested,
    )


def speaker(topic: Topic, q: Quote) -> str:
    p = topic.person_by_id.get(q.speaker)
    return p.name if p else q.speaker


def doc(topic: Topic, q: Quote) -> Doc:
    who = topic.person_by_id.get(q.speaker)
    names = [who.name, *who.aliases, who.role or ""] if who else [q.speaker]  # a minister speaks for a country
    return Doc(KIND.name, q.id, (q.text,), " ".join([*names, q.context or ""]), q)


def item(topic: Topic, q: Quote) -> Item:
    src = topic.source_by_id[q.source]
    # A direct quote's date is when it was said, or else when it was published: "reported" would read as
    # reported speech, which is the other label.
    published = "published" if q.kind == "direct" else "reported"
    when = f"said {q.said.display()}" if q.said else f"{published} {src.published.display()}"
    style = " — direct quote" if q.kind == "direct" else " — reported speech: the outlet's account, not a direct quote"
    return Item(
        kind=ItemKind.QUOTE,
        text=q.text,
        heading=f"{speaker(topic, q)}{style}",
        detail=" — ".join(x for x in (q.context, when) if x),
        date=q.said,
        verbatim=True,
        citations=cites(topic, q.attestations),
        corrections=q.corrections,
        entry_id=q.id,
    )


KIND = EntryKind(
    name="quote",
    section="quotes",
    singular="quote",
    plural="quotes",
    model=Quote,
    order=30,
    build=build,
    item=item,
    title=lambda q: "Quotes",
    doc=doc,
)
