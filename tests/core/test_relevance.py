"""An entry is offered as the answer only when it is about the question (tests/fixtures/relevance).

Each trap shares a word with a real entry ("troops", "new", "Kim", "nuclear") but asks about something the
sources do not cover: the answer must be an honest miss naming the nearest entries, never the entry itself.
"""

from __future__ import annotations

import pytest

from bot.core.answer import Kind
from tests.support.asking import Door, open_door
from tests.support.paths import FIXTURES


@pytest.fixture(scope="module")
def rel() -> Door:
    return open_door(FIXTURES / "relevance", "/rel")


@pytest.mark.parametrize(
    ("text", "nearest"),
    [
        ("north korean troops in russia", "1961 clause"),  # "troops" is in the 1961 clause's text
        ("troops", "1961 clause"),  # a one-word question must name the entry, not occur in its text
        ("new agreements", None),  # "new" of "the new pact" in a quote's context ("what's new" is a command now)
        ("kim jong gyu", "Kim Jong Un"),  # a full name: "Gyu" is not Kim Jong Un
        ("nuclear weapons", "nuclear energy"),  # the phrase, not the word
        ("who said troops", None),  # no quote says it
        ("who said new pact", None),  # only the note on the quote's context says it
        ("quote kim yo jong", None),  # the person's search: full names too
        ("when did kim send troops", None),  # the when-handler, then the search
        ("south korean president", None),  # starts the minister's title, then names someone else
    ],
)
def test_a_shared_word_is_an_honest_miss(rel: Door, text: str, nearest: str | None) -> None:
    a = rel.answer(text)
    assert a.kind is Kind.MISS, (text, [i.entry_id for i in a.items])
    assert a.items == ()
    if nearest:
        assert nearest in a.suggestions


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        ("kim", "kim-jong-un"),  # an alias
        ("kim jong un", "kim-jong-un"),
        ("who said level of alliance", "kim-level-of-alliance"),
        ("who said missile debris", "officials-missile-debris"),
        ("quote kim", "kim-level-of-alliance"),
        ("nuclear energy", "nuclear-energy"),
        ("nuclear enrgy", "nuclear-energy"),  # a typo, corrected as the index corrects it
        ("troops and other aid", "old-clause"),  # every word asked is in the entry
        ("1961 clause", "old-clause"),
        ("south korean foreign minister", "lee-min-ho"),  # the whole title: the minister
        ("president to sign it", "lee-did-not-expect"),  # the quote's own words
    ],
)
def test_questions_about_an_entry_still_get_it(rel: Door, text: str, lead: str) -> None:
    a = rel.answer(text)
    assert a.kind is not Kind.MISS, text
    assert a.items[0].entry_id == lead


def test_a_where_question_is_not_answered_with_a_date() -> None:
    """ "where" asks for a place: an entry that only dates the event must not answer it (the old parser dropped
    the word and answered "1901"); a maintainer names the place-question in an alias to answer it."""
    mini = open_door(FIXTURES / "mini", "/mini")
    assert mini.answer("when was the first bridge built").kind is Kind.WHEN
    assert mini.answer("where was the first bridge built").kind is Kind.MISS


def test_an_engine_is_ready_before_its_first_answer() -> None:
    """The tables relevance keeps per index are built with the engine, by the thread that loads it: built
    lazily, the first answer after a reload at 100,000 entries waited ~50 ms for them, and every answer queued
    behind it."""
    from bot.core import named
    from bot.core.engine import TopicEngine
    from bot.core.loader import load

    result = load(FIXTURES / "relevance")
    assert result.knowledge is not None
    topic = result.knowledge.topics[0]
    engine = TopicEngine.build(topic)
    assert engine.index in named._NAMES and engine.index in named._OUTLETS
    names = named._NAMES[engine.index]
    assert names  # the fixture's people, by name and alias
