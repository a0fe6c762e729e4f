"""What reporters type for what the sources say: the topic's glossary, and its own document said in full.

Reporters write "nk", "dprk" and "rok", "kju" for Kim Jong Un, "'61" for 1961, and name the topic's own
document with the countries of its title ("the nk-ru treaty", "the russia-north korea pact"). The sources say
"North Korea", "Kim Jong Un", "1961", "the treaty". Which short forms mean what is the maintainers' to say, per
topic (`terms:` in the topic file, checked by the loader); nothing here names a country or a person. The
question is rewritten in the sources' words before it is parsed; what it asks is not changed, so a trap stays a
trap: "did the un condemn the dprk-russia pact" still asks for a condemnation no entry holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from bot.core.index import stem
from bot.core.model import Topic
from bot.core.query import STOPWORDS, names_article
from bot.core.text import abbreviated, fold, tokens

_WORD = re.compile(r"[^\W_]+")
_PASSES = 3  # a glossary the loader accepted settles in one pass; more never loop


def key_words(term: str) -> tuple[str, ...]:
    """A glossary term as the words a question is matched with ("'61" is "61", "N.K." is "nk")."""
    return tuple(tokens(term))


def rewrite(topic: Topic, raw: str) -> str:
    """The question in the sources' words: each glossary term replaced by what it means, and the topic's
    document named with its title's words ("the north korea-russia treaty") as the document alone ("the
    treaty"). `raw` itself when nothing applies; otherwise folded text, settled (rewriting it again changes
    nothing)."""
    if not topic.terms and topic.document is None:
        return raw
    text = raw
    for _ in range(_PASSES):
        again = _own_document(topic, _expanded(topic, text))
        if again == text:
            return raw if text is raw else text
        text = again
    return raw  # a glossary that does not settle (the loader refuses one) rewrites nothing


@lru_cache(maxsize=64)
def _table(terms: tuple[tuple[str, str], ...]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """The glossary by each term's first word, longest term first: built once per glossary, not per question."""
    table: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for typed, meant in terms:
        key = key_words(typed)
        if key:
            table.setdefault(key[0], []).append((key, meant))
    return {first: sorted(found, key=lambda km: -len(km[0])) for first, found in table.items()}


def _spans(text: str) -> list[re.Match[str]]:
    return list(_WORD.finditer(text))


def _expanded(topic: Topic, raw: str) -> str:
    """Each glossary term (the longest that fits first) as the words it means; a number after an article
    word is the article's ("article 61"), never a glossary term."""
    if not topic.terms:
        return raw
    table = _table(topic.terms)
    text = abbreviated(fold(raw))
    found = _spans(text)
    words = [m.group() for m in found]
    cuts: list[tuple[int, int, str]] = []
    i = 0
    while i < len(words):
        for key, meant in table.get(words[i], ()):
            if tuple(words[i : i + len(key)]) != key or (key[0].isdigit() and i and names_article(words[i - 1])):
                continue
            cuts.append((found[i].start(), found[i + len(key) - 1].end(), meant))
            i += len(key) - 1
            break
        i += 1
    return _cut(text, cuts) if cuts else raw


def _cut(text: str, cuts: Iterable[tuple[int, int, str]]) -> str:
    out, at = [], 0
    for start, end, put in cuts:
        out += [text[at:start], put]
        at = end
    return "".join([*out, text[at:]])


@lru_cache(maxsize=64)
def _names(command: str, name: str, document: str, title: str) -> tuple[frozenset[str], frozenset[str]]:
    """The stemmed words naming a topic's document ("pact", "treaty") and the other words of its title: once
    per topic, not per question."""
    heads = frozenset(stem(w) for w in (command.lstrip("/"), name, *tokens(document)[-1:]))
    return heads, frozenset(stem(w) for w in tokens(title) if w not in STOPWORDS) - heads


def _own_document(topic: Topic, raw: str) -> str:
    """ "the north korea-russia treaty" as "the treaty": words of the topic's title before the document's head
    word (or the topic's own name, "pact"), after a word that asks nothing ("the", "about") or none. A run with
    another word in it ("the soviet-north korea treaty", "the 1961 treaty") names another document: kept."""
    heads, title = _names(topic.command, topic.topic, topic.document.name if topic.document else "", topic.title)
    text = abbreviated(fold(raw))
    found = _spans(text)
    said = [stem(m.group()) for m in found]
    cuts = []
    for h, word in enumerate(said):
        if word not in heads:
            continue
        j = h
        while j > 0 and said[j - 1] in title:
            j -= 1
        if j < h and (j == 0 or found[j - 1].group() in STOPWORDS):
            cuts.append((found[j].start(), found[h].start(), ""))
    return _cut(text, cuts) if cuts else raw
