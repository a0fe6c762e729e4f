"""`factdesk socket` end to end: Socket Mode against local stand-ins for Slack's Web API and its WebSocket."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from tests.support import slack_client as sc
from tests.support import slack_stand_in
from tests.support.paths import KNOWLEDGE, ROOT
from tests.support.server import BOT_TOKEN, serve, wait_healthy
from tests.support.socket_stand_in import SocketStandIn

APP_TOKEN = "xapp-1-A0FACTDESK-000000-notarealtoken"


@pytest.fixture
def socket_bot(slack: slack_stand_in.StandIn, tmp_path: Path) -> Iterator[tuple[SocketStandIn, Path]]:
    ws = SocketStandIn()
    slack.replies["/api/apps.connections.open"] = {"ok": True, "url": ws.url}
    env = {"SLACK_APP_TOKEN": APP_TOKEN, "FACTDESK_CACHE": "off"}
    try:
        with serve(tmp_path, slack.api_url, KNOWLEDGE, extra_env=env, mode="socket", wait=False,
                   log_name="socket.log") as running:  # fmt: skip
            log = running.log_path
            assert ws.connected.wait(30), log.read_text()
            deadline = time.monotonic() + 30
            while "knowledge_loaded" not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.05)
            wait_healthy(running.port, proc=running.proc)  # the health port answers in Socket Mode too
            yield ws, log
    finally:
        ws.close()


def test_slash_command_over_socket_mode_is_answered_in_the_ack(
    socket_bot: tuple[SocketStandIn, Path], slack: slack_stand_in.StandIn
) -> None:
    ws, log = socket_bot
    (opened,) = slack.calls("/api/apps.connections.open")
    assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"  # the app-level token opens the socket
    payload = {"command": "/pact", "text": "article4", "user_id": "U0REPORTER", "channel_id": "C0NEWSDESK",
               "team_id": "T0NEWS", "response_url": f"{slack.url}/respond", "trigger_id": "1.2.3"}  # fmt: skip
    ws.push({"envelope_id": "env-1", "type": "slash_commands", "payload": payload, "accepts_response_payload": True})
    ack = ws.wait_ack("env-1")
    blocks = ack["payload"]["blocks"]
    assert blocks[0]["text"]["text"].startswith("Article 4") and ack["payload"]["response_type"] == "ephemeral"
    assert "Share to channel" in str(blocks)
    assert APP_TOKEN not in log.read_text() and BOT_TOKEN not in log.read_text()


def test_mention_over_socket_mode_is_answered_in_thread(
    socket_bot: tuple[SocketStandIn, Path], slack: slack_stand_in.StandIn
) -> None:
    ws, _ = socket_bot
    event = {"type": "app_mention", "user": "U0REPORTER", "channel": "C0NEWSDESK",
             "text": "<@U0FACTBOT> timeline 1990s", "ts": "1718870000.000100",
             "event_ts": "1718870000.000100"}  # fmt: skip
    envelope_payload = {"type": "event_callback", "team_id": "T0NEWS", "api_app_id": "A0FACTDESK", "event": event,
                        "event_id": "Ev1", "event_time": 1718870000}  # fmt: skip
    ws.push({"envelope_id": "env-2", "type": "events_api", "payload": envelope_payload})
    ws.wait_ack("env-2")
    (posted,) = slack.wait_for("/api/chat.postMessage")
    body = posted.body if isinstance(posted.body, dict) else dict(parse_qsl(posted.body))
    assert body["channel"] == "C0NEWSDESK" and body["thread_ts"] == "1718870000.000100"
    assert "1990" in str(body["blocks"]) and "1991" in str(body["blocks"])


def test_a_redelivered_event_is_answered_once(
    socket_bot: tuple[SocketStandIn, Path], slack: slack_stand_in.StandIn
) -> None:
    ws, _ = socket_bot
    event = {"type": "app_mention", "user": "U0REPORTER", "channel": "C0TWICE", "text": "<@U0FACTBOT> timeline",
             "ts": "1718870900.000100", "event_ts": "1718870900.000100"}  # fmt: skip
    payload = {"type": "event_callback", "team_id": "T0NEWS", "api_app_id": "A0FACTDESK", "event": event,
               "event_id": "EvTWICE", "event_time": 1718870900}  # fmt: skip
    ws.push({"envelope_id": "env-3", "type": "events_api", "payload": payload})
    ws.wait_ack("env-3")
    # Slack's retry after a lost ack: a new envelope, the same event id, retry_attempt set.
    ws.push({"envelope_id": "env-4", "type": "events_api", "payload": payload, "retry_attempt": 1,
             "retry_reason": "timeout"})  # fmt: skip
    ws.wait_ack("env-4")
    time.sleep(1.0)
    assert len([r for r in slack.calls("/api/chat.postMessage") if r.body.get("channel") == "C0TWICE"]) == 1


def test_healthz_is_503_while_the_socket_is_down(
    socket_bot: tuple[SocketStandIn, Path], slack: slack_stand_in.StandIn
) -> None:
    ws, log = socket_bot
    port = int(re.findall(r'"health_port": (\d+)', log.read_text())[0])
    assert sc.request(port, "GET", "/healthz").status == 200
    slack.replies["/api/apps.connections.open"] = {"ok": False, "error": "internal_error"}  # no new socket
    ws.drop()
    deadline = time.monotonic() + 15
    seen = 200
    while seen == 200 and time.monotonic() < deadline:
        seen = sc.request(port, "GET", "/healthz").status
        time.sleep(0.1)
    assert seen == 503
    assert sc.request(port, "GET", "/healthz").json()["socket"] == "disconnected"


def test_slack_sdk_floor_excludes_the_closed_session_retry_loop() -> None:
    """slack-sdk before 3.45 could retry forever on a closed aiohttp session in Socket Mode."""
    import tomllib

    from packaging.requirements import Requirement

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    (sdk,) = [Requirement(d) for d in deps if Requirement(d).name == "slack-sdk"]
    assert "3.44.9" not in sdk.specifier and "3.45.0" in sdk.specifier
