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
- "who said X": X's words are in the quote itself, not only in the note on its context;
- the question does not name someone else: when it starts a person's name the entry answers to ("south
  korean" of "south korean foreign minister", the speaker of a quote) and then goes another way ("south
  korean president"), it asks about another person, whatever words the quote happens to hold ("President").
Otherwise the engine answers with an honest miss that suggests the nearest entries.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from bot.core.index import Hit, SearchIndex, ids, phrase, stem
from bot.core.kinds.person import Person
from bot.core.kinds.quote import Quote
from bot.core.model import Topic
from bot.core.query import STOPWORDS, Query
from bot.core.text import tokens

_SHARED = 2  # words a question must share with the start of a name before going another way counts


def _holds(docs: Sequence[int] | None, d: int) -> bool:
    """Whether a posting list (ascending entry numbers) holds entry `d`."""
    if not docs:
        return False
    i = bisect_left(docs, d)
    return i < len(docs) and docs[i] == d


def names_of(topic: Topic, ref: object) -> tuple[str, ...]:
    """The names of whom an entry is about: a person's own, or a quote's speaker's."""
    person = topic.person_by_id.get(ref.speaker) if isinstance(ref, Quote) else ref
    return (person.name, *person.aliases) if isinstance(person, Person) else ()


def _words(text: str) -> list[str]:
    return [stem(t) for t in tokens(text) if t not in STOPWORDS]


def names_someone_else(q: Query, names: Sequence[str]) -> bool:
    """The question starts one of these names and then goes another way: "south korean president" against
    "south korean foreign minister", "kim jong gyu" against "kim jong un"."""
    asked = [stem(t) for t in q.terms]
    for name in names:
        said = _words(name)
        for i in range(len(asked)):
            k = 0
            while i + k < len(asked) and k < len(said) and asked[i + k] == said[k]:
                k += 1
            if k >= _SHARED and i + k < len(asked) and k < len(said):
                return True
    return False


def about(index: SearchIndex, q: Query, hit: Hit, *, said: bool = False, names: Sequence[str] = ()) -> bool:
    """True when `hit` answers the question; see the module's rules.

    `said`: the question asks who said these words, so they must be in the quote's own text. `names`: whom
    the entry is about (`names_of`).
    """
    if names and names_someone_else(q, names):
        return False
    asked = [t for t in dict.fromkeys(stem(t) for t in q.terms) if len(t) > 1]  # the "s" of "what's" asks nothing
    if not asked:
        return False
    d = hit.doc
    tids = []
    for term in asked:
        tid = index.vocab.get(term)
        if tid is None:
            tid = index.correct(term)
            if tid is not None and index.terms[tid] in STOPWORDS:  # "where" is no typo of "were": it asks
                return False
        if tid is None:
            return False
        tids.append(tid)
    for tid in tids:
        if not _holds(index.key_postings.get(tid) if said else index.postings[tid], d):
            return False
    if len(tids) == 1 and not said:
        names = (index.terms[tids[0]], phrase(q.raw))
        return any(d in ids(index.phrases, name) for name in names)
    return True
