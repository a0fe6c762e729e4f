"""What an answer holds once its hits are known to be about the question: which of them, in what order, and
what to suggest instead when none is.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.index import Hit, SearchIndex, ids, phrase
from bot.core.kinds.quote import Quote, speaker
from bot.core.model import Topic
from bot.core.query import Query


def named_in(index: SearchIndex, q: Query) -> set[int]:
    """The entries a name of which (two words or more) the question says word for word: "in force" of "is the
    treaty in force yet"."""
    words = phrase(q.raw).split()
    spans = (" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 2, len(words) + 1))
    return {d for span in spans for d in ids(index.phrases, span)}


def kept(index: SearchIndex, q: Query, hits: Sequence[Hit]) -> list[Hit]:
    """The hits about the question that make its answer, in order.

    Every entry about all the question asks belongs in it, however much more strongly the first is named
    ("who ratified the treaty": the summary, then each chamber's and leader's act); of the rest, those within
    a third of the first. Of entries that rank equal, one the question names comes first ("in force" of "is
    the treaty in force yet": the entry into force, not a quote that says "force"). "what did KCNA say when
    ...": the words said come first.
    """
    named = named_in(index, q)
    ordered = sorted(hits, key=lambda h: (h.doc not in named, -h.score))
    if q.said:
        ordered.sort(key=lambda h: not isinstance(h.entry.ref, Quote))
    first = ordered[0]
    return [h for h in ordered if h.score >= first.score / 3 or h.coverage >= first.coverage]


def suggestions(topic: Topic, hits: Sequence[Hit], longest: int) -> list[str]:
    """Something short to ask instead of each hit: who said a quote, or an entry's title or alias, never a
    passage (a label over `longest` characters gives way to the entry's id)."""
    out = []
    for hit in hits:
        ref = hit.entry.ref
        label = hit.entry.label
        if isinstance(ref, Quote):
            out.append(f"quotes {speaker(topic, ref)}")
        else:
            out.append(label if label and len(label) <= longest else hit.entry.entry_id.replace("-", " "))
    return out
