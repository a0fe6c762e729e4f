"""A synthetic knowledge base of any size, deterministic for a seed, in the real file format.

Entries have realistic lengths (about 20 words, quotes of 5 to 25 words, one to three aliases) and word
frequencies that follow Zipf's law, so common words are common and the index is exercised as with real text.
Every quote and evidence is taken from its archived source, so the generated folder passes `factdesk check`.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

SYLLABLES = [
    "ka", "lo", "mi", "ra", "to", "ne", "su", "vi", "do", "pe", "an", "or", "el", "is", "un", "ba", "ri",
    "ko", "ma", "te", "zu", "ha", "ji", "wo", "qe", "fa", "gu", "ly", "sy", "tre", "pra", "sto", "kri",
]  # fmt: skip


def vocabulary(rng: random.Random, size: int) -> list[str]:
    words: dict[str, None] = {}
    while len(words) < size:
        n = rng.choice((2, 2, 3, 3, 3, 4))
        words["".join(rng.choice(SYLLABLES) for _ in range(n))] = None
    return list(words)


class Writer:
    def __init__(self, seed: int, vocab_size: int) -> None:
        self.rng = random.Random(seed)
        self.words = vocabulary(self.rng, vocab_size)
        weights = [1 / (rank + 1) for rank in range(len(self.words))]
        self.cum = list(_accumulate(weights))

    def sentence(self, n: int) -> str:
        picked = self.rng.choices(self.words, cum_weights=self.cum, k=n)
        return " ".join(picked).capitalize() + "."

    def phrase(self, n: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.cum, k=n))

    def alias(self, taken: set[str]) -> str:
        """Two words drawn evenly (names are not Zipf-common words), unique across the knowledge."""
        while True:
            alias = " ".join(self.rng.choices(self.words, k=2))
            if alias not in taken:
                taken.add(alias)
                return alias


def _accumulate(values: list[float]) -> Iterator[float]:
    total = 0.0
    for v in values:
        total += v
        yield total


def generate(folder: Path, entries: int, *, seed: int = 7, per_source: int = 100) -> dict[str, Any]:
    """Write `entries` entries as one topic file plus archived sources under `folder`. Returns the data."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sources").mkdir(exist_ok=True)
    w = Writer(seed, vocab_size=max(2000, min(60000, entries // 2)))
    rng = w.rng
    n_sources = max(1, entries // per_source)
    texts: list[list[str]] = [[] for _ in range(n_sources)]
    sources = []
    for s in range(n_sources):
        sources.append(
            {
                "id": f"s{s}",
                "outlet": f"Outlet {s % 37}",
                "headline": w.sentence(9).rstrip("."),
                "published": f"2024-{1 + s % 12:02d}-{1 + s % 28:02d}",
                "link": f"https://news.example/{s}",
                "archive": f"sources/s{s}.txt",
            }
        )
    people: list[dict[str, Any]] = []
    quotes: list[dict[str, Any]] = []
    timeline: list[dict[str, Any]] = []
    facts: list[dict[str, Any]] = []
    taken: set[str] = set()
    n_people = max(1, entries // 20)
    for i in range(entries):
        s = i % n_sources
        evidence = w.sentence(rng.randint(12, 28))
        texts[s].append(evidence)
        aliases = [w.alias(taken) for _ in range(rng.randint(1, 3))]
        kind = i % 20
        if kind < n_people * 20 // entries + 1 and len(people) < n_people:
            people.append({"id": f"p{i}", "name": w.alias(taken).title(), "aliases": aliases, "source": f"s{s}",
                           "role": w.phrase(6)})  # fmt: skip
        elif kind < 6:
            words = evidence.rstrip(".").split()
            a = rng.randint(0, max(0, len(words) - 6))
            quotes.append({"id": f"q{i}", "speaker": f"p{(i // 20) * 20}" if (i // 20) * 20 < i else "p0",
                           "text": " ".join(words[a : a + rng.randint(5, 25)]), "context": w.sentence(10),
                           "source": f"s{s}"})  # fmt: skip
        elif kind < 10:  # the evidence gives the date, as the checker requires
            evidence = texts[s][-1] = f"{evidence.rstrip('.')} in {calendar.month_name[1 + i % 12]} {1950 + i % 74}."
            timeline.append({"id": f"e{i}", "date": f"{1950 + i % 74}-{1 + i % 12:02d}", "what": w.sentence(14),
                             "aliases": aliases, "source": f"s{s}", "evidence": evidence})  # fmt: skip
        else:
            facts.append({"id": f"f{i}", "text": w.sentence(16), "aliases": aliases, "source": f"s{s}",
                          "evidence": evidence})  # fmt: skip
    if not people:
        people.append({"id": "p0", "name": "Nobody", "source": "s0"})
    known = {p["id"] for p in people}
    for q in quotes:
        if q["speaker"] not in known:
            q["speaker"] = people[0]["id"]
    for s, body in enumerate(texts):
        (folder / "sources" / f"s{s}.txt").write_text("\n\n".join(body) + "\n", "utf-8")
    data: dict[str, Any] = {
        "topic": "synth",
        "command": "/synth",
        "title": "Synthetic knowledge",
        "summary": "Generated for benchmarks.",
        "sources": sources,
        "people": people,
        "quotes": quotes,
        "timeline": timeline,
        "facts": facts,
    }
    with (folder / "synth.yaml").open("w", encoding="utf-8") as f:
        yaml.dump(data, f, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False, width=10_000)
    return data
