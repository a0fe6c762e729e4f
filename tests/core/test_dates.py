"""Dates with integrity: each rule of bot/core/datecheck.py on the words that broke it, and approximate dates.

The refusals themselves are shown at their `file:line` by the fixtures under tests/fixtures/errors/ (each
names its rule in its first line); here are the rules as functions, and what a valid folder of vague and
relative dates (tests/fixtures/dates) loads and answers.
"""

from __future__ import annotations

import pytest

from bot.core.datecheck import Anchor, check, compare
from bot.core.dates import DateError, PartialDate, parse_date
from bot.core.loader import load
from tests.support.asking import open_door
from tests.support.paths import FIXTURES

THU_20_JUNE = parse_date("2024-06-20")


def problems(date: str, evidence: str, as_written: str | None = None, anchor: Anchor | None = None) -> str:
    verdict = check(parse_date(date), [evidence], as_written, THU_20_JUNE, anchor)
    return " | ".join(message for _, message in verdict.problems)


# The four dates the checker used to accept (issue 12), and one valid date of each kind beside them.
def test_a_day_for_last_month_is_refused_and_the_month_accepted() -> None:
    said = "Putin visited China last month"
    assert "more precise than as_written 'last month'" in problems("2024-05-15", said, "last month")
    assert "write `2024-05`" in problems("2024-05-15", said, "last month")
    assert problems("2024-05", said, "last month") == ""


def test_a_year_the_evidence_contradicts_is_refused() -> None:
    said = "inked a treaty of friendship and mutual assistance in 1961"
    assert "date 1950 contradicts its evidence, which says '1961'" in problems("1950", said)
    assert problems("1961", said) == ""


def test_a_day_cited_to_a_source_that_gives_only_the_year_is_refused() -> None:
    said = "In 2000, North Korea and Russia signed a new treaty"
    assert "more precise than its evidence, which says only '2000': write `2000`" in problems("2000-02-09", said)


def test_a_thursday_for_on_wednesday_is_refused() -> None:
    said = "which Putin and Kim signed on Wednesday"
    assert "is a Thursday, but as_written 'on Wednesday' names a Wednesday" in problems(
        "2024-06-20", said, "on Wednesday"
    )
    assert problems("2024-06-19", said, "on Wednesday") == ""


def test_as_written_is_for_relative_words_only() -> None:
    message = problems("2024-12-04", "took effect on December 4, 2024", "on December 4, 2024")
    assert "gives the date absolutely" in message and "remove it" in message


def test_the_following_year_counts_from_the_event_named_or_the_date_before_it() -> None:
    ties = Anchor('"Ties with Seoul" (1990)', parse_date("1990"))
    said = "collapsed the following year"
    assert problems("1991", said, "the following year", ties) == ""
    assert "means 1991" in problems("1992", said, "the following year", ties)
    assert check(parse_date("1991"), [said], "the following year", THU_20_JUNE, ties).against == ties.label
    assert "add `relative_to:`" in problems("1991", said, "the following year")
    inline = "established ties in 1990 and collapsed the following year"
    verdict = check(parse_date("1991"), [inline], "the following year", THU_20_JUNE)
    assert verdict.problems == () and verdict.against == '"1990", earlier in the same passage'


def test_words_that_name_another_event_take_its_date() -> None:
    summit = Anchor('"Summit talks" (Wed 19 June 2024)', parse_date("2024-06-19"))
    assert problems("2024-06-19", "After the summit talks, Kim declared", "After the summit talks", summit) == ""
    assert "contradicts" in problems(
        "2024-06-20", "After the summit talks, Kim declared", "After the summit talks", summit
    )


@pytest.mark.parametrize(
    ("date", "said", "verdict"),
    [("about 1960", "dug around 1960", "ok"), ("1960", "dug around 1960", "too precise"),
     ("1960s", "built in 1961", "ok"), ("1961", "in the 1960s", "too precise"),
     ("before 2000", "repaired in 1961", "ok"), ("before 2000", "In 2000", "contradicts"),
     ("after 1990", "in 1991", "ok"), ("2024-06", "in 2024", "too precise")],
)  # fmt: skip
def test_approximate_dates_are_compared_by_what_they_can_mean(date: str, said: str, verdict: str) -> None:
    from bot.core.datecheck import read

    (mention,) = read(said, THU_20_JUNE)
    assert mention.value is not None
    assert compare(parse_date(date), mention.value) == verdict


def test_approximate_dates_are_written_shown_and_sorted_as_approximate() -> None:
    assert [parse_date(t).display() for t in ("about 1960", "before 2000", "after 1990", "1960s")] == [
        "about 1960", "before 2000", "after 1990", "the 1960s"]  # fmt: skip
    written = ["2000", "before 2000", "1999", "about 1960", "1960", "1960s", "after 1990", "1990-12"]
    ordered = sorted(written, key=lambda t: parse_date(t).sort_key)
    assert ordered == ["1960s", "1960", "about 1960", "1990-12", "after 1990", "1999", "before 2000", "2000"]
    with pytest.raises(DateError):
        parse_date("about before 2000")


def test_a_folder_of_vague_and_relative_dates_loads_in_order() -> None:
    result = load(FIXTURES / "dates")
    assert result.ok and result.problems == []
    (topic,) = result.knowledge.topics  # type: ignore[union-attr]
    assert [e.date.display() for e in topic.timeline] == [
        "about 1960", "the 1980s", "1990", "1991", "before 2000", "May 2024", "Fri 10 May 2024"]  # fmt: skip


def test_a_source_dated_to_its_month_may_report_a_day_of_that_month() -> None:
    topic = load(FIXTURES / "dates").knowledge.topics[0]  # type: ignore[union-attr]
    crane = next(e for e in topic.timeline if e.id == "crane-arrives")
    assert topic.source_by_id["almanac"].published == PartialDate(2024, 5)
    assert crane.date == PartialDate(2024, 5, 10)


def test_the_answer_says_what_a_relative_date_was_counted_from() -> None:
    door = open_door(FIXTURES / "dates", "/almanac")
    (closed,) = door.answer("timeline 1991").items
    assert closed.detail == 'The source says "the following year", counted from "The ferry line opens" (1990).'
    (retired,) = [i for i in door.answer("timeline 2024").items if "harbour master" in i.text]
    assert retired.detail == 'The source says "this month", counted from its publication (May 2024).'
    dug = door.answer("timeline 1960s").items
    assert [i.heading for i in dug] == ["about 1960"] and dug[0].detail is None


def test_the_day_before_with_no_date_before_it_counts_from_the_publication() -> None:
    said = "Ukraine said the previous day that its forces are engaging"
    assert problems("2024-06-19", said, "the previous day") == ""
    assert "means Wed 19 June 2024" in problems("2024-06-18", said, "the previous day")


def test_a_day_of_the_month_must_be_the_day_written() -> None:
    said = "submitted the bill to the State Duma on the 14th"
    assert problems("2024-06-14", said, "on the 14th") == ""
    assert "is day 15 of its month, but as_written 'on the 14th' names day 14" in problems(
        "2024-06-15", said, "on the 14th"
    )
    assert "write `2024-05-24`" in problems("2024-04-24", "on the 24th of last month", "the 24th of last month")
