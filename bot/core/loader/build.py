"""From a topic file whose structure is valid to a checked `Topic`: what a schema cannot say.

References, duplicate ids and aliases, calendar dates, and every quote, translation and evidence word for word
in its archived source. The checks shared by every kind are here; each kind's own are in its module of
`bot.core.kinds`, which the builder loops over.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from bot.core.dates import DateError, PartialDate, parse_date
from bot.core.gcpause import release
from bot.core.kinds import KINDS, Entry, EntryKind
from bot.core.loader.positions import Path_, YamlDoc, compose, where
from bot.core.loader.problems import Problem, Severity, has_errors
from bot.core.loader.validate import schema_problems, schema_valid
from bot.core.model import Correction, Topic
from bot.core.text import fold
from bot.core.verify import SourceText

E = TypeVar("E", bound=Entry)


class Builder:
    """Checks and builds one topic; the kinds' `build` functions call back into it."""

    def __init__(self, doc: YamlDoc, data: dict[str, Any], base: Path) -> None:
        self.doc = doc
        self.data = data
        self.base = base
        self.texts: dict[str, SourceText | None] = {}  # source id → its archived text (None: missing)
        self.ids: dict[str, Path_] = {}
        self.aliases: dict[str, tuple[str, Path_]] = {}
        self.built: dict[str, tuple[Any, ...]] = {}

    # -- what kinds call ---------------------------------------------------------------------------
    def at(self, path: Path_) -> tuple[int, int]:
        return self.doc.at(path)

    def error(self, path: Path_, message: str) -> None:
        self.doc.error(path, message)

    def warning(self, path: Path_, message: str) -> None:
        self.doc.error(path, message, severity=Severity.WARNING)

    def section(self, kind: EntryKind[E]) -> tuple[E, ...]:
        """A kind's entries, built on first use: a kind may refer to another (a quote to its speaker)."""
        if kind.section not in self.built:
            self.built[kind.section] = kind.build(self, self.data.get(kind.section, []))
        return self.built[kind.section]

    def date(self, value: Any, path: Path_) -> PartialDate | None:
        try:
            return parse_date(value)
        except DateError as e:
            self.doc.error(path, f"{where(path)}: {e}")
            return None

    def claim_id(self, ident: str, path: Path_) -> None:
        if ident in self.ids:
            line, _ = self.doc.at(self.ids[ident])
            self.doc.error(path, f"duplicate id {ident!r}: already used at line {line}")
        else:
            self.ids[ident] = path

    def claim_aliases(self, owner: str, aliases: Iterable[str], path: Path_) -> tuple[str, ...]:
        out = []
        for i, alias in enumerate(aliases):
            key = fold(alias)
            prev = self.aliases.get(key)
            if prev and prev[0] != owner:
                line, _ = self.doc.at(prev[1])
                self.doc.error(
                    (*path, i),
                    f"alias {alias!r} is claimed by {prev[0]!r} (line {line}) and {owner!r}; "
                    "an alias must lead to one entry",
                )
            elif not prev:
                self.aliases[key] = (owner, (*path, i))
            out.append(alias)
        return tuple(out)

    def source_ref(self, sid: str, path: Path_) -> bool:
        if sid not in self.texts:
            known = ", ".join(self.texts) or "none"
            self.doc.error(path, f"source {sid!r} is not in `sources` (known: {known})")
            return False
        return True

    def verbatim(self, sid: str, text: str, path: Path_, what: str) -> None:
        """A quote, translation or evidence must stand word for word in its archived source."""
        if not self.source_ref(sid, (*path[:-1], "source") if path[-1] != "source" else path):
            return
        src = self.texts[sid]
        if src is None:
            return  # the missing archive was reported once already
        if not src.contains(text):
            closest = src.closest(text)
            hint = f'; closest passage in the source: "{closest}"' if closest else ""
            self.doc.error(path, f"{what} is not word for word in source {sid!r}{hint}")

    def corrections(self, raw: list[dict[str, Any]] | None, path: Path_) -> tuple[Correction, ...]:
        out = []
        for i, c in enumerate(raw or []):
            d = self.date(c["date"], (*path, i, "date"))
            if d:
                out.append(Correction(d, c["wrong"], c["right"]))
        return tuple(out)

    # -- the topic ---------------------------------------------------------------------------------
    def build(self) -> Topic:
        d = self.data
        entries = {kind.section: self.section(kind) for kind in KINDS}
        return Topic(
            topic=d["topic"],
            command=d["command"],
            title=d["title"],
            summary=d["summary"],
            path=self.doc.file,
            entries=entries,
            examples=tuple(d.get("examples", [])),
            source_by_id={s.id: s for s in entries.get("sources", ())},
            person_by_id={p.id: p for p in entries.get("people", ())},
        )


def load_topic(path: Path, display: str | None = None) -> tuple[Topic | None, list[Problem]]:
    """Load one topic file. Returns the topic (None if it has any error) and all problems found."""
    name = display or str(path)
    try:
        raw = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return None, [Problem(name, 1, 1, Severity.ERROR, f"cannot read the file: {e}")]
    node, problems = compose(raw, name)
    if problems:
        return None, problems
    if node is None:
        return None, [
            Problem(name, 1, 1, Severity.ERROR, "the file is empty; expected a topic (see knowledge/README.md)")
        ]
    doc = YamlDoc(name)
    data = doc.to_data(node)
    if not schema_valid(data):
        schema_problems(doc, data)
        if not doc.problems:  # the two validators disagree: never load what one of them rejects
            doc.error((), "the file does not match the knowledge schema")
    if has_errors(doc.problems):
        return None, doc.problems
    builder = Builder(doc, data, path.parent)
    topic = builder.build()
    digest = hashlib.sha256(raw.encode("utf-8"))
    for src in topic.sources:
        text = builder.texts.get(src.id)
        digest.update(text.normalised.encode("utf-8") if text else b"")
    topic = dataclasses.replace(topic, digest=digest.hexdigest())
    for scaffolding in (node, data, doc.pos, doc.key_pos):  # freed piece by piece: a reload must not stall answers
        release(scaffolding)
    return (None if has_errors(doc.problems) else topic), doc.problems
