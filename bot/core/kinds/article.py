"""Articles of a treaty or law: the same clause as each outlet translated it, word for word."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.core.answer import Item, ItemKind
from bot.core.index import Doc
from bot.core.kinds.base import EntryKind, Raw
from bot.core.kinds.source import cites, outlets
from bot.core.model import Attestation, Correction, Topic, corrections_in

if TYPE_CHECKING:
    from bot.core.loader.build import Builder
    from bot.core.loader.positions import Path_


@dataclass(frozen=True, slots=True)
class Translation:
    source: str  # the first source that prints it
    text: str
    corrections: tuple[Correction, ...] = ()
    attestations: tuple[Attestation, ...] = ()  # every source that prints it (or, with evidence, part of it)
    origin: str | None = None  # whose text it is, when known and not the outlet's: "KCNA's own English text"


@dataclass(frozen=True, slots=True)
class Note:
    text: str
    source: str
    evidence: str
    attestations: tuple[Attestation, ...] = ()
    corrections: tuple[Correction, ...] = ()


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


def build(ctx: Builder, raw: Raw) -> tuple[Article, ...]:
    out = []
    seen: dict[int, Path_] = {}
    for i, a in enumerate(raw):
        path: Path_ = ("articles", i)
        if a["number"] in seen:
            line, _ = ctx.at(seen[a["number"]])
            ctx.error((*path, "number"), f"Article {a['number']} is already defined at line {line}")
        seen[a["number"]] = (*path, "number")
        out.append(_article(ctx, a, path))
    return tuple(out)


def _article(ctx: Builder, a: dict[str, Any], path: Path_) -> Article:
    translations = []
    for j, t in enumerate(a["translations"]):
        tp: Path_ = (*path, "translations", j)
        what = f"the translation of Article {a['number']}"
        attested = ctx.attestations(t, tp, what, text=t["text"])
        fixes = ctx.corrections(t.get("corrections"), (*tp, "corrections"))
        if attested:
            translations.append(Translation(attested[0].source, t["text"], fixes, attested, t.get("origin")))
    notes = []
    for j, n in enumerate(a.get("notes", [])):
        np_: Path_ = (*path, "notes", j)
        attested = ctx.attestations(n, np_, "evidence")
        fixes = ctx.corrections(n.get("corrections"), (*np_, "corrections"))
        if attested:
            notes.append(Note(n["text"], attested[0].source, attested[0].evidence or "", attested, fixes))
    return Article(
        number=a["number"],
        title=a["title"],
        translations=tuple(translations),
        aliases=ctx.claim_aliases(f"article-{a['number']}", a.get("aliases", []), (*path, "aliases")),
        notes=tuple(notes),
        corrections=ctx.corrections(a.get("corrections"), (*path, "corrections")),
    )


def doc(topic: Topic, a: Article) -> Doc:
    body = " ".join([*(t.text for t in a.translations), *(n.text for n in a.notes)])
    return Doc(KIND.name, a.id, (f"article {a.number}", a.title, *a.aliases), body, a)


def item(topic: Topic, a: Article) -> Item:
    """An article in a list: its first translation stands for it (the article's own answer shows them all),
    with every correction of the article and of its parts, so that no list shows a corrected text bare."""
    first = a.translations[0]
    return Item(
        kind=ItemKind.TRANSLATION,
        text=first.text,
        heading=title(a),
        verbatim=True,
        citations=cites(topic, first.attestations),
        corrections=tuple(corrections_in(a)),
        entry_id=a.id,
    )


def translation_item(topic: Topic, a: Article, t: Translation, word: str = "Translation") -> Item:
    """One wording of the article, headed by whose text it is and every outlet that prints it."""
    by = outlets(topic, t.attestations)
    return Item(
        kind=ItemKind.TRANSLATION,
        text=t.text,
        heading=f"{t.origin}, as printed by {by}" if t.origin else f"{word} by {by}",
        verbatim=True,
        citations=cites(topic, t.attestations),
        corrections=t.corrections,
        entry_id=a.id,
    )


def notes_items(topic: Topic, a: Article) -> list[Item]:
    """The article's notes, each with its corrections; a correction to the article itself comes first."""
    out = [
        Item(kind=ItemKind.NOTE, text=n.text, citations=cites(topic, n.attestations), corrections=n.corrections)
        for n in a.notes
    ]
    if a.corrections:
        out.insert(0, Item(kind=ItemKind.NOTE, text=f"This entry for {title(a)} was corrected.",
                           corrections=a.corrections, entry_id=a.id))  # fmt: skip
    return out


def title(a: Article) -> str:
    return f"Article {a.number}: {a.title}"


KIND = EntryKind(
    name="article",
    section="articles",
    singular="article",
    plural="articles",
    model=Article,
    order=20,
    build=build,
    item=item,
    title=title,
    doc=doc,
)
