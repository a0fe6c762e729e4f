"""Property: whatever a signed body holds, the real server answers it with less than 500 and logs no
traceback; whatever an unsigned body holds, it is refused (401) unread. Bodies are generated (hypothesis) in
the shapes Slack's own requests take, with any value anywhere, and sent over HTTP to `factdesk serve`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import slack_client as sc
from tests.support import slack_stand_in
from tests.support.paths import FIXTURES
from tests.support.server import Running, serve

SLACK_KEYS = ["type", "user", "user_id", "team", "team_id", "channel", "channel_id", "actions", "action_id", "event",
              "view", "command", "text", "response_url", "trigger_id", "id", "value", "ts", "subtype", "bot_id",
              "channel_type", "callback_id", "container", "enterprise", "authorizations", "challenge"]  # fmt: skip
KINDS = ["block_actions", "event_callback", "view_submission", "view_closed", "shortcut", "message_action",
         "url_verification", "app_mention", "message", "app_home_opened", "share_answer", "/corrected"]  # fmt: skip

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20),
                    st.sampled_from(KINDS))  # fmt: skip
values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(SLACK_KEYS) | st.text(max_size=8), inner, max_size=6)),
    max_leaves=20,
)  # fmt: skip
shaped = st.dictionaries(st.sampled_from(SLACK_KEYS), values, max_size=8)


def _form(fields: dict[str, Any]) -> bytes:
    return urlencode({k: v if isinstance(v, str) else json.dumps(v) for k, v in fields.items()}).encode()


bodies = st.one_of(
    shaped.map(lambda d: ("form", urlencode({"payload": json.dumps(d)}).encode())),  # interactivity
    shaped.map(lambda d: ("json", json.dumps(d).encode())),  # Events API
    shaped.map(lambda d: ("form", _form(d))),  # slash commands
    st.binary(max_size=200).map(lambda b: ("form", b)),
    st.binary(max_size=200).map(lambda b: ("json", b)),
)


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    slack = slack_stand_in.start()
    try:
        with serve(tmp_path_factory.mktemp("fuzz"), slack.api_url, FIXTURES / "corrected") as running:
            yield running
    finally:
        slack.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies)
def test_any_signed_body_is_answered_below_500(bot: Running, body: tuple[str, bytes]) -> None:
    kind, raw = body
    r = sc.post_signed(bot.port, raw, form=kind == "form")
    assert r.status < 500, (r.status, raw[:300])
    unsigned = sc.request(bot.port, "POST", "/slack/events", raw, {"Content-Type": "application/json"})
    assert unsigned.status == 401


def test_and_nothing_left_a_traceback(bot: Running) -> None:
    """Runs after the property above (same module server): its requests are all in this log."""
    text = bot.logs()
    assert "Traceback" not in text and '"level": "error"' not in text, text[-3000:]
