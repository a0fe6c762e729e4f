"""Facts: a statement in our words, backed by evidence copied word for word from its source."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.answer import Item, ItemKind
from bot.core.index import Doc
from bot.core.kinds.base import EntryKind, Raw
from bot.core.kinds.source import cites, disputed
from bot.core.model import Attestation, Correction, Side, Topic

if TYPE_CHECKING:
    from bot.core.loader.build import Builder


@dataclass(frozen=True, slots=True)
class Fact:
    id: str
    text: str
    source: str  # the first attesting source
    evidence: str
    aliases: tuple[str, ...] = ()
    corrections: tuple[Correction, ...] = ()
    attestations: tuple[Attestation, ...] = ()  # every source that attests it, each with its evidence
    sides: tuple[Side, ...] = ()  # the sources disagree: `text` says on what, each side what it holds


def build(ctx: Builder, raw: Raw) -> tuple[Fact, ...]:
    out = []
    for i, f in enumerate(raw):
        path = ("facts", i)
        ctx.claim_id(f["id"], (*path, "id"))
        sides: tuple[Side, ...] = ()
        if "disagreement" in f:
            for key in ("source", "sources"):
                if key in f:
                    ctx.error((*path, key), f"a fact whose sources disagree takes no `{key}`: each side has its own")
            sides = ctx.disagreement(f["disagreement"], (*path, "disagreement"), dated=False)
            attested = tuple(a for side in sides for a in side.attestations)
        else:
            attested = ctx.attestations(f, path, "evidence")
        if not attested:
            continue
        out.append(
            Fact(
                id=f["id"],
                text=f["text"],
                source=attested[0].source,
                evidence=attested[0].evidence or "",
                aliases=ctx.claim_aliases(f["id"], f.get("aliases", []), (*path, "aliases")),
                corrections=ctx.corrections(f.get("corrections"), (*path, "corrections")),
                attestations=attested,
                sides=sides,
            )
        )
    return tuple(out)


def doc(topic: Topic, f: Fact) -> Doc:
    return Doc(KIND.name, f.id, f.aliases, " ".join([f.text, *(s.claim or "" for s in f.sides)]), f)


def item(topic: Topic, f: Fact) -> Item:
    return Item(
        kind=ItemKind.FACT,
        text=f.text,
        detail=None if f.sides else evidence(topic, f.attestations),
        citations=cites(topic, f.attestations),
        corrections=f.corrections,
        entry_id=f.id,
        sides=disputed(topic, f.sides),
    )


def evidence(topic: Topic, attestations: tuple[Attestation, ...]) -> str:
    """The sources' own words: one source's alone, several each named (each is verified in its source)."""
    if len(attestations) == 1:
        return f'The source: "{attestations[0].evidence}"'
    each = " · ".join(f'{topic.source_by_id[a.source].credit}: "{a.evidence}"' for a in attestations)
    return f"The sources: {each}"


KIND = EntryKind(
    name="fact",
    section="facts",
    singular="fact",
    plural="facts",
    model=Fact,
    order=50,
    build=build,
    item=item,
    title=lambda f: f.text,
    doc=doc,
)
