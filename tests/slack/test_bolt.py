"""A request's context from our App is what Bolt's own AsyncApp would give it: the same logger, token, listener
runner, and a client with the same settings, made per request so that one request's token never reaches
another's."""

from __future__ import annotations

from typing import Any

import pytest
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import bolt
from bot.slack.bolt import App
from tests.support import slack_client as sc


async def _no_authorize(**_: Any) -> AuthorizeResult:
    raise AssertionError("contexts are only built here, nothing is dispatched")


def apps(token: str | None = None) -> tuple[AsyncApp, App]:
    def client() -> AsyncWebClient:
        c = AsyncWebClient(token=None, base_url="http://127.0.0.1:9/api/", timeout=7)
        c.retry_handlers = [AsyncRateLimitErrorRetryHandler(max_retry_count=2)]
        return c

    options: dict[str, Any] = {"signing_secret": "s" * 32, "process_before_response": True}
    if token:
        return AsyncApp(token=token, **options), App(token=token, **options)
    return (
        AsyncApp(client=client(), authorize=_no_authorize, **options),
        App(client=client(), authorize=_no_authorize, **options),
    )


def request(team: str = "T0NEWS") -> AsyncBoltRequest:
    body = sc.command_body("article4", command="/pact").decode().replace("T0NEWS", team)
    return AsyncBoltRequest(body=body, headers={"content-type": "application/x-www-form-urlencoded"})


def client_settings(c: AsyncWebClient) -> dict[str, Any]:
    out = dict(vars(c))
    handlers = out.pop("retry_handlers")
    out["retry_handlers"] = [(type(h), vars(h)) for h in handlers] if handlers is not None else None
    return out


@pytest.mark.parametrize("token", [None, "xoxb-static"])
def test_the_context_is_the_one_bolt_builds(token: str | None) -> None:
    theirs_app, ours_app = apps(token)
    theirs, ours = request(), request()
    theirs_app._init_context(theirs)
    ours_app._init_context(ours)
    assert set(theirs.context) == set(ours.context)
    for key in theirs.context:
        if key == "client":
            assert type(ours.context.client) is AsyncWebClient
            assert client_settings(ours.context.client) == client_settings(theirs.context.client)
        elif key == "listener_runner":
            assert ours.context[key] is ours_app.listener_runner
        else:
            assert ours.context[key] == theirs.context[key], key
    assert ours.context.client.default_params == {"team_id": "T0NEWS"}


def test_each_request_has_a_client_of_its_own() -> None:
    _, app = apps()
    first, second = request(), request()
    app._init_context(first)
    app._init_context(second)
    a, b = first.context.client, second.context.client
    assert a is not b
    a.token = "xoxb-first-workspace"  # what authorisation does to this request's client
    a.default_params["x"] = "1"
    a.retry_handlers.clear()
    assert b.token is None and b.default_params == {"team_id": "T0NEWS"} and len(b.retry_handlers) == 1
    third = request()
    app._init_context(third)
    assert third.context.client.token is None and len(third.context.client.retry_handlers) == 1


def test_each_workspace_gets_its_own_team_id_and_the_prepared_clients_are_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bolt, "MAX_PREPARED", 2)
    _, app = apps()
    seen = []
    for team in ("T0AAAA", "T0BBBB", "T0CCCC", "T0AAAA"):
        req = request(team)
        app._init_context(req)
        seen.append(req.context.client.default_params["team_id"])
    assert seen == ["T0AAAA", "T0BBBB", "T0CCCC", "T0AAAA"]
    assert len(app._prepared) == 2
