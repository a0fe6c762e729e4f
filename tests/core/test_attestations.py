"""Several sources per entry and disagreements as data (issue 12, items 1 and 2), asked through the service."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.core.answer import Answer
from bot.core.engine import SAYS
from bot.core.loader import load_topic
from bot.slack import blocks as bk
from bot.terminal.render import render_text
from tests.support.asking import Door, open_door
from tests.support.paths import FIXTURES

BOTH = ["courier", "herald"]


@pytest.fixture(scope="module")
def multi() -> Door:
    return open_door(FIXTURES / "multisource", "/multi")


@pytest.fixture(scope="module")
def disputed() -> Door:
    return open_door(FIXTURES / "disputed", "/disputed")


def text_of(answer: Answer) -> str:
    return re.sub(r"\s+", " ", render_text(bk.render_message(answer), width=80))


@pytest.mark.parametrize(
    "question", ["timeline", "when was the pact signed", "a bridge for everyone", "who signed", "lee"]
)
def test_an_entry_attested_by_two_outlets_is_one_item_citing_both(multi: Door, question: str) -> None:
    answer = multi.answer(question)
    first = answer.items[0]
    assert sorted(c.source_id for c in first.citations) == BOTH, answer.title
    shown = text_of(answer)
    assert "The Herald [1]" in shown and "The Courier [2]" in shown
    assert shown.count("herald.example") == 1 and shown.count("courier.example") == 1  # each cited once


def test_a_clause_printed_by_two_outlets_is_one_wording_headed_by_both(multi: Door) -> None:
    answer = multi.answer("article 1")
    (wording,) = [i for i in answer.items if i.kind == "translation"]
    assert wording.heading == "Translation by The Herald and The Courier"
    assert sorted(c.source_id for c in wording.citations) == BOTH
    (note,) = [i for i in answer.items if i.kind == "note"]
    assert sorted(c.source_id for c in note.citations) == BOTH


def test_each_sources_relative_date_and_evidence_are_shown(multi: Door) -> None:
    shown = text_of(multi.answer("who signed"))
    assert '"The mayor and Governor Ann Lee signed the bridge agreement"' in shown
    assert '"which the mayor and Governor Ann Lee signed"' in shown
    event = multi.answer("when was the pact signed").items[0]
    assert event.detail is not None and 'The Herald "on Wednesday"' in event.detail


def test_a_disputed_date_headline_takes_no_side(disputed: Door) -> None:
    answer = disputed.answer("when did the old crossing close")
    assert answer.title == "1990 or 1996 (the sources disagree)"  # the header is the date; the body what happened
    assert answer.items[0].text == "The old crossing closes."
    (item,) = [i for i in answer.items if i.sides]
    assert [(s.says, [c.source_id for c in s.citations]) for s in item.sides] == [
        ("1990: closed in 1990, per the Herald's archive", ["herald"]),
        ("1996: closed in 1996, per city records", ["courier"]),
    ]
    shown = text_of(answer)
    assert bk.DISPUTED_NOTICE.replace(":scales:", "⚖") in shown
    assert "1990: closed in 1990, per the Herald's archive (The Herald [1])" in shown
    assert "1996: closed in 1996, per city records (The Courier [2])" in shown


def test_the_timeline_shows_a_disputed_event_once_marked(disputed: Door) -> None:
    answer = disputed.answer("timeline")
    assert [i.entry_id for i in answer.items] == ["old-crossing-closed", "pact-signed"]
    assert answer.items[0].heading == "1990 or 1996 (the sources disagree)"
    assert not answer.items[1].sides
    assert text_of(answer).count("The sources disagree:") == 1


def test_a_disputed_number_shows_every_side(disputed: Door) -> None:
    answer = disputed.answer("how many articles")
    assert answer.disputed and answer.title == SAYS  # header and body never repeat each other
    assert answer.items[0].text == "How many articles the agreement has."
    shown = text_of(answer)
    assert "12 articles (The Herald [1])" in shown and "14 articles (The Courier [2])" in shown


def _topic(tmp_path: Path, timeline: str) -> Path:
    shutil.copytree(FIXTURES / "disputed" / "sources", tmp_path / "sources")
    head = (FIXTURES / "disputed" / "disputed.yaml").read_text("utf-8").split("timeline:")[0]
    path = tmp_path / "t.yaml"
    path.write_text(head + "timeline:\n" + timeline, "utf-8")
    return path


LOOKALIKES = """\
  - id: crossing-closed-herald
    date: 1990
    what: The old crossing is closed to traffic.
    source: herald
    evidence: The old crossing was closed in 1990
  - id: crossing-closed-courier
    date: 1996
    what: The old crossing is closed to traffic.
    source: courier
    evidence: The old crossing closed in 1996
"""


def test_two_events_alike_but_dated_differently_are_warned(tmp_path: Path) -> None:
    path = _topic(tmp_path, LOOKALIKES)
    lines = path.read_text("utf-8").splitlines()
    first, second = (n for n, line in enumerate(lines, 1) if "what: The old crossing is closed" in line)
    topic, problems = load_topic(path)
    assert topic is not None  # a warning: the maintainer decides
    (warning,) = [p for p in problems if "reads like" in p.message]
    assert warning.severity == "warning" and warning.line == second
    assert f"'crossing-closed-courier' reads like 'crossing-closed-herald' (line {first - 2})" in warning.message
    assert "disagreement:" in warning.message


def test_alike_events_on_the_same_date_or_unlike_events_are_not_warned(tmp_path: Path) -> None:
    # The same (vaguer) date for both, which each one's words allow: no disagreement to record.
    same_day = LOOKALIKES.replace("date: 1996\n", "date: 1990s\n").replace("date: 1990\n", "date: 1990s\n")
    unlike = LOOKALIKES.replace("is closed to traffic.", "reopens for cyclists after repairs.", 1)
    for i, timeline in enumerate((same_day, unlike)):
        topic, problems = load_topic(_topic(tmp_path / str(i), timeline))
        assert topic is not None and not [p for p in problems if "reads like" in p.message], timeline
