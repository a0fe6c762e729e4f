"""Request shapes: what Slack sends passes, what it never sends is named (and answered 400 by the server)."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import pytest

from bot.slack.shapes import malformed
from tests.support import slack_client as sc


def _form(body: bytes) -> dict:  # type: ignore[type-arg]
    return dict(parse_qsl(body.decode()))


MENTION = {"type": "app_mention", "user": "U0", "text": "<@U0BOT> article4", "ts": "1.2", "channel": "C0"}
DM = {"type": "message", "channel_type": "im", "user": "U0", "text": "hi", "ts": "1.2", "channel": "D0"}
EDITED = {"type": "message", "subtype": "message_changed", "channel": "D0", "hidden": True}
HOME = {"type": "app_home_opened", "user": "U0", "channel": "D0", "tab": "home"}


@pytest.mark.parametrize(
    "body",
    [
        _form(sc.command_body("article4")),
        json.loads(_form(sc.action_body('{"c": "/pact", "q": "x"}', "http://127.0.0.1:9/r"))["payload"]),
        *(json.loads(sc.event_body(e)) for e in (MENTION, DM, EDITED, HOME)),
        {"type": "url_verification", "challenge": "abc", "token": "legacy"},
        {"ssl_check": "1", "token": "legacy"},
        {"type": "view_submission", "user": {"id": "U0"}, "team": None, "view": {"type": "modal", "callback_id": "x"}},
    ],
)
def test_what_slack_sends_passes(body: dict) -> None:  # type: ignore[type-arg]
    assert malformed(body) is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "block_actions", "user": {"id": "U0"}, "actions": [{}]}, "actions"),
        ({"type": "block_actions", "user": "U0", "actions": [{"action_id": "a"}]}, "user"),
        ({"type": "view_submission", "user": {"id": "U0"}, "view": {"id": "V0"}}, "view"),
        ({"type": "shortcut", "view": None}, "view"),
        ({"type": "event_callback", "event": "app_mention"}, "event"),
        ({"type": "event_callback", "event": {**MENTION, "ts": 5}}, "event.ts"),
        ({"type": ["block_actions"]}, "type"),
        ({"command": "/pact", "user_id": "U0", "text": ["a"]}, "text"),
        ({"command": "/pact", "user_id": "U0", "team": {"id": 5}}, "team"),
    ],
)
def test_what_slack_never_sends_is_named(body: dict, field: str) -> None:  # type: ignore[type-arg]
    assert malformed(body) == field
