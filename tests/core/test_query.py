"""Query parsing: the spellings reporters actually type."""

from __future__ import annotations

import pytest

from bot.core.query import MAX_QUERY_CHARS, QueryKind, parse, roman_to_int


@pytest.mark.parametrize(
    "text", ["article4", "article 4", "Article 4", "art 4", "art. 4", "a4", "Article IV", "artcle 4",
             "ARTICLE  4", "ａｒｔｉｃｌｅ４", "what does article 4 say", "art.IV", "article four",
             "what does article four say", "can you paste article 4"],
)  # fmt: skip
def test_article_spellings(text: str) -> None:
    q = parse(text)
    assert (q.kind, q.article) == (QueryKind.ARTICLE, 4)


@pytest.mark.parametrize(
    ("text", "number"), [("article twenty-three", 23), ("article twenty three text", 23), ("article twenty", 20),
                         ("article nineteen", 19)],
)  # fmt: skip
def test_an_article_number_in_words_is_the_whole_number(text: str, number: int) -> None:
    """ "article twenty three" is Article 23, never Article 20 with a stray word: a wrong article would be a
    wrong quote."""
    q = parse(text)
    assert (q.kind, q.article) == (QueryKind.ARTICLE, number)


def test_words_that_ask_for_what_an_entry_says_are_not_words_it_must_hold() -> None:
    assert parse("does the treaty mention the un charter").terms == ("treaty", "un", "charter")


@pytest.mark.parametrize("text", ["a 2000 treaty", "what is a treaty", "art", "a one"])
def test_not_every_a_is_an_article(text: str) -> None:
    assert parse(text).kind is not QueryKind.ARTICLE


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [("timeline", None, None), ("timeline 1996", 1996, 1996), ("timeline 1990s", 1990, 1999),
     ("timline 2024", 2024, 2024), ("timeline 1990 2000", 1990, 2000), ("history 1960s", 1960, 1969)],
)  # fmt: skip
def test_timeline_filters(text: str, lo: int | None, hi: int | None) -> None:
    q = parse(text)
    assert (q.kind, q.year_from, q.year_to) == (QueryKind.TIMELINE, lo, hi)


@pytest.mark.parametrize(
    ("text", "kind", "terms"),
    [("", QueryKind.HELP, ()), ("   ", QueryKind.HELP, ()), ("help", QueryKind.HELP, ()),
     ("?", QueryKind.HELP, ()), ("sources", QueryKind.SOURCES, ()), ("srouces", QueryKind.SOURCES, ()),
     ("quote kim", QueryKind.QUOTES, ("kim",)), ("quotes", QueryKind.QUOTES, ()),
     ("qoutes putin", QueryKind.QUOTES, ("putin",)),
     ("who said level of alliance", QueryKind.WHO_SAID, ("level", "alliance")),
     ("when did the soviet union collapse", QueryKind.WHEN, ("soviet", "union", "collapse")),
     ("what year was the 2000 treaty signed", QueryKind.WHEN, ("2000", "treaty", "signed")),
     ("chang ho-jin", QueryKind.SEARCH, ("chang", "ho", "jin")),
     ("status", QueryKind.STATUS, ()), ("reload", QueryKind.RELOAD, ())],
)  # fmt: skip
def test_commands(text: str, kind: QueryKind, terms: tuple[str, ...]) -> None:
    q = parse(text)
    assert q.kind is kind
    assert q.terms == terms


def test_roman_numerals() -> None:
    assert [roman_to_int(r) for r in ("i", "iv", "ix", "xxiii", "xl")] == [1, 4, 9, 23, 40]
    assert roman_to_int("iiii") is None and roman_to_int("abc") is None


def test_too_long_and_control_characters() -> None:
    assert parse("x" * (MAX_QUERY_CHARS + 1)).kind is QueryKind.TOO_LONG
    q = parse("article\x00\x07 4\u200b")
    assert (q.kind, q.article) == (QueryKind.ARTICLE, 4)
