"""Articles of a treaty or law: the same clause as each outlet translated it, word for word."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.core.answer import Item, ItemKind
from bot.core.index import Doc
from bot.core.kinds.base import EntryKind, Raw
from bot.core.kinds.source import cite
from bot.core.model import Correction, Topic

if TYPE_CHECKING:
    from bot.core.loader.build import Builder
    from bot.core.loader.positions import Path_


@dataclass(frozen=True, slots=True)
class Translation:
    source: str
    text: str
    corrections: tuple[Correction, ...] = ()


@dataclass(frozen=True, slots=True)
class Note:
    text: str
    source: str
    evidence: str


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
        ctx.verbatim(t["source"], t["text"], (*tp, "text"), f"the translation of Article {a['number']}")
        translations.append(
            Translation(t["source"], t["text"], ctx.corrections(t.get("corrections"), (*tp, "corrections")))
        )
    notes = []
    for j, n in enumerate(a.get("notes", [])):
        ctx.verbatim(n["source"], n["evidence"], (*path, "notes", j, "evidence"), "evidence")
        notes.append(Note(n["text"], n["source"], n["evidence"]))
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
    """An article in a list: its first translation stands for it (the article's own answer shows them all)."""
    first = a.translations[0]
    return Item(
        kind=ItemKind.TRANSLATION,
        text=first.text,
        heading=title(a),
        verbatim=True,
        citations=(cite(topic, first.source),),
        entry_id=a.id,
    )


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
