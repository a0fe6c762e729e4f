"""Requests signed exactly as Slack signs them, sent over real HTTP to the bot under test."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import time
from typing import Any
from urllib.parse import urlencode

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # a made-up signing secret for tests only


def sign(body: bytes, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def command_body(
    text: str, *, command: str = "/pact", user: str = "U0REPORTER", response_url: str = "", team: str = "T0NEWS",
    channel_name: str = "newsdesk", team_domain: str = "news",
) -> bytes:  # fmt: skip
    return urlencode(
        {
            "token": "legacy",
            "team_id": team,
            "team_domain": team_domain,
            "channel_id": "C0NEWSDESK",
            "channel_name": channel_name,
            "user_id": user,
            "user_name": "reporter",
            "command": command,
            "text": text,
            "response_url": response_url or "http://127.0.0.1:9/unused",
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
            "api_app_id": "A0FACTDESK",
        }
    ).encode()


def action_body(value: str, response_url: str, user: str = "U0REPORTER", *, action: str = "share_answer",
                message_ts: str = "1718870000.000100") -> bytes:  # fmt: skip
    payload = {
        "type": "block_actions", "user": {"id": user, "username": "reporter", "team_id": "T0NEWS"},
        "api_app_id": "A0FACTDESK", "token": "legacy", "team": {"id": "T0NEWS", "domain": "news"},
        "channel": {"id": "C0NEWSDESK", "name": "newsdesk"},
        "container": {"type": "message", "is_ephemeral": True, "message_ts": message_ts, "channel_id": "C0NEWSDESK"},
        "trigger_id": "1.2.3", "response_url": response_url,
        "actions": [{"action_id": action, "block_id": "b1", "type": "button", "value": value,
                     "action_ts": "1718870001.000100", "text": {"type": "plain_text", "text": "Share to channel"}}],
    }  # fmt: skip
    return urlencode({"payload": json.dumps(payload)}).encode()


def event_body(event: dict[str, Any], team: str = "T0NEWS") -> bytes:
    return json.dumps(
        {"token": "legacy", "team_id": team, "api_app_id": "A0FACTDESK", "event": event, "type": "event_callback",
         "event_id": f"Ev{abs(hash(json.dumps(event, sort_keys=True)))}", "event_time": int(time.time()),
         "authorizations": [{"team_id": team, "user_id": "U0FACTBOT", "is_bot": True}]}
    ).encode()  # fmt: skip


class Response:
    def __init__(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.status, self.body, self.headers = status, body, headers

    def json(self) -> Any:
        return json.loads(self.body)


def request(port: int, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Response:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return Response(r.status, r.read(), {k.lower(): v for k, v in r.getheaders()})
    finally:
        conn.close()


def shortcut_body(message: dict[str, Any], response_url: str, user: str = "U0REPORTER") -> bytes:
    """A message shortcut ("Check with factdesk" in a message's menu), as Slack sends it."""
    payload = {
        "type": "message_action", "callback_id": "check_with_factdesk", "trigger_id": "1.2.3", "token": "legacy",
        "user": {"id": user, "name": "reporter", "team_id": "T0NEWS"}, "team": {"id": "T0NEWS", "domain": "news"},
        "channel": {"id": "C0NEWSDESK", "name": "newsdesk"}, "message": message, "response_url": response_url,
        "message_ts": message["ts"], "action_ts": "1718870002.000300",
    }  # fmt: skip
    return urlencode({"payload": json.dumps(payload)}).encode()


def post_signed(port: int, body: bytes, *, form: bool = True, timestamp: int | None = None,
                secret: str = SECRET, retry: int | None = None) -> Response:  # fmt: skip
    kind = "application/x-www-form-urlencoded" if form else "application/json"
    headers = {"Content-Type": kind, **sign(body, timestamp, secret)}
    if retry is not None:  # how Slack redelivers an event it thinks was lost
        headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"})
    return request(port, "POST", "/slack/events", body, headers)
