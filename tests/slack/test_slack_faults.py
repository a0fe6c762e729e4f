"""Slack as it really behaves: each fault a lenient stand-in hid, over real HTTP against the strict stand-in.

The bot runs as `factdesk serve` on the small fixture topic /mini (tests/fixtures/mini); every request is signed as
Slack signs it, and tests/support/slack_stand_in.py refuses what Slack refuses.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.slack.blocks import CITE_ACTION, SHARE_ACTION
from tests.support import slack_client as sc
from tests.support import slack_stand_in
from tests.support.paths import FIXTURES, ROOT
from tests.support.server import Running, free_port, serve

MINI = FIXTURES / "mini"


@pytest.fixture(scope="module")
def bot(strict: slack_stand_in.StandIn, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    with serve(tmp_path_factory.mktemp("faults"), strict.api_url, MINI) as running:
        yield running


def _ask(bot: Running, text: str, **form: str) -> dict[str, object]:
    r = sc.post_signed(bot.port, sc.command_body(text, command="/mini", **form))
    assert r.status == 200, (r.status, r.body[:200])
    data: dict[str, object] = r.json()
    return data


def _value(message: dict[str, object]) -> str:
    (actions,) = [b for b in message["blocks"] if b["type"] == "actions"]  # type: ignore[attr-defined]
    return str(actions["elements"][0]["value"])


@pytest.mark.parametrize(
    "form",
    [{"text": "missile payload debris"}, {"text": "timeline", "channel_name": "payload-desk"},
     {"text": "timeline", "team_domain": "payloadnews"}],
    ids=["in-text", "in-channel-name", "in-team-domain"],
)  # fmt: skip
def test_the_word_payload_anywhere_in_a_command_is_answered(bot: Running, form: dict[str, str]) -> None:
    text = form.pop("text")
    message = _ask(bot, text, **form)
    assert message["blocks"][0]["type"] == "header"  # type: ignore[index]


def test_share_posts_once_then_deletes_the_private_copy_and_a_double_click_posts_nothing(
    bot: Running, strict: slack_stand_in.StandIn
) -> None:
    value = _value(_ask(bot, "quote roe"))
    url = f"{strict.url}/hooks/double"
    before = len(strict.channel)
    for _ in range(2):  # a double click: two payloads for the same message
        assert sc.post_signed(bot.port, sc.action_body(value, url, message_ts="1718870000.000900")).status == 200
    strict.wait_for("/hooks/double", 2)
    time.sleep(0.5)
    shared = strict.channel[before:]
    assert len(shared) == 1 and shared[0]["response_type"] == "in_channel"
    assert [r.body for r in strict.calls("/hooks/double")] == [shared[0], {"delete_original": True}]


def test_share_after_a_reload_shows_the_new_answer_instead_of_posting_an_unseen_one(
    bot: Running, strict: slack_stand_in.StandIn
) -> None:
    value = json.loads(_value(_ask(bot, "quote roe")))
    stale = json.dumps({**value, "v": "0123456789ab"})  # answered from knowledge since replaced
    before = len(strict.channel)
    assert sc.post_signed(bot.port, sc.action_body(stale, f"{strict.url}/hooks/stale")).status == 200
    (replaced,) = strict.wait_for("/hooks/stale")
    assert replaced.body["replace_original"] is True and replaced.body["response_type"] == "ephemeral"
    assert "knowledge changed since you asked" in json.dumps(replaced.body)
    time.sleep(0.3)
    assert len(strict.channel) == before


def test_a_share_slack_refused_keeps_the_private_answer(bot: Running, strict: slack_stand_in.StandIn) -> None:
    value = _value(_ask(bot, "timeline"))
    strict.expired.add("/hooks/expired")
    before = len(strict.channel)
    assert sc.post_signed(bot.port, sc.action_body(value, f"{strict.url}/hooks/expired")).status == 200
    first = strict.wait_for("/hooks/expired")[0]
    time.sleep(0.5)
    tried = [r.body for r in strict.calls("/hooks/expired")]
    assert first.body["response_type"] == "in_channel" and len(strict.channel) == before
    assert {"delete_original": True} not in tried  # nothing posted, so the reporter's copy is not deleted either
    assert '"share_failed"' in bot.logs()


def test_copy_citation_gives_outlet_headline_date_and_link_as_plain_text(
    bot: Running, strict: slack_stand_in.StandIn
) -> None:
    value = _value(_ask(bot, "quote roe"))
    body = sc.action_body(value, f"{strict.url}/hooks/cite", action="copy_citation")
    assert sc.post_signed(bot.port, body).status == 200
    (said,) = strict.wait_for("/hooks/cite")
    shown = json.dumps(said.body, ensure_ascii=False)
    assert said.body["replace_original"] is False and said.body["response_type"] == "ephemeral"
    assert "The Gazette, “Bridge to open next spring”, Thu 7 March 2024, https://gazette.example/bridge" in shown


def test_a_retried_event_is_answered_once(bot: Running, strict: slack_stand_in.StandIn) -> None:
    event = {"type": "app_mention", "user": "U0REPORTER", "text": "<@U0FACTBOT> timeline",
             "ts": "1718870300.000100", "channel": "C0RETRIES", "event_ts": "1718870300.000100"}  # fmt: skip
    body = sc.event_body(event)
    for retry in (None, 1, 2):
        assert sc.post_signed(bot.port, body, form=False, retry=retry).status == 200
    time.sleep(1.5)
    # Every attempt counts, also one refused 429: three deliveries must make one reply, not three tries.
    tries = [r for r in strict.calls("/api/chat.postMessage") if r.body.get("channel") == "C0RETRIES"]
    assert len(tries) == 1 and [m for m in strict.channel if m.get("channel") == "C0RETRIES"]


def test_thread_replies_carry_no_share_button_and_read_slack_escapes_once(
    bot: Running, strict: slack_stand_in.StandIn
) -> None:
    dm = {"type": "message", "channel_type": "im", "user": "U0REPORTER", "text": "nothing about AT&amp;T &lt;3",
          "ts": "1718870400.000100", "channel": "D0ESCAPES"}  # fmt: skip
    assert sc.post_signed(bot.port, sc.event_body(dm), form=False).status == 200
    deadline = time.monotonic() + 10
    while not [m for m in strict.channel if m.get("channel") == "D0ESCAPES"] and time.monotonic() < deadline:
        time.sleep(0.05)
    (reply,) = [m for m in strict.channel if m.get("channel") == "D0ESCAPES"]
    blocks = json.loads(reply["blocks"]) if isinstance(reply["blocks"], str) else reply["blocks"]
    buttons = {el["action_id"] for b in blocks if b["type"] == "actions" for el in b["elements"]}
    assert buttons and not buttons & {SHARE_ACTION, CITE_ACTION}  # "Did you mean" buttons answer privately: kept
    shown = json.dumps(blocks)
    assert "AT&amp;T &lt;3" in shown and "&amp;amp;" not in shown and "&amp;lt;" not in shown


def test_two_answers_in_one_channel_within_a_second_both_arrive(bot: Running, strict: slack_stand_in.StandIn) -> None:
    for n in range(2):  # Slack allows about one message a second per channel: the second is answered 429 first
        event = {"type": "app_mention", "user": "U0REPORTER", "text": "<@U0FACTBOT> timeline",
                 "ts": f"1718870500.00010{n}", "channel": "C0BUSY", "event_ts": f"1718870500.00010{n}"}  # fmt: skip
        assert sc.post_signed(bot.port, sc.event_body(event), form=False).status == 200
    deadline = time.monotonic() + 10
    while len([m for m in strict.channel if m.get("channel") == "C0BUSY"]) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len([m for m in strict.channel if m.get("channel") == "C0BUSY"]) == 2
    assert ("/api/chat.postMessage", "ratelimited") in strict.rejected


def test_message_shortcut_answers_privately_in_the_thread(bot: Running, strict: slack_stand_in.StandIn) -> None:
    message = {"type": "message", "user": "U0WRITER", "text": "approval",
               "ts": "1718870600.000100", "thread_ts": "1718870599.000100"}  # fmt: skip
    assert sc.post_signed(bot.port, sc.shortcut_body(message, f"{strict.url}/hooks/shortcut")).status == 200
    (sent,) = strict.wait_for("/api/chat.postEphemeral")
    assert sent.body["user"] == "U0REPORTER" and sent.body["channel"] == "C0NEWSDESK"
    assert sent.body["thread_ts"] == "1718870599.000100" and sent.body["text"]
    assert "The council approved the plan" in json.dumps(sent.body)


def test_message_shortcut_in_a_channel_the_bot_is_not_in_answers_through_the_response_url(
    bot: Running, strict: slack_stand_in.StandIn
) -> None:
    strict.outside.add("C0NEWSDESK")
    try:
        message = {"type": "message", "user": "U0WRITER", "text": "approval", "ts": "1718870610.000100"}
        assert sc.post_signed(bot.port, sc.shortcut_body(message, f"{strict.url}/hooks/outside")).status == 200
        (said,) = strict.wait_for("/hooks/outside")
        assert said.body["response_type"] == "ephemeral" and "The council approved the plan" in json.dumps(said.body)
    finally:
        strict.outside.clear()


def test_no_bolt_token_warning_and_no_auth_test_per_request(bot: Running, strict: slack_stand_in.StandIn) -> None:
    for _ in range(3):
        _ask(bot, "timeline")
    assert len(strict.calls("/api/auth.test")) == 1  # once, at start
    assert "will be unused" not in bot.logs()


class _Hanging:
    """A port that accepts connections and never answers: a Web API that hangs."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/api/"

    def close(self) -> None:
        for c in self.conns:
            c.close()
        self.sock.close()


@pytest.mark.parametrize("how", ["refused", "hanging"])
def test_slash_commands_are_answered_while_the_web_api_is_down(tmp_path: Path, how: str) -> None:
    hanging = _Hanging() if how == "hanging" else None
    api = hanging.url if hanging else f"http://127.0.0.1:{free_port()}/api/"  # nothing listens there
    try:
        with serve(tmp_path, api, MINI) as running:
            for _ in range(3):
                t0 = time.monotonic()
                r = sc.post_signed(running.port, sc.command_body("timeline", command="/mini"))
                assert r.status == 200 and r.json()["blocks"][0]["text"]["text"] == "Timeline"
                assert time.monotonic() - t0 < 2.5  # inside Slack's 3 s
            assert "slack_unreachable" in running.logs()
    finally:
        if hanging:
            hanging.close()


def test_a_wrong_token_is_one_clear_line_at_start(strict: slack_stand_in.StandIn) -> None:
    env = {"SLACK_SIGNING_SECRET": sc.SECRET, "SLACK_BOT_TOKEN": "xoxb-999-999-revokedORwrong",
           "SLACK_API_URL": strict.api_url, "FACTDESK_KNOWLEDGE": str(MINI), "FACTDESK_CACHE": "off",
           "PATH": "/usr/bin:/bin"}  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "bot", "serve", "--port", str(free_port())], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if "error" in line.lower()]
    assert len(errors) == 1 and "invalid_auth" in errors[0] and "SLACK_BOT_TOKEN" in errors[0], done.stderr
    assert "xoxb-999-999-revokedORwrong" not in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


def test_an_acked_event_is_still_answered_when_the_server_stops(strict: slack_stand_in.StandIn, tmp_path: Path) -> None:
    with serve(tmp_path, strict.api_url, MINI) as running:
        strict.throttle_next = 1  # the reply is rate limited: it waits Retry-After (1 s) inside the listener
        dm = {"type": "message", "channel_type": "im", "user": "U0REPORTER", "text": "timeline",
              "ts": "1718870700.000100", "channel": "D0RESTART"}  # fmt: skip
        assert sc.post_signed(running.port, sc.event_body(dm), form=False).status == 200
        time.sleep(0.2)
        running.proc.terminate()  # a rolling restart, right after the ack
        assert running.proc.wait(timeout=20) in (0, -15)  # uvicorn re-raises SIGTERM once shut down
    assert [m for m in strict.channel if m.get("channel") == "D0RESTART"]


def test_a_slow_maintainer_group_lookup_cannot_hold_the_ack(strict: slack_stand_in.StandIn, tmp_path: Path) -> None:
    strict.delays["/api/usergroups.users.list"] = 10.0
    try:
        with serve(tmp_path, strict.api_url, MINI, extra_env={"FACTDESK_MAINTAINER_GROUP": "S0DESK"}) as running:
            t0 = time.monotonic()
            r = sc.post_signed(running.port, sc.command_body("status", command="/mini", user="U0DESKCHIEF"))
            took = time.monotonic() - t0
            assert r.status == 200 and took < 3.0, took
            assert r.json()["blocks"][0]["text"]["text"] == "For maintainers only"  # refused, not promoted
    finally:
        strict.delays.clear()
