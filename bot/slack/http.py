"""Slack's requests to /slack/events into Bolt, and Bolt's responses back out, in place of Bolt's ASGI adapter.

Two things differ from the adapter:

- A form body is read by its fields, not by substring. Bolt's `parse_body` takes any form body containing the
  letters "payload" for an interaction (`payload=<json>`) and, finding no such field, hands its listeners an
  empty body: a slash command about a "missile payload", from a channel named #payload-desk or a team whose
  domain contains the word was answered 404. Here such a body is parsed by its fields, and the request's
  context built from the right body.
- The body is the one bot/web/guard.py has already read, verified and decoded, handed over as it is, and a
  plain form body (every slash command) is parsed once by `form_fields` rather than by urllib's general
  `parse_qsl`; the adapter read it again through ASGI and its parse was a tenth of a cached answer's CPU.

Everything else is Bolt's: its request object, context, middleware, listeners and response.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

FORM = "application/x-www-form-urlencoded"


def form_fields(raw: str) -> dict[str, str]:
    """`dict(parse_qsl(raw, keep_blank_values=True))`, as Bolt reads a form body, in half the time: only a name
    or value holding an escape (`%`, or `+` for a space) is unquoted (tests/slack/test_http_parsing.py compares
    the two on generated bodies)."""
    fields: dict[str, str] = {}
    for pair in raw.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        if "%" in name or "+" in name:
            name = unquote_plus(name)
        if "%" in value or "+" in value:
            value = unquote_plus(value)
        fields[name] = value
    return fields


def form_body(raw: str) -> dict[str, Any]:
    """A form body as Slack means it: an interaction's `payload` field holds JSON, anything else is fields."""
    fields = dict(parse_qsl(raw, keep_blank_values=True))
    payload = fields.get("payload")
    if payload is not None:
        parsed = json.loads(payload)
        return parsed if isinstance(parsed, dict) else {}
    return fields


def bolt_request(raw: str, query: str | None, headers: dict[str, Any]) -> AsyncBoltRequest:
    """The request Bolt would build, with a form body parsed by its fields (see the module's docstring)."""
    req = AsyncBoltRequest(body="", query=query or None, headers=headers)  # the body is read below
    req.raw_body = raw
    kind = req.content_type
    if not raw:
        req.body = {}
    elif raw.startswith("{") or kind == "application/json":
        req.body = json.loads(raw)  # as Bolt's parse_body reads JSON
    elif "payload" not in raw:
        req.body = form_fields(raw)  # a slash command: what Bolt's parse_body reads, read faster
    elif (kind or "").startswith(FORM) and not raw.lstrip().startswith("{"):
        req.body = form_body(raw)  # read by field, unlike Bolt
    else:
        req.body = AsyncBoltRequest(body=raw, headers=headers).body  # a body Slack never sends: Bolt's reading
    req.context = build_async_context(AsyncBoltContext({}), req.body)
    return req


def asgi_response(response: BoltResponse) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Status, headers and body as Bolt's ASGI adapter sends them (its own content-length, Bolt's other
    headers as they are)."""
    body = response.body.encode()
    headers = [
        (name.encode(), str(value).encode())
        for name, values in response.headers.items()
        if name != "content-length"
        for value in values
    ]
    headers.append((b"content-length", str(len(body)).encode()))
    return response.status, headers, body
