"""The answer engine against the seed knowledge, frozen in tests/fixtures/pact."""

from __future__ import annotations

import pytest

from bot.core.answer import Kind
from bot.core.engine import MAX_LATEST
from tests.support.asking import Door, open_door
from tests.support.paths import FIXTURES


@pytest.mark.parametrize("text", ["article4", "art. 4", "Article IV", "artcle 4", "mutual defence clause"])
def test_article_4_both_translations_side_by_side(pact: Door, text: str) -> None:
    a = pact.answer(text)
    assert a.kind is Kind.ARTICLE and a.side_by_side
    translations = [i for i in a.items if i.kind == "translation"]
    assert [c.source_id for i in translations for c in i.citations] == ["reuters", "yonhap"]
    assert all(i.verbatim for i in translations)
    assert "put in a state of war" in translations[0].text
    assert "placed under a state of war" in translations[1].text
    assert any("Article 51" in i.text for i in a.items if i.kind == "note")


def test_article_never_quoted_is_an_honest_miss(pact: Door) -> None:
    a = pact.answer("article 5")
    assert a.kind is Kind.MISS and a.items == ()
    assert "never quote Article 5" in (a.intro or "")
    assert "article 4" in a.suggestions


def test_timeline_in_chronological_order_with_precision(pact: Door) -> None:
    a = pact.answer("timeline")
    assert a.kind is Kind.TIMELINE
    keys = [i.date.sort_key for i in a.items if i.date]
    assert keys == sorted(keys) and len(keys) == len(a.items) >= 10
    shown = [i.heading for i in a.items]
    assert shown[:5] == ["1961", "1990", "1991", "1996", "2000"]
    assert "May 2024" in shown and "Wed 19 June 2024" in shown and "Thu 20 June 2024" in shown


def test_timeline_narrowed_by_decade_and_year(pact: Door) -> None:
    assert [i.heading for i in pact.answer("timeline 1990s").items] == ["1990", "1991", "1996"]
    assert {i.date.year for i in pact.answer("timeline 2024").items if i.date} == {2024}
    empty = pact.answer("timeline 1970s")
    assert empty.kind is Kind.MISS and "1961–2024" in (empty.intro or "")


@pytest.mark.parametrize(
    ("text", "year"),
    [("when was the 1961 treaty scrapped", 1996), ("when did the soviet union collapse", 1991),
     ("what year was the 2000 treaty", 2000), ("when did the soviet union establish ties with south korea", 1990),
     ("when was the treaty signed", 2024)],
)  # fmt: skip
def test_when_questions_lead_with_the_date(pact: Door, text: str, year: int) -> None:
    a = pact.answer(text)
    assert a.kind is Kind.WHEN
    assert a.items[0].date is not None and a.items[0].date.year == year
    assert a.title.startswith(a.items[0].date.display())


def test_relative_date_keeps_the_source_wording(pact: Door) -> None:
    a = pact.answer("when did the soviet union collapse")
    assert "the following year" in (a.items[0].detail or "")


def test_quote_by_speaker(pact: Door) -> None:
    a = pact.answer("quote kim")
    assert a.kind is Kind.QUOTES
    assert {i.text for i in a.items} == {"the level of alliance", "hegemonic and imperialist"}
    assert all(i.heading == "Kim Jong Un — direct quote" and i.citations for i in a.items)


def test_who_said_finds_the_speaker(pact: Door) -> None:
    a = pact.answer("who said level of alliance")
    assert a.title == "Who said it" and a.items[0].heading == "Kim Jong Un — direct quote"
    assert "said Wed 19 June 2024" in (a.items[0].detail or "")


def test_reported_speech_is_labelled(pact: Door) -> None:
    a = pact.answer("chang ho-jin")
    assert a.kind is Kind.PERSON
    quotes = [i for i in a.items if i.kind == "quote"]
    assert quotes[0].text == "Seoul would review its position on arming Ukraine"
    assert quotes[0].heading == "Chang Ho-jin — reported speech: the outlet's account, not a direct quote"
    assert "reported Thu 20 June 2024" in (quotes[0].detail or "")


def test_facts_and_typos(pact: Door) -> None:
    assert pact.answer("how many articles").items[0].entry_id == "article-count"
    assert pact.answer("nuclear enrgy").items[0].entry_id == "non-military-cooperation"
    assert pact.answer("thrid countries").items[0].entry_id == "third-countries-clause"


def test_sources_list_every_source(pact: Door) -> None:
    a = pact.answer("sources")
    assert [c.credit for i in a.items for c in i.citations] == [
        "Reuters via Honolulu Star-Advertiser",
        "Yonhap via The Korea Herald",
    ]
    assert all(i.citations and i.citations[0].link is None for i in a.items)


@pytest.mark.parametrize("text", ["", "help", "   "])
def test_help_uses_real_examples(pact: Door, text: str) -> None:
    a = pact.answer(text)
    assert a.kind is Kind.HELP
    assert "/pact article4" in [i.text for i in a.items]


@pytest.mark.parametrize("text", ["what is the capital of france", "who said banana", "weather tomorrow"])
def test_honest_miss_never_shows_an_unrelated_quote(pact: Door, text: str) -> None:
    a = pact.answer(text)
    assert a.kind is Kind.MISS
    assert a.items == ()
    assert a.suggestions


def test_every_item_of_a_sourced_answer_is_cited(pact: Door) -> None:
    for text in ["article4", "timeline", "quotes", "kim", "sources", "third countries", "when was the treaty signed"]:
        a = pact.answer(text)
        assert a.items and all(i.citations for i in a.items), text


@pytest.mark.parametrize("text", ["What about the Arctic?", "artistic licence", "the arctic council"])
def test_a_word_two_edits_away_is_not_a_typo(pact: Door, text: str) -> None:
    """ "arctic" is two edits from "article": answering Article 4 would put a wrong answer in a story."""
    assert pact.answer(text).kind is Kind.MISS


@pytest.fixture(scope="module")
def harbour() -> Door:
    """A developing story: two wordings of one clause, more dated developments than an answer shows at once."""
    return open_door(FIXTURES / "developing", "/harbour")


@pytest.mark.parametrize("text", ["latest", "what's new", "latest developments", "whats new?", "recent developments"])
def test_latest_is_newest_first_and_says_what_it_left_out(harbour: Door, text: str) -> None:
    a = harbour.answer(text)
    assert a.kind is Kind.LATEST and a.title == "Latest developments"
    keys = [i.date.sort_key for i in a.items if i.date]
    assert keys == sorted(keys, reverse=True) and a.items[0].entry_id == "in-force"
    assert len(a.items) == MAX_LATEST and "1 earlier ones are in `/harbour timeline`" in (a.intro or "")


def test_since_a_month_resolves_to_the_latest_such_month(harbour: Door) -> None:
    a = harbour.answer("since November")
    assert a.title == "Since November 2024"
    assert [i.entry_id for i in a.items] == ["in-force", "upper-house", "lower-house"]
    assert harbour.answer("news since june 2024").items[-1].entry_id == "signed"
    assert harbour.answer("since december 2025").kind is Kind.MISS


def test_a_question_about_something_new_is_not_whats_new(harbour: Door) -> None:
    assert harbour.answer("new treaty").kind is not Kind.LATEST


def test_compare_marks_the_words_that_differ(harbour: Door) -> None:
    a = harbour.answer("compare article 3")
    assert a.kind is Kind.COMPARE and a.side_by_side
    first, second = a.items
    assert [first.text[s:e] for s, e in first.marks] == ["In case either", "attacked,", "shall provide"]
    assert [second.text[s:e] for s, e in second.marks] == ["If one", "placed under attack,", "provides"]
    assert {c.source_id for i in a.items for c in i.citations} == {"wire-a", "wire-b"}
    assert harbour.answer("compare").title == a.title, "the only article with two wordings"
    assert harbour.answer("compare article 9").kind is Kind.MISS
