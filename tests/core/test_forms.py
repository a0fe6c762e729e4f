"""Questions put in forms the relevance check once misread (tests/fixtures/forms): each rule that read the form
wrongly is shown by a question it answered wrongly, or not at all, beside one it must still refuse."""

from __future__ import annotations

import pytest

from bot.core.answer import Kind
from tests.support.asking import Door, entry_ids, open_door
from tests.support.paths import FIXTURES


@pytest.fixture(scope="module")
def forms() -> Door:
    return open_door(FIXTURES / "forms", "/forms")


def test_how_many_counts_what_is_named_not_where_it_is(forms: Door) -> None:
    """ "how many clauses in the treaty" counts clauses: "in the treaty" counts nothing, and "Article 22 ...
    clause" names an article, it does not count 22 clauses."""
    assert forms.answer("how many clauses in the treaty").kind is Kind.MISS
    assert entry_ids(forms.answer("how many articles in the treaty"))[:1] == ["article-count"]


def test_what_someone_called_a_thing_is_their_words_about_it(forms: Door) -> None:
    """ "what did kim call the deal" asks for Kim's words on the deal, as "what did kim say about the deal"
    does; "did kim call it an alliance" still needs "alliance" in his words."""
    assert entry_ids(forms.answer("what did kim call the deal"))[:1] == ["kim-strongest-ever-treaty"]
    assert forms.answer("did kim call it an alliance").kind is Kind.MISS


@pytest.mark.parametrize(
    "text",
    [
        "what did seoul's national security advisor say",  # the country the role names, by another of its names
        "what did south korea's national security adviser say",  # the title spelt one letter otherwise
        "what did seoul's national security adviser say",
    ],
)
def test_a_speaker_is_asked_by_the_names_of_whom_they_speak_for(forms: Door, text: str) -> None:
    assert entry_ids(forms.answer(text))[:1] == ["chang-review-position"], text


@pytest.mark.parametrize("text", ["what did seoul's president say", "what did the south korean president say"])
def test_the_country_does_not_lend_its_speaker_another_title(forms: Door, text: str) -> None:
    assert forms.answer(text).kind is Kind.MISS, (text, entry_ids(forms.answer(text)))


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        # "new" before the topic's own name says which treaty: the topic's, not the 2000 one "a new treaty" was.
        ("when was the new treaty signed", "treaty-signed"),
        ("does the new treaty replace the 2000 treaty", "2000-treaty-invalid"),
        # A reflexive stresses who acted; how words were said is no word they must hold.
        ("did kim himself call it the strongest ever treaty", "kim-strongest-ever-treaty"),
        ("what has kim said publicly about the deal", "kim-strongest-ever-treaty"),
    ],
)
def test_words_that_say_how_a_question_is_put_ask_nothing(forms: Door, text: str, lead: str) -> None:
    assert entry_ids(forms.answer(text))[:1] == [lead], (text, entry_ids(forms.answer(text)))


def test_new_said_of_something_else_is_still_asked(forms: Door) -> None:
    """Only "new" naming the topic's own document asks nothing: a "new alliance" must be in the entry."""
    assert forms.answer("did kim call it a new alliance").kind is Kind.MISS


@pytest.mark.parametrize("text", ["link to the desk's english text", "the desk's story", "link to the desk version"])
def test_a_link_to_an_outlets_text_is_that_source(forms: Door, text: str) -> None:
    """What a story is (its text, version, English) and a possessive "'s" name no other outlet."""
    a = forms.answer(text)
    assert (a.kind, entry_ids(a)) == (Kind.SOURCES, ["desk"]), text


def test_an_outlets_text_without_a_story_word_is_not_its_source(forms: Door) -> None:
    """ "desk full text" asks what the text says: no word asks for its author, headline or link."""
    assert forms.answer("desk full text").kind is not Kind.SOURCES


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        ("what was the 2000 treaty called", "2000-treaty-signed"),  # its name is what the entry on it says
        ("what is the treaty called", "treaty-name"),  # nothing but the topic named: "called" says what is asked
        ("what's the treaty called", "treaty-name"),
    ],
)
def test_what_a_thing_is_called_is_its_name_in_an_entry_about_it(forms: Door, text: str, lead: str) -> None:
    assert entry_ids(forms.answer(text))[:1] == [lead], (text, entry_ids(forms.answer(text)))


def test_a_fact_naming_someone_is_not_their_words(forms: Door) -> None:
    """ "what did rudenko say at the ratification" asks for his words; the sources hold none, only a fact that
    names him, which answers "who signed the ratification protocol" but is not what he said."""
    said = forms.answer("what did rudenko say at the ratification")
    assert said.kind is Kind.MISS and "no quote from Andrei Rudenko" in (said.intro or "")
    assert "ratification-protocol" in entry_ids(forms.answer("ratification protocol rudenko"))


def test_what_someone_said_about_the_treaty_must_speak_of_it(forms: Door) -> None:
    """Ukrainian officials' words on missile debris are theirs, but not what they said about the treaty."""
    assert entry_ids(forms.answer("what have ukrainian officials said"))[:1] == ["ukraine-missile-debris"]
    about = forms.answer("what have ukrainian officials said about the treaty")
    assert about.kind is Kind.MISS and "no quote from Ukrainian officials on that" in (about.intro or "")
    assert entry_ids(forms.answer("what did kim say about the treaty"))[:1] == ["kim-strongest-ever-treaty"]


def test_an_article_does_not_date_what_is_asked_of_it(forms: Door) -> None:
    """ "when was article 51 of the un charter adopted" asks for a date the provision's words do not give."""
    assert entry_ids(forms.answer("article 51"))[:1] == ["un-charter-article-51"]
    assert forms.answer("when was article 51 of the un charter adopted").kind is Kind.MISS
    assert "article-22-entry-into-force" in entry_ids(forms.answer("when does article 22 take effect"))
