"""What reporters type for what the sources say (tests/fixtures/glossary): the topic's `terms:`, and its treaty
named with its title's countries. Each question here was a miss before; the traps stay honest misses."""

from __future__ import annotations

import pytest

from bot.core.answer import Kind
from tests.support.asking import Door, entry_ids, open_door
from tests.support.paths import FIXTURES


@pytest.fixture(scope="module")
def accord() -> Door:
    return open_door(FIXTURES / "glossary", "/accord")


@pytest.mark.parametrize(
    ("text", "leads"),
    [
        ("kju", {"kim-jong-un"}),  # a term: asked as "kim jong un"
        ("nk soviet union treaty of friendship", {"1961-treaty-signed"}),
        ("what happened in '61", {"1961-treaty-signed"}),  # "'61" is 1961, as the topic says
        ("is the treaty valid forever", {"valid-indefinitely"}),
        ("who signed the nk-russia treaty", {"treaty-signed"}),  # the topic's own treaty, named with its title
        ("who signed the russia-north korea accord", {"treaty-signed"}),
        # A government's words are its response; "south korea" is its name, said whole, not another's start.
        ("how did south korea respond to the nk-russia treaty", {"south-korea", "south-korea-consider-arms"}),
        # Other words for the same thing: a denial answers whether they admit it; soldiers sent are troops deployed.
        ("did russia and nk admit trading arms", {"deny-arms-trade"}),
        ("did nk send soldiers to russia", {"troops"}),
        ("is the treaty still valid", {"valid-indefinitely"}),
        ("fact check: the treaty is valid forever, right?", {"valid-indefinitely"}),  # the checking words ask nothing
        ("is the 3,000 troops figure right", {"troops"}),  # "figure" is the number asked about; "right" checks it
        ("need the dates of the 1961 treaty", {"1961-treaty-signed", "1961-treaty-ends"}),
        # "country" and "countries", "ratify" and "ratified" are one word to the stemmer.
        ("does the treaty say anything about a third country", {"third-countries"}),
    ],
)
def test_a_question_in_reporters_words_finds_its_entry(accord: Door, text: str, leads: set[str]) -> None:
    a = accord.answer(text)
    assert a.kind is not Kind.MISS, text
    assert entry_ids(a)[0] in leads, (text, entry_ids(a))


def test_the_answer_echoes_the_question_as_typed(accord: Door) -> None:
    assert accord.answer("kju").query == "kju"


@pytest.mark.parametrize(
    "text",
    [
        "did the un condemn the nk-russia treaty",  # rewritten, it still asks for a condemnation no entry holds
        "who signed the soviet-nk treaty",  # another treaty: the 1961 one names no signer
        "when did the nk-china treaty take effect",  # "china" is not of the title: not the topic's treaty
        "how did south korean president respond",  # a title the government does not have
        "when does the treaty end",  # the 1961 treaty's end: another treaty's ("what did the treaty replace" asks)
    ],
)
def test_traps_stay_honest_misses(accord: Door, text: str) -> None:
    a = accord.answer(text)
    assert a.kind is Kind.MISS, (text, entry_ids(a))


def test_a_number_after_an_article_word_is_the_article(accord: Door) -> None:
    """ "'61" means 1961, but "article 61" asks for Article 61, which the sources never quote."""
    a = accord.answer("article 61")
    assert a.kind is Kind.MISS
    assert "Article 61" in (a.intro or "")
