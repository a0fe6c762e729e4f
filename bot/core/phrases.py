"""What the bot says about a topic, in the topic's own words: its document's name, its counts, its articles.

No sentence here names a treaty or any other document: "of the treaty" comes from the topic's `document`, a
count from `counted` and each kind's own singular and plural, so a second topic (a budget law, a statute with
no articles) reads right without a line of code.
"""

from __future__ import annotations

from bot.core.answer import Item, ItemKind
from bot.core.kinds import KINDS, person, source
from bot.core.kinds.provision import Provision
from bot.core.model import Topic
from bot.core.text import counted


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def of(topic: Topic) -> str:
    """ " of the treaty", or "" when the topic does not say what its articles belong to."""
    return f" of {topic.document.name}" if topic.document else ""


def holdings(topic: Topic) -> str:
    """ "2 curated sources: 1 article of the treaty, 3 quotes and 1 fact": every kind the topic holds, each
    counted in its kind's own words (people are who said things, so not listed as something answered)."""
    parts = []
    for kind in KINDS:
        n = len(topic.section(kind))
        if kind in (source.KIND, person.KIND) or not n:
            continue
        parts.append(kind.count(n) + (of(topic) if kind.section == "articles" else ""))
    listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + (parts[-1] if parts else "")
    sources = counted(len(topic.sources), "curated source", "curated sources")
    return f"{sources}: {listed}" if listed else sources


def _outnumbered(topic: Topic, n: int) -> str | None:
    """ "The treaty has 23 articles (TASS)" when the knowledge states a count that `n` is beyond."""
    doc = topic.document
    if doc is None or doc.articles is None or doc.source is None or n <= doc.articles:
        return None
    outlet = topic.source_by_id[doc.source].outlet
    return f"{capital(doc.name)} has {counted(doc.articles, 'article', 'articles')} ({outlet})"


def no_article(topic: Topic, n: int) -> str:
    """Why Article N has no answer: never quoted, or beyond the count of articles the knowledge states."""
    known = ", ".join(f"Article {a.number}" for a in topic.articles) or "no article"
    beyond = _outnumbered(topic, n)
    if beyond:
        return f"{beyond}, so no Article {n}. The curated sources quote {known}."
    return f"The curated sources never quote Article {n}{of(topic)}. They quote {known}."


def not_held(n: int) -> str:
    """Why an Article N of another document than the topic's own has no answer."""
    return f"The curated sources do not quote Article {n} of that document, nor say what it provides."


def about_article(topic: Topic, n: int, refs: list[object]) -> str | None:
    """The intro of an answer about an Article N the topic's articles do not quote: a summary is said to be one,
    and a provision of another document to be that document's, with the topic's own count when it is known."""
    said = []
    others = [r for r in refs if isinstance(r, Provision)]
    if len(others) < len(refs):
        said.append(f"The curated sources do not quote Article {n}{of(topic)} word for word; this is what they say.")
    if others:
        doc = topic.document
        beyond = doc is not None and doc.articles is not None and n > doc.articles
        stop = f": {doc.name}'s own articles stop at {doc.articles}" if doc and beyond else ""
        said.append(f"Article {n} here is {others[0].document}'s{stop}.")
    return " ".join(said) or None


def count_note(topic: Topic) -> Item | None:
    """The topic's count of articles as a cited note, when the knowledge states it."""
    doc = topic.document
    if doc is None or doc.articles is None or doc.source is None or doc.evidence is None:
        return None
    return Item(
        kind=ItemKind.NOTE,
        text=f"{capital(doc.name)} has {counted(doc.articles, 'article', 'articles')}.",
        detail=f'The source: "{doc.evidence}"',
        citations=(source.cite(topic, doc.source),),
    )
