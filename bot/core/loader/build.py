"""From a topic file whose structure is valid to a checked `Topic`: what a schema cannot say.

References, duplicate ids and aliases, calendar dates, and every quote, translation and evidence word for word
in its archived source. The checks shared by every kind are here; each kind's own are in its module of
`bot.core.kinds`, which the builder loops over.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from bot.core.dates import DateError, PartialDate, parse_date
from bot.core.gcpause import release
from bot.core.kinds import KINDS, Entry, EntryKind
from bot.core.loader import terms as glossary
from bot.core.loader.archive import MAX_TOPIC_BYTES, UnsafeRead, decode, read_bytes
from bot.core.loader.positions import Path_, YamlDoc, compose, where
from bot.core.loader.problems import Problem, Severity, has_errors
from bot.core.loader.validate import schema_problems, schema_valid
from bot.core.model import Attestation, Correction, Document, Side, Topic, corrections_in
from bot.core.text import fold
from bot.core.verify import SourceText, misquoted

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
        self.corrected: dict[tuple[Any, ...], None] = {}  # (section, index) of each entry with a correction

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
            self.doc.error(path, misquoted(src, text, f"{what} is not word for word in source {sid!r}"))

    def corrections(self, raw: list[dict[str, Any]] | None, path: Path_) -> tuple[Correction, ...]:
        out = []
        if raw:
            self.corrected[path[:2]] = None
        for i, c in enumerate(raw or []):
            d = self.date(c["date"], (*path, i, "date"))
            if d:
                out.append(Correction(d, c["wrong"], c["right"]))
        return tuple(out)

    def attestations(
        self, raw: dict[str, Any], path: Path_, what: str, *, text: str | None = None, evidence: bool = True
    ) -> tuple[Attestation, ...]:
        """The sources that attest an entry or a part of one: one `source` (the old form) or a `sources` list.

        `text` (a quote, a translation) must stand word for word in every attesting source, or, where an
        attestation gives `evidence`, that evidence must (the source prints only that part of the text).
        Otherwise each attestation needs its own `evidence` when `evidence` is asked for (events, facts).
        """
        if "source" in raw and "sources" in raw:
            self.error((*path, "sources"), "give `source` (one source) or `sources` (several), not both")
            return ()
        many = "sources" in raw
        listed = [(a, (*path, "sources", i)) for i, a in enumerate(raw["sources"])] if many else [(raw, path)]
        if not many and "source" not in raw:
            self.error(path, "needs `source` (one source) or `sources` (several), each with its evidence")
            return ()
        out: list[Attestation] = []
        for a, at in listed:
            sid = a["source"]
            if any(x.source == sid for x in out):
                self.error((*at, "source"), f"source {sid!r} is listed twice; list each attesting source once")
                continue
            if text is not None and (not many or "evidence" not in a):
                self.verbatim(sid, text, (*path, "text") if not many else (*at, "source"), what)
            if "evidence" in a:
                self.verbatim(sid, a["evidence"], (*at, "evidence"), "evidence")
                if text is not None and many and fold(a["evidence"]) not in fold(text):
                    self.error(
                        (*at, "evidence"),
                        f"this evidence is not part of the text it attests ({what}); give the words {sid!r} prints",
                    )
            elif evidence and text is None:
                self.error((*at, "source"), f"source {sid!r} needs its `evidence`: words copied exactly from it")
            if "as_written" in a and fold(a["as_written"]) not in fold(a.get("evidence", "")):
                self.error(
                    (*at, "as_written"),
                    f"as_written {a['as_written']!r} does not appear in this source's evidence; "
                    "quote the article's own words for the date",
                )
            out.append(Attestation(sid, a.get("evidence"), a.get("as_written")))
        return tuple(out)

    def disagreement(self, raw: list[dict[str, Any]], path: Path_, *, dated: bool) -> tuple[Side, ...]:
        """The sides of a recorded disagreement, each attested and verified like any entry; none preferred."""
        sides: list[Side] = []
        for i, r in enumerate(raw):
            sp: Path_ = (*path, i)
            if dated and "date" not in r:
                self.error(sp, "each side of a disagreement on a date needs its `date`")
            if not dated and "claim" not in r:
                self.error(sp, "each side of a disagreement needs its `claim`: what these sources say")
            date = self.date(r["date"], (*sp, "date")) if "date" in r else None
            sides.append(Side(self.attestations(r, sp, "evidence"), r.get("claim"), date))
        said = [(s.date.iso() if s.date else None, fold(s.claim or "")) for s in sides]
        if len(set(said)) < len(said):
            self.error(path, "two sides of this disagreement say the same thing; merge their `sources`")
        return tuple(sides)

    # -- the topic ---------------------------------------------------------------------------------
    def document(self, raw: dict[str, Any] | None) -> Document | None:
        """What the articles belong to; a count of them only with the source's words stating that number."""
        if raw is None:
            return None
        if "articles" in raw:
            self.verbatim(raw["source"], raw["evidence"], ("document", "evidence"), "evidence")
            if str(raw["articles"]) not in re.findall(r"\d+", raw["evidence"]):
                self.error(("document", "evidence"), f"the evidence does not state the number {raw['articles']}")
        return Document(raw["name"], raw.get("articles"), raw.get("source"), raw.get("evidence"))

    def build(self) -> Topic:
        d = self.data
        entries = {kind.section: self.section(kind) for kind in KINDS}
        return Topic(
            corrected=self._corrected(entries),
            topic=d["topic"],
            command=d["command"],
            title=d["title"],
            summary=d["summary"],
            path=self.doc.file,
            entries=entries,
            examples=tuple(d.get("examples", [])),
            document=self.document(d.get("document")),
            terms=glossary.checked(self, d.get("terms") or {}),
            source_by_id={s.id: s for s in entries.get("sources", ())},
            person_by_id={p.id: p for p in entries.get("people", ())},
        )

    def _corrected(self, entries: dict[str, tuple[Any, ...]]) -> tuple[tuple[str, Correction], ...]:
        """Every correction with its entry's title, newest first: found once here, from where the loader met
        them, so App Home lists them without walking every entry of a large topic."""
        kinds = {k.section: k for k in KINDS}
        by_id = {(sec, e.id): e for sec in {sec for sec, _ in self.corrected} for e in entries.get(sec, ())}
        found: list[tuple[str, Correction]] = []
        for section, index in self.corrected:
            raw = self.data[section][index]
            entry = by_id.get((section, raw.get("id", f"article-{raw.get('number')}")))
            if entry is not None:
                found += [(kinds[section].title(entry), c) for c in corrections_in(entry)]
        return tuple(sorted(found, key=lambda tc: tc[1].date.sort_key, reverse=True))


_HINT = "# yaml-language-server: $schema="


def _schema_hint(raw: str, folder: Path, doc: YamlDoc) -> None:
    """An editor's schema hint (first line) that leads nowhere is a warning: the editor then checks nothing.

    Only a hint inside the topic's own folder is looked at; nothing outside it is touched.
    """
    first = raw.split("\n", 1)[0].strip()
    target = first.removeprefix(_HINT)
    if not first.startswith(_HINT) or "://" in target or target.startswith(("/", "..")):
        return
    if not (folder / target).is_file():
        message = (
            f"the editor's schema hint points at {target!r}, which is not here: editors cannot check this file "
            "(`factdesk schema --write` writes one)"
        )
        doc.problems.append(Problem(doc.file, 1, 1, Severity.WARNING, message))


def load_topic(path: Path, display: str | None = None) -> tuple[Topic | None, list[Problem]]:
    """Load one topic file. Returns the topic (None if it has any error) and all problems found."""
    name = display or str(path)
    try:
        raw = decode(read_bytes(path, MAX_TOPIC_BYTES, path.name), path.name)
    except UnsafeRead as e:
        return None, [Problem(name, 1, 1, Severity.ERROR, f"cannot read the file: {e}")]
    node, problems = compose(raw, name)
    if problems:
        return None, problems
    if node is None:
        return None, [
            Problem(name, 1, 1, Severity.ERROR, "the file is empty; expected a topic (see knowledge/README.md)")
        ]
    doc = YamlDoc(name)
    _schema_hint(raw, path.parent, doc)
    data = doc.to_data(node)
    if not schema_valid(data):
        schema_problems(doc, data)
        if not doc.problems:  # the two validators disagree: never load what one of them rejects
            doc.error((), "the file does not match the knowledge schema")
    if has_errors(doc.problems):
        return None, doc.problems
    builder = Builder(doc, data, path.parent)
    topic = builder.build()
    glossary.unused(builder, topic)
    digest = hashlib.sha256(raw.encode("utf-8"))
    for src in topic.sources:
        text = builder.texts.get(src.id)
        digest.update(text.normalised.encode("utf-8") if text else b"")
    topic = dataclasses.replace(topic, digest=digest.hexdigest())
    for scaffolding in (node, data, doc.pos, doc.key_pos):  # freed piece by piece: a reload must not stall answers
        release(scaffolding)
    return (None if has_errors(doc.problems) else topic), doc.problems
