"""Checks every request passes before the bot spends work on it.

A request to /slack/events is verified the way Slack documents it (v0, HMAC-SHA256 over
`v0:{timestamp}:{body}`, within five minutes) on the raw bytes, before anything parses them: an unsigned
request is refused on its headers alone, without reading its body, and a body is read with a cap (413 as
soon as it is crossed, whether the request is chunked or not) and a deadline (408), so no request can make
the server hold more than MAX_BODY_BYTES or wait forever. Bolt then gets the verified bytes and is told not
to verify them again (`request_verification_enabled=False`).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

MAX_BODY_BYTES = 1_000_000
WINDOW_SECONDS = 300  # Slack: refuse a timestamp more than five minutes away from now (replays)
_FORWARDED = (b"x-forwarded-for", b"forwarded", b"x-real-ip")


class Refused(Exception):
    """A request the bot will not serve, with the 4xx that says why."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers") or ():
        if key == name:
            return bytes(value)
    return None


def text_headers(scope: Scope) -> tuple[dict[str, str], str] | None:
    """The headers (by name, the last of a repeated one, as Bolt reads them) and the query string, decoded as
    Bolt decodes them (UTF-8); None when any is not UTF-8, which would crash Bolt (500)."""
    try:
        headers = {str(name, "utf-8"): str(value, "utf-8") for name, value in scope.get("headers") or ()}
        return headers, bytes(scope.get("query_string") or b"").decode("utf-8")
    except UnicodeDecodeError:
        return None


def check_signed_headers(scope: Scope, now: float | None = None) -> tuple[bytes, bytes]:
    """The timestamp and signature, if their shapes can be right: anything else is refused unread."""
    raw_ts = header(scope, b"x-slack-request-timestamp") or b""
    raw_sig = header(scope, b"x-slack-signature") or b""
    if not raw_ts or not raw_sig:
        raise Refused(401, "unsigned request")
    if not (raw_ts.isdigit() and len(raw_ts) <= 12):
        raise Refused(401, "bad timestamp")
    if abs((time.time() if now is None else now) - int(raw_ts)) > WINDOW_SECONDS:
        raise Refused(401, "stale timestamp")
    if len(raw_sig) != 67 or not raw_sig.startswith(b"v0="):
        raise Refused(401, "bad signature")
    length = header(scope, b"content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
        raise Refused(413, "request too large")
    return raw_ts, raw_sig


async def read_body(receive: Receive, limit: int = MAX_BODY_BYTES) -> bytes:
    """The whole body, refused (413) the moment it passes `limit`. How long it may take is bounded on the
    connection (bot/web/protocol.py, BODY_SECONDS): past that the server answers 408 and closes it, and the
    wait here ends as a disconnect."""
    chunks = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away, or took too long
            raise Refused(400, "client disconnected")
        chunks += message.get("body", b"")
        if len(chunks) > limit:
            raise Refused(413, "request too large")
        if not message.get("more_body", False):
            return bytes(chunks)


def verify(secret: str, timestamp: bytes, signature: bytes, body: bytes) -> bool:
    expected = hmac.new(secret.encode(), b"v0:" + timestamp + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(b"v0=" + expected.encode(), signature)


async def signed_body(scope: Scope, receive: Receive, secret: str) -> str:
    """The body of a request Slack signed, checked on its raw bytes before a byte of it is parsed, then as the
    text Bolt reads; Refused otherwise."""
    timestamp, signature = check_signed_headers(scope)
    body = await read_body(receive)
    if not secret or not verify(secret, timestamp, signature, body):
        raise Refused(401, "invalid signature")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "body is not UTF-8") from None


def is_admin(scope: Scope, admin_token: str | None) -> bool:
    """Who may read what could reveal a story before it runs (unanswered questions, knowledge errors).

    With FACTDESK_ADMIN_TOKEN set, the token is required (Bearer, compared in constant time on bytes, so a
    header that is not ASCII is a refusal, not a crash). Without it, only a connection from this machine
    (loopback, also where `kubectl port-forward` arrives) that no proxy forwarded: the peer address is the
    socket's own (the server does not rewrite it from proxy headers), and a request carrying a forwarding
    header came from somewhere else even if the proxy itself is local.
    """
    if admin_token:
        sent = header(scope, b"authorization") or b""
        return hmac.compare_digest(sent, b"Bearer " + admin_token.encode())
    if any(header(scope, name) is not None for name in _FORWARDED):
        return False
    client = scope.get("client") or ("", 0)
    try:
        return ipaddress.ip_address(str(client[0])).is_loopback
    except ValueError:
        return False


async def respond(send: Send, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8",
                  close: bool = False) -> None:  # fmt: skip
    headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
    if close:  # the rest of a refused body is not worth reading: the connection goes
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
