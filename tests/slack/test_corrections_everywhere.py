"""No path may drop a correction: every answer kind, every place a correction can sit (issue 12, item 3).

The fixture (tests/fixtures/corrected_everywhere) carries one correction on a source, a person, an article, a
translation, a note, a quote, an event and a fact. Each question below is asked through the service; the entries
its answer shows are read back from the answer itself (its items' ids and citations), and every correction of
those entries and of the sources it cites must stand, word for word, in the Slack payload and in the terminal
text. Two more checks keep the list of questions honest: together they show every correction of the fixture,
and every kind of answer that states sourced facts.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.core.answer import UNCITED_KINDS, Answer, Kind
from bot.core.kinds import KINDS
from bot.core.loader import load
from bot.core.model import Correction, Topic, corrections_in
from bot.slack import blocks as bk
from bot.slack.home import render_home
from bot.terminal.render import render_text
from tests.slack.test_kit import assert_valid
from tests.support.asking import Door, open_door
from tests.support.paths import FIXTURES

FOLDER = FIXTURES / "corrected_everywhere"

QUESTIONS = {
    "article 1": Kind.ARTICLE,
    "articles": Kind.ARTICLE,
    "compare article 1": Kind.COMPARE,
    "timeline": Kind.TIMELINE,
    "latest": Kind.LATEST,
    "when was the pact signed": Kind.WHEN,
    "quotes": Kind.QUOTES,
    "who said a bridge for everyone": Kind.QUOTES,
    "how many articles": Kind.FACTS,
    "lee": Kind.PERSON,
    "sources": Kind.SOURCES,
}


@pytest.fixture(scope="module")
def door() -> Door:
    return open_door(FOLDER, "/fixes")


@pytest.fixture(scope="module")
def topic() -> Topic:
    result = load(FOLDER)
    assert result.knowledge is not None
    (only,) = result.knowledge.topics
    return only


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return [node] if isinstance(node, str) else []


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def shown(topic: Topic, answer: Answer) -> set[Correction]:
    """The corrections this answer must show: of every entry it shows and every source it cites."""
    by_id = {getattr(e, "id", None): e for k in KINDS for e in topic.section(k)}
    out: set[Correction] = set()
    for item in answer.items:
        if item.entry_id in by_id:
            out.update(corrections_in(by_id[item.entry_id]))
        for c in item.citations:
            out.update(topic.source_by_id[c.source_id].corrections)
    return out


def every_correction(topic: Topic) -> set[Correction]:
    return {c for k in KINDS for e in topic.section(k) for c in corrections_in(e)}


def test_the_fixture_has_a_correction_at_every_place(topic: Topic) -> None:
    art = topic.articles[0]
    places = {
        "source": topic.source_by_id["herald"].corrections,
        "person": topic.people[0].corrections,
        "article": art.corrections,
        "translation": art.translations[0].corrections,
        "note": art.notes[0].corrections,
        "quote": topic.quotes[0].corrections,
        "event": topic.timeline[0].corrections,
        "fact": topic.facts[0].corrections,
    }
    assert all(len(fixes) == 1 for fixes in places.values()), places
    assert len(every_correction(topic)) == len(places)


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_answer_shows_every_correction_of_what_it_shows(door: Door, topic: Topic, question: str) -> None:
    answer = door.answer(question)
    assert answer.kind is QUESTIONS[question], answer.title
    expected = shown(topic, answer)
    assert expected, "the question shows no corrected entry: it tests nothing"
    payload = bk.render_message(answer)
    assert_valid(payload["blocks"])
    slack = _flat(" ".join(_strings(payload["blocks"])))
    terminal = _flat(render_text(payload, width=60))
    assert bk.CORRECTED_NOTICE in slack
    for c in expected:
        for words in (c.wrong, c.right):
            assert bk.esc(words, 900) in slack, (question, words)
            assert words in terminal, (question, words)


def test_the_questions_cover_every_correction_and_every_answer_kind(door: Door, topic: Topic) -> None:
    seen: set[Correction] = set()
    for question in QUESTIONS:
        seen |= shown(topic, door.answer(question))
    assert seen == every_correction(topic)
    stating = {k for k in Kind if k not in UNCITED_KINDS and k is not Kind.NOTICE}
    assert stating <= set(QUESTIONS.values())


def test_app_home_lists_every_correction_newest_first(topic: Topic) -> None:
    result = load(FOLDER)
    assert result.knowledge is not None
    home = render_home(result.knowledge)
    View(**home).validate_json()
    text = _flat(" ".join(_strings(home["blocks"])))
    fixes = every_correction(topic)
    for c in fixes:
        assert bk.esc(c.right, 900) in text and bk.esc(c.wrong, 900) in text
    dates = [c.date.display() for c in sorted(fixes, key=lambda c: c.date.sort_key, reverse=True)]
    assert [d for d in re.findall(r"Corrected (\w{3} \d+ \w+ \d{4})", text)] == dates
