"""People (and organisations) who are quoted or named: found by name or alias, cited from a source."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from bot.core.answer import Item, ItemKind
from bot.core.index import Doc
from bot.core.kinds.base import EntryKind, Raw
from bot.core.kinds.source import cites
from bot.core.model import Attestation, Correction, Topic

if TYPE_CHECKING:
    from bot.core.loader.build import Builder
    from bot.core.loader.positions import Path_

#: What a person entry is; schema.json lists the same words (a test checks they agree).
PersonKind = Literal["person", "organisation", "government", "group"]


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    source: str
    kind: PersonKind = "person"
    role: str | None = None
    aliases: tuple[str, ...] = ()
    evidence: str | None = None
    corrections: tuple[Correction, ...] = ()
    attestations: tuple[Attestation, ...] = ()


def build(ctx: Builder, raw: Raw) -> tuple[Person, ...]:
    out = []
    for i, p in enumerate(raw):
        path: Path_ = ("people", i)
        ctx.claim_id(p["id"], (*path, "id"))
        attested = ctx.attestations(p, path, "evidence", evidence=False)
        if attested:
            out.append(_person(ctx, p, path, attested))
    return tuple(out)


def _person(ctx: Builder, p: dict[str, Any], path: Path_, attested: tuple[Attestation, ...]) -> Person:
    return Person(
        id=p["id"],
        name=p["name"],
        source=attested[0].source,
        kind=p.get("kind", "person"),
        role=p.get("role"),
        aliases=ctx.claim_aliases(p["id"], [p["name"], *p.get("aliases", [])], (*path, "aliases")),
        evidence=attested[0].evidence,
        corrections=ctx.corrections(p.get("corrections"), (*path, "corrections")),
        attestations=attested,
    )


def doc(topic: Topic, p: Person) -> Doc:
    return Doc(KIND.name, p.id, (p.name, *p.aliases), p.role or "", p)


def item(topic: Topic, p: Person) -> Item:
    return Item(
        kind=ItemKind.PERSON,
        text=p.role or p.kind,
        heading=p.name,
        citations=cites(topic, p.attestations),
        corrections=p.corrections,
        entry_id=p.id,
    )


KIND = EntryKind(
    name="person",
    section="people",
    singular="person",
    plural="people",
    model=Person,
    order=60,
    build=build,
    item=item,
    title=lambda p: p.name,
    doc=doc,
)
