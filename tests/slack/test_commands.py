"""The slash-command listener: dispatched by Bolt like any listener (global middleware first, then the first
listener that matches), but matched and called without Bolt's per-request argument injection; and the
authorisation from memory, which Bolt calls without wrapping."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.store import KnowledgeStore
from bot.service import Service
from bot.slack.app import build_app
from bot.slack.blocks import SHARE_ACTION
from bot.slack.commands import SlashCommands
from bot.slack.identity import Authorize, Identity
from tests.support import slack_client as sc
from tests.support.paths import FIXTURES

TOKEN = "xoxb-1-2-test"


def _app() -> AsyncApp:
    store = KnowledgeStore(FIXTURES / "mini")
    assert store.reload().ok
    identity = Identity(TOKEN, user_id="U0BOT", bot_id="B0BOT", team_id="T0NEWS", checked=True)
    client = AsyncWebClient(token=TOKEN, base_url="http://127.0.0.1:9/api/")
    return build_app(
        Service(store), signing_secret=sc.SECRET, client=client, identity=identity, request_verification_enabled=False
    )


def _dispatch(app: AsyncApp, body: bytes) -> BoltResponse:
    req = AsyncBoltRequest(body=body.decode(), headers={"content-type": "application/x-www-form-urlencoded"})
    response: BoltResponse = asyncio.run(app.async_dispatch(req))
    return response


def test_a_slash_command_passes_the_global_middleware_then_is_answered_by_the_first_listener() -> None:
    app = _app()
    seen: list[tuple[Any, ...]] = []

    @app.use
    async def record(context: Any, body: dict[str, Any], next: Any) -> None:
        seen.append((body.get("command"), context.bot_token, context.bot_user_id, context.team_id))
        await next()  # (authorised before any listener runs)

    assert isinstance(app._async_listeners[0], SlashCommands)
    r = _dispatch(app, sc.command_body("quote roe", command="/mini"))
    assert r.status == 200 and r.headers["content-type"] == ["application/json;charset=utf-8"]
    assert json.loads(r.body)["blocks"][0]["text"]["text"].startswith("Quotes")
    assert seen == [("/mini", TOKEN, "U0BOT", "T0NEWS")]


def test_bolt_calls_the_authorize_from_memory_as_it_is_without_wrapping_it() -> None:
    # A plain function would be wrapped in Bolt's AsyncCallableAuthorize, which builds every argument it could
    # inject on every request.
    assert type(_app()._async_authorize) is Authorize


def test_bolts_argument_injection_is_not_run_for_a_slash_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import slack_bolt.listener.async_listener as listeners
    import slack_bolt.listener_matcher.async_builtins as matchers

    calls: list[str] = []
    for module in (listeners, matchers):
        real = module.build_async_required_kwargs

        def counting(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
            calls.append(kwargs["this_func"].__name__)
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, "build_async_required_kwargs", counting)
    app = _app()
    assert _dispatch(app, sc.command_body("quote roe", command="/mini")).status == 200
    assert calls == []
    # Other listeners are Bolt's own, with its injection: a Share click still reaches its listener.
    click = sc.action_body(json.dumps({"c": "/mini", "q": "quote roe"}), "http://127.0.0.1:9/hook", action=SHARE_ACTION)
    assert _dispatch(app, click).status == 200 and calls


@pytest.mark.parametrize(
    ("body", "matches"),
    [({"command": "/mini", "user_id": "U1"}, True), ({"command": "/other"}, True), ({"command": "mini"}, False),
     ({"command": ["/mini"]}, False), ({"type": "block_actions", "actions": []}, False), ({}, False)],
)  # fmt: skip
def test_the_listener_matches_what_a_command_pattern_of_any_slash_would(body: dict[str, Any], matches: bool) -> None:
    app = _app()
    listener = app._async_listeners[0]
    req = AsyncBoltRequest(body="", headers={})
    req.body = body
    assert asyncio.run(listener.async_matches(req=req, resp=BoltResponse(status=200))) is matches
