"""A small local stand-in for Slack: its Web API and response_url endpoints, recording what the bot sends.

It answers like Slack does for the few methods the bot calls, keeps every request for assertions, and is as
strict as Slack's documentation, so that a bot that only works against a lenient fake fails a test:

- an unknown or missing token is `invalid_auth` / `not_authed`
  (https://docs.slack.dev/authentication/tokens, https://docs.slack.dev/reference/methods/auth.test);
- `chat.postMessage` past one message a second in a channel is HTTP 429 with `Retry-After`
  (https://docs.slack.dev/apis/web-api/rate-limits, "Posting messages");
- a message with `blocks` must carry `text` too, its notification and screen-reader fallback
  (https://docs.slack.dev/reference/methods/chat.postMessage, "text" argument);
- a response_url works at most 5 times within 30 minutes, and `delete_original` is a request of its own: it
  deletes the message and nothing in the same request is posted
  (https://docs.slack.dev/interactivity/handling-user-interaction, "Message responses").
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qsl

KNOWN_TOKENS = {
    "xoxb-000000000-1111111111-testtokenNOTREAL",  # tests/support/server.py's BOT_TOKEN
    "xoxb-222222222-333333333-installedTOKENfake",  # what oauth.v2.access below installs
    "xapp-1-A0FACTDESK-000000-notarealtoken",  # tests/test_socket_mode.py's app-level token
}
RESPONSE_URL_USES = 5
RESPONSE_URL_SECONDS = 30 * 60
POST_INTERVAL = 1.0  # seconds between two messages in one channel
NO_TOKEN = frozenset({"/api/oauth.v2.access"})  # authenticated by client id and secret instead


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class StandIn:
    server: ThreadingHTTPServer
    requests: list[Recorded] = field(default_factory=list)
    replies: dict[str, dict[str, Any]] = field(default_factory=dict)  # per-test answers, over API_REPLIES
    lock: threading.Lock = field(default_factory=threading.Lock)
    tokens: set[str] = field(default_factory=lambda: set(KNOWN_TOKENS))
    #: What the channel shows: messages posted through a response_url (in_channel) or chat.postMessage.
    channel: list[dict[str, Any]] = field(default_factory=list)
    #: response_urls whose original message was deleted.
    deleted: list[str] = field(default_factory=list)
    uses: dict[str, list[float]] = field(default_factory=dict)
    last_post: dict[str, float] = field(default_factory=dict)
    throttle_next: int = 0  # answer the next N Web API calls 429, as Slack does under load
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (path, error) for every refusal
    outside: set[str] = field(default_factory=set)  # channels the bot is not a member of
    expired: set[str] = field(default_factory=set)  # response_urls past their 30 minutes
    delays: dict[str, float] = field(default_factory=dict)  # seconds before answering a path: a slow Slack

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def calls(self, path: str) -> list[Recorded]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def wait_for(self, path: str, count: int = 1, timeout: float = 10.0) -> list[Recorded]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls(path)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"stand-in saw {len(self.calls(path))} requests to {path}, wanted {count}")

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


API_REPLIES: dict[str, dict[str, Any]] = {
    "/api/auth.test": {
        "ok": True,
        "url": "https://news.example/",
        "team": "Newsroom",
        "user": "factdesk",
        "team_id": "T0NEWS",
        "user_id": "U0FACTBOT",
        "bot_id": "B0FACTBOT",
        "is_enterprise_install": False,
    },
    "/api/chat.postMessage": {"ok": True, "channel": "C0", "ts": "1718870000.000200"},
    "/api/views.publish": {"ok": True, "view": {"id": "V0HOME"}},
    "/api/oauth.v2.access": {
        "ok": True,
        "app_id": "A0FACTDESK",
        "authed_user": {"id": "U0INSTALLER"},
        "scope": "commands,chat:write,app_mentions:read,im:history,usergroups:read",
        "token_type": "bot",
        "access_token": "xoxb-222222222-333333333-installedTOKENfake",
        "bot_user_id": "U0FACTBOT2",
        "team": {"id": "T0OTHER", "name": "Other Newsroom"},
        "enterprise": None,
        "is_enterprise_install": False,
    },
    "/api/usergroups.users.list": {"ok": True, "users": ["U0DESKCHIEF", "U0NIGHTDESK"]},
}


class _Quiet(ThreadingHTTPServer):
    """A client hanging up mid-request (a server under test being stopped) is kept, not printed: printed, it
    landed in whatever test was capturing stderr at that moment, in another module, and failed it."""

    hung_up: ClassVar[list[BaseException]] = []  # what hung up, for a test that wants to know

    def handle_error(self, request: object, client_address: object) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]
        elif error is not None:
            self.hung_up.append(error)


def start() -> StandIn:
    holder: dict[str, StandIn] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output quiet
            return

        def do_GET(self) -> None:  # some Web API methods (usergroups.users.list) are called with GET
            path, _, query = self.path.partition("?")
            self._reply(path, dict(parse_qsl(query)))

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length") or 0)).decode("utf-8")
            kind = self.headers.get("content-type", "")
            body: dict[str, Any] = json.loads(raw) if "json" in kind and raw else dict(parse_qsl(raw))
            self._reply(self.path.split("?", 1)[0], body)

        def _reply(self, path: str, body: dict[str, Any]) -> None:
            stand_in = holder["it"]
            recorded = Recorded(path, dict(self.headers.items()), body)
            with stand_in.lock:
                delay = stand_in.delays.get(path, 0.0)
                if delay:  # a hanging Slack: the request is seen at once, acted on later
                    stand_in.requests.append(recorded)
            time.sleep(delay)
            with stand_in.lock:
                if not delay:  # seen and acted on at once: a test that sees the request sees its effect too
                    stand_in.requests.append(recorded)
                status, reply, headers = (
                    self._api(stand_in, path, body) if path.startswith("/api/") else self._respond(stand_in, path, body)
                )
                if status != 200 or (isinstance(reply, dict) and not reply.get("ok", True)):
                    stand_in.rejected.append((path, str(reply.get("error") if isinstance(reply, dict) else reply)))
            data = json.dumps(reply).encode() if isinstance(reply, dict) else reply.encode()
            self.send_response(status)
            self.send_header("content-type", "application/json" if isinstance(reply, dict) else "text/plain")
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _api(self, it: StandIn, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
            if it.throttle_next > 0:
                it.throttle_next -= 1
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
            auth = self.headers.get("Authorization", "")
            token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else body.get("token", "")
            if path not in NO_TOKEN:
                if not token:
                    return 200, {"ok": False, "error": "not_authed"}, {}
                if token not in it.tokens:
                    return 200, {"ok": False, "error": "invalid_auth"}, {}
            if path in ("/api/chat.postMessage", "/api/chat.postEphemeral"):
                if not body.get("channel"):
                    return 200, {"ok": False, "error": "channel_not_found"}, {}
                if body.get("blocks") and not body.get("text"):
                    return 200, {"ok": False, "error": "no_text"}, {}
                if not body.get("blocks") and not body.get("text"):
                    return 200, {"ok": False, "error": "no_text"}, {}
            if path in ("/api/chat.postMessage", "/api/chat.postEphemeral") and body["channel"] in it.outside:
                return 200, {"ok": False, "error": "not_in_channel"}, {}
            if path == "/api/chat.postMessage":
                now = time.monotonic()
                channel = str(body["channel"])
                if now - it.last_post.get(channel, -POST_INTERVAL) < POST_INTERVAL:
                    return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
                it.last_post[channel] = now
                it.channel.append(body)
            reply = it.replies.get(path) or API_REPLIES.get(path, {"ok": False, "error": "unknown_method"})
            return 200, reply, {}

        def _respond(self, it: StandIn, path: str, body: dict[str, Any]) -> tuple[int, str, dict[str, str]]:
            """A response_url: at most 5 uses in 30 minutes; delete_original alone deletes and posts nothing."""
            now = time.monotonic()
            uses = [t for t in it.uses.get(path, []) if now - t < RESPONSE_URL_SECONDS]
            if path in it.expired:
                return 404, "expired_url", {}
            if len(uses) >= RESPONSE_URL_USES:
                return 404, "used_url", {}
            it.uses[path] = [*uses, now]
            if body.get("delete_original") in (True, "true"):
                it.deleted.append(path)
                return 200, "ok", {}
            if not body.get("text") and not body.get("blocks"):
                return 400, "no_text", {}
            if body.get("response_type") == "in_channel":
                it.channel.append(body)
            return 200, "ok", {}

    server = _Quiet(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder["it"] = StandIn(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return holder["it"]
