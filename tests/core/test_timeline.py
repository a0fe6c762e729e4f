"""A long timeline keeps its news and names what it leaves out (tests/fixtures/long_timeline).

/decades: 20 events from 1950 to December 2024, the newest year holding 10; /crowded: 14 events all in 2024.
"""

from __future__ import annotations

from bot.core.answer import Answer
from bot.core.kinds.event import Event
from bot.core.timeline import MAX_TIMELINE
from tests.conftest import FIXTURES
from tests.support.asking import Door, open_door

LONG = FIXTURES / "long_timeline"


def _timeline(door: Door) -> tuple[Event, ...]:
    knowledge = door.service.knowledge()
    assert knowledge is not None
    topic = knowledge.topic_for(door.command)
    assert topic is not None
    return topic.timeline


def _years(a: Answer) -> list[int]:
    return [i.date.year for i in a.items if i.date]


def test_a_long_timeline_keeps_the_newest_and_names_the_earlier_part() -> None:
    door = open_door(LONG, "/decades")
    everything = _timeline(door)
    a = door.answer("timeline")
    assert len(a.items) <= MAX_TIMELINE and a.items[-1].entry_id == everything[-1].id  # the newest is shown
    assert set(_years(a)) == {2024}  # the cut falls between whole years
    assert a.more == ("timeline 1950-2023",)
    left = len(everything) - len(a.items)
    assert f"The {left} earlier ones (1950 to September 2023) are in `/decades timeline 1950-2023`." in (a.intro or "")
    earlier = door.answer(a.more[0])
    assert earlier.more == () and earlier.intro is None
    shown = {i.entry_id for i in a.items} | {i.entry_id for i in earlier.items}
    assert shown == {e.id for e in everything}  # nothing is out of reach


def test_a_crowded_year_is_cut_between_its_months() -> None:
    door = open_door(LONG, "/crowded")
    everything = _timeline(door)
    a = door.answer("timeline")
    assert a.more == ("timeline January 2024",) and "`/crowded timeline January 2024`" in (a.intro or "")
    assert a.items[-1].entry_id == everything[-1].id
    assert a.items[0].heading == "2024"  # the year's event without a month stays: no narrower question shows it
    january = door.answer(a.more[0])
    assert [i.heading for i in january.items] == ["January 2024"] and january.title == "Timeline: January 2024"
    assert {i.entry_id for i in a.items} | {i.entry_id for i in january.items} == {e.id for e in everything}


def test_a_short_timeline_is_not_cut() -> None:
    a = open_door(FIXTURES / "developing", "/harbour").answer("timeline")
    assert a.more == () and a.intro is None and len(a.items) == 9
