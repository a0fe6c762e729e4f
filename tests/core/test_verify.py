"""The closest passage of a misquote: whole words, each difference [marked], even case and punctuation."""

from __future__ import annotations

from bot.core.verify import SourceText, misquoted

ARTICLE = (
    "Opening paragraph about something else entirely. "
    "In case any one of the two sides is put in a state of war by an armed invasion from a single state or "
    "several states, the other side shall provide military and other assistance with all means in its "
    "possession without delay in accordance with Article 51 of the UN Charter and the laws of both countries. "
    "A closing paragraph about the weather."
)
PASSAGE = ARTICLE.split(". ", 1)[1].split(" A closing")[0]


def test_a_one_word_change_at_the_end_of_a_long_quote_marks_that_whole_word() -> None:
    changed = PASSAGE.replace("both countries.", "both nations.")
    message = misquoted(SourceText(ARTICLE), changed, "refused")
    assert 'you wrote "nations." where the source has "countries."' in message
    # A long passage is shown around its difference, which is its whole last word, marked; nothing else is.
    assert message.endswith(': "… Charter and the laws of both [countries.]"')


def test_a_change_of_case_only_is_named_and_marked() -> None:
    message = misquoted(SourceText(ARTICLE), "the Other side shall provide military", "refused")
    assert 'you wrote "Other" where the source has "other" (capital letters differ)' in message
    assert message.endswith('"the [other] side shall provide military"')


def test_a_change_of_punctuation_only_is_named() -> None:
    message = misquoted(SourceText(ARTICLE), "single state, or several states", "refused")
    assert 'you wrote "state," where the source has "state" (punctuation differs)' in message


def test_a_quote_that_starts_inside_quotation_marks_is_not_marked_for_them() -> None:
    source = SourceText("The minister said the bridge would open “without fail” next spring.")
    message = misquoted(source, "without doubt", "refused")
    assert 'you wrote "doubt" where the source has "fail";' in message  # its closing mark is not a change
    assert 'you wrote "without"' not in message


def test_an_elision_is_named_as_refused() -> None:
    message = misquoted(SourceText(ARTICLE), "the other side shall provide … assistance", "refused")
    assert "the checker refuses elisions" in message


def test_nothing_close_shows_no_passage() -> None:
    assert misquoted(SourceText(ARTICLE), "zzz qqq xxx", "refused") == "refused"
