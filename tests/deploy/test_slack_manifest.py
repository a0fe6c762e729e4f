"""The Slack app manifests declare what the code handles, and the code handles what they declare."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

import pytest
import yaml
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.store import KnowledgeStore
from bot.server import EVENTS_PATH
from bot.service import Service
from bot.slack import app as slack_app
from tests.support import slack_client as sc
from tests.support import slack_stand_in
from tests.support.paths import KNOWLEDGE, ROOT
from tests.support.server import BOT_TOKEN

MANIFESTS = {mode: ROOT / "deploy" / "slack" / f"manifest-{mode}.yaml" for mode in ("http", "socket")}


def manifest(mode: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(MANIFESTS[mode].read_text("utf-8"))
    return data


@pytest.fixture(scope="module")
def topics() -> list[str]:
    store = KnowledgeStore(KNOWLEDGE)
    assert store.reload().ok and store.catalog is not None
    return [t.command for t in store.catalog.knowledge.topics]


@pytest.mark.parametrize("mode", ["http", "socket"])
def test_manifest_declares_exactly_what_the_code_handles(mode: str, topics: list[str]) -> None:
    m = manifest(mode)
    commands = m["features"]["slash_commands"]
    assert sorted(c["command"] for c in commands) == sorted(topics)  # one per knowledge topic, no more
    for c in commands:
        assert c["description"] and c["usage_hint"] and len(c["description"]) <= 100
    assert m["settings"]["event_subscriptions"]["bot_events"] == list(slack_app.BOT_EVENTS)
    assert sorted(m["oauth_config"]["scopes"]["bot"]) == sorted(slack_app.BOT_SCOPES)
    assert "user" not in m["oauth_config"]["scopes"]  # never acts as a person
    assert m["settings"]["interactivity"]["is_enabled"] is bool(slack_app.ACTIONS or slack_app.SHORTCUTS)
    shortcuts = m["features"]["shortcuts"]
    assert sorted(s["callback_id"] for s in shortcuts) == sorted(slack_app.SHORTCUTS)
    assert all(s["type"] == "message" and len(s["name"]) <= 24 and len(s["description"]) <= 80 for s in shortcuts)
    home = m["features"]["app_home"]
    assert home["home_tab_enabled"] and home["messages_tab_enabled"] and not home["messages_tab_read_only_enabled"]


def test_http_manifest_points_every_url_at_the_server_and_socket_at_none() -> None:
    http, socket = manifest("http"), manifest("socket")
    urls = [c["url"] for c in http["features"]["slash_commands"]]
    urls += [http["settings"]["event_subscriptions"]["request_url"], http["settings"]["interactivity"]["request_url"]]
    assert urls and all(u.startswith("https://") and u.endswith(EVENTS_PATH) for u in urls)
    assert http["settings"]["socket_mode_enabled"] is False and socket["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in json.dumps(socket) and "url" not in str(socket["features"]["slash_commands"])
    assert all(u.endswith("/slack/oauth_redirect") for u in http["oauth_config"]["redirect_urls"])


def _event(name: str) -> dict[str, Any]:
    """A minimal event of each subscription the manifest declares (`message.im` is a `message` in a DM)."""
    base = {"user": "U0REPORTER", "ts": "1718870000.000100", "event_ts": "1718870000.000100"}
    if name == "message.im":
        return {**base, "type": "message", "channel": "D0DM", "channel_type": "im", "text": "timeline"}
    if name == "app_mention":
        return {**base, "type": "app_mention", "channel": "C0NEWSDESK", "text": "<@U0FACTBOT> timeline"}
    return {**base, "type": name, "channel": "D0DM", "tab": "home"}


def test_every_declared_event_command_and_action_reaches_a_listener(slack: slack_stand_in.StandIn) -> None:
    async def scenario() -> dict[str, int]:
        store = KnowledgeStore(KNOWLEDGE)
        store.reload()
        client = AsyncWebClient(token=BOT_TOKEN, base_url=slack.api_url)
        app = slack_app.build_app(Service(store), signing_secret=sc.SECRET, client=client)

        async def status(body: bytes, content_type: str) -> int:
            headers: dict[str, str | Sequence[str]] = {"content-type": content_type}
            headers.update({k.lower(): v for k, v in sc.sign(body).items()})
            response = await app.async_dispatch(AsyncBoltRequest(body=body.decode(), headers=headers))
            return response.status

        seen = {}
        for name in [*slack_app.BOT_EVENTS, "reaction_added"]:  # the last one is declared nowhere
            seen[name] = await status(sc.event_body(_event(name)), "application/json")
        for command in [c["command"] for c in manifest("http")["features"]["slash_commands"]]:
            seen[command] = await status(
                sc.command_body("article4", command=command), "application/x-www-form-urlencoded"
            )
        message = {"type": "message", "user": "U0WRITER", "text": "timeline", "ts": "1718870000.000100"}
        for shortcut in slack_app.SHORTCUTS:
            body = sc.shortcut_body(message, f"{slack.url}/respond").replace(b"check_with_factdesk", shortcut.encode())
            seen[shortcut] = await status(body, "application/x-www-form-urlencoded")
        value = json.dumps({"c": "/pact", "q": "article4"})
        for action in slack_app.ACTIONS:
            body = sc.action_body(value, f"{slack.url}/respond").replace(b"share_answer", action.encode())
            seen[action] = await status(body, "application/x-www-form-urlencoded")
        await asyncio.sleep(0.2)  # let event listeners finish their Web API calls before the loop closes
        return seen

    seen = asyncio.run(scenario())
    assert seen.pop("reaction_added") == 404  # Bolt answers 404 to what no listener handles: the check can fail
    assert seen and all(code == 200 for code in seen.values()), seen
