"""The Bolt app: small listeners that turn Slack requests into service calls and answers into Block Kit.

The answer to a slash command goes in the ack itself (the HTTP response), so a reporter gets it in one round
trip. Everything else (sharing, mentions, DMs, App Home) uses the Web API or the response_url.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot import logs
from bot.core.answer import Answer, Kind
from bot.service import Asker, Service, notice
from bot.slack.blocks import SHARE_ACTION, render_home, render_message

log = logs.get()
_MENTION = re.compile(r"<@[A-Z0-9]+>")

#: What every request of each kind must carry; a signed request missing them is malformed (400), not a crash.
REQUIRED = {
    "command": ("command", "user_id"),
    "block_actions": ("user", "actions"),
}


class RenderCache:
    """Rendered messages by (knowledge version, command, question).

    An answer is a pure function of the knowledge and the question, and rendering it through the Block Kit
    models (which validate every object) costs ~10x computing it. Reporters ask the same things again and
    again, so the rendered payload is kept. Notices (status, refusals) depend on who asks and when: never kept.
    """

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[str, str, str], dict[str, Any]] = OrderedDict()

    def message(self, version: str, command: str, text: str, answer: Answer) -> dict[str, Any]:
        if answer.kind is Kind.NOTICE or not version:
            return render_message(answer)
        key = (version, command, text)
        found = self.entries.get(key)
        if found is None:
            found = self.entries[key] = render_message(answer)
            if len(self.entries) > self.size:
                self.entries.popitem(last=False)
        else:
            self.entries.move_to_end(key)
        return found  # shared and read-only: Bolt only serialises it (a copy cost 15% of a request)


def _asker(user: str | None, channel: str | None) -> Asker:
    return Asker(user=user or "", channel=channel or "")


def build_app(service: Service, *, signing_secret: str, client: AsyncWebClient, **bolt: Any) -> AsyncApp:
    """Register one slash command per topic, the share button, mentions, DMs and App Home."""
    app = AsyncApp(signing_secret=signing_secret, client=client, **bolt)

    @app.middleware
    async def reject_malformed(body: dict[str, Any], next: Any) -> BoltResponse | None:
        kind = body.get("type") or ("command" if {"command", "user_id", "text"} & body.keys() else None)
        required = REQUIRED.get(str(kind), ())
        if any(not body.get(k) for k in required):
            log.warning("request_malformed", kind=kind, missing=[k for k in required if not body.get(k)])
            return BoltResponse(status=400, body="malformed request")
        return await next()  # type: ignore[no-any-return]

    rendered = RenderCache()

    async def slash(ack: AsyncAck, command: dict[str, Any]) -> None:
        text = command.get("text", "")
        answer = service.answer(command["command"], text, _asker(command["user_id"], command.get("channel_id")))
        await ack(rendered.message(service.version(), command["command"], text, answer))

    # Any command: topics come from the knowledge, and a reload may add one. Unknown ones get a notice.
    app.command(re.compile(r"^/"))(slash)

    @app.action(SHARE_ACTION)
    async def share(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        user = body["user"]["id"]
        try:
            value = json.loads(body["actions"][0].get("value") or "")
            command, text = str(value["c"]), str(value["q"])
        except (ValueError, KeyError, TypeError, IndexError):
            log.warning("share_malformed", user=user)
            await respond(render_message(notice("Cannot share", "That button is broken; ask again.")))
            return
        asker = _asker(user, (body.get("channel") or {}).get("id"))
        answer = service.answer(command, text, asker)
        message = render_message(answer, response_type="in_channel", shared_by=user)
        await respond(**message, replace_original=False, delete_original=True)
        log.info("answer_shared", topic=command, kind=answer.kind.value, user=user, channel=asker.channel)

    async def in_thread(event: dict[str, Any], say_client: AsyncWebClient, text: str) -> None:
        command, _, rest = text.strip().partition(" ")
        if not command.startswith("/"):
            command, rest = "", text
        commands = service.commands()
        topic = command if command in commands else (commands[0] if len(commands) == 1 else None)
        answer = service.answer(
            topic, rest if command in commands else text, _asker(event.get("user"), event["channel"])
        )
        message = render_message(answer)
        message.pop("response_type", None)
        await say_client.chat_postMessage(
            channel=event["channel"], thread_ts=event.get("thread_ts") or event["ts"], **message
        )

    @app.event("app_mention")
    async def mention(event: dict[str, Any], client: AsyncWebClient) -> None:
        await in_thread(event, client, _MENTION.sub("", event.get("text", "")))

    @app.event("message")
    async def direct_message(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype"):
            return  # only people's own DMs; never answer a bot, an edit or ourselves
        await in_thread(event, client, event.get("text", ""))

    @app.event("app_home_opened")
    async def home(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        catalog = service.store.catalog
        if catalog is None:
            return
        await client.views_publish(user_id=event["user"], view=render_home(catalog.knowledge))

    return app
