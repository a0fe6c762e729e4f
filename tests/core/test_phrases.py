"""What the bot says about a topic comes from the topic, and an Article N the topic does not quote leads to what
the knowledge does hold about it: a provision of another document or a summary, never to "never quote".

On tests/fixtures/two_topics: /mini (no `document`: its articles belong to nothing named) and /budget (the
budget law, which its source says has 12 articles, citing Article 40 of the State Finance Act).
"""

from __future__ import annotations

import pytest

from bot.core.answer import Answer, ItemKind, Kind
from bot.core.engine import SAYS
from tests.support.asking import Door, open_door
from tests.support.paths import FIXTURES


@pytest.fixture(scope="module")
def budget() -> Door:
    return open_door(FIXTURES / "two_topics", "/budget")


@pytest.fixture(scope="module")
def mini() -> Door:
    return open_door(FIXTURES / "two_topics", "/mini")


def _words(a: Answer) -> str:
    return " ".join([a.title, a.intro or "", *(f"{i.heading or ''} {i.text} {i.detail or ''}" for i in a.items)])


@pytest.mark.parametrize("text", ["article 40", "what is article 40", "state finance act"])
def test_a_provision_of_another_document_answers_with_the_topics_own_count(budget: Door, text: str) -> None:
    a = budget.answer(text)
    assert a.kind is Kind.FACTS and a.items[0].entry_id == "finance-act-article-40"
    assert a.title == "Article 40 of the State Finance Act"
    assert a.intro == "Article 40 here is the State Finance Act's: the budget law's own articles stop at 12."
    (note,) = [i for i in a.items if i.kind is ItemKind.NOTE]
    assert note.text == "The budget law has 12 articles." and [c.source_id for c in note.citations] == ["ledger"]
    assert "never quote" not in _words(a)


def test_a_provision_without_a_stated_count_is_still_said_to_be_another_documents(mini: Door) -> None:
    a = mini.answer("article 9")
    assert a.items[0].entry_id == "harbour-act-article-9" and a.intro == "Article 9 here is the Harbour Act's."
    assert not [i for i in a.items if i.kind is ItemKind.NOTE], "no count is stated, so none is said"


def test_a_summary_of_an_unquoted_article_is_said_to_be_no_quote(budget: Door) -> None:
    a = budget.answer("article 2")
    assert a.kind is Kind.FACTS and [i.entry_id for i in a.items] == ["article-2-tax-rate"]
    assert a.title == "Article 2 of the budget law"
    said = "The curated sources do not quote Article 2 of the budget law word for word; this is what they say."
    assert a.intro == said


def test_misses_name_the_topics_own_document_and_count(budget: Door, mini: Door) -> None:
    within = budget.answer("article 3")
    assert within.kind is Kind.MISS
    assert within.intro == "The curated sources never quote Article 3 of the budget law. They quote Article 7."
    beyond = budget.answer("article 30")
    said = "The budget law has 12 articles (The Ledger), so no Article 30. The curated sources quote Article 7."
    assert beyond.intro == said
    nameless = mini.answer("article 5")
    assert nameless.intro == "The curated sources never quote Article 5. They quote Article 2."
    assert "treaty" not in _words(nameless) + _words(within) + _words(beyond)


def test_help_counts_each_kind_in_its_own_words(budget: Door, mini: Door) -> None:
    assert "I answer from 1 curated source: 1 article of the budget law, 2 quotes, 1 event, 2 facts and 1 cited " \
           "provision, each with its citation." in (budget.answer("help").intro or "")  # fmt: skip
    mini_help = mini.answer("help").intro or ""
    assert "1 curated source: 1 article, 1 quote, 2 events, 1 fact and 1 cited provision," in mini_help
    assert "treaty" not in mini_help + (budget.answer("help").intro or "")


@pytest.mark.parametrize(
    "text", ["when was the first bridge built", "approval", "quote roe", "who said without fail", "article 9", "roe",
             "timeline", "article 2", "sources", "latest"],
)  # fmt: skip
def test_header_and_body_never_say_the_same_words(mini: Door, text: str) -> None:
    a = mini.answer(text)
    assert a.items, text
    first = a.items[0]
    assert a.title not in (first.text, first.heading), (a.title, first)


def test_when_puts_the_date_in_the_header_and_what_happened_in_the_body(mini: Door) -> None:
    a = mini.answer("when was the first bridge built")
    assert a.kind is Kind.WHEN and a.title == "1901"
    assert a.items[0].text == "The first bridge is built." and a.items[0].heading is None
    assert mini.answer("approval").title == SAYS  # the fact's own words are the answer: not repeated above it


def test_direct_quotes_and_reported_speech_are_labelled_and_dated_apart(budget: Door) -> None:
    said = {i.entry_id: i for i in budget.answer("quotes poe").items}
    direct, reported = said["poe-fully-funded"], said["poe-parks-cut"]
    assert direct.heading == "Sam Poe — direct quote"
    assert direct.detail == "On the ferry service. — published Fri 10 January 2025"
    assert reported.heading == "Sam Poe — reported speech: the outlet's account, not a direct quote"
    assert reported.detail == "reported Fri 10 January 2025"
    assert "reported" not in (direct.detail or "")


def test_suggestions_are_titles_or_aliases_never_passages() -> None:
    pact = open_door(FIXTURES / "pact", "/pact")  # its quotes run to 153 characters
    a = pact.answer("who said ukraine position review football")  # near two long quotes, answered by neither
    assert a.kind is Kind.MISS
    assert a.suggestions == ("quotes", "quotes Chang Ho-jin", "quotes South Korea's government")
    for text in ("kim summit banquet menu", "level of war crimes"):
        a = pact.answer(text)
        assert a.kind is Kind.MISS and a.suggestions, text
        assert all(len(s) <= 40 for s in a.suggestions), a.suggestions
