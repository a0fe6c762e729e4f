"""Whose words a said-question asks for, and which of them it asks for: a fact naming someone is not their words,
and their words on something else are not what they said about the document."""

from __future__ import annotations

from bot.core import relevance, subject
from bot.core.index import SearchIndex
from bot.core.kinds.person import Person
from bot.core.kinds.quote import Quote
from bot.core.model import Topic
from bot.core.named import people_named
from bot.core.query import Query


def spoken_of(topic: Topic, q: Query, who: Person) -> list[Quote]:
    """A person's quotes, or, when the question asks what they said about the document itself, those that
    speak of it: Ukrainian officials' words on missile debris are not what they said about the treaty."""
    mine = relevance.implied(topic)
    said = [x for x in topic.quotes if x.speaker == who.id]
    if not subject.about_document(q.raw, mine):
        return said
    return [x for x in said if subject.says_document(f"{x.text} {x.context}", mine)]


def unquoted_speaker(topic: Topic, index: SearchIndex, q: Query, top: object) -> Person | None:
    """Whom a said-question names as speaking when the topic holds no quote of theirs and what was found is
    not a quote: "what did rudenko say at the ratification swap" asks for his words, and a fact naming him is
    not them."""
    if not q.said or isinstance(top, Quote):
        return None
    acting = " ".join(subject.subject(q.raw, lambda w: relevance._person_word(index, w)))
    return next((p for p in people_named(index, acting) if all(x.speaker != p.id for x in topic.quotes)), None)
