"""Questions worded as reporters word them, answered by the entry they are about (tests/fixtures/understanding).

Each question here was a miss or led with the wrong entry before: the words it uses are not the entry's own
("the accord" for the topic's treaty, "south korea" for the South Korean minister, "december 5" for an event
dated 2024-12-05), or a stronger-named entry ranked first. Traps stay honest misses.
"""

from __future__ import annotations

import pytest

from bot.core.answer import Kind
from tests.support.asking import Door, entry_ids, open_door
from tests.support.paths import FIXTURES


@pytest.fixture(scope="module")
def accord() -> Door:
    return open_door(FIXTURES / "understanding", "/accord")


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        # The topic's own treaty is not the 1961 one, though that one's name holds "cold war alliance".
        ("is the treaty an alliance", "kim-level-of-alliance"),
        ("is the 1961 treaty an alliance", "1961-treaty-signed"),  # named: the other treaty
        ("which treaty was the cold war alliance", "1961-treaty-signed"),  # "which treaty" asks for another
        ("what did the treaty replace", "replaces-1961"),  # what the other treaty's name says ("replaced")
        # The topic's own treaty and name are implied: an entry about it need not repeat them.
        ("putin treaty alliance", "putin-not-alliance"),
        ("putin accord alliance", "putin-not-alliance"),
        ("is the accord an alliance", "kim-level-of-alliance"),  # the topic's name is its document's
        # A minister speaks for the country in the role.
        ("did south korea expect it", "lee-did-not-expect"),
        # Events are found by the day a reporter names.
        ("what did the agency report on december 5", "agency-reports-entry-into-force"),
        ("what happened on june 19", "treaty-signed"),
        # "what did X say": X's words first, then what else is about it.
        ("what did the agency say when the treaty entered into force", "agency-security-device"),
        ("what did kim jong un say", "kim-level-of-alliance"),
        # An article question asking more than the article: the entry that answers it.
        ("is article 4 the same as the 1961 treaty", "article-4-like-1961"),
        ("article 4 text", "article-4"),  # the article itself
        ("wire article 4", "article-4"),  # an outlet's wording: the article, which shows it
        # "U.S." is "us"; "many" and "yet" ask nothing an entry must say.
        ("how many troops did the us confirm", "us-confirms-troops"),
        ("is the treaty in force yet", "entry-into-force"),
        # Of entries that rank equal, the one the question names ("in force") comes first.
        ("is the treaty in force", "entry-into-force"),
        # A word the sources say otherwise: "approve" for "ratified", "react" (which no entry uses) for "responded".
        ("did the state duma approve it", "duma-ratifies"),
        ("how did south korea react", "south-korea-response"),
        ("is there a mutual defense commitment", "article-4"),  # "mutual defence clause", spelt and said otherwise
        ("is the wire translation official", "official-text"),  # its "English text"
        ("which article covers military aid", "article-4"),  # "assistance"; "covers" asks what it says
        ("so theres a mutual defence clause", "article-4"),  # "there's" typed without its apostrophe
        # A provision is found by what cites it.
        ("which article of the un charter does the treaty cite", "un-charter-article-51"),
    ],
)
def test_the_question_is_answered_by_what_it_is_about(accord: Door, text: str, lead: str) -> None:
    a = accord.answer(text)
    assert a.kind is not Kind.MISS, text
    assert entry_ids(a)[0] == lead, (text, entry_ids(a))


def test_said_questions_answer_with_quotes(accord: Door) -> None:
    assert accord.answer("what did kim jong un say").kind is Kind.QUOTES
    assert accord.answer("kim jong un").kind is Kind.PERSON  # the person, when words are not asked for


def test_every_entry_about_all_the_words_is_kept(accord: Door) -> None:
    """The summary is named by the question word for word; each chamber's act is about it all the same."""
    a = accord.answer("who ratified the treaty")
    assert entry_ids(a)[:1] == ["ratified-in-november"]
    assert "duma-ratifies" in entry_ids(a)


def test_a_question_about_a_story_answers_with_its_source(accord: Door) -> None:
    a = accord.answer("who wrote the wire story")
    assert a.kind is Kind.SOURCES
    assert entry_ids(a) == ["wire"]
    assert a.items[0].detail == "By Jane Doe"
    assert accord.answer("when did putin visit china").kind is Kind.WHEN  # what the event dates still answers


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("accord timeline pls", Kind.TIMELINE),
        ("what sources is this based on", Kind.SOURCES),
        ("any latest developments on the accord?", Kind.LATEST),
    ],
)
def test_a_command_said_with_the_topic_name_or_filler_is_the_command(accord: Door, text: str, kind: Kind) -> None:
    assert accord.answer(text).kind is kind


@pytest.mark.parametrize(
    "text",
    [
        "president of south korea",  # the minister's country with another's title: not the minister
        "south korean president",
        "responded so soon",  # "responded" is in the role, not a name or title: the minister's words do not say it
        "who is the president of south korea",
        "nuclear treaty",  # the topic's own word does not make a question about anything it covers
        "treaty",
        "accord",
        "kim jong gyu treaty",
        "putin inauguration date",  # the event named after it dates the visit to China that followed it
        "when was putin's inauguration",
    ],
)
def test_traps_stay_honest_misses(accord: Door, text: str) -> None:
    a = accord.answer(text)
    assert a.kind is Kind.MISS, (text, entry_ids(a))


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        ("who signed the treaty", "treaty-signed"),  # names its signers; the agency's quote says "sign"
        ("what happened on dec 4", "entry-into-force"),  # a month said short
        ("what happened on 4 december", "entry-into-force"),  # the day first: "4" is a word that asks
        ("what happened on 2024-12-04", "entry-into-force"),  # as written in ISO form
        ("who is the russian president", "vladimir-putin"),  # a person named by role
        ("is it true that the us confirmed troops", "us-confirms-troops"),  # the frame asks nothing itself
        ("did russia's president define the relationship as an alliance", "putin-not-alliance"),  # Putin's title
        ("what happened in 1961", "1961-treaty-signed"),  # a year alone: the event dated then
        # What the agency did is not in its words, only in the note on when it spoke: the event says it.
        ("did the agency enter the treaty", "entry-into-force"),
    ],
)
def test_how_a_question_is_put_finds_its_entry(accord: Door, text: str, lead: str) -> None:
    a = accord.answer(text)
    assert a.kind is not Kind.MISS, text
    assert entry_ids(a)[0] == lead, (text, entry_ids(a))


@pytest.mark.parametrize(
    "text",
    [
        "did the president expect it",  # Lee's words mention the President; what Lee expected is not his
        "who signed it so soon",  # a quote that says "sign" is someone's words, not who signed
        "how many articles does the 1961 treaty have",  # holds "article" and "1961", counts nothing
        "how many troops did the agency report",
        "1961 treaty delay",  # a note's "1961 treaty" and a wording's "delay": two texts, neither says both
    ],
)
def test_who_acts_where_and_how_many_are_asked_not_just_shared(accord: Door, text: str) -> None:
    a = accord.answer(text)
    assert a.kind is Kind.MISS, (text, entry_ids(a))


def test_a_said_question_about_someone_never_quoted_is_a_miss_naming_them(accord: Door) -> None:
    """A profile is not what Putin said: the miss says no quote of his is held and offers his name."""
    a = accord.answer("what did the russian president say")
    assert a.kind is Kind.MISS
    assert "Vladimir Putin" in (a.intro or "")
    assert a.suggestions[:1] == ("Vladimir Putin",)


def test_of_words_offered_as_a_choice_one_is_enough(accord: Door) -> None:
    a = accord.answer("was the treaty ratified in october or december")
    assert a.kind is not Kind.MISS
    assert entry_ids(a)[0] == "duma-ratifies", entry_ids(a)
    assert accord.answer("was the treaty ratified in march or april").kind is Kind.MISS


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        ("article 4 of the un charter", None),  # another document's Article 4: not the treaty's, nor Article 51
        ("what does article 4 of the 1961 treaty say", None),
        ("article 51 of the un charter", "un-charter-article-51"),  # that document's article, which is held
        ("article 4 of the accord", "article-4"),  # the topic's own document
    ],
)
def test_an_article_of_another_document_is_never_the_topics_own(accord: Door, text: str, lead: str | None) -> None:
    a = accord.answer(text)
    assert (entry_ids(a)[:1] or [None])[0] == lead, (text, entry_ids(a))
    assert (a.kind is Kind.MISS) == (lead is None)


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        # "who called it ..." asks whose words: a quote, not an act (no other entry names who acted).
        ("who called the treaty a powerful security device", "agency-security-device"),
        ("which outlet said the us confirmed troops", "us-confirms-troops"),  # every answer cites its outlet
        ("need lee's exact words on the signing", "lee-did-not-expect"),  # a quote is someone's words
    ],
)
def test_a_question_asking_for_words_or_their_outlet(accord: Door, text: str, lead: str) -> None:
    a = accord.answer(text)
    assert entry_ids(a)[:1] == [lead], (text, entry_ids(a))


def test_asking_for_words_is_no_other_words() -> None:
    """A quote meets "called" and "words", not what it would have to say besides: the reaction of someone it
    does not quote is still a miss."""
    a = open_door(FIXTURES / "understanding", "/accord").answer("who called the treaty a betrayal")
    assert a.kind is Kind.MISS, entry_ids(a)


def test_come_into_force_is_enter_into_force(accord: Door) -> None:
    a = accord.answer("when did the treaty come into force")
    assert entry_ids(a)[:1] == ["entry-into-force"], entry_ids(a)
