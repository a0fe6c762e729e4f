"""A small local stand-in for Slack: its Web API and response_url endpoints, recording what the bot sends.

It answers like Slack does for the few methods the bot calls, and keeps every request for assertions.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


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
            with stand_in.lock:
                stand_in.requests.append(Recorded(path, dict(self.headers.items()), body))
            if path.startswith("/api/"):
                reply = stand_in.replies.get(path) or API_REPLIES.get(path, {"ok": False, "error": "unknown_method"})
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
            else:  # a response_url
                data = b"ok"
                self.send_response(200)
                self.send_header("content-type", "text/plain")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder["it"] = StandIn(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return holder["it"]
