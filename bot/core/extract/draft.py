"""The draft a maintainer curates: entries in the topic file's own layout, questions as YAML comments.

Separate from proposing because it is about the topic file (ids already taken, people already known, the
`--into` edit that keeps a file's comments), not about the article.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.core.dates import PartialDate
from bot.core.extract.dates import DateMention
from bot.core.extract.proposal import Proposal
from bot.core.extract.speakers import person_name

SECTIONS = ("sources", "people", "quotes", "timeline", "facts")


def _slug(text: str, n: int = 5) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’", "").replace("'", ""))[:n]
    return "-".join(words) or "entry"


def _scalar(key: str, value: object) -> str:
    import yaml

    if key in ("date", "published") and isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d(?:-\d\d)?", value):
        return f"{key}: {value}"  # as topic files write dates: unquoted

    return str(yaml.safe_dump({key: value}, allow_unicode=True, width=10**6, sort_keys=False)).rstrip("\n")


def _entry(fields: Sequence[tuple[str, object]], comments: Sequence[str] = ()) -> str:
    lines = [f"  # {c}" for c in comments]
    for i, (key, value) in enumerate(fields):
        lines.append(("  - " if i == 0 else "    ") + _scalar(key, value))
    return "\n".join(lines)


def _quoted(sentence: str) -> str:
    return f"«{sentence if len(sentence) <= 160 else sentence[:157] + '...'}»"


@dataclass
class Topic:
    """What a draft must fit: the ids already taken and who is already in `people` (by folded alias)."""

    ids: set[str] = field(default_factory=set)
    people: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, data: object) -> Topic:
        from bot.core.text import fold

        topic = cls()
        if not isinstance(data, dict):
            return topic
        for section in SECTIONS:
            for entry in data.get(section) or []:
                if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                    topic.ids.add(entry["id"])
                    if section == "people":
                        for alias in [entry.get("name"), *(entry.get("aliases") or [])]:
                            if isinstance(alias, str):
                                topic.people[fold(alias)] = entry["id"]
        return topic

    def new_id(self, wanted: str) -> str:
        ident, n = wanted, 2
        while ident in self.ids:
            ident, n = f"{wanted}-{n}", n + 1
        self.ids.add(ident)
        return ident


def draft(
    proposal: Proposal,
    *,
    source_id: str,
    published: PartialDate,
    archive: str,
    outlet: str | None = None,
    headline: str | None = None,
    link: str | None = None,
    topic: Topic | None = None,
) -> dict[str, list[str]]:
    """Entries per section, each a block of YAML text indented as topic files are, questions as comments."""
    from bot.core.text import fold, typographic

    topic = topic or Topic()
    out: dict[str, list[str]] = {s: [] for s in SECTIONS}
    agency = re.search(r"\(([^)]+)\)", proposal.dateline)
    src: list[tuple[str, object]] = [
        ("id", source_id),
        ("outlet", outlet or (agency.group(1) if agency else source_id)),
        ("headline", headline or proposal.headline or source_id),
        ("published", published.iso() if published.precision > 1 else published.year),
    ]
    if link:
        src.append(("link", link))
    src.append(("archive", archive))
    asks = []
    if not outlet:
        asks.append(f"outlet: {'from the dateline' if agency else 'the source id'}; give the outlet's name")
    if not headline:
        asks.append("headline: the article's first line; check it" if proposal.headline else "headline: give it")
    out["sources"].append(_entry(src, asks))
    topic.ids.add(source_id)

    speakers: dict[str, str] = {}  # as written → person id

    def person(who: str, sentence: str) -> str:
        if who in speakers:
            return speakers[who]
        name, role = person_name(who)
        for key in (fold(who), fold(name), fold(name.split()[-1]) if name else ""):
            if key and key in topic.people:
                speakers[who] = topic.people[key]
                return speakers[who]
        ident = topic.new_id(_slug(name, 4))
        fields: list[tuple[str, object]] = [("id", ident), ("name", name)]
        if role:
            fields.append(("role", role))
        fields.append(("source", source_id))
        if typographic(who) in typographic(sentence):
            fields.append(("evidence", who))
        out["people"].append(_entry(fields, [f"new speaker, as the article names them: {who!r}"]))
        topic.people[fold(name)] = ident
        speakers[who] = ident
        return ident

    for q in proposal.quotes:
        comments = [q.note] if q.note else []
        if q.speaker:
            speaker = person(q.speaker, q.sentence)
        else:
            speaker = "who-said-this"
            comments.append("speaker: nobody is named near this quote; add them to `people` or delete the quote")
        fields = [("id", topic.new_id(f"{speaker}-{_slug(q.text, 4)}")), ("speaker", speaker), ("kind", q.kind),
                  ("text", q.text)]  # fmt: skip
        if q.sentence and typographic(q.sentence) != typographic(q.text):
            fields.append(("context", q.sentence))
        fields.append(("source", source_id))
        out["quotes"].append(_entry(fields, comments))

    by_date: dict[str, list[DateMention]] = {}
    for d in proposal.dates:
        if d.iso:
            by_date.setdefault(d.iso, []).append(d)
        else:
            out["timeline"].append(f"  # {d.note}.\n  #   in: {_quoted(d.sentence)}")
    for iso, mentions in by_date.items():
        first = mentions[0]
        comments = ["what: say what happened, in your words"]
        if first.note:
            comments.append(first.note)
        if first.relative:
            comments.append(f"date: resolved from {first.words!r}; check it")
        comments += [f"also dated {iso} ({m.words!r}): {_quoted(m.sentence)}" for m in mentions[1:]
                     if m.sentence != first.sentence]  # fmt: skip
        rest = first.sentence.replace(first.words, " ")
        event: list[tuple[str, object]] = [("id", topic.new_id(f"{iso[:4]}-{_slug(rest, 4)}"))]
        event.append(("date", iso if len(iso) > 4 else int(iso)))
        if first.relative:
            event.append(("as_written", first.words))
        event += [("what", first.sentence), ("source", source_id), ("evidence", first.sentence)]
        out["timeline"].append(_entry(event, comments))

    for sentence, numbers in proposal.facts:
        fields = [("id", topic.new_id(f"fact-{_slug(numbers[0] + ' ' + sentence, 5)}")), ("text", sentence),
                  ("source", source_id), ("evidence", sentence)]  # fmt: skip
        out["facts"].append(_entry(fields, [f"numbers: {', '.join(numbers)}; text: state the fact in your words"]))
    return out


def to_yaml(sections: dict[str, list[str]], header: str) -> str:
    """A draft to paste: each section's entries go under the topic file's key of the same name."""
    parts = [header.rstrip("\n")]
    for name in SECTIONS:
        if sections.get(name):
            parts.append(f"{name}:\n" + "\n\n".join(sections[name]))
    return "\n\n".join(parts) + "\n"


def add_to_topic(text: str, sections: dict[str, list[str]]) -> str:
    """The topic file's text with each section's new entries appended under its key (comments kept)."""
    lines = text.rstrip("\n").split("\n")
    for name in SECTIONS:
        blocks = sections.get(name)
        if not blocks:
            continue
        new = "\n\n".join(blocks).split("\n")
        start = next((i for i, ln in enumerate(lines) if re.match(rf"{name}:\s*(?:\[\s*\])?\s*(?:#.*)?$", ln)), None)
        if start is None:
            lines += ["", f"{name}:", *new]
            continue
        lines[start] = f"{name}:"
        end = next((i for i in range(start + 1, len(lines)) if re.match(r"[A-Za-z_]", lines[i])), len(lines))
        following = end < len(lines)
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        gap = [""] if following and lines[end].strip() else []
        lines[end:end] = ([""] if end > start + 1 else []) + new + gap
    return "\n".join(lines) + "\n"
