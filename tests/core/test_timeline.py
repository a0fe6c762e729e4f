"""A long timeline keeps its news and names what it leaves out (tests/fixtures/long_timeline).

/decades: 20 events from 1950 to December 2024, the newest year holding 10; /crowded: 14 events all in 2024.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.answer import Answer
from bot.core.dates import PartialDate
from bot.core.engine import TopicEngine
from bot.core.kinds.event import Event
from bot.core.model import Source, Topic
from bot.core.query import parse
from bot.core.timeline import MAX_TIMELINE
from tests.support.asking import Door, open_door
from tests.support.paths import FIXTURES

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
    assert a.more == ("timeline January 2024", "timeline February 2024")
    assert "`/crowded timeline January 2024` and `/crowded timeline February 2024`" in (a.intro or "")
    assert len(a.items) == MAX_TIMELINE and a.items[-1].entry_id == everything[-1].id
    assert a.items[0].heading == "2024"  # the year's event without a month stays: no narrower question shows it
    january, february = (door.answer(m) for m in a.more)
    assert [i.heading for i in january.items] == ["January 2024"] and january.title == "Timeline: January 2024"
    shown = {i.entry_id for answer in (a, january, february) for i in answer.items}
    assert shown == {e.id for e in everything}
    empty = door.answer("timeline March 2023")
    assert empty.kind == "miss" and "No event in the curated sources falls in March 2023" in (empty.intro or "")


def test_a_short_timeline_is_not_cut() -> None:
    a = open_door(FIXTURES / "developing", "/harbour").answer("timeline")
    assert a.more == () and a.intro is None and len(a.items) == 9


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(1940, 2024), st.sampled_from([None, *range(1, 13)]), st.integers(0, 2)),
        min_size=1, max_size=60,
    )
)  # fmt: skip
def test_following_the_named_questions_reaches_every_event(dates: list[tuple[int, int | None, int]]) -> None:
    """From `timeline`, the questions each answer names (and a button offers) lead to every event."""
    per_month: Counter[tuple[int, int | None]] = Counter()
    events = []
    for n, (year, month, day) in enumerate(dates):
        if per_month[(year, month)] >= 3:  # no single month holds more than one answer shows
            continue
        per_month[(year, month)] += 1
        date = PartialDate(year, month, (day + 1) * 9 if month else None)
        events.append(Event(f"e{n}", date, f"Event {n}.", "wire", f"in {year}"))
    timeline = tuple(sorted(events, key=lambda e: e.date.sort_key))
    wire = Source("wire", "Wire", "Headline", PartialDate(2025), "sources/wire.txt")
    topic = Topic(
        "t", "/t", "T", "S", "t.yaml", {"sources": (wire,), "timeline": timeline}, source_by_id={"wire": wire}
    )
    engine = TopicEngine.build(topic)
    seen: set[str] = set()
    asked, queue = set(), ["timeline"]
    while queue:
        ask = queue.pop()
        if ask in asked:
            continue
        asked.add(ask)
        a = engine.answer(parse(ask))
        assert len(a.items) <= MAX_TIMELINE + 3  # a year's events without a month are kept with its newest months
        seen |= {i.entry_id for i in a.items if i.entry_id}
        queue += a.more
    assert seen == {e.id for e in timeline}
