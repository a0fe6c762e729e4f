"""Load knowledge files: YAML → checked, verified, immutable `Knowledge`.

The loader never raises on bad knowledge. It returns every problem it finds, each pinned to
`file:line:col`, so a maintainer fixes a broken edit in one pass, and a running bot can refuse the edit
while it keeps serving what it had.

Structure is checked against the JSON Schema that editors also use (`schema.json`), so the checker and
the editor's squiggles cannot disagree; what a schema cannot say (references, duplicates, calendar dates,
quotes word for word in their source) is checked here.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import os
import pickle
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
import yaml

from bot.core.dates import DateError, PartialDate, parse_date
from bot.core.gcpause import bulk_build
from bot.core.model import (
    Article,
    Correction,
    Event,
    Fact,
    Knowledge,
    Mirror,
    Note,
    Person,
    Quote,
    Source,
    Topic,
    Translation,
)
from bot.core.text import fold
from bot.core.verify import SourceText

try:  # The C parser is ~10x faster; fall back where libyaml is missing.
    from yaml import CSafeLoader as _YamlLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _YamlLoader  # type: ignore[assignment]

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    col: int
    severity: str  # "error" | "warning"
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.severity}: {self.message}"

    def github(self) -> str:
        """A GitHub Actions workflow command: the problem is shown on its line of the pull request's diff."""
        level = "error" if self.severity == "error" else "warning"
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{level} file={self.file},line={self.line},col={self.col}::{message}"


@dataclass(slots=True)
class LoadResult:
    knowledge: Knowledge | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return self.knowledge is not None and not self.errors


@cache
def schema() -> dict[str, Any]:
    """The knowledge JSON Schema shipped with the package (knowledge/schema.json is a copy for editors)."""
    data: dict[str, Any] = json.loads(resources.files("bot.core").joinpath("schema.json").read_text("utf-8"))
    return data


@cache
def _validator() -> jsonschema.protocols.Validator:
    """The thorough validator: every error, with its path. Used only once a file is known to be wrong."""
    cls = jsonschema.validators.validator_for(schema())
    return cls(schema())


@cache
def _fast_validators() -> tuple[Any, dict[str, Any]]:
    """The same schema compiled to Python code: ~10x faster than jsonschema, but it stops at the first error.

    Compiled in pieces: the document without its lists' items, and one validator per list's item. One
    validator for the whole document is a single huge generated function that calls `locals()` for every
    object it checks, which costs in proportion to the function's size: ~20 us a call, 8 s at 100k entries.
    Together the pieces accept exactly what the whole schema accepts.
    """
    whole = copy.deepcopy(schema())  # fastjsonschema rewrites $refs in the dict it is given
    items: dict[str, Any] = {}
    for name, prop in whole["properties"].items():
        if prop.get("type") == "array" and isinstance(prop.get("items"), dict):
            item = {"$schema": whole["$schema"], "definitions": copy.deepcopy(whole["definitions"]), **prop["items"]}
            items[name] = fastjsonschema.compile(item)
            whole["properties"][name] = {k: v for k, v in prop.items() if k != "items"}
    return fastjsonschema.compile(whole), items


def _schema_valid(data: Any) -> bool:
    document, items = _fast_validators()
    try:
        document(data)
        for name, validate in items.items():
            for item in data.get(name) or ():
                validate(item)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


class _Doc:
    """One YAML file turned into plain data plus the position of every value and key."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.pos: dict[Path_, tuple[int, int]] = {}
        self.key_pos: dict[Path_, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self._scalars = yaml.constructor.SafeConstructor()

    def at(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """The closest known position to `path` (walking up to its parent if it has none)."""
        table = self.key_pos if key else self.pos
        p = path
        while p:
            if p in table:
                return table[p]
            if p in self.pos:
                return self.pos[p]
            p = p[:-1]
        return self.pos.get((), (1, 1))

    def error(self, path: Path_, message: str, *, key: bool = False, severity: str = "error") -> None:
        line, col = self.at(path, key=key)
        self.problems.append(Problem(self.file, line, col, severity, message))

    def to_data(self, node: yaml.Node, path: Path_ = ()) -> Any:
        self.pos[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for knode, vnode in node.value:
                if not isinstance(knode, yaml.ScalarNode):
                    self.problems.append(self._at_node(knode, "a key must be a plain word"))
                    continue
                key = str(knode.value)
                if key in out:
                    self.problems.append(self._at_node(knode, f"field {key!r} appears twice here; keep one"))
                    continue
                self.key_pos[(*path, key)] = (knode.start_mark.line + 1, knode.start_mark.column + 1)
                out[key] = self.to_data(vnode, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.to_data(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        if node.tag == "tag:yaml.org,2002:str":
            return node.value  # most scalars: what the constructor would return, without its overhead
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # keep "2024-06-19" as written: precision matters, not a datetime
        return self._scalars.construct_object(node, deep=True)

    def _at_node(self, node: yaml.Node, message: str) -> Problem:
        return Problem(self.file, node.start_mark.line + 1, node.start_mark.column + 1, "error", message)


def _where(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"


def _schema_problems(doc: _Doc, data: Any) -> None:
    for err in sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        path: Path_ = tuple(err.absolute_path)
        where = _where(path)
        sch = err.schema if isinstance(err.schema, dict) else {}
        instance: Any = err.instance
        expected: Any = err.validator_value
        if err.validator == "additionalProperties":
            allowed = sorted(sch.get("properties", {}))
            extra = [k for k in instance if k not in sch.get("properties", {})]
            for k in extra:
                doc.error(
                    (*path, k),
                    f"unknown field {k!r} in {where}; expected one of: {', '.join(allowed)}",
                    key=True,
                )
        elif err.validator == "required":
            missing = str(err.message).split("'")[1] if "'" in str(err.message) else str(err.message)
            doc.error(path, f"{where} is missing the required field {missing!r}")
        elif (err.validator in ("anyOf", "oneOf") and "description" in sch) or (
            err.validator == "pattern" and "description" in sch
        ):
            doc.error(path, f"{where}: {err.instance!r} is not valid; expected {sch['description']}")
        elif err.validator == "enum":
            doc.error(path, f"{where}: {err.instance!r} is not one of {', '.join(map(str, expected))}")
        elif err.validator == "type":
            doc.error(path, f"{where}: expected {err.validator_value}, found {type(err.instance).__name__}")
        else:
            doc.error(path, f"{where}: {err.message}")


class _Builder:
    """Semantic checks and model construction for one topic file whose structure is valid."""

    def __init__(self, doc: _Doc, data: dict[str, Any], base: Path) -> None:
        self.doc = doc
        self.data = data
        self.base = base
        self.texts: dict[str, SourceText | None] = {}
        self.ids: dict[str, Path_] = {}
        self.aliases: dict[str, tuple[str, Path_]] = {}

    # -- helpers ---------------------------------------------------------------------------------
    def date(self, value: Any, path: Path_) -> PartialDate | None:
        try:
            return parse_date(value)
        except DateError as e:
            self.doc.error(path, f"{_where(path)}: {e}")
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

    # -- sections --------------------------------------------------------------------------------
    def build(self) -> Topic:
        d = self.data
        sources = tuple(self._source(s, ("sources", i)) for i, s in enumerate(d["sources"]))
        by_id = {s.id: s for s in sources}
        people = tuple(self._person(p, ("people", i)) for i, p in enumerate(d.get("people", [])))
        person_ids = {p.id for p in people}
        articles = self._articles(d.get("articles", []))
        quotes = tuple(self._quote(q, ("quotes", i), person_ids) for i, q in enumerate(d.get("quotes", [])))
        timeline = [self._event(e, ("timeline", i), by_id) for i, e in enumerate(d.get("timeline", []))]
        facts = tuple(self._fact(f, ("facts", i)) for i, f in enumerate(d.get("facts", [])))
        events = tuple(sorted((e for e in timeline if e), key=lambda e: e.date.sort_key))
        return Topic(
            topic=d["topic"],
            command=d["command"],
            title=d["title"],
            summary=d["summary"],
            path=self.doc.file,
            sources=sources,
            people=people,
            articles=articles,
            quotes=quotes,
            timeline=events,
            facts=facts,
            examples=tuple(d.get("examples", [])),
            source_by_id=by_id,
            person_by_id={p.id: p for p in people},
        )

    def _source(self, s: dict[str, Any], path: Path_) -> Source:
        self.claim_id(s["id"], (*path, "id"))
        archive = self.base / s["archive"]
        if archive.is_file():
            self.texts[s["id"]] = SourceText(archive.read_text("utf-8"))
        else:
            self.texts[s["id"]] = None
            self.doc.error((*path, "archive"), f"archived text {s['archive']!r} not found next to this file")
        published = self.date(s["published"], (*path, "published")) or PartialDate(1)
        if "published_evidence" in s:
            self.verbatim(s["id"], s["published_evidence"], (*path, "published_evidence"), "published_evidence")
        if "link" not in s:
            self.doc.error(
                (*path, "id"),
                f"source {s['id']!r} has no link: it is shown without one (right when none is known; never invent one)",
                severity="warning",
            )
        return Source(
            id=s["id"],
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
        )

    def _person(self, p: dict[str, Any], path: Path_) -> Person:
        self.claim_id(p["id"], (*path, "id"))
        self.source_ref(p["source"], (*path, "source"))
        if "evidence" in p:
            self.verbatim(p["source"], p["evidence"], (*path, "evidence"), "evidence")
        return Person(
            id=p["id"],
            name=p["name"],
            source=p["source"],
            kind=p.get("kind", "person"),
            role=p.get("role"),
            aliases=self.claim_aliases(p["id"], [p["name"], *p.get("aliases", [])], (*path, "aliases")),
            evidence=p.get("evidence"),
            corrections=self.corrections(p.get("corrections"), (*path, "corrections")),
        )

    def _articles(self, raw: list[dict[str, Any]]) -> tuple[Article, ...]:
        out = []
        seen: dict[int, Path_] = {}
        for i, a in enumerate(raw):
            path: Path_ = ("articles", i)
            if a["number"] in seen:
                line, _ = self.doc.at(seen[a["number"]])
                self.doc.error((*path, "number"), f"Article {a['number']} is already defined at line {line}")
            seen[a["number"]] = (*path, "number")
            translations = []
            for j, t in enumerate(a["translations"]):
                tp: Path_ = (*path, "translations", j)
                self.verbatim(t["source"], t["text"], (*tp, "text"), f"the translation of Article {a['number']}")
                translations.append(
                    Translation(t["source"], t["text"], self.corrections(t.get("corrections"), (*tp, "corrections")))
                )
            notes = []
            for j, n in enumerate(a.get("notes", [])):
                npath: Path_ = (*path, "notes", j)
                self.verbatim(n["source"], n["evidence"], (*npath, "evidence"), "evidence")
                notes.append(Note(n["text"], n["source"], n["evidence"]))
            ident = f"article-{a['number']}"
            out.append(
                Article(
                    number=a["number"],
                    title=a["title"],
                    translations=tuple(translations),
                    aliases=self.claim_aliases(ident, a.get("aliases", []), (*path, "aliases")),
                    notes=tuple(notes),
                    corrections=self.corrections(a.get("corrections"), (*path, "corrections")),
                )
            )
        return tuple(out)

    def _quote(self, q: dict[str, Any], path: Path_, person_ids: set[str]) -> Quote:
        self.claim_id(q["id"], (*path, "id"))
        if q["speaker"] not in person_ids:
            self.doc.error((*path, "speaker"), f"speaker {q['speaker']!r} is not in `people`; add them there first")
        self.verbatim(q["source"], q["text"], (*path, "text"), "quote")
        if "said_evidence" in q:
            self.verbatim(q["source"], q["said_evidence"], (*path, "said_evidence"), "said_evidence")
        said = self.date(q["said"], (*path, "said")) if "said" in q else None
        return Quote(
            id=q["id"],
            speaker=q["speaker"],
            text=q["text"],
            source=q["source"],
            kind=q.get("kind", "direct"),
            context=q.get("context"),
            said=said,
            said_evidence=q.get("said_evidence"),
            corrections=self.corrections(q.get("corrections"), (*path, "corrections")),
        )

    def _event(self, e: dict[str, Any], path: Path_, sources: dict[str, Source]) -> Event | None:
        self.claim_id(e["id"], (*path, "id"))
        self.verbatim(e["source"], e["evidence"], (*path, "evidence"), "evidence")
        if "as_written" in e and fold(e["as_written"]) not in fold(e["evidence"]):
            self.doc.error(
                (*path, "as_written"),
                f"as_written {e['as_written']!r} does not appear in this event's evidence; "
                "quote the article's own words for the date",
            )
        date = self.date(e["date"], (*path, "date"))
        src = sources.get(e["source"])
        if date and src and date.sort_key > src.published.sort_key:
            self.doc.error(
                (*path, "date"),
                f"event dated {date.iso()} is after its source {src.id!r} was published "
                f"({src.published.iso()}); a source cannot report what had not happened",
            )
        if date is None:
            return None
        return Event(
            id=e["id"],
            date=date,
            what=e["what"],
            source=e["source"],
            evidence=e["evidence"],
            as_written=e.get("as_written"),
            aliases=self.claim_aliases(e["id"], e.get("aliases", []), (*path, "aliases")),
            corrections=self.corrections(e.get("corrections"), (*path, "corrections")),
        )

    def _fact(self, f: dict[str, Any], path: Path_) -> Fact:
        self.claim_id(f["id"], (*path, "id"))
        self.verbatim(f["source"], f["evidence"], (*path, "evidence"), "evidence")
        return Fact(
            id=f["id"],
            text=f["text"],
            source=f["source"],
            evidence=f["evidence"],
            aliases=self.claim_aliases(f["id"], f.get("aliases", []), (*path, "aliases")),
            corrections=self.corrections(f.get("corrections"), (*path, "corrections")),
        )


def load_topic(path: Path, display: str | None = None) -> tuple[Topic | None, list[Problem]]:
    """Load one topic file. Returns the topic (None if it has any error) and all problems found."""
    name = display or str(path)
    try:
        raw = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return None, [Problem(name, 1, 1, "error", f"cannot read the file: {e}")]
    doc = _Doc(name)
    try:
        node = yaml.compose(raw, Loader=_YamlLoader)
    except yaml.MarkedYAMLError as e:
        # An unclosed quote is found at the end of the file; where it was opened is what to fix.
        opened = e.context and "quoted scalar" in e.context
        mark = (e.context_mark if opened else None) or e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(x for x in (e.context, e.problem) if x)
        return None, [Problem(name, line, col, "error", f"YAML syntax: {what}")]
    except yaml.YAMLError as e:
        return None, [Problem(name, 1, 1, "error", f"YAML syntax: {e}")]
    if node is None:
        return None, [Problem(name, 1, 1, "error", "the file is empty; expected a topic (see knowledge/README.md)")]
    data = doc.to_data(node)
    if not _schema_valid(data):
        _schema_problems(doc, data)
        if not doc.problems:  # the two validators disagree: never load what one of them rejects
            doc.error((), "the file does not match the knowledge schema")
    if any(p.severity == "error" for p in doc.problems):
        return None, doc.problems
    builder = _Builder(doc, data, path.parent)
    topic = builder.build()
    digest = hashlib.sha256(raw.encode("utf-8"))
    for src in topic.sources:
        text = builder.texts.get(src.id)
        digest.update(text.normalised.encode("utf-8") if text else b"")
    topic = dataclasses.replace(topic, digest=digest.hexdigest())
    errors = any(p.severity == "error" for p in doc.problems)
    return (None if errors else topic), doc.problems


@cache
def _code_fingerprint() -> bytes:
    """Changes whenever the code that checks knowledge changes, so a cache never outlives its checker."""
    h = hashlib.sha256()
    here = Path(__file__).parent
    for name in ("loader.py", "verify.py", "model.py", "dates.py", "text.py", "schema.json"):
        h.update((here / name).read_bytes())
    return h.digest()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _cached_load(path: Path, cache_dir: Path) -> tuple[Topic | None, list[Problem]]:
    """`load_topic`, remembered by content: an unchanged file (and unchanged sources) is not parsed again.

    Parsing is what costs at scale (PyYAML reads ~2 MB/s), so a reload re-parses only the files that
    changed. Only files that loaded without error are cached; the cache is ours, written by this process.
    """
    raw = path.read_bytes()
    key = _sha(_code_fingerprint() + str(path).encode() + b"\0" + raw)
    entry = cache_dir / f"{key}.pickle"
    try:
        with entry.open("rb") as f:
            archives, topic, problems = pickle.load(f)
        if all(_sha((path.parent / a).read_bytes()) == h for a, h in archives.items()):
            return topic, problems
    except (OSError, pickle.PickleError, EOFError, ValueError, TypeError, AttributeError):
        pass
    topic, problems = load_topic(path)
    if topic is not None:
        archives = {s.archive: _sha((path.parent / s.archive).read_bytes()) for s in topic.sources}
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                pickle.dump((archives, topic, problems), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, entry)
        except OSError:
            pass  # a cache that cannot be written only costs time
    return topic, problems


def topic_files(root: Path) -> list[Path]:
    """The topic files of a knowledge folder, or the one file named."""
    if root.is_file():
        return [root]
    return sorted(
        p for p in root.glob("*.y*ml") if p.suffix in (".yaml", ".yml") and not p.name.endswith(".expect.yaml")
    )


def _fingerprint(files: Iterable[Path]) -> Iterator[bytes]:
    for f in files:
        yield f.name.encode()
        yield f.read_bytes()


def load(root: Path | str, cache_dir: Path | None = None) -> LoadResult:
    """Load a knowledge folder (or one file). Returns knowledge only when there is no error at all.

    With `cache_dir`, files unchanged since they last loaded cleanly are not parsed again.
    """
    root = Path(root)
    if not root.exists():
        return LoadResult(None, [Problem(str(root), 1, 1, "error", "no such file or folder")])
    files = topic_files(root)
    if not files:
        return LoadResult(None, [Problem(str(root), 1, 1, "error", "no topic files (*.yaml) in this folder")])
    problems: list[Problem] = []
    topics: list[Topic] = []
    commands: dict[str, str] = {}
    archives: list[Path] = []
    for f in files:
        with bulk_build():
            topic, found = _cached_load(f, cache_dir) if cache_dir else load_topic(f)
        problems.extend(found)
        if topic is None:
            continue
        if topic.command in commands:
            problems.append(
                Problem(str(f), 1, 1, "error", f"{topic.command} is already answered by {commands[topic.command]}")
            )
            continue
        commands[topic.command] = str(f)
        topics.append(topic)
        archives.extend(f.parent / s.archive for s in topic.sources)
    if any(p.severity == "error" for p in problems):
        return LoadResult(None, problems)
    digest = hashlib.sha256()
    for chunk in _fingerprint([*files, *sorted(set(archives))]):
        digest.update(chunk)
    return LoadResult(Knowledge(tuple(topics), digest.hexdigest()[:12], time.time()), problems)
