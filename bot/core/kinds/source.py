"""Sources: the archived articles every other entry is checked against and cited from.

`Source` itself lives in `bot.core.model`: citations (`bot.core.answer`) and topics refer to it, and every
other kind's module cites through `cite` here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from bot.core import datecheck
from bot.core.answer import Citation, Disputed, Item, ItemKind
from bot.core.dates import PartialDate
from bot.core.index import analyse, stem
from bot.core.kinds.base import EntryKind, Raw
from bot.core.model import Attestation, Mirror, Side, Source, Topic
from bot.core.query import ARTICLE_ITSELF
from bot.core.verify import SourceText

if TYPE_CHECKING:
    from bot.core.loader.build import Builder
    from bot.core.loader.positions import Path_


def cite(topic: Topic, source_id: str) -> Citation:
    return Citation.of(topic.source_by_id[source_id])


def cites(topic: Topic, attestations: Iterable[Attestation]) -> tuple[Citation, ...]:
    """Every attesting source, once each, in the knowledge's order."""
    ids = dict.fromkeys(a.source for a in attestations)
    return tuple(cite(topic, sid) for sid in ids)


def disputed(topic: Topic, sides: Iterable[Side]) -> tuple[Disputed, ...]:
    return tuple(Disputed(s.says, cites(topic, s.attestations)) for s in sides)


def outlets(topic: Topic, attestations: Iterable[Attestation]) -> str:
    """ "Reuters, The Straits Times and Rappler": the attesting outlets, as a heading names them."""
    names = list(dict.fromkeys(topic.source_by_id[a.source].outlet for a in attestations))
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def build(ctx: Builder, raw: Raw) -> tuple[Source, ...]:
    return tuple(_source(ctx, s, ("sources", i)) for i, s in enumerate(raw))


def _source(ctx: Builder, s: dict[str, Any], path: Path_) -> Source:
    sid = s["id"]
    ctx.claim_id(sid, (*path, "id"))
    from bot.core.loader.archive import UnsafeRead, read_archive  # here: the loader imports the kinds

    try:
        ctx.texts[sid] = SourceText(read_archive(ctx.base, s["archive"]))
    except UnsafeRead as e:
        ctx.texts[sid] = None
        ctx.error((*path, "archive"), f"archived text {e}")
    published = ctx.date(s["published"], (*path, "published")) or PartialDate(1)
    if "published_evidence" in s:
        ctx.verbatim(sid, s["published_evidence"], (*path, "published_evidence"), "published_evidence")
        datecheck.published(ctx, path, published, s["published_evidence"])
    if "link" not in s:
        ctx.warning(
            (*path, "id"),
            f"source {sid!r} has no link: it is shown without one (right when none is known; never invent one)",
        )
    return Source(
        id=sid,
        outlet=s["outlet"],
        headline=s["headline"],
        published=published,
        archive=s["archive"],
        republished_by=s.get("republished_by"),
        byline=s.get("byline"),
        dateline=s.get("dateline"),
        link=s.get("link"),
        also_at=tuple(Mirror(m["outlet"], m["link"], m.get("note")) for m in s.get("also_at", [])),
        archived_from=s.get("archived_from"),
        corrections=ctx.corrections(s.get("corrections"), (*path, "corrections")),
    )


_STORY_WORDS = "wrote write written writer author authors byline reporter reporters story headline link"
_ABOUT_A_STORY = frozenset(stem(w) for w in _STORY_WORDS.split())
_A_TEXT = frozenset(stem(w) for w in (*ARTICLE_ITSELF, "english")) - {stem(w) for w in ("article", "articles", "art")}


def asked_about(topic: Topic, terms: Iterable[str]) -> tuple[Source, ...]:
    """The sources a question asks about as stories ("who wrote the reuters story"): it names their outlet
    and asks for their author, headline or link, and nothing else. What a story is ("link to kcna's english
    text": its text, its version, in English) is no other word: the possessive "'s" and those name no outlet,
    and with no story word asked ("kcna full text") the question is about what the text says, not its source."""
    words = {stem(t) for t in terms if t != "s"}
    outlet = words - _ABOUT_A_STORY - _A_TEXT
    if not outlet or not words & _ABOUT_A_STORY:
        return ()
    return tuple(s for s in topic.sources if outlet <= set(analyse(f"{s.outlet} {s.id}")))


def item(topic: Topic, s: Source) -> Item:
    detail = f"By {s.byline}" if s.byline else None
    return Item(kind=ItemKind.SOURCE, text=s.headline, heading=s.credit, detail=detail, date=s.published,
                citations=(Citation.of(s),), entry_id=s.id)  # fmt: skip


KIND = EntryKind(
    name="source",
    section="sources",
    singular="source",
    plural="sources",
    model=Source,
    order=10,
    build=build,
    item=item,
    title=lambda s: s.headline,
)
