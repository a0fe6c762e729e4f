"""Every payload blocks.py renders (plain dicts, bot/slack/kit.py) is valid Block Kit by slack_sdk's own models.

Rendering skips the SDK's per-request validation for speed; this is where Slack's limits are still enforced:
each block of every answer kind, and the App Home view, is parsed back into `slack_sdk.models` and validated.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.core.answer import Answer, Item, ItemKind, Kind
from bot.core.loader import load
from bot.service import notice
from bot.slack import blocks as bk
from bot.slack.home import render_home
from tests.support.asking import Door, open_door
from tests.support.paths import FIXTURES

#: One question per kind of answer the /mini fixture gives (and /harbour for wordings compared), plus the edge
#: cases of rendering.
QUESTIONS = {
    "help": "", "timeline": "timeline", "when": "when was the first bridge built", "quotes": "quote roe",
    "article": "article 2", "facts": "approval", "person": "roe", "sources": "sources", "miss": "nothing here",
    "too-long": "x " * 400, "escapes": "<!channel> & <http://evil.example|x>", "latest": "latest",
    "compare": "/harbour compare article 3",
}  # fmt: skip


class Topics:
    """/mini and /harbour, asked as Slack asks: a leading command picks /harbour, else /mini."""

    def __init__(self, mini: Door, harbour: Door) -> None:
        self.mini, self.harbour = mini, harbour

    def answer(self, text: str) -> Answer:
        if text.startswith("/harbour "):
            return self.harbour.answer(text.removeprefix("/harbour "))
        return self.mini.answer(text)


@pytest.fixture(scope="module")
def mini() -> Topics:
    return Topics(open_door(FIXTURES / "mini", "/mini"), open_door(FIXTURES / "developing", "/harbour"))


def assert_valid(blocks: list[dict[str, Any]]) -> None:
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, block
        parsed.validate_json()  # raises SlackObjectFormationError past any of Slack's limits
        assert parsed.to_dict() == block  # the same JSON the SDK would have written


def _messages(answer: Answer) -> list[dict[str, Any]]:
    return [
        bk.render_message(answer),
        bk.render_message(answer, response_type="in_channel", shared_by="U0SHARER"),
        bk.render_message(answer, share=False),
        bk.render_message(answer, changed=True),
    ]


@pytest.mark.parametrize("name", QUESTIONS)
def test_every_answer_kind_is_valid_block_kit(mini: Topics, name: str) -> None:
    answer = dataclasses.replace(mini.answer(QUESTIONS[name]), version="0123456789ab")
    for message in _messages(answer):
        assert_valid(message["blocks"])
        assert message["text"]


def test_the_questions_cover_every_kind_of_answer(mini: Topics) -> None:
    kinds = {mini.answer(q).kind for q in QUESTIONS.values()}
    assert kinds | {Kind.NOTICE} == set(Kind)  # notices (status, refusals) are rendered in the test below


def test_notices_corrections_and_the_longest_answers_are_valid(corrected: Door) -> None:
    assert_valid(bk.render_message(notice("For maintainers only", "`status` is a maintainers' command."))["blocks"])
    for question in ("timeline", "", "sources"):
        assert_valid(bk.render_message(corrected.answer(question))["blocks"])
    many = tuple(Item(kind=ItemKind.FACT, text=f"Fact {n} " + "word " * 500, heading=f"H{n}") for n in range(80))
    assert_valid(bk.render_message(Answer(Kind.FACTS, "T" * 400, many, intro="i" * 5000))["blocks"])


def test_app_home_is_a_valid_view(mini: Topics) -> None:
    result = load(FIXTURES / "mini")
    assert result.knowledge is not None
    home = render_home(result.knowledge)
    view = View(**home)
    view.validate_json()
    assert home["type"] == "home" and view.to_dict()["blocks"] == home["blocks"]
    assert_valid(home["blocks"])
