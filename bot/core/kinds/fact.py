"""Facts: a statement in our words, backed by evidence copied word for word from its source."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.answer import Item, ItemKind
from bot.core.index import Doc
from bot.core.kinds.base import EntryKind, Raw
from bot.core.kinds.source import cite
from bot.core.model import Correction, Topic

if TYPE_CHECKING:
    from bot.core.loader.build import Builder


@dataclass(frozen=True, slots=True)
class Fact:
    id: str
    text: str
    source: str
    evidence: str
    aliases: tuple[str, ...] = ()
    corrections: tuple[Correction, ...] = ()


def build(ctx: Builder, raw: Raw) -> tuple[Fact, ...]:
    out = []
    for i, f in enumerate(raw):
        path = ("facts", i)
        ctx.claim_id(f["id"], (*path, "id"))
        ctx.verbatim(f["source"], f["evidence"], (*path, "evidence"), "evidence")
        out.append(
            Fact(
                id=f["id"],
                text=f["text"],
                source=f["source"],
                evidence=f["evidence"],
                aliases=ctx.claim_aliases(f["id"], f.get("aliases", []), (*path, "aliases")),
                corrections=ctx.corrections(f.get("corrections"), (*path, "corrections")),
            )
        )
    return tuple(out)


def doc(topic: Topic, f: Fact) -> Doc:
    return Doc(KIND.name, f.id, f.aliases, f.text, f)


def item(topic: Topic, f: Fact) -> Item:
    return Item(
        kind=ItemKind.FACT,
        text=f.text,
        detail=f'The source: "{f.evidence}"',
        citations=(cite(topic, f.source),),
        corrections=f.corrections,
        entry_id=f.id,
    )


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
