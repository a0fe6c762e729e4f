"""Provisions of other documents: what the sources say about a clause the topic's document cites.

Article 4 of the treaty invokes Article 51 of the UN Charter; reporters then ask `article 51`. The treaty's own
articles are quoted as `articles`; a provision of another document is summarised here, in our words, with the
source's own words as evidence, and always named with its document ("Article 51 of the UN Charter") so that it
is never mistaken for an article of the topic's document.
"""

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
class Provision:
    id: str
    document: str  # "the UN Charter": the document it belongs to, as a sentence names it
    label: str  # "Article 51 of the UN Charter": how answers name it
    text: str  # what the source says it provides, in our words
    source: str
    evidence: str
    number: int | None = None  # its article number in its own document, when it has one
    cited_by: str | None = None  # "Article 4": what of the topic's document cites it
    aliases: tuple[str, ...] = ()
    corrections: tuple[Correction, ...] = ()


def build(ctx: Builder, raw: Raw) -> tuple[Provision, ...]:
    out = []
    for i, p in enumerate(raw):
        path = ("provisions", i)
        ctx.claim_id(p["id"], (*path, "id"))
        ctx.verbatim(p["source"], p["evidence"], (*path, "evidence"), "evidence")
        out.append(
            Provision(
                id=p["id"],
                document=p["document"],
                label=p["label"],
                text=p["text"],
                source=p["source"],
                evidence=p["evidence"],
                number=p.get("number"),
                cited_by=p.get("cited_by"),
                aliases=ctx.claim_aliases(p["id"], p.get("aliases", []), (*path, "aliases")),
                corrections=ctx.corrections(p.get("corrections"), (*path, "corrections")),
            )
        )
    return tuple(out)


def doc(topic: Topic, p: Provision) -> Doc:
    """Named by its label, its number ("article 51", as a reporter types it) and its document; found also by
    what cites it ("which article of the UN Charter does the treaty cite")."""
    numbered = (f"article {p.number}",) if p.number is not None else ()
    cited = f" Cited by {p.cited_by}." if p.cited_by else ""
    return Doc(KIND.name, p.id, (p.label, *numbered, p.document, *p.aliases), p.text + cited, p)


def item(topic: Topic, p: Provision) -> Item:
    cited = f"Cited by {p.cited_by}. " if p.cited_by else ""
    return Item(
        kind=ItemKind.FACT,
        text=p.text,
        heading=p.label,
        detail=f'{cited}The source: "{p.evidence}"',
        citations=(cite(topic, p.source),),
        corrections=p.corrections,
        entry_id=p.id,
    )


KIND = EntryKind(
    name="provision",
    section="provisions",
    singular="cited provision",
    plural="cited provisions",
    model=Provision,
    order=60,
    build=build,
    item=item,
    title=lambda p: p.label,
    doc=doc,
)
