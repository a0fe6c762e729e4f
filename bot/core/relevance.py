"""Whether a search hit is *about* the question, so that it may be offered as the answer.

Ranking alone cannot say this: it orders whatever shares a word with the question, and the best of a bad
lot still comes first. "north korean troops in russia" shared "troops" with the 1961 treaty's clause and
"north korean" with a quote about missile debris; a reporter who repeats either publishes an error. So a hit
is offered only when:
- every word the question asks is in the entry (typos corrected as the index corrects them). A word the
  sources never use ("Gyu" of Kim Jong Gyu, "weapons" beside "nuclear" when no entry has both) means the
  question is about something they do not cover, whatever else it shares;
- a one-word question names the entry: the word is one of its names (an alias, a person's name, a title),
  or the question as typed is one ("is it an alliance"), not a word that happens to be in its text
  ("troops", "new");
- "who said X": X's words are in the quote itself, not only in the note on its context.
Otherwise the engine answers with an honest miss that suggests the nearest entries.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from bot.core.index import Hit, SearchIndex, phrase, stem
from bot.core.query import Query


def _holds(docs: Sequence[int] | None, d: int) -> bool:
    """Whether a posting list (ascending entry numbers) holds entry `d`."""
    if not docs:
        return False
    i = bisect_left(docs, d)
    return i < len(docs) and docs[i] == d


def about(index: SearchIndex, q: Query, hit: Hit, *, said: bool = False) -> bool:
    """True when `hit` answers the question; see the module's rules.

    `said`: the question asks who said these words, so they must be in the quote's own text.
    """
    asked = [t for t in dict.fromkeys(stem(t) for t in q.terms) if len(t) > 1]  # the "s" of "what's" asks nothing
    if not asked:
        return False
    d = hit.doc
    tids = []
    for term in asked:
        tid = index.vocab.get(term)
        if tid is None:
            tid = index.correct(term)
        if tid is None:
            return False
        tids.append(tid)
    for tid in tids:
        if not _holds(index.key_postings.get(tid) if said else index.postings[tid], d):
            return False
    if len(tids) == 1 and not said:
        names = (index.terms[tids[0]], phrase(q.raw))
        return any(d in index.phrases.get(name, ()) for name in names)
    return True
