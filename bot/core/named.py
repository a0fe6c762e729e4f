"""Whom and what a topic's entries name, per index: the people (by every name and alias) and the outlets.

Kept per index (weakly: a replaced index takes its tables with it) and built by `prepare` when an engine is
built, by the thread that loads it. Built lazily instead, the first answer after a reload at 100,000 entries
paid for them (~50-100 ms) with every other answer queued behind it.
"""

from __future__ import annotations

import re
from weakref import WeakKeyDictionary

from bot.core import subject
from bot.core.index import SearchIndex, phrase, stem
from bot.core.kinds.person import Person
from bot.core.model import Topic

_PEOPLE: WeakKeyDictionary[SearchIndex, tuple[int, int, frozenset[int]]] = WeakKeyDictionary()
_NAMES: WeakKeyDictionary[SearchIndex, dict[str, tuple[tuple[tuple[str, ...], tuple[Person, ...]], ...]]] = (
    WeakKeyDictionary()
)
_OUTLETS: WeakKeyDictionary[SearchIndex, frozenset[str]] = WeakKeyDictionary()
_TITLES: WeakKeyDictionary[SearchIndex, frozenset[str]] = WeakKeyDictionary()
_MENTIONED: WeakKeyDictionary[SearchIndex, dict[int, frozenset[str]]] = WeakKeyDictionary()
_CAPITALS = re.compile(r"[^\W\d_]+")


def prepare(topic: Topic, index: SearchIndex) -> None:
    """Build every table of this module for `index` now."""
    outlets(topic, index)
    people_named(index, "")
    titles(index)


def people(index: SearchIndex) -> tuple[int, int, frozenset[int]]:
    """The entry numbers of the topic's people: a run (the engine lists entries kind by kind), or a set."""
    found = _PEOPLE.get(index)
    if found is None:
        people = [d for d, e in enumerate(index.entries) if e.kind == "person"]
        run = bool(people) and people[-1] - people[0] + 1 == len(people)
        found = (people[0], people[-1] + 1, frozenset()) if run else (0, 0, frozenset(people))
        _PEOPLE[index] = found
    return found


def outlets(topic: Topic, index: SearchIndex) -> frozenset[str]:
    """The words naming the topic's outlets ("the week" of "what did the week quote kim saying")."""
    found = _OUTLETS.get(index)
    if found is None:
        found = frozenset(w for s in topic.sources for w in phrase(f"{s.outlet} {s.id}").split())
        _OUTLETS[index] = found
    return found


def people_named(index: SearchIndex, text: str) -> list[Person]:
    """The topic's people a text names by a name or alias of theirs. Names are filed by their first word, so
    each word of the text is one look-up, and only the names starting with it are compared: the cost is the
    text's, however many people the topic knows."""
    found = _NAMES.get(index)
    if found is None:
        lo, hi, scattered = people(index)
        table: dict[str, dict[tuple[str, ...], list[Person]]] = {}
        for d in sorted(scattered) or range(lo, hi):
            p = index.entries[d].ref
            if isinstance(p, Person):
                for n in (p.name, *p.aliases):
                    words = tuple(phrase(n).split())
                    if words:
                        table.setdefault(words[0], {}).setdefault(words, []).append(p)
        found = {
            first: tuple((w, tuple(ps)) for w, ps in sorted(names.items(), key=lambda kv: -len(kv[0])))
            for first, names in table.items()
        }
        _NAMES[index] = found
    said = phrase(text).split()
    out: dict[int, Person] = {}
    for i, w in enumerate(said):
        for name, persons in found.get(w, ()):
            if len(name) == 1 or tuple(said[i : i + len(name)]) == name:
                for p in persons:
                    out.setdefault(id(p), p)
    return list(out.values())


def capitalised(text: str) -> set[str]:
    """The words written with a capital, as typed: names and titles ("South Korea's Foreign Minister")."""
    return {stem(t.casefold()) for t in _CAPITALS.findall(text) if t[0].isupper()}


def titles(index: SearchIndex) -> frozenset[str]:
    """Every title word of the topic's people: a word that is none of them is in no entry's `mentioned`, which
    is then not worked out (most of the relevance check's cost, on uncached questions)."""
    found = _TITLES.get(index)
    if found is None:
        lo, hi, scattered = people(index)
        refs = (index.entries[d].ref for d in sorted(scattered) or range(lo, hi))
        found = frozenset(w for p in refs if isinstance(p, Person) for w in capitalised(p.role or ""))
        _TITLES[index] = found
    return found


def mentioned(index: SearchIndex, d: int) -> frozenset[str]:
    """The titles of the people entry `d`'s own words name (a quote's context included): "Putin stopped short
    ..." is about Russia's President. Their other names are not: "Kim" of "Kim Il Sung" is not Kim Jong Un.
    Remembered per entry."""
    known = _MENTIONED.setdefault(index, {})
    found = known.get(d)
    if found is None:
        ref = index.entries[d].ref
        text = f"{subject.own_text(ref)} {getattr(ref, 'context', None) or ''}"
        found = frozenset(w for p in people_named(index, text) for w in capitalised(p.role or ""))
        known[d] = found
    return found
