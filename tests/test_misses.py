"""Unanswered questions: Space-Saving counts, per workspace, flushed to the shared state, shown printable."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.misses import Misses, SpaceSaving, printable, question_key
from bot.state import MemoryState, SQLState


def test_a_busy_question_after_thousands_of_one_off_misses_surfaces() -> None:
    """The old counter froze at 5,000 keys: a question asked 50 times after 5,200 one-offs never appeared."""
    misses = Misses(MemoryState(), capacity=512)
    for i in range(5200):
        misses.count(f"one-off question number {i}")
    for _ in range(50):
        misses.count("What about the Arctic?")
    top = misses.snapshot("", 3)
    assert top[0][0] == "what about the arctic?"
    assert top[0][1] >= 50 - 5250 // 512  # guaranteed count: at most N/capacity below the truth


@given(st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=2000), st.integers(1, 40))
def test_space_saving_keeps_its_guarantees(stream: list[int], capacity: int) -> None:
    summary = SpaceSaving(capacity)
    for x in stream:
        summary.add(str(x))
    truth = Counter(str(x) for x in stream)
    assert len(summary) <= capacity
    assert sum(summary.counts.values()) == len(stream)  # Space-Saving's invariant: counters sum to N
    for key, n in truth.items():
        if n > len(stream) / capacity:
            assert key in summary.counts  # every frequent question is kept
    for key, count in summary.counts.items():
        assert count - summary.errors[key] <= truth[key] <= count  # the flushed count never overstates
    if summary.counts:
        assert summary.low == min(summary.counts.values())


def test_counting_stays_bounded_and_cheap_per_miss() -> None:
    summary = SpaceSaving(100)
    rng = random.Random(3)
    for _ in range(50_000):
        summary.add(f"q{rng.randrange(100_000)}")
    assert len(summary) == 100 and len(summary.buckets) <= 100


def test_workspaces_are_counted_apart_and_beyond_the_bound_dropped() -> None:
    misses = Misses(MemoryState(), max_workspaces=2)
    misses.count("arctic", "T1")
    misses.count("arctic", "T1")
    misses.count("budget", "T2")
    misses.count("cyber", "T3")  # a third workspace in one interval: over the bound
    assert misses.snapshot("T1") == [("arctic", 2)]
    assert misses.snapshot("T2") == [("budget", 1)]
    assert misses.snapshot("T3") == [] and misses.dropped == 1


def test_a_restart_or_a_second_replica_loses_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'misses.sqlite3'}"

    async def replica(asked: list[str]) -> None:
        state = SQLState(url)
        await state.create_tables()
        misses = Misses(state)
        for q in asked:
            misses.count(q, "T1")
        await misses.flush()  # what the server does every few seconds and at shutdown
        await state.close()

    async def read() -> list[tuple[str, int]]:
        state = SQLState(url)
        await state.create_tables()
        try:
            return await Misses(state).top("T1", 5)
        finally:
            await state.close()

    async def go() -> list[tuple[str, int]]:
        await replica(["arctic"] * 3 + ["budget"])
        await asyncio.gather(replica(["arctic"] * 2), replica(["cyber", "budget", "budget"]))
        return await read()

    assert asyncio.run(go()) == [("arctic", 5), ("budget", 3), ("cyber", 1)]


class FailingState(MemoryState):
    def __init__(self) -> None:
        super().__init__()
        self.down = True

    async def add_misses(self, workspace: str, counts: Mapping[str, int]) -> None:
        if self.down:
            raise ConnectionError("database away")
        await super().add_misses(workspace, counts)


def test_a_failed_flush_keeps_the_counts_for_the_next_one() -> None:
    state = FailingState()
    misses = Misses(state)

    async def go() -> list[tuple[str, int]]:
        misses.count("arctic")
        await misses.flush()
        misses.count("arctic")
        state.down = False
        await misses.flush()
        return await state.top_misses("", 5)

    assert asyncio.run(go()) == [("arctic", 2)]


def test_snapshot_adds_unflushed_counts_to_the_shared_totals() -> None:
    state = MemoryState()
    misses = Misses(state)

    async def go() -> list[tuple[str, int]]:
        await state.add_misses("", {"arctic": 4})  # another replica's flush
        misses.snapshot("")  # first asked here: fetched at the next flush
        await misses.flush()
        misses.count("arctic")
        misses.count("budget")
        return misses.snapshot("")

    assert asyncio.run(go()) == [("arctic", 5), ("budget", 1)]


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("\x1b[31mred alert\x1b[0m", "red alert"),  # colour codes
        ("\x1b]0;pwned\x07title", "title"),  # terminal title sequence
        ("bell\x07 and\x00nul", "bell and nul"),
        ("rtl \u202eevil\u202c ok", "rtl evil ok"),  # bidi override
        ("zero\u200bwidth", "zero width"),
        ("Ünïcode stays, 北朝鮮", "Ünïcode stays, 北朝鮮"),
        ("line\nbreaks\r\nand\ttabs", "line breaks and tabs"),
    ],
)
def test_printable_strips_what_a_terminal_would_act_on(typed: str, shown: str) -> None:
    assert printable(typed) == shown


@given(st.text(max_size=300))
def test_printed_questions_never_carry_control_characters(text: str) -> None:
    key = question_key(text)
    assert len(key) <= 200 and key.isprintable()


def test_shown_top_lists_stay_bounded_however_many_workspaces_come_and_go() -> None:
    misses = Misses(MemoryState(), max_workspaces=3)

    async def go() -> None:
        for n in range(10):
            misses.count("arctic", f"T{n}")
            await misses.flush()

    asyncio.run(go())
    assert list(misses._shared) == ["T7", "T8", "T9"]
    assert misses.snapshot("T9") == [("arctic", 1)]
