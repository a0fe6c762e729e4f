"""The service is the one door: every adapter's question is parsed once and answered from the live knowledge."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.core.answer import ItemKind, Kind
from bot.core.query import MAX_QUERY_CHARS, Query, parse
from bot.core.store import KnowledgeStore, Outcome
from bot.service import Asker, Service
from tests.support.asking import open_door
from tests.support.paths import FIXTURES


def test_text_is_parsed_once_per_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    door = open_door(FIXTURES / "mini", "/mini")
    calls: list[str] = []

    def counting(text: str) -> Query:
        calls.append(text)
        return parse(text)

    for where in ("bot.service.parse", "bot.core.query.parse"):
        monkeypatch.setattr(where, counting)
    answer = door.answer("quote roe")
    assert answer.kind is Kind.QUOTES and calls == ["quote roe"]


def test_every_answer_carries_the_version_it_came_from() -> None:
    door = open_door(FIXTURES / "mini", "/mini")
    knowledge = door.service.knowledge()
    assert knowledge is not None and door.answer("quote roe").version == knowledge.version


def test_maintainer_words_are_the_services_not_a_search() -> None:
    door = open_door(FIXTURES / "mini", "/mini")
    assert door.answer("status").title == "For maintainers only"
    maintainers = Service(KnowledgeStore(FIXTURES / "mini"), maintainers=frozenset({"U1"}))
    maintainers.request_reload()  # no event loop here: reloads at once
    status = maintainers.answer("/mini", "status", Asker(user="U1"))
    lines = {i.heading: i.text for i in status.items if i.kind is ItemKind.STATUS}
    assert lines["State"] == "ok" and lines["/mini"].startswith("mini.yaml: 1 source, 1 article")
    shown = [str(label) for label in lines] + list(lines.values())
    assert not any("*" in s or "`" in s for s in shown), "the service speaks in values, not markup"


def test_without_a_command_the_only_topic_answers() -> None:
    one = open_door(FIXTURES / "mini", "/mini").service
    assert one.answer(None, "quote roe").kind is Kind.QUOTES


@pytest.mark.parametrize(
    ("text", "command", "lead"),
    [("quote roe", "/mini", "roe-without-fail"), ("ferry", "/budget", "ferry-funded"),
     ("who said fully funded", "/budget", "poe-fully-funded"), ("article 40", "/budget", "finance-act-article-40"),
     ("harbour act", "/mini", "harbour-act-article-9")],
)  # fmt: skip
def test_without_a_command_two_topics_route_to_the_one_with_an_answer(text: str, command: str, lead: str) -> None:
    two = open_door(FIXTURES / "two_topics", "/mini").service
    a = two.answer(None, text)
    assert a.command == command and a.items[0].entry_id == lead
    assert a == two.answer(command, text), "the same answer as asked with the command"


def test_without_a_command_two_topics_that_both_answer_ask_which() -> None:
    two = open_door(FIXTURES / "two_topics", "/mini").service
    which = two.answer(None, "timeline")
    assert which.kind is Kind.NOTICE and which.title == "Which topic?"
    assert which.intro == "/budget and /mini both have an answer: ask one of them."
    assert which.suggestions == ("/budget timeline", "/mini timeline")


def test_without_a_command_two_topics_with_no_answer_say_so_and_count_the_miss() -> None:
    two = open_door(FIXTURES / "two_topics", "/mini").service
    none = two.answer(None, "what about the arctic?")
    assert (
        none.kind is Kind.MISS
        and none.intro is not None
        and none.intro.startswith("No topic has an answer to that (/budget or /mini).")
    )
    assert two.top_misses("", 5) == [("what about the arctic?", 1)]
    for text in ("", "help", "status"):  # nothing to try in a topic: which one?
        ask = two.answer(None, text)
        assert ask.title == "Which topic?"
        assert ask.intro == "Several topics are loaded: start with one of /budget or /mini."
        assert ask.suggestions == ("/budget help", "/mini help") and "None" not in (ask.intro or "")
    assert two.answer(None, "x" * (MAX_QUERY_CHARS + 1)).title == "That question is too long"


def test_answer_cache_is_bounded_and_keeps_no_long_texts() -> None:
    door = open_door(FIXTURES / "mini", "/mini")
    for i in range(50):
        assert door.answer("x" * (MAX_QUERY_CHARS + 1 + i)).title == "That question is too long"
    assert len(door.service._answers) == 0
    for spelling in ("Quote Roe", "quote  roe", "QUOTE ROE"):
        door.answer(spelling)
    assert len(door.service._answers) == 1, "spellings that differ only in case and spaces share an entry"


def test_a_text_asked_again_is_not_parsed_again_and_long_texts_are_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    door = open_door(FIXTURES / "mini", "/mini")
    calls: list[str] = []

    def counting(text: str) -> Query:
        calls.append(text)
        return parse(text)

    monkeypatch.setattr("bot.service.parse", counting)
    first, second, third = (door.answer("quote roe") for _ in range(3))
    assert first == second == third
    assert calls == ["quote roe"] * 2, "kept from its second time (the cache's doorkeeper), then never parsed again"
    for _ in range(2):
        assert door.service.question("/mini", "Quote  Roe").key == door.service.question("/mini", "quote roe").key
    assert calls == ["quote roe"] * 2 + ["Quote  Roe"] * 2, "each spelling is parsed as typed (the query keeps it)"
    for i in range(3):
        door.answer("x" * (MAX_QUERY_CHARS + 1 + i))
        door.answer("x" * (MAX_QUERY_CHARS + 1 + i))
    assert len(door.service._parsed) == 2 and len(calls) == 10, "a text too long to answer is parsed, never kept"


def test_misses_are_counted_without_user_ids() -> None:
    door = open_door(FIXTURES / "mini", "/mini")
    for _ in range(3):
        assert door.answer("what about the arctic?", Asker(user="U9")).kind is Kind.MISS
    assert door.service.top_misses("", 5) == [("what about the arctic?", 3)]


def test_reload_outcomes_reach_the_notifier_as_values(tmp_path: Path) -> None:
    seen: list[Outcome] = []

    async def notify(outcome: Outcome) -> None:
        seen.append(outcome)

    store = KnowledgeStore(FIXTURES / "mini")
    service = Service(store, notify=notify)
    outcome = asyncio.run(service.reload_now())
    assert seen == [outcome] and outcome.ok and "reloaded" in outcome.summary()
