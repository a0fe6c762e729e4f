"""General newsroom English for the sources' words (tests/fixtures/vocabulary): each question uses the
reporter's word ("ink", "formal", "title", "govt", "expiration", "chamber", "legislature") and the entry holds
only the sources' word ("signed", "official", "name", "government", "expiry", "house", "parliament"). Without
the word groups of `bot.core.query.SAME_AS` each of them is a miss; what no entry says stays one.
"""

from __future__ import annotations

import pytest

from bot.core.answer import Kind
from bot.core.query import SAME_AS
from tests.support.asking import Door, entry_ids, open_door
from tests.support.paths import FIXTURES


@pytest.fixture(scope="module")
def harbour() -> Door:
    return open_door(FIXTURES / "vocabulary", "/harbour")


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        ("when did they ink the deal", "deal-signed"),
        ("what is the formal name of the deal", "deal-name"),
        ("what is the deal's official title", "deal-name"),
        ("what did the third govt say", "third-government"),
        ("what is the expiration date of the deal", "no-expiry"),
        ("did the lower chamber approve the deal", "lower-house-approves"),
        ("did the legislature approve the deal", "lower-house-approves"),
    ],
)
def test_a_reporters_word_finds_the_sources_word(harbour: Door, text: str, lead: str) -> None:
    answer = harbour.answer(text)
    assert answer.kind is not Kind.MISS, text
    assert entry_ids(answer)[:1] == [lead], text


@pytest.mark.parametrize(
    "text",
    [
        "who inked the deal",  # no entry names who signed: "who" asks for someone
        "did the third govt sign the deal",  # the third government studied it; it signed nothing
        "what is the deal's unofficial nickname",  # no nickname is given
        "did the upper chamber approve the deal",  # the lower house did: a chamber is not any chamber
        "did the legislature reject the deal",  # it approved it
    ],
)
def test_what_no_entry_says_stays_a_miss(harbour: Door, text: str) -> None:
    assert harbour.answer(text).kind is Kind.MISS, text


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("ink", "signed"), ("formal", "official"), ("govt", "government"), ("chamber", "house")],
)
def test_groups_meet_both_ways(typed: str, meant: str) -> None:
    assert meant in SAME_AS[typed] and typed in SAME_AS[meant]
